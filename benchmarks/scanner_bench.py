"""Benchmark the signal scanner: ``python -m benchmarks.scanner_bench``.

Times the indicators (RSI, ADX/DI, ATR with Wilder's smoothing) on N bars, and one
``Scanner.scan_once`` over symbols x timeframes served by the paper terminal from one day of
minute quotes. Prints a markdown table with the machine.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tradejournal.producers.config import ScannerSettings, ServerClock
from tradejournal.producers.mt5.paper import PaperTerminal, RandomWalkFeed
from tradejournal.producers.scanner import Scanner, bars_from_rates, compute
from tradejournal.store import Journal

from .machine import describe


def _best(fn: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run() -> str:
    """Return the results as a markdown table."""
    rows = ["| what | size | best of 5 |", "|---|---|---|"]
    rng = random.Random(1)
    settings = ScannerSettings()
    for n in (300, 10_000):
        price, rates = 1.1, []
        for i in range(n):
            close = price + rng.gauss(0, 0.0005)
            rates.append((i * 60, price, max(price, close) + 0.0002, min(price, close) - 0.0002, close))  # fmt: skip
            price = close
        bars = bars_from_rates(rates)
        seconds = _best(lambda bars=bars: compute(bars, settings))
        rows.append(f"| indicators (RSI, ADX/DI, ATR) | {n:,} bars | {seconds * 1000:.1f} ms |")
    start = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    paper = PaperTerminal(start=start, utc_offset_h=2)
    paper.initialize()
    mids = {"EURUSD": 1.1, "GBPUSD": 1.27, "XAUUSD": 2000.0}
    feed = RandomWalkFeed(mids, seed=3, start_utc=start, interval_s=60, digits={"XAUUSD": 2})
    paper.run_feed(itertools.islice(feed, 3 * 24 * 60))
    scan = ScannerSettings(symbols=list(mids), timeframes=["M5", "M15"], bars=300)
    with tempfile.TemporaryDirectory() as tmp:
        with Journal.open(Path(tmp) / "journal", create=True) as journal:
            scanner = Scanner(paper, journal, scan, clock=ServerClock(2))
            seconds = _best(scanner.scan_once)
    rows.append(f"| scan_once on the paper terminal | 3 symbols x 2 timeframes x 300 bars | {seconds * 1000:.1f} ms |")  # fmt: skip
    return "\n".join(rows)


if __name__ == "__main__":
    print(f"Machine: {describe(Path('.'))}\n")
    print(run())
