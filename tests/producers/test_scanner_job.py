"""The scanner job end to end: bars from a terminal -> signal.detected in a real journal, once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pytest
from indicator_ref import ref_adx, ref_rsi

from tradejournal.producers.config import ScannerSettings, ServerClock
from tradejournal.producers.scanner import Scanner
from tradejournal.store import Journal

UTC = dt.UTC
RATES_DTYPE = [("time", "<i8"), ("open", "<f8"), ("high", "<f8"), ("low", "<f8"),
               ("close", "<f8"), ("tick_volume", "<u8"), ("spread", "<i4"),
               ("real_volume", "<u8")]  # fmt: skip
"""The MetaTrader5 package's rates record."""
T0 = int(dt.datetime(2026, 11, 30, 0, 0, tzinfo=UTC).timestamp())  # server wall clock, as MT5
NOW = dt.datetime(2026, 12, 10, 0, 0, tzinfo=UTC)


class BarsTerminal:
    """The slice of the MetaTrader5 API the scanner uses, serving bars built by the test."""

    TIMEFRAME_H1 = 16385
    TIMEFRAME_M15 = 15

    def __init__(self, bars: dict[tuple[str, int], list[tuple[Any, ...]]]) -> None:
        self.bars = bars
        self.calls: list[tuple[str, int, int, int]] = []

    def copy_rates_from_pos(self, symbol: str, timeframe: int, start: int, count: int) -> Any:
        self.calls.append((symbol, timeframe, start, count))
        rows = self.bars.get((symbol, timeframe))
        if rows is None:
            return None
        end = len(rows) - start
        return np.array(rows[max(0, end - count) : end], dtype=RATES_DTYPE)

    def last_error(self) -> tuple[int, str]:
        return (-4, "Terminal: Not found")


def _series() -> list[tuple[Any, ...]]:
    # a climb, a slide into oversold, a rebound: H1 bars of EURUSD from T0 (server time)
    closes = [1.1000 + 0.0004 * i + 0.0002 * (-1) ** i for i in range(30)]
    closes += [closes[-1] - 0.0012 * (i + 1) for i in range(12)]
    closes += [closes[-1] + 0.0015 * (i + 1) for i in range(8)]
    rows, prev = [], closes[0]
    for i, close in enumerate(closes):
        high, low = max(prev, close) + 0.0003, min(prev, close) - 0.0003
        rows.append(
            (T0 + 3600 * i, prev, round(high, 5), round(low, 5), round(close, 5), 100, 1, 0)
        )
        prev = close
    return rows


def _first_exit_from_oversold(rows: list[tuple[Any, ...]]) -> int:
    rsi = ref_rsi([r[4] for r in rows], 14)
    return next(
        i
        for i in range(15, len(rows))
        if rsi[i - 1] is not None and rsi[i - 1] <= 30 < rsi[i]  # type: ignore[operator]
    )


@pytest.fixture
def journal(tmp_path: Path) -> Any:
    with Journal.open(tmp_path / "journal", create=True) as j:
        yield j


def test_a_rebound_from_oversold_is_journaled_once_with_reference_values(journal: Journal) -> None:
    rows = _series()
    signal_bar = _first_exit_from_oversold(rows)
    served = rows[: signal_bar + 2]  # the signal bar is the last closed one; then a forming bar
    terminal = BarsTerminal({("EURUSD", 16385): served})
    settings = ScannerSettings(symbols=["EURUSD"], timeframes=["H1"], bars=50)
    # the slide is a strong down trend (ADX > 60): by default a BUY against it is dropped
    assert Scanner(terminal, journal, settings).scan_once() == []
    settings = msgspec.structs.replace(settings, counter_trend_max_adx=100)
    scanner = Scanner(terminal, journal, settings, clock=ServerClock(offset_h=2), now=lambda: NOW)

    written = scanner.scan_once()

    closes = [r[4] for r in served[:-1]]
    rsi = ref_rsi(closes, 14)
    adx, pdi, mdi, atr = ref_adx(
        [r[2] for r in served[:-1]], [r[3] for r in served[:-1]], closes, 14
    )
    i = signal_bar
    assert rsi[i - 1] <= 30 < rsi[i]  # type: ignore[operator]
    low = min(v for v in rsi[:i] if v is not None and v <= 30)
    trend = 1 if pdi[i] > mdi[i] else -1  # type: ignore[operator]
    expected_confidence = 50 + 30 * min(1, (30 - low) / 15) + 20 * trend * min(1, adx[i] / 50)  # type: ignore[operator]
    opened = dt.datetime.fromtimestamp(served[i][0], UTC)
    (event,) = written
    assert event.id == f"scanner:sig-EURUSD-H1-{opened:%Y%m%dT%H%M}-rsi_reversal"
    assert event.signal_id == event.id.removeprefix("scanner:")
    assert event.ts == opened + dt.timedelta(hours=1) - dt.timedelta(hours=2)  # close, server+2
    assert (event.symbol, event.timeframe, event.direction) == ("EURUSD", "H1", "BUY")
    assert event.confidence == pytest.approx(expected_confidence, abs=0.05)
    assert event.rsi == pytest.approx(rsi[i], abs=0.005)
    assert event.adx == pytest.approx(adx[i], abs=0.005)
    assert event.atr == pytest.approx(atr[i], rel=1e-9)
    assert event.price == Decimal(str(served[i][4]))
    assert event.regime == (
        "trending" if adx[i] >= 25 else "ranging" if adx[i] < 20 else "transition"
    )  # type: ignore[operator]
    assert event.reason.startswith(f"RSI(14) rose back above 30 after a low of {low:.1f}; ADX ")
    assert terminal.calls == [("EURUSD", 16385, 0, 50)] * 2
    assert [e.id for e in journal.read()] == [event.id]

    assert scanner.scan_once() == []  # the same bar again: nothing new
    assert sum(1 for _ in journal.read()) == 1


def test_the_forming_bar_is_ignored_unless_asked_and_then_stamped_no_later_than_now(
    journal: Journal,
) -> None:
    rows = _series()
    signal_bar = _first_exit_from_oversold(rows)
    served = rows[: signal_bar + 1]  # the crossing happens on the bar still forming
    terminal = BarsTerminal({("EURUSD", 16385): served})
    settings = ScannerSettings(
        symbols=["EURUSD"], timeframes=["H1"], bars=50, counter_trend_max_adx=100
    )
    now = dt.datetime.fromtimestamp(served[-1][0], UTC) + dt.timedelta(minutes=20)  # UTC clock
    assert Scanner(terminal, journal, settings, now=lambda: now).scan_once() == []
    forming = msgspec.structs.replace(settings, include_forming_bar=True)
    (event,) = Scanner(terminal, journal, forming, now=lambda: now).scan_once()
    assert event.ts == now


def test_a_symbol_the_terminal_cannot_serve_is_reported_and_the_others_still_scanned(
    journal: Journal,
) -> None:
    rows = _series()
    served = rows[: _first_exit_from_oversold(rows) + 2]
    terminal = BarsTerminal({("EURUSD", 15): served})
    settings = ScannerSettings(
        symbols=["NOPE", "EURUSD"], timeframes=["M15"], bars=50, counter_trend_max_adx=100
    )
    scanner = Scanner(terminal, journal, settings, now=lambda: NOW)
    written = scanner.scan_once()
    assert [e.signal_id.split("-")[:3] for e in written] == [["sig", "EURUSD", "M15"]]
    assert written[0].ts - dt.datetime.fromtimestamp(served[-2][0], UTC) == dt.timedelta(minutes=15)  # fmt: skip
    assert scanner.errors == ["NOPE M15: no bars from the terminal (last_error (-4, 'Terminal: Not found'))"]  # fmt: skip


def test_too_few_bars_or_quiet_markets_give_no_signal(journal: Journal) -> None:
    flat = [(T0 + 3600 * i, 1.1, 1.1002, 1.0998, 1.1, 10, 1, 0) for i in range(60)]
    terminal = BarsTerminal({("EURUSD", 16385): flat, ("GBPUSD", 16385): _series()[:10]})
    settings = ScannerSettings(symbols=["EURUSD", "GBPUSD"], timeframes=["H1"], bars=60)
    scanner = Scanner(terminal, journal, settings, now=lambda: NOW)
    assert scanner.scan_once() == []
    assert scanner.errors == []
