"""OCO brackets on the paper terminal: one leg fills and the sibling is cancelled; both legs fill
in a gap; a refused cancel; group state rebuilt from the journal after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from mt5live_helpers import Session, check_agreement, pending, summary

from tradejournal.events import OcoTriggered, OrderCancelled
from tradejournal.producers.mt5 import api as mt5


@pytest.fixture
def session(tmp_path: Path) -> Session:
    s = Session(tmp_path)
    s.poll()
    yield s  # type: ignore[misc]
    s.close()


def _bracket(s: Session) -> str:
    group = s.oco.create(
        pending("EURUSD", mt5.ORDER_TYPE_BUY_STOP, 1.0, 1.1020, sl=1.0990),
        pending("EURUSD", mt5.ORDER_TYPE_SELL_STOP, 1.0, 1.0980, sl=1.1010),
    )
    assert group is not None
    return group


def test_one_leg_fills_the_other_is_cancelled(session: Session) -> None:
    t = session.terminal
    group = _bracket(session)
    assert summary(session.all_events()[-3:]) == [
        ("order.placed", "buy_stop"),
        ("order.placed", "sell_stop"),
        ("oco.created",),
    ]
    assert summary(session.poll()) == []
    t.advance(30)
    t.set_quote("EURUSD", 1.1021, 1.1022)  # the buy stop triggers
    t.advance(0.25)  # the manager notices a quarter second later
    written = session.poll()
    assert summary(written) == [
        ("deal.filled", "in", "expert"),
        ("order.cancelled", "oco"),
        ("oco.triggered",),
    ]
    cancel = next(e for e in written if isinstance(e, OrderCancelled))
    trig = next(e for e in written if isinstance(e, OcoTriggered))
    assert cancel.oco_group_id == group and trig.oco_group_id == group
    assert trig.cancel_latency_ms == 250.0
    assert t.orders_get() == ()
    assert summary(session.poll()) == []
    check_agreement(session)


def test_both_legs_fill_in_a_gap(session: Session) -> None:
    t = session.terminal
    _bracket(session)
    t.advance(30)
    t.set_quote("EURUSD", 1.1030, 1.1031)  # buy stop fills
    t.set_quote("EURUSD", 1.0970, 1.0971)  # sell stop fills (and the long's SL) at once
    written = session.poll()
    assert summary(written) == [
        ("order.placed", "sell"),  # the long's stop-loss order, from history
        ("deal.filled", "in", "expert"),
        ("deal.filled", "in", "expert"),
        ("deal.filled", "out", "sl"),
        ("oco.failed", "both_filled"),
        ("alert.raised", "oco_failed"),
    ]
    assert summary(session.poll()) == []  # reported once
    check_agreement(session)


def test_refused_cancel_is_a_failure_with_the_retcode(session: Session) -> None:
    t = session.terminal
    _bracket(session)
    session.poll()
    t.set_quote("EURUSD", 1.1021, 1.1022)
    t.fail_next(mt5.TRADE_RETCODE_FROZEN)
    written = session.poll()
    assert summary(written) == [
        ("deal.filled", "in", "expert"),
        ("order.rejected", mt5.TRADE_RETCODE_FROZEN),
        ("oco.failed", "cancel_refused", mt5.TRADE_RETCODE_FROZEN),
        ("alert.raised", "oco_failed"),
    ]


def test_a_restarted_manager_resumes_open_groups(session: Session) -> None:
    t = session.terminal
    group = _bracket(session)
    session.start()  # a new process: poller and managers rebuilt from the journal alone
    assert group in session.oco.recorder.state.oco
    t.set_quote("EURUSD", 1.0979, 1.0980)  # the sell stop triggers
    assert [x[0] for x in summary(session.poll())] == [
        "deal.filled",
        "order.cancelled",
        "oco.triggered",
    ]
