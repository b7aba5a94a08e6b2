"""Starting balances and balance curves when the account held money before the journal began;
the equity ratios of a selection.

Scenario ``carried_balance`` (proj_scenario.py): a deposit of 2 000 after which the broker reports a
balance of 12 000. Every percentage below is of the real balance (12 000 and what follows), not of
the deposited amount; the figures the old sum-of-amounts rule gave are noted for contrast.
"""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import Decimal as D
from pathlib import Path

import pytest
from proj_helpers import write
from proj_scenario import C, at, carried_balance, deposit

from tradejournal import projections as P
from tradejournal.events import AccountSnapshot, DealFilled


@pytest.fixture(scope="module")
def carried(tmp_path_factory: pytest.TempPathFactory) -> Path:
    jd = tmp_path_factory.mktemp("carried") / "journal"
    write(jd, carried_balance())
    return jd


def test_stats_start_from_the_reported_balance(carried: Path) -> None:
    s = P.stats(carried)
    # trades by close: -310, +200, -100, +30 (the withdrawal is not P&L)
    assert (s["trades"], s["wins"], s["losses"], s["net_pnl"]) == (4, 2, 2, -180)
    # start: the balance the deposit reports, 12 000 (sum of amounts: 2 000)
    # curve 11690, 11890, 11790, 11820 under the 12 000 peak: max drop 310, current 180
    assert s["drawdown_source"] == "realised" and s["start_balance"] == 12000
    assert s["max_drawdown"] == 310 and s["current_drawdown"] == 180
    assert s["max_drawdown_pct"] == pytest.approx(310 / 12000 * 100)  # 2.58 %, not 15.5 %
    assert s["drawdown_peak_ts"] is None  # the peak is the start balance itself
    assert s["drawdown_trough_ts"] == at(2)


def test_stats_since_adds_what_followed_the_reported_balance(carried: Path) -> None:
    s = P.stats(carried, since=at(5.5).isoformat())
    # 12 000 reported, then deals -5 -305 +0 +200 and the withdrawal -500 (no balance reported)
    assert s["trades"] == 2 and s["start_balance"] == 11390
    # curve 11290, 11320: max drop 100 from 11 390
    assert s["max_drawdown"] == 100
    assert s["max_drawdown_pct"] == pytest.approx(100 / 11390 * 100)


def test_every_group_says_where_its_drawdown_comes_from(carried: Path) -> None:
    groups = P.stats(carried, by="symbol")
    assert {g: f["drawdown_source"] for g, f in groups.items()} == {
        "EURUSD": "realised",
        "GBPUSD": "realised",
    }
    eur = groups["EURUSD"]
    # each group starts from the selection's balance: 11690, 11890, 11790
    assert eur["start_balance"] == 12000 and eur["max_drawdown"] == 310
    assert eur["max_drawdown_pct"] == pytest.approx(310 / 12000 * 100)
    assert groups["GBPUSD"]["max_drawdown"] == 0
    for dim in ("side", "account", "close_reason"):
        assert all(f["drawdown_source"] == "realised" for f in P.stats(carried, by=dim).values())


def test_mt5_balance_drawdown_from_the_reported_balance(carried: Path) -> None:
    m = P.mt5_summary(carried, account=C)
    assert m == P.mt5_summary(carried)  # one account
    # balance 12000, 11995, 11690, 11690, 11890, 11390, 11390, 11290, 11290, 11320;
    # the peak stays 12 000: drop 710 (5.92 % of 12 000; of the 2 000 deposit it was 35.5 %)
    assert m["balance_drawdown_absolute"] == 710  # 12 000 - lowest 11 290
    assert m["balance_drawdown_maximal"] == 710
    assert m["balance_drawdown_maximal_pct"] == round(D(710) * 100 / D(12000), 10)
    assert m["balance_drawdown_relative_pct"] == round(D(710) * 100 / D(12000), 10)
    assert m["balance_drawdown_relative"] == 710
    assert m["total_net_profit"] == -180 and m["total_trades"] == 4


def test_the_balance_check_agrees_with_every_deal(carried: Path) -> None:
    cols, rows = P.query(
        carried,
        "SELECT kind, count(*), bool_and(matches), max(abs(difference)) "
        "FROM mt5_balance_check GROUP BY kind ORDER BY kind",
    )
    assert rows == [("balance", 1, True, 0), ("deal", 8, True, 0)]


def test_the_balance_check_shows_a_deal_that_disagrees(journal_dir: Path) -> None:
    write(journal_dir, [
        deposit(1, "1000", 0),
        DealFilled(id="d10", ts=at(1), producer="mt5", account="1001", deal_ticket=10,
                   position_id=1, symbol="EURUSD", side="buy", entry="in", volume=D("1"),
                   price=D("1.1"), commission=D("-5"), balance=D("995")),
        DealFilled(id="d11", ts=at(2), producer="mt5", account="1001", deal_ticket=11,
                   position_id=1, symbol="EURUSD", side="sell", entry="out", volume=D("1"),
                   price=D("1.1"), profit=D("20"), balance=D("1065")),  # 1015 by the deals
    ])  # fmt: skip
    cols, rows = P.query(
        journal_dir,
        "SELECT deal_ticket, computed_balance, reported_balance, difference, matches "
        "FROM mt5_balance_check WHERE kind = 'deal' ORDER BY seq",
    )
    assert rows == [(10, 995, 995, 0, True), (11, 1015, 1065, 50, False)]
    # without a reported balance the deposit's amount opens the curve, as MT5 prints it
    m = P.mt5_summary(journal_dir)
    assert m["balance_drawdown_absolute"] == 5 and m["balance_drawdown_maximal"] == 5


def test_sharpe_and_sortino_follow_the_selection(journal_dir: Path) -> None:
    def day(i: int, hour: int = 0) -> dt.datetime:
        return dt.datetime(2024, 3, 4 + i, hour, tzinfo=dt.UTC)

    equity = ["1000", "1010", "1005", "1030", "1020"]  # at 20:00 on 4-8 March
    write(journal_dir, [
        AccountSnapshot(ts=day(i, 20), producer="mt5", account="4004", balance=D(e),
                        equity=D(e), margin=D(0), free_margin=D(e), currency="USD")
        for i, e in enumerate(equity)
    ])  # fmt: skip
    returns = [float(D(b) / D(a) - 1) for a, b in zip(equity, equity[1:], strict=False)]

    def ratios(r: list[float]) -> tuple[float, float]:
        down = (sum(min(x, 0) ** 2 for x in r) / len(r)) ** 0.5
        return (
            statistics.mean(r) / statistics.stdev(r) * 365**0.5,
            statistics.mean(r) / down * 365**0.5,
        )

    s = P.stats(journal_dir, account="4004")
    assert s["drawdown_source"] == "equity"
    assert (s["sharpe"], s["sortino"]) == pytest.approx(ratios(returns))
    # from 6 March: the returns of 6, 7 and 8 March (5 March's close is only their base)
    s = P.stats(journal_dir, account="4004", since=day(2))
    assert (s["sharpe"], s["sortino"]) == pytest.approx(ratios(returns[1:]))
    s = P.stats(journal_dir, account="4004", until=day(3))  # 4-6 March: two returns
    assert (s["sharpe"], s["sortino"]) == pytest.approx(ratios(returns[:2]))
