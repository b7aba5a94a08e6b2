"""The MT5 poller and trailing manager on the paper terminal: the exact events of real scenarios.

Each scenario ends with the cross-check that matters most: the journal's ``trades`` projection and
MT5 summary agree to the cent with the paper broker's own account (balance change, net profit,
deal count).
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from mt5live_helpers import Session, check_agreement, market, summary

from tradejournal.events import PositionStopMoved
from tradejournal.producers.mt5 import PaperTerminal, TrailingSettings


@pytest.fixture
def session(tmp_path: Path) -> Session:
    s = Session(tmp_path, trailing=TrailingSettings(breakeven_at_r=0, fixed_distance_points=600))
    yield s  # type: ignore[misc]
    s.close()


def test_market_order_trailed_twice_then_stopped_out(session: Session) -> None:
    t = session.terminal
    assert summary(session.poll()) == [
        ("terminal.connected",),
        ("account.balance_changed", "deposit"),
    ]
    session.trader.send(market("EURUSD", "buy", 1.0, 1.1001, sl=1.0951, tp=1.1200))
    assert summary(session.trader.last_events) == [("order.placed", "buy")]
    t.advance(10)
    assert summary(session.poll()) == [("deal.filled", "in", "expert")]
    t.advance(10)
    t.set_quote("EURUSD", 1.1060, 1.1061)
    first = session.poll()
    assert summary(first) == [("position.stop_moved", "trailing", "fixed")]
    t.advance(10)
    t.set_quote("EURUSD", 1.1090, 1.1091)
    second = session.poll()
    assert summary(second) == [("position.stop_moved", "trailing", "fixed")]
    moves = [e for e in first + second if isinstance(e, PositionStopMoved)]
    assert [(m.old_sl, m.new_sl, m.r_at_move) for m in moves] == [
        (D("1.0951"), D("1.1"), 1.18),
        (D("1.1"), D("1.103"), 1.78),
    ]
    t.advance(10)
    t.set_quote("EURUSD", 1.1030, 1.1031)
    assert summary(session.poll()) == [("order.placed", "sell"), ("deal.filled", "out", "sl")]
    assert summary(session.poll()) == []  # nothing new: nothing written
    figures = check_agreement(session)
    assert figures["net"] == D("290")
    (trade,) = figures["trades"]
    assert trade["close_reason"] == "sl" and trade["trail_count"] == 2
    assert trade["initial_sl"] == D("1.0951") and trade["final_sl"] == D("1.103")
    assert trade["r_basis"] == "contract" and trade["r_multiple"] == pytest.approx(0.58)


def test_partial_close_then_take_profit(tmp_path: Path) -> None:
    session = Session(tmp_path)  # no trailing
    t = session.terminal
    session.poll()
    session.trader.send(market("EURUSD", "sell", 2.0, 1.1000, sl=1.1050, tp=1.0950))
    session.poll()
    t.advance(60)
    t.set_quote("EURUSD", 1.0980, 1.0981)
    pos = t.positions_get()[0]
    session.trader.send(market("EURUSD", "buy", 0.5, 1.0981, position=pos.ticket))
    assert summary(session.trader.last_events) == [("order.placed", "buy")]
    assert summary(session.poll()) == [("deal.filled", "out", "expert")]
    t.advance(60)
    t.set_quote("EURUSD", 1.0949, 1.0950)
    assert summary(session.poll()) == [("order.placed", "buy"), ("deal.filled", "out", "tp")]
    figures = check_agreement(session)
    # 0.5 lot x 19 pips + 1.5 lot x 50 pips
    assert figures["net"] == D("95") + D("750")
    (trade,) = figures["trades"]
    assert trade["close_reason"] == "tp" and trade["closing_deals"] == 2
    assert trade["volume_in"] == D("2") and trade["volume_out"] == D("2")
    session.close()


def test_netting_reversal(tmp_path: Path) -> None:
    s = Session(tmp_path, terminal=PaperTerminal(hedging=False))
    t = s.terminal
    s.poll()
    s.trader.send(market("EURUSD", "buy", 1.0, 1.1001))
    s.poll()
    t.advance(60)
    t.set_quote("EURUSD", 1.1020, 1.1021)
    s.trader.send(market("EURUSD", "sell", 3.0, 1.1020))
    assert summary(s.poll()) == [("deal.filled", "inout", "expert")]
    t.advance(60)
    t.set_quote("EURUSD", 1.1000, 1.1001)
    s.trader.send(market("EURUSD", "buy", 2.0, 1.1001))
    assert summary(s.poll()) == [("deal.filled", "out", "expert")]
    figures = check_agreement(s)
    assert figures["net"] == D("190") + D("380")  # 19 pips x 1 lot, then 19 pips x 2 lots
    legs = [(r["leg"], r["side"], r["net_pnl"]) for r in figures["trades"]]
    assert legs == [(1, "buy", D("190")), (2, "sell", D("380"))]
    s.close()
