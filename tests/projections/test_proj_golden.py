"""Golden scenario: the two_accounts story (proj_scenario.py) with hand-computed figures.

Money: EURUSD/GBPUSD 1 lot = 100 000 units, so a 0.001 move is 100 USD per lot. Every expected
value below is worked out in the comment next to it. A CSV dump of every table is also compared
with ``golden/two_accounts/<table>.csv`` (regenerate with ``UPDATE_GOLDEN=1``, review the diff).
"""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal as D
from pathlib import Path

import pytest

from tradejournal import projections as P

GOLDEN = Path(__file__).parent / "golden" / "two_accounts"


def _by_id(scenario_dir: Path) -> dict[str, dict]:
    return {t["trade_id"]: t for t in P.trades(scenario_dir)}


def test_partial_close_trade(scenario_dir: Path) -> None:
    t = _by_id(scenario_dir)["1001:11"]
    assert (t["side"], t["status"], t["volume_in"], t["volume_out"]) == ("buy", "closed", 1, 1)
    assert t["entry_vwap"] == D("1.1")
    assert t["exit_vwap"] == D("1.106")  # (0.5 * 1.105 + 0.5 * 1.107) / 1.0
    assert t["net_pnl"] == D("590")  # 250 + 350 - 5 - 2.5 - 2.5
    assert t["initial_sl"] == D("1.095") and t["final_sl"] == D("1.1")
    assert t["r_basis"] == "money"
    assert t["initial_risk_money"] == D("500")  # 0.005 * 1.0 lot * 100 000
    assert t["r_multiple"] == pytest.approx(1.18)  # 590 / 500
    assert t["r_price"] == pytest.approx(1.2)  # (1.106 - 1.1) / 0.005
    assert t["planned_r"] == pytest.approx(2.0)  # |1.11 - 1.1| / 0.005
    assert t["mae_r"] == pytest.approx(-0.4) and t["mfe_r"] == pytest.approx(1.6)
    assert t["efficiency"] == pytest.approx(0.75)  # 0.006 / 0.008
    assert t["r_given_back"] == pytest.approx(0.4)  # (1.108 - 1.106) / 0.005
    assert t["mfe_money"] == D("800")  # 0.008 * 1.0 * 100 000
    assert (t["trail_count"], t["time_to_breakeven_s"], t["final_stop_r"]) == (1, 1800.0, 0.0)
    assert (t["close_reason"], t["duration_s"], t["deals"], t["closing_deals"]) == (
        "tp",
        7200.0,
        3,
        2,
    )
    assert (t["strategy"], t["regime"], t["tags"]) == ("breakout", "trend", ["london"])
    assert (t["recommendation_id"], t["signal_id"], t["model"], t["prompt_variant"]) == (
        "R1", "S1", "gpt-4o-mini", "v2",
    )  # fmt: skip


def test_breakeven_trade_initial_stop_from_stop_move(scenario_dir: Path) -> None:
    t = _by_id(scenario_dir)["1001:12"]
    assert (t["side"], t["net_pnl"], t["close_reason"]) == ("sell", 0, "sl")
    assert t["initial_sl"] == D("1.109")  # order had none: first stop move (method initial)
    # exit at entry: no own profit-per-point; pooled over the account's EURUSD trades:
    # (600 - 30 + 40) / (0.006 - 0.0003 + 0.0004) = 100 000 per lot
    assert t["r_basis"] == "money_symbol_estimate"
    assert t["initial_risk_money"] == D("60")  # 0.003 * 0.2 * 100 000
    assert t["r_multiple"] == 0.0


def test_trade_without_initial_stop_has_null_r(scenario_dir: Path) -> None:
    t = _by_id(scenario_dir)["1001:13"]
    assert (t["symbol"], t["net_pnl"], t["initial_sl"]) == ("GBPUSD", D("-25"), None)
    assert t["r_multiple"] is None and t["r_basis"] is None and t["initial_risk_money"] is None


def test_reversal_splits_into_legs(scenario_dir: Path) -> None:
    trades = _by_id(scenario_dir)
    leg1, leg2 = trades["1001:14"], trades["1001:14/2"]
    assert (leg1["leg"], leg1["side"], leg1["volume_in"], leg1["volume_out"]) == (
        1,
        "buy",
        D("0.3"),
        D("0.3"),
    )
    assert (leg1["entry_vwap"], leg1["exit_vwap"], leg1["net_pnl"]) == (
        D("1.1"),
        D("1.099"),
        D("-30"),
    )
    assert leg1["r_multiple"] == pytest.approx(-0.5)  # -30 / (0.002 * 0.3 * 100 000)
    assert leg1["close_reason"] == "client"  # the inout deal closed it
    assert (leg2["leg"], leg2["side"], leg2["volume_in"], leg2["volume_out"]) == (
        2,
        "sell",
        D("0.2"),
        D("0.2"),
    )
    assert (leg2["entry_vwap"], leg2["exit_vwap"], leg2["net_pnl"]) == (
        D("1.099"),
        D("1.097"),
        D("40"),
    )
    assert leg2["initial_sl"] == D("1.102")  # the inout deal's order
    assert leg2["r_multiple"] == pytest.approx(2 / 3)  # 40 / (0.003 * 0.2 * 100 000)
    assert leg2["close_reason"] == "tp"


def test_other_account_trade(scenario_dir: Path) -> None:
    t = _by_id(scenario_dir)["2002:21"]
    assert (t["symbol"], t["side"], t["net_pnl"]) == ("USDJPY", "sell", D("32.84"))
    # value per point = 33.44 / (0.5 * 0.1) = 668.8; risk = 0.5 * 0.1 * 668.8 = 33.44
    assert t["r_multiple"] == pytest.approx(32.84 / 33.44)


def test_stats_account_1001(scenario_dir: Path) -> None:
    s = P.stats(scenario_dir, account="1001")
    # trades: +590 W, 0 B, -25 L, -30 L, +40 W (by close time)
    assert (s["trades"], s["wins"], s["losses"], s["breakevens"]) == (5, 2, 2, 1)
    assert s["win_rate"] == 0.5 and s["win_rate_incl_be"] == 0.4
    assert (s["gross_win"], s["gross_loss"], s["net_pnl"]) == (630, -55, 575)
    assert s["profit_factor"] == pytest.approx(630 / 55) and s["profit_factor_is_inf"] is False
    assert s["payoff_ratio"] == pytest.approx(315 / 27.5)
    assert s["expectancy"] == 115  # 575 / 5
    rs = [1.18, 0.0, -0.5, 2 / 3]
    mean = sum(rs) / 4
    sd = (sum((r - mean) ** 2 for r in rs) / 3) ** 0.5
    assert s["expectancy_r"] == pytest.approx(mean)
    assert (s["trades_with_r"], s["trades_without_r"]) == (4, 1)
    assert s["sqn"] == pytest.approx(2 * mean / sd) and s["sqn_basis"] == "R" and s["sqn_warning"]
    # realised P&L from the balance before the first trade (10 000; the 5 000 deposit is not
    # P&L): 590, 590, 565, 535, 575 -> max drop 55 from 590, current 15
    assert s["drawdown_source"] == "realised" and s["start_balance"] == 10000
    assert s["curve_by_account"] == {"1001": "realised"}
    # % on the time-weighted index: -25 on 10 590, then (after the 5 000 deposit) -30 on 15 565
    assert s["max_drawdown"] == 55
    assert s["max_drawdown_pct"] == pytest.approx((1 - 10565 / 10590 * 15535 / 15565) * 100)
    assert s["current_drawdown"] == 15
    assert (s["longest_win_streak"], s["longest_loss_streak"], s["current_streak"]) == (1, 2, 1)


def test_stats_breakdowns_and_tolerance(scenario_dir: Path) -> None:
    by_side = P.stats(scenario_dir, by="side", account="1001")
    assert by_side["buy"]["trades"] == 3 and by_side["sell"]["trades"] == 2
    assert (
        by_side["sell"]["profit_factor"] == float("inf") and by_side["sell"]["profit_factor_is_inf"]
    )
    by_reason = P.stats(scenario_dir, by="close_reason")
    assert {k: v["trades"] for k, v in by_reason.items()} == {"client": 2, "sl": 1, "tp": 3}
    by_hour = P.stats(scenario_dir, by="hour")
    assert list(by_hour)[:2] == ["10", "11"]  # open hours, UTC, sorted numerically
    assert P.stats(scenario_dir, by="weekday")["Monday"]["trades"] == 6
    # tol 30: |-25|, 0 and |-30| are breakevens now
    s = P.stats(scenario_dir, account="1001", tol=30)
    assert (s["wins"], s["losses"], s["breakevens"]) == (2, 0, 3)
    with pytest.raises(P.ProjectionError, match="unknown breakdown"):
        P.stats(scenario_dir, by="colour")


def test_stats_equity_drawdown_when_snapshots(scenario_dir: Path) -> None:
    s = P.stats(scenario_dir, account="2002")
    # equity 2000, 2050, 1990, 2032.84: max drop 60 from 2050, current 17.16
    assert s["drawdown_source"] == "equity"
    assert s["max_drawdown"] == 60 and s["max_drawdown_pct"] == pytest.approx(60 / 2050 * 100)
    assert s["current_drawdown"] == D("17.16")
    both = P.stats(scenario_dir)  # each account its own curve, summed
    assert both["curve_by_account"] == {"1001": "realised", "2002": "equity"}
    assert both["drawdown_source"] == "mixed" and "sharpe" not in both


def test_stats_since_until(scenario_dir: Path) -> None:
    s = P.stats(scenario_dir, account="1001", since="2024-03-04T15:00:00Z")
    assert s["trades"] == 3  # closed at 16h, 19h, 20h
    # balance at 15h: 10000 + deals before (590 + 0) -> curve 10565, 10535, 10575
    assert s["start_balance"] == 10590 and s["max_drawdown"] == 55
    empty = P.stats(scenario_dir, until="2024-03-01T00:00:00Z")
    assert empty["trades"] == 0 and empty["win_rate"] is None


def test_mt5_summary_account_1001(scenario_dir: Path) -> None:
    m = P.mt5_summary(scenario_dir, account="1001")
    assert list(m) == list(P.MT5_SUMMARY_COLUMNS)
    # closing deals in order: 247.5, 347.5, 0 (BE counts as profit), -25, -30 (inout), 40
    # entry deals: -5 (commission of deal 1001)
    assert m["total_net_profit"] == 575
    assert m["gross_profit"] == 635 and m["gross_loss"] == -60  # -55 - 5 entry commission
    assert m["profit_factor"] == D("10.5833333333")  # 635 / 60
    assert m["expected_payoff"] == D("95.8333333333")  # 575 / 6
    assert (m["total_trades"], m["profit_trades"], m["loss_trades"]) == (6, 4, 2)
    assert m["profit_trades_pct"] == D("66.6666666667")
    assert (m["short_trades"], m["short_won_pct"], m["long_trades"], m["long_won_pct"]) == (
        2,
        100,
        4,
        50,
    )
    assert (m["largest_profit_trade"], m["largest_loss_trade"]) == (D("347.5"), -30)
    assert m["average_profit_trade"] == D("158.75")  # 635 / 4
    assert m["average_loss_trade"] == -30  # gross loss / loss trades: -60 / 2 (history rule)
    assert (m["max_consecutive_wins"], m["max_consecutive_wins_money"]) == (3, 595)
    assert (m["max_consecutive_losses"], m["max_consecutive_losses_money"]) == (2, -55)
    assert (m["maximal_consecutive_profit"], m["maximal_consecutive_profit_count"]) == (595, 3)
    assert (m["maximal_consecutive_loss"], m["maximal_consecutive_loss_count"]) == (-55, 2)
    # balance: 10000, 9995, 10242.5, 10590, 10590, 10590, 10590, 10565, +5000 -> 15565,
    # 15565, 15535, 15575. Drops: 5 from 10000, 25 from 10590, 30 from 15565.
    assert m["balance_drawdown_absolute"] == 5
    assert m["balance_drawdown_maximal"] == 30
    assert m["balance_drawdown_maximal_pct"] == round(D(30) * 100 / D(15565), 10)
    assert m["balance_drawdown_relative_pct"] == round(D(25) * 100 / D(10590), 10)
    assert m["balance_drawdown_relative"] == 25


def test_mt5_summary_pooled_and_empty(scenario_dir: Path, journal_dir: Path) -> None:
    pooled = P.mt5_summary(scenario_dir)
    assert pooled["total_net_profit"] == D("607.84") and pooled["total_trades"] == 7
    assert P.mt5_summary(scenario_dir, account="2002")["balance_drawdown_absolute"] == D("0.3")
    empty = P.mt5_summary(journal_dir)
    assert empty["total_trades"] == 0 and empty["profit_factor"] is None
    assert P.mt5_summary(scenario_dir, account="nope")["total_trades"] == 0


def test_links_recommendation_signal_oco(scenario_dir: Path) -> None:
    cols, rows = P.query(scenario_dir, "SELECT * FROM recommendations")
    rec = dict(zip(cols, rows[0], strict=True))
    assert (rec["status"], rec["executed"], rec["won"], rec["trade_id"]) == (
        "executed",
        True,
        True,
        "1001:11",
    )
    assert (rec["net_pnl"], rec["entry_slippage"], rec["cost_usd"]) == (590, 0, D("0.0012"))
    cols, rows = P.query(
        scenario_dir,
        "SELECT signal_id, followed, followed_by_link, minutes_to_trade FROM signals ORDER BY 1",
    )
    assert rows == [("S1", True, True, 30.0), ("S2", True, False, 6.0)]
    cols, rows = P.query(
        scenario_dir,
        "SELECT status, filled_ticket, cancel_ticket, cancel_latency_ms FROM oco_pairs",
    )
    assert rows == [("FILLED_A", 101, 107, 180.0)]


def test_trade_story_in_time_order(scenario_dir: Path) -> None:
    story = P.trade_story(scenario_dir, 11)
    types = [s["type"] for s in story]
    assert types[:8] == [
        "signal.detected", "signal.notified", "conversation.started", "conversation.message",
        "conversation.message", "recommendation.issued", "recommendation.approved", "order.placed",
    ]  # fmt: skip
    assert "order.cancelled" in types and "oco.triggered" in types  # the OCO sibling's cancel
    assert types.count("deal.filled") == 3 and types[-1] == "trade.result"
    assert story[-1]["net"] == 590 and story[-1]["r_multiple"] == pytest.approx(1.18)
    assert [s["ts"] for s in story] == sorted(s["ts"] for s in story)
    assert P.trade_story(scenario_dir, 999) == []


def _dump(scenario_dir: Path) -> dict[str, str]:
    out = {}
    for name in P.table_docs():
        if P.describe_tables()[name].kind == "macro" or name == "events":
            continue
        cols, rows = P.query(scenario_dir, f"SELECT * FROM {name}")
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for row in sorted(rows, key=repr):
            w.writerow(
                ["" if v is None else (f"{v:.10g}" if isinstance(v, float) else v) for v in row]
            )
        out[name] = buf.getvalue()
    return out


def test_golden_tables(scenario_dir: Path) -> None:
    dump = _dump(scenario_dir)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name, text in dump.items():
            (GOLDEN / f"{name}.csv").write_text(text, encoding="utf-8")
    expected = {p.stem: p.read_text(encoding="utf-8") for p in GOLDEN.glob("*.csv")}
    assert sorted(expected) == sorted(dump), "tables added/removed: run with UPDATE_GOLDEN=1"
    for name, text in dump.items():
        assert text == expected[name], f"{name} differs from golden/two_accounts/{name}.csv"
