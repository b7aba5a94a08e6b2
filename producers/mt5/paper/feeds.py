"""Price feeds for paper trading: a seeded random walk, and a replay of OHLC bars from a CSV.

A feed yields :class:`Tick` quotes (UTC epoch ms, symbol, bid, ask) in time order;
``PaperTerminal.run_feed`` / ``step`` apply them. :class:`RandomWalkFeed` moves each symbol's
mid price by a Gaussian number of points every ``interval_s`` (same seed, same prices).
:class:`CsvBarFeed` replays bars of a CSV with a header ``time,open,high,low,close`` (optional
``tick_volume``, ``spread``; ``time`` in ISO 8601 UTC or epoch seconds): each bar becomes four
quotes — open, then low and high (in the order the bar's colour suggests), then close — spread
over the bar. Its first ``warmup`` bars can be loaded as history instead (for the scanner).
Bars exported from MT5 carry server time: give ``utc_offset_h`` (e.g. 2) to read them as UTC.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["CsvBar", "CsvBarFeed", "FeedTick", "RandomWalkFeed", "read_bars"]


@dataclass(frozen=True, slots=True)
class FeedTick:
    """One quote from a feed."""

    utc_ms: int
    symbol: str
    bid: float
    ask: float


@dataclass(frozen=True, slots=True)
class CsvBar:
    """One OHLC bar read from a CSV (``time`` UTC epoch seconds)."""

    time: int
    open: float
    high: float
    low: float
    close: float
    tick_volume: int = 0
    spread: int = 0


class RandomWalkFeed:
    """Gaussian random walk of mid prices, one quote per symbol every ``interval_s``."""

    def __init__(
        self,
        start: dict[str, float],
        *,
        seed: int = 0,
        start_utc: dt.datetime,
        interval_s: float = 60.0,
        step_points: float = 10.0,
        spread_points: int = 10,
        digits: dict[str, int] | None = None,
    ) -> None:
        self._mid = dict(start)
        self._rng = random.Random(seed)
        self._t = int(start_utc.timestamp() * 1000)
        self._dt = int(interval_s * 1000)
        self._step = step_points
        self._spread = spread_points
        self._digits = digits or {}

    def __iter__(self) -> Iterator[FeedTick]:
        while True:
            self._t += self._dt
            for symbol in sorted(self._mid):
                d = self._digits.get(symbol, 5)
                point = 10.0**-d
                mid = self._mid[symbol] + self._rng.gauss(0.0, self._step) * point
                mid = max(mid, 100 * point)
                self._mid[symbol] = mid
                bid = round(mid - self._spread * point / 2, d)
                yield FeedTick(self._t, symbol, bid, round(bid + self._spread * point, d))


def _parse_time(text: str) -> int:
    text = text.strip()
    try:
        return int(float(text))
    except ValueError:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=dt.UTC)
        return int(stamp.timestamp())


def read_bars(path: str | Path) -> list[CsvBar]:
    """The bars of a CSV file (ValueError naming the line if one is malformed)."""
    bars: list[CsvBar] = []
    with open(path, newline="", encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            try:
                bars.append(
                    CsvBar(
                        _parse_time(row["time"]), float(row["open"]), float(row["high"]),
                        float(row["low"]), float(row["close"]),
                        int(float(row.get("tick_volume") or 0)), int(float(row.get("spread") or 0)),
                    )
                )  # fmt: skip
            except (KeyError, ValueError, TypeError) as exc:
                raise ValueError(f"{path}: line {n}: not a bar ({exc})") from exc
    return sorted(bars, key=lambda b: b.time)


class CsvBarFeed:
    """Replay of OHLC bars of one symbol as quotes; ``warmup`` first bars become history."""

    def __init__(
        self,
        path: str | Path,
        symbol: str,
        *,
        bar_seconds: int = 60,
        spread_points: int = 10,
        digits: int = 5,
        warmup: int = 0,
        utc_offset_h: float = 0.0,
    ) -> None:
        self.symbol = symbol
        shift = int(round(utc_offset_h * 3600))
        bars = [replace(b, time=b.time - shift) for b in read_bars(path)]
        self.history = bars[:warmup]
        self._bars = bars[warmup:]
        self._width = bar_seconds
        self._spread = spread_points
        self._digits = digits
        self._ticks = self._replay()

    def __iter__(self) -> Iterator[FeedTick]:
        """The quotes not replayed yet (the replay resumes where the last run stopped)."""
        return self._ticks

    def _replay(self) -> Iterator[FeedTick]:
        point = 10.0**-self._digits
        for bar in self._bars:
            spread = (bar.spread or self._spread) * point
            middle = (bar.low, bar.high) if bar.close >= bar.open else (bar.high, bar.low)
            prices = (bar.open, *middle, bar.close)
            for i, bid in enumerate(prices):
                utc_ms = bar.time * 1000 + i * self._width * 1000 // 4
                yield FeedTick(
                    utc_ms, self.symbol, round(bid, self._digits), round(bid + spread, self._digits)
                )
