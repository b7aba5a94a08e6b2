"""The scanner on bars served by the paper terminal: replayed history and a random-walk session."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import msgspec
import pytest
from indicator_ref import ref_adx, ref_rsi
from test_scanner_job import _first_exit_from_oversold, _series

from tradejournal.producers.config import ScannerSettings, ServerClock
from tradejournal.producers.mt5 import PaperTerminal
from tradejournal.producers.mt5.paper import CsvBar, RandomWalkFeed
from tradejournal.producers.scanner import Scanner
from tradejournal.store import Journal

UTC = dt.UTC


@pytest.fixture
def journal(tmp_path: Path) -> Any:
    with Journal.open(tmp_path / "journal", create=True) as j:
        yield j


def test_replayed_history_bars_give_the_signal_at_the_same_bar(journal: Journal) -> None:
    # the test series' times as UTC bar opens; the paper server runs UTC+2 and serves them shifted
    rows = _series()
    i = _first_exit_from_oversold(rows)
    history = [CsvBar(r[0], r[1], r[2], r[3], r[4]) for r in rows[: i + 1]]
    after = dt.datetime.fromtimestamp(rows[i][0], UTC) + dt.timedelta(hours=1, minutes=5)
    paper = PaperTerminal(start=after, utc_offset_h=2.0, quotes={"EURUSD": (1.1, 1.1001)})
    paper.load_bars("EURUSD", history)
    assert paper.initialize()
    settings = ScannerSettings(
        symbols=["EURUSD"], timeframes=["H1"], bars=100, counter_trend_max_adx=100
    )
    scanner = Scanner(paper, journal, settings, clock=ServerClock(offset_h=2.0))
    (event,) = scanner.scan_once()  # the quote at `after` is the forming bar: dropped

    opened_utc = dt.datetime.fromtimestamp(rows[i][0], UTC)
    server_label = opened_utc + dt.timedelta(hours=2)
    assert event.signal_id == f"sig-EURUSD-H1-{server_label:%Y%m%dT%H%M}-rsi_reversal"
    assert event.ts == opened_utc + dt.timedelta(hours=1)  # the bar's close, back in UTC
    assert event.direction == "BUY"
    assert event.rsi == pytest.approx(ref_rsi([r[4] for r in rows[: i + 1]], 14)[i], abs=0.005)
    assert scanner.scan_once() == []


def test_a_random_walk_session_scanned_every_bar_matches_the_reference(journal: Journal) -> None:
    start = dt.datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    paper = PaperTerminal(start=start, utc_offset_h=2.0, quotes={"EURUSD": (1.1, 1.1001)})
    assert paper.initialize()
    feed = iter(RandomWalkFeed({"EURUSD": 1.1}, seed=7, start_utc=start, interval_s=60, step_points=8))  # fmt: skip
    settings = ScannerSettings(
        symbols=["EURUSD"], timeframes=["M15"], bars=120, rules=["rsi_reversal", "di_cross"]
    )
    settings = msgspec.structs.replace(settings, counter_trend_max_adx=100)
    scanner = Scanner(paper, journal, settings, clock=ServerClock(offset_h=2.0), now=lambda: paper.utc_now)  # fmt: skip
    written = []
    for _ in range(2 * 24 * 4):  # two days, one scan per M15 bar
        paper.run_feed(itertools.islice(feed, 15))
        written += scanner.scan_once()
        assert scanner.errors == []

    assert len(written) >= 3, "the seeded walk crosses the RSI and DI thresholds a few times"
    assert len({e.signal_id for e in written}) == len(written)
    assert [e.id for e in journal.read()] == [e.id for e in written]
    rates = paper.copy_rates_from_pos("EURUSD", paper.TIMEFRAME_M15, 0, 10_000)
    opens = [int(t) for t in rates["time"]]
    high, low, close = ([float(v) for v in rates[f]] for f in ("high", "low", "close"))
    for event in written:  # each signal's values equal the reference at its bar
        stamp = event.signal_id.split("-")[3] + "+0000"
        label = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%z")  # server wall clock, as UTC
        bar = opens.index(int(label.timestamp()))
        first = max(0, bar + 2 - settings.bars)  # `bars` fetched, the forming one dropped
        segment = slice(first, bar + 1)
        rsi = ref_rsi(close[segment], 14)[-1]
        adx = ref_adx(high[segment], low[segment], close[segment], 14)[0][-1]
        assert event.rsi == pytest.approx(rsi, abs=0.005), event.signal_id
        assert event.adx == pytest.approx(adx, abs=0.005), event.signal_id
        assert event.ts == label + dt.timedelta(minutes=15 - 120)
