"""Trailing-stop rules on the paper terminal (breakeven with offset, ATR, fixed, step), the
never-loosen rule, refusals with backoff, and Wilder's ATR against hand-computed values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mt5live_helpers import Session, check_agreement, market, summary

from tradejournal.events import PositionStopMoved
from tradejournal.producers.mt5 import TrailingSettings, wilder_atr
from tradejournal.producers.mt5 import api as mt5
from tradejournal.producers.mt5.paper import DEFAULT_START, CsvBar


def _open(s: Session, sl: float = 1.0951) -> None:
    s.poll()
    s.trader.send(market("EURUSD", "buy", 1.0, 1.1001, sl=sl))
    s.poll()


def _moves(events: list) -> list[tuple]:
    return [
        (e.method, e.rule, e.old_sl, e.new_sl, e.r_at_move, e.atr_distance)
        for e in events
        if isinstance(e, PositionStopMoved)
    ]


def test_wilder_atr_by_hand() -> None:
    high, low = [10, 11, 12, 11, 13], [9, 10, 10, 10, 11]
    close = [9.5, 10.5, 11.5, 10.5, 12.5]
    # TR = 1.5, 2, 1.5, 2.5; first ATR = 5/3; then (5/3 * 2 + 2.5) / 3 = 35/18
    assert wilder_atr(high, low, close, 3) == pytest.approx(35 / 18)
    assert wilder_atr(high, low, close, 4) == pytest.approx(7.5 / 4)
    assert wilder_atr(high, low, close, 5) is None


@given(st.floats(0.0001, 10), st.floats(1, 1000), st.integers(1, 20), st.integers(0, 30))
def test_wilder_atr_of_a_constant_range_is_the_range(
    rng: float, mid: float, period: int, extra: int
) -> None:
    n = period + 1 + extra
    atr = wilder_atr([mid + rng / 2] * n, [mid - rng / 2] * n, [mid] * n, period)
    assert atr == pytest.approx(rng)


def test_breakeven_at_one_r_with_offset(tmp_path: Path) -> None:
    s = Session(tmp_path, trailing=TrailingSettings(breakeven_at_r=1, breakeven_offset_points=20))
    _open(s)
    s.terminal.set_quote("EURUSD", 1.1050, 1.1051)  # 0.98 R: not yet
    assert _moves(s.poll()) == []
    s.terminal.set_quote("EURUSD", 1.1051, 1.1052)  # 1.0 R
    assert _moves(s.poll()) == [("breakeven", "breakeven", D("1.0951"), D("1.1003"), 1.0, None)]
    s.terminal.set_quote("EURUSD", 1.1080, 1.1081)
    assert _moves(s.poll()) == []  # already there
    s.close()


def test_atr_trailing_never_loosens(tmp_path: Path) -> None:
    s = Session(
        tmp_path,
        trailing=TrailingSettings(
            breakeven_at_r=0, atr_multiplier=2, atr_timeframe=mt5.TIMEFRAME_H1, atr_period=14
        ),
    )
    start = int(DEFAULT_START.timestamp())
    s.terminal.load_bars(
        "EURUSD",
        [CsvBar(start - 3600 * k, 1.1, 1.1005, 1.0995, 1.1) for k in range(30, 0, -1)],
    )
    s.poll()
    s.trader.send(market("EURUSD", "buy", 1.0, 1.1001, sl=1.0951))
    # ATR(14) of the H1 bars = 0.0010: the stop trails 2 x 0.0010 behind the bid at once
    assert _moves(s.poll()) == [("trailing", "atr", D("1.0951"), D("1.098"), -0.02, D("0.002"))]
    s.terminal.advance(60)
    s.terminal.set_quote("EURUSD", 1.1040, 1.1041)
    assert _moves(s.poll()) == [("trailing", "atr", D("1.098"), D("1.102"), 0.78, D("0.002"))]
    s.terminal.advance(60)
    s.terminal.set_quote("EURUSD", 1.1030, 1.1031)  # the ATR stop would be lower: kept
    assert _moves(s.poll()) == []
    assert s.terminal.positions_get()[0].sl == 1.102
    s.close()


def test_step_trailing(tmp_path: Path) -> None:
    s = Session(tmp_path, trailing=TrailingSettings(breakeven_at_r=0, step_points=200))
    _open(s)
    s.terminal.set_quote("EURUSD", 1.1030, 1.1031)  # 29 points: one step of 20
    assert _moves(s.poll()) == [("trailing", "step", D("1.0951"), D("1.0971"), 0.58, None)]
    s.terminal.set_quote("EURUSD", 1.1042, 1.1043)  # 41: two steps
    assert _moves(s.poll()) == [("trailing", "step", D("1.0971"), D("1.0991"), 0.82, None)]
    s.close()


def test_a_refused_modification_is_journaled_and_retried_with_backoff(tmp_path: Path) -> None:
    s = Session(
        tmp_path,
        trailing=TrailingSettings(breakeven_at_r=0, fixed_distance_points=300, retry_backoff_s=5),
    )
    t = s.terminal
    s.poll()
    s.trader.send(market("EURUSD", "buy", 1.0, 1.1001, sl=1.0900))
    t.fail_next(mt5.TRADE_RETCODE_INVALID_STOPS, count=2)
    assert summary(s.poll()) == [
        ("deal.filled", "in", "expert"),
        ("order.rejected", mt5.TRADE_RETCODE_INVALID_STOPS),
        ("alert.raised", "stop_modify_refused"),
    ]
    assert s.poll() == []  # within the backoff: not retried
    t.advance(5)
    assert summary(s.poll()) == [("order.rejected", mt5.TRADE_RETCODE_INVALID_STOPS)]
    t.advance(9)  # the backoff doubled to 10 s
    assert s.poll() == []
    t.advance(1)
    assert _moves(s.poll()) == [("trailing", "fixed", D("1.09"), D("1.097"), -0.0099, None)]
    rejected = [e for e in s.all_events() if getattr(e, "action", None) == "sltp"]
    assert len(rejected) == 2
    check_agreement(s)
    s.close()


def test_settings_default_to_breakeven_only() -> None:
    s = TrailingSettings()
    assert (s.breakeven_at_r, s.atr_multiplier, s.fixed_distance_points, s.step_points) == (
        1.0, 0.0, 0.0, 0.0,
    )  # fmt: skip
    assert DEFAULT_START.tzinfo is dt.UTC
