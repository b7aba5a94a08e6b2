"""Golden scenarios for the statistics rules of docs/statistics.md, hand-computed.

One small journal per rule: excursions only while open and bounded by the fills, planned R only
from what was known at entry, cash flows never counted as performance (drawdown, time-weighted
index, Sharpe/Sortino), several accounts combined per account, netting reversal costs split by
volume, and the MT5 summary's average consecutive runs and equity drawdown.
EURUSD: 1 lot = 100 000 units, so a 0.001 move is 100 USD per lot.
"""

from __future__ import annotations

import math
import statistics
from decimal import Decimal as D
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from proj_helpers import write
from proj_scenario import at, deal, deposit, order

from tradejournal import projections as P
from tradejournal.events import (
    AccountBalanceChanged,
    AccountSnapshot,
    DealFilled,
    Event,
    PositionExcursion,
    PositionStopMoved,
    RecommendationExecuted,
    RecommendationIssued,
)

A = "1001"


def _trades(jd: Path) -> dict[str, dict]:
    return {t["trade_id"]: t for t in P.trades(jd)}


def _exc(pos: int, kind: str, price: str, h: float, account: str = A) -> PositionExcursion:
    return PositionExcursion(
        ts=at(h), producer="mt5", account=account, position_id=pos, excursion=kind, price=D(price)
    )


def _move(pos: int, h: float, method: str, **prices: str) -> PositionStopMoved:
    return PositionStopMoved(
        ts=at(h), producer="mt5", account=A, position_id=pos, method=method,
        **{k: D(v) for k, v in prices.items()},
    )  # fmt: skip


def _cash(ticket: int, kind: str, amount: str, h: float, account: str = A) -> AccountBalanceChanged:
    return AccountBalanceChanged(
        id=f"mt5:{account}:deal:{ticket}", ts=at(h), producer="mt5", account=account,
        deal_ticket=ticket, kind=kind, amount=D(amount),
    )  # fmt: skip


def _snap(account: str, h: float, equity: str) -> AccountSnapshot:
    return AccountSnapshot(
        ts=at(h), producer="mt5", account=account, balance=D(equity), equity=D(equity),
        margin=D(0), free_margin=D(equity), currency="USD",
    )  # fmt: skip


def _costs(ev: DealFilled, swap: str = "0", fee: str = "0") -> DealFilled:
    return msgspec.structs.replace(ev, swap=D(swap), fee=D(fee))


# --- 1. MAE / MFE only while open, bounded by the position's own fills ----------------------


def excursions() -> list[Event]:
    return [
        deposit(1, "10000", 0),
        order(301, "buy", "1.0", "1.1", 1, sl="1.095"),
        _exc(31, "mfe", "1.2", 1 - 1 / 60),  # a minute before the fill: ignored
        deal(3001, 31, "buy", "in", "1.0", "1.1", 1, order=301),
        _exc(31, "mae", "1.096", 1.5),
        _move(31, 1.6, "breakeven", old_sl="1.095", new_sl="1.1"),
        _exc(31, "mfe", "1.106", 1.8),
        # the TP fill at 1.108 is beyond the recorded MFE 1.106: it extends the MFE
        deal(3002, 31, "sell", "out", "1.0", "1.108", 2, order=302, profit="800", reason="tp"),
        _exc(31, "mfe", "1.12", 2.5),  # 30 minutes after the close: ignored
        _exc(31, "mae", "1.05", 2.5),  # ignored
        _move(31, 2.5, "trailing", old_sl="1.1", new_sl="1.11"),  # after the close: ignored
        # a short: MFE 1.19 before the fill is ignored; the exit fill 1.196 beats the MFE 1.197
        order(303, "sell", "0.5", "1.2", 3, sl="1.205"),
        _exc(32, "mfe", "1.19", 2.9),
        deal(3003, 32, "sell", "in", "0.5", "1.2", 3, order=303),
        _exc(32, "mae", "1.203", 3.5),
        _exc(32, "mfe", "1.197", 3.6),
        deal(3004, 32, "buy", "out", "0.5", "1.196", 4, order=304, profit="200"),
        # no excursion recorded: MAE / MFE unknown (not invented from the fills)
        order(305, "buy", "1.0", "1.1", 5, sl="1.095"),
        deal(3005, 33, "buy", "in", "1.0", "1.1", 5, order=305),
        deal(3006, 33, "sell", "out", "1.0", "1.102", 6, order=306, profit="200"),
    ]


def test_mae_mfe_only_while_open_and_bounded_by_fills(tmp_path: Path) -> None:
    write(tmp_path / "j", excursions())
    t = _trades(tmp_path / "j")
    long, short, untracked = t["1001:31"], t["1001:32"], t["1001:33"]
    # long: risk 0.005; MAE 1.096 -> -0.004 = -0.8 R; MFE = the TP fill 1.108 -> 1.6 R
    assert (long["mae_price"], long["mfe_price"]) == (D("1.096"), D("1.108"))
    assert long["mae_r"] == pytest.approx(-0.8) and long["mfe_r"] == pytest.approx(1.6)
    assert long["mae_money"] == -400 and long["mfe_money"] == 800  # 100 000 per lot
    assert long["efficiency"] == pytest.approx(1.0)  # 0.008 / 0.008, never above 1
    assert long["r_given_back"] == pytest.approx(0.0)  # exit at the MFE
    # stop moves in the same window: the trailing move after the close does not count
    assert (long["trail_count"], long["stop_moves"], long["final_sl"]) == (1, 1, D("1.1"))
    assert long["final_stop_r"] == pytest.approx(0.0)
    # short: risk 0.005; MAE 1.203 -> -0.6 R; MFE = exit fill 1.196 -> 0.8 R
    assert (short["mae_price"], short["mfe_price"]) == (D("1.203"), D("1.196"))
    assert short["mae_r"] == pytest.approx(-0.6) and short["mfe_r"] == pytest.approx(0.8)
    assert short["efficiency"] == pytest.approx(1.0) and short["r_given_back"] == pytest.approx(0)
    assert untracked["mae_price"] is None and untracked["mfe_price"] is None
    assert untracked["efficiency"] is None


# --- 2. planned R only from what was known at entry ----------------------------------------


def planned() -> list[Event]:
    rec = RecommendationIssued(
        ts=at(5.9), producer="llm", account=A, recommendation_id="R9", symbol="EURUSD",
        direction="BUY", entry_price=D("1.1"), sl=D("1.095"), tp=D("1.115"), confidence=70,
        model="m",
    )  # fmt: skip
    return [
        deposit(1, "10000", 0),
        # 40: opened without TP; the TP set 1.5 h later by a manual move is not planned
        order(401, "buy", "1.0", "1.1", 1, sl="1.095"),
        deal(4001, 40, "buy", "in", "1.0", "1.1", 1, order=401),
        _move(40, 2.5, "manual", old_sl="1.095", new_sl="1.095", new_tp="1.11"),
        deal(4002, 40, "sell", "out", "1.0", "1.105", 3, order=402, profit="500"),
        # 41: no SL/TP on the order, both set by the initial stop right after the fill
        order(403, "buy", "1.0", "1.1", 4),
        deal(4003, 41, "buy", "in", "1.0", "1.1", 4, order=403),
        _move(41, 4 + 1 / 60, "initial", new_sl="1.095", new_tp="1.11"),
        deal(4004, 41, "sell", "out", "1.0", "1.104", 5, order=404, profit="400"),
        # 42: the recommendation's SL and TP, an order without either
        rec,
        order(405, "buy", "1.0", "1.1", 6, recommendation_id="R9"),
        deal(4005, 42, "buy", "in", "1.0", "1.1", 6, order=405),
        RecommendationExecuted(
            ts=at(6), producer="mt5", recommendation_id="R9", order_ticket=405, position_id=42
        ),
        deal(4006, 42, "sell", "out", "1.0", "1.103", 7, order=406, profit="300"),
        # 43: TP on the order, but the stop came 1.5 h later: no planned R either
        order(407, "buy", "1.0", "1.1", 8, tp="1.11"),
        deal(4007, 43, "buy", "in", "1.0", "1.1", 8, order=407),
        _move(43, 9.5, "manual", new_sl="1.095"),
        deal(4008, 43, "sell", "out", "1.0", "1.101", 10, order=408, profit="100"),
    ]


def test_planned_r_only_from_what_was_known_at_entry(tmp_path: Path) -> None:
    write(tmp_path / "j", planned())
    t = _trades(tmp_path / "j")
    assert t["1001:40"]["planned_r"] is None
    assert t["1001:40"]["r_multiple"] == pytest.approx(1.0)  # R keeps its initial stop: 500 / 500
    assert t["1001:41"]["planned_r"] == pytest.approx(2.0)  # |1.11 - 1.1| / |1.1 - 1.095|
    assert t["1001:42"]["planned_r"] == pytest.approx(3.0)  # |1.115 - 1.1| / 0.005
    assert t["1001:43"]["planned_r"] is None


# --- 3. cash flows are not performance -----------------------------------------------------

E = "7007"
DAY = 24


def equity_with_cash_flows() -> list[Event]:
    """Account 7007, snapshots at 21:00 UTC on six days; a deposit on day 3, a withdrawal on day 5.

    equity 10000, 10100, 15200 (+5000 deposit), 15048, 12200 (-3000 withdrawal), 12080.
    """
    d0 = 12  # T0 is 09:00, so day k's 21:00 is 12 + 24 k hours
    return [
        _cash(1, "deposit", "10000", 0, account=E),
        _snap(E, d0, "10000"),
        order(701, "buy", "1.0", "1.1", DAY + 1, account=E),
        deal(7001, 71, "buy", "in", "1.0", "1.1", DAY + 1, account=E, order=701),
        deal(7002, 71, "sell", "out", "1.0", "1.101", DAY + 2, account=E, order=702, profit="100"),
        _snap(E, d0 + DAY, "10100"),
        _cash(2, "deposit", "5000", 2 * DAY + 1, account=E),
        _snap(E, d0 + 2 * DAY, "15200"),
        _snap(E, d0 + 3 * DAY, "15048"),
        _cash(3, "withdrawal", "-3000", 4 * DAY, account=E),
        _snap(E, d0 + 4 * DAY, "12200"),
        _snap(E, d0 + 5 * DAY, "12080"),
    ]


def test_cash_flows_are_not_drawdown_or_return_on_the_equity_curve(tmp_path: Path) -> None:
    write(tmp_path / "j", equity_with_cash_flows())
    s = P.stats(tmp_path / "j", account=E)
    assert s["drawdown_source"] == "equity" and s["curve_by_account"] == {E: "equity"}
    # P&L curve = equity - 10000 - cash flows since: 0, 100, 200, 48, 200, 80
    assert s["max_drawdown"] == 152  # 200 -> 48, not the raw 15200 -> 12080
    assert s["drawdown_peak_ts"] == at(12 + 2 * DAY) and s["drawdown_trough_ts"] == at(12 + 3 * DAY)
    assert s["current_drawdown"] == 120  # 200 -> 80
    # returns r = (E - CF) / E_prev - 1: 0.01, 100/10100, -0.01, 152/15048, -120/12200
    r = [0.01, 100 / 10100, -0.01, 152 / 15048, -120 / 12200]
    # index 1, 1.01, 1.02, 1.0098, 1.02, 1.02 * 12080/12200: the deepest fall is 1 %
    assert s["max_drawdown_pct"] == pytest.approx(1.0)
    sharpe = statistics.mean(r) / statistics.stdev(r) * math.sqrt(365)
    sortino = statistics.mean(r) / math.sqrt(sum(min(x, 0) ** 2 for x in r) / 5) * math.sqrt(365)
    assert s["sharpe"] == pytest.approx(sharpe) and s["sortino"] == pytest.approx(sortino)
    # (the deposit day counted as a +50.5 % return would give 4.48)
    assert sharpe == pytest.approx(3.56, abs=0.01)


def realised_with_withdrawal() -> list[Event]:
    """Account 1001 without snapshots: +500, a 3000 withdrawal, -100, +200."""
    return [
        deposit(1, "10000", 0),
        deal(5001, 51, "buy", "in", "1.0", "1.1", 1),
        deal(5002, 51, "sell", "out", "1.0", "1.105", 2, profit="500"),
        _cash(2, "withdrawal", "-3000", 3),
        deal(5003, 52, "buy", "in", "1.0", "1.1", 4),
        deal(5004, 52, "sell", "out", "1.0", "1.099", 5, profit="-100"),
        deal(5005, 53, "buy", "in", "1.0", "1.1", 6),
        deal(5006, 53, "sell", "out", "1.0", "1.102", 7, profit="200"),
    ]


def test_withdrawal_is_not_a_drawdown_on_the_realised_curve(tmp_path: Path) -> None:
    write(tmp_path / "j", realised_with_withdrawal())
    s = P.stats(tmp_path / "j")
    assert s["drawdown_source"] == "realised" and s["curve_by_account"] == {A: "realised"}
    assert s["start_balance"] == 10000
    assert s["max_drawdown"] == 100 and s["current_drawdown"] == 0  # P&L 500, 400, 600
    # index: x 10500/10000, then -100 on the 7500 left after the withdrawal
    assert s["max_drawdown_pct"] == pytest.approx(100 / 7500 * 100)
    assert "sharpe" not in s  # from equity returns only
    by = P.stats(tmp_path / "j", by="symbol")["EURUSD"]
    assert by["max_drawdown"] == 100 and by["max_drawdown_pct"] == pytest.approx(100 / 7500 * 100)


# --- 4. several accounts: each its own curve, summed on one timeline -------------------------


def mixed_accounts() -> list[Event]:
    """P (equity 1000, 1200, 1020 at 1h, 3h, 5h) and Q (realised, 2000; +50, -60, +10)."""
    p, q = "8001", "8002"
    return [
        _cash(1, "deposit", "1000", 0, account=p),
        _cash(1, "deposit", "2000", 0, account=q),
        deal(8101, 81, "buy", "in", "1.0", "1.1", 0.5, account=q),
        _snap(p, 1, "1000"),
        deal(8001, 91, "buy", "in", "1.0", "1.1", 1.5, account=p),
        deal(8002, 91, "sell", "out", "1.0", "1.101", 2, account=p, profit="100"),
        deal(8102, 81, "sell", "out", "1.0", "1.1005", 2.5, account=q, profit="50"),
        _snap(p, 3, "1200"),
        deal(8003, 92, "buy", "in", "1.0", "1.1", 3.5, account=p),
        deal(8004, 92, "sell", "out", "1.0", "1.099", 4, account=p, profit="-100"),
        deal(8103, 82, "buy", "in", "1.0", "1.1", 4.2, account=q),
        deal(8104, 82, "sell", "out", "1.0", "1.0994", 4.5, account=q, profit="-60"),
        _snap(p, 5, "1020"),
        deal(8105, 83, "buy", "in", "1.0", "1.1", 5.5, account=q),
        deal(8106, 83, "sell", "out", "1.0", "1.1001", 6, account=q, profit="10"),
    ]


def test_several_accounts_combine_each_accounts_own_curve(tmp_path: Path) -> None:
    write(tmp_path / "j", mixed_accounts())
    s = P.stats(tmp_path / "j")
    assert s["curve_by_account"] == {"8001": "equity", "8002": "realised"}
    assert s["drawdown_source"] == "mixed"
    # P&L: 1h 0 (P starts), 2.5h 50 (Q), 3h 250 (P 1200), 4.5h 190 (Q), 5h 10 (P 1020), 6h 20
    assert s["max_drawdown"] == 240 and s["current_drawdown"] == 230
    assert (s["drawdown_peak_ts"], s["drawdown_trough_ts"]) == (at(3), at(5))
    # value 3000 once both started, no cash flow after: index = value / 3000, 3250 -> 3010
    assert s["max_drawdown_pct"] == pytest.approx((1 - 3010 / 3250) * 100)
    assert P.stats(tmp_path / "j", account="8002")["curve_by_account"] == {"8002": "realised"}
    alone = P.stats(tmp_path / "j", account="8001")
    assert alone["drawdown_source"] == "equity" and alone["max_drawdown"] == 180  # 1200 -> 1020


# --- 5. netting reversal: costs split by volume --------------------------------------------


def reversal() -> list[Event]:
    return [
        deposit(1, "10000", 0),
        deal(6001, 60, "buy", "in", "0.3", "1.1", 1, comm="-3"),
        _costs(
            deal(6002, 60, "sell", "inout", "0.5", "1.099", 2, profit="-30", comm="-5"),
            swap="-1",
            fee="-0.5",
        ),  # fmt: skip
        deal(6003, 60, "buy", "out", "0.2", "1.097", 3, profit="40", comm="-2"),
    ]


def test_reversal_costs_split_pro_rata_by_volume(tmp_path: Path) -> None:
    write(tmp_path / "j", reversal())
    t = _trades(tmp_path / "j")
    leg1, leg2 = t["1001:60"], t["1001:60/2"]
    # the inout deal closes 0.3 (60 %) and opens 0.2 (40 %); its profit stays with leg 1
    assert (leg1["profit"], leg1["commission"], leg1["swap"], leg1["fee"]) == (
        -30, -6, D("-0.6"), D("-0.3"),
    )  # fmt: skip
    assert leg1["net_pnl"] == D("-36.9")  # -30 - 3 - 3 - 0.6 - 0.3
    assert (leg2["profit"], leg2["commission"], leg2["swap"], leg2["fee"]) == (
        40, -4, D("-0.4"), D("-0.2"),
    )  # fmt: skip
    assert leg2["net_pnl"] == D("35.4")  # 40 - 2 - 2 - 0.4 - 0.2
    assert leg1["net_pnl"] + leg2["net_pnl"] == D("-1.5")  # every deal's money, once


def test_reversal_split_stays_exact_with_thirds(tmp_path: Path) -> None:
    write(tmp_path / "j", [
        deal(6101, 61, "buy", "in", "0.1", "1.1", 1),
        deal(6102, 61, "sell", "inout", "0.3", "1.1", 2, comm="-1"),
        deal(6103, 61, "buy", "out", "0.2", "1.1", 3),
    ])  # fmt: skip
    t = _trades(tmp_path / "j")
    # one third closes, two thirds open: the shares add up to the deal's -1 exactly
    assert t["1001:61"]["commission"] + t["1001:61/2"]["commission"] == -1
    assert t["1001:61/2"]["commission"] == D("-0.6666666667")


# --- 6. MT5 summary: average consecutive runs, equity drawdown from snapshots ---------------


def test_mt5_average_consecutive_runs(tmp_path: Path) -> None:
    # results by deal order: +10 | -5 | +3 +4 | -1 -2 -3 | +1 : win runs 1, 2, 1 -> 1.33 -> 1;
    # loss runs 1, 3 -> 2
    results = ["10", "-5", "3", "4", "-1", "-2", "-3", "1"]
    events: list[Event] = [deposit(1, "1000", 0)]
    for i, profit in enumerate(results):
        events += [
            deal(1100 + 2 * i, i + 1, "buy", "in", "0.1", "1.1", i + 0.25),
            deal(1101 + 2 * i, i + 1, "sell", "out", "0.1", "1.1", i + 0.5, profit=profit),
        ]
    write(tmp_path / "j", events)
    m = P.mt5_summary(tmp_path / "j")
    assert (m["average_consecutive_wins"], m["average_consecutive_losses"]) == (1, 2)
    assert "equity_drawdown_maximal" not in m  # no account.snapshot: never invented


def test_mt5_average_consecutive_rounds_half_up(tmp_path: Path) -> None:
    # win runs 1, 2 -> 1.5 -> 2; loss run 1
    events: list[Event] = [deposit(1, "1000", 0)]
    for i, profit in enumerate(["1", "-1", "1", "1"]):
        events += [
            deal(1100 + 2 * i, i + 1, "buy", "in", "0.1", "1.1", i + 0.25),
            deal(1101 + 2 * i, i + 1, "sell", "out", "0.1", "1.1", i + 0.5, profit=profit),
        ]
    write(tmp_path / "j", events)
    m = P.mt5_summary(tmp_path / "j")
    assert (m["average_consecutive_wins"], m["average_consecutive_losses"]) == (2, 1)


def test_mt5_equity_drawdown_from_snapshots(scenario_dir: Path) -> None:
    m = P.mt5_summary(scenario_dir, account="2002")
    # deposit 2000; equity 2000, 2050, 1990, 2032.84
    assert m["equity_drawdown_absolute"] == 10  # 2000 - lowest 1990
    assert m["equity_drawdown_maximal"] == 60  # 2050 -> 1990
    assert m["equity_drawdown_maximal_pct"] == round(D(60) * 100 / D(2050), 10)
    assert m["equity_drawdown_relative_pct"] == round(D(60) * 100 / D(2050), 10)
    assert m["equity_drawdown_relative"] == 60
    assert (m["average_consecutive_wins"], m["average_consecutive_losses"]) == (1, 0)
    assert list(m) == [*P.MT5_SUMMARY_COLUMNS, *P.MT5_EQUITY_COLUMNS]
    # 1001 has no snapshot: pooled, the equity figures would be invented for it
    assert "equity_drawdown_maximal" not in P.mt5_summary(scenario_dir)
    assert "equity_drawdown_maximal" not in P.mt5_summary(scenario_dir, account="1001")


# --- property: cash flows anywhere never change the money drawdown -------------------------

results_st = st.lists(st.integers(-300, 300), min_size=1, max_size=6)
flows_st = st.lists(st.tuples(st.integers(0, 6), st.integers(-2000, 5000)), max_size=3)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(results=results_st, flows=flows_st)
def test_cash_flows_never_move_the_money_drawdown(
    tmp_path_factory: pytest.TempPathFactory, results: list[int], flows: list[tuple[int, int]]
) -> None:
    events: list[Event] = [deposit(1, "10000", 0)]
    for i, result in enumerate(results):
        events += [
            deal(5000 + 2 * i, 500 + i, "buy", "in", "1.0", "1.1", 2 * i + 1),
            deal(5001 + 2 * i, 500 + i, "sell", "out", "1.0", "1.1", 2 * i + 2, profit=str(result)),
        ]
    for j, (slot, amount) in enumerate(flows):  # between trade slot-1's close and slot's open
        kind = "deposit" if amount >= 0 else "withdrawal"
        events.append(_cash(10 + j, kind, str(amount), 2 * slot + 0.5))
    jd = tmp_path_factory.mktemp("prop") / "j"
    write(jd, sorted(events, key=lambda e: e.ts))
    s = P.stats(jd)
    pnl = peak = worst = 0
    balance, index, top, worst_pct, valid = D(10000), 1.0, 1.0, 0.0, True
    for i, result in enumerate(results):
        balance += sum(D(a) for slot, a in flows if slot == i)  # the flows before this trade
        pnl += result
        peak = max(peak, pnl)
        worst = max(worst, peak - pnl)
        if result and not (balance > 0 and balance + result > 0):
            valid = False  # a return the index cannot express
        elif result:
            index *= float((balance + result) / balance)
            top = max(top, index)
            worst_pct = max(worst_pct, 100 * (1 - index / top))
        balance += result
    assert s["max_drawdown"] == worst and s["current_drawdown"] == peak - pnl
    if valid:
        assert s["max_drawdown_pct"] == pytest.approx(worst_pct, abs=1e-9)
    else:
        assert s["max_drawdown_pct"] is None
