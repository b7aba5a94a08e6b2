"""The paper-trading demo (``make demo``): deterministic for a seed, the promised story, and a
journal that agrees with the paper broker."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from tradejournal import projections as P
from tradejournal.events import encode_event, event_tag
from tradejournal.producers.mt5.demo import DEMO_LOGIN, run_demo

ACCOUNT = str(DEMO_LOGIN)


def _lines(events: list) -> list[bytes]:
    import msgspec

    return [encode_event(msgspec.structs.replace(e, recorded_ts=None)) for e in events]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    jd = tmp_path_factory.mktemp("demo") / "journal"
    return jd, run_demo(jd, seed=42)


def test_same_seed_same_events_other_seed_other_prices(
    demo: tuple[Path, list], tmp_path: Path
) -> None:
    _, events = demo
    assert _lines(run_demo(tmp_path / "a", seed=42)) == _lines(events)
    other = run_demo(tmp_path / "b", seed=7)
    assert _lines(other) != _lines(events)
    assert [event_tag(e) for e in other if event_tag(e) != "position.excursion"] != []


def test_the_story(demo: tuple[Path, list]) -> None:
    jd, events = demo
    tags = [event_tag(e) for e in events]
    for tag in (
        "order.rejected",
        "oco.created",
        "oco.triggered",
        "order.cancelled",
        "alert.raised",
    ):
        assert tag in tags
    methods = {(e.method, e.rule) for e in events if event_tag(e) == "position.stop_moved"}
    assert {("breakeven", "breakeven"), ("trailing", "fixed"), ("initial", None)} <= methods
    trades = {t["symbol"]: t for t in P.trades(jd, account=ACCOUNT)}
    assert trades["EURUSD"]["closing_deals"] == 2 and trades["EURUSD"]["close_reason"] == "sl"
    assert trades["GBPUSD"]["close_reason"] == "tp"
    assert trades["USDJPY"]["close_reason"] == "sl"
    opened = [e for e in events if event_tag(e) == "deal.filled" and e.symbol == "USDJPY"]
    assert [d.reason for d in opened] == ["client", "sl"]  # opened by hand, closed by its stop
    assert all(t["r_basis"] == "contract" for t in trades.values())
    (pair,) = P.query(jd, "SELECT status, cancel_latency_ms FROM oco_pairs")[1]
    assert pair == ("FILLED_A", 150.0)
    alerts = [e.kind for e in events if event_tag(e) == "alert.raised"]
    assert alerts == ["terminal_disconnected", "terminal_reconnected", "no_stop_loss"]
    assert "terminal.disconnected" in tags


def test_the_demo_journal_agrees_with_its_trades(demo: tuple[Path, list]) -> None:
    jd, events = demo
    deals = [e for e in events if event_tag(e) == "deal.filled"]
    net = sum((d.profit + d.commission + d.swap + d.fee for d in deals), D(0))
    assert P.mt5_summary(jd, account=ACCOUNT)["total_net_profit"] == net
    assert sum((t["net_pnl"] for t in P.trades(jd, account=ACCOUNT)), D(0)) == net
    (last,) = [e for e in events if event_tag(e) == "account.snapshot"][-1:]
    assert last.balance == D(10000) + net
