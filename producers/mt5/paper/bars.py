"""Bars built from the paper terminal's quotes, served like ``copy_rates_*``.

Every bid is folded into a one-minute bar (open time in server time); loaded history bars (e.g.
from a CSV) are kept at their own open time and width. ``rates`` aggregates these base bars into
any MT5 timeframe: minutes/hours/days by flooring the open time, weeks from Sunday 00:00 (as MT5
does), months from the 1st. Ask a timeframe at least as wide as the loaded bars. The result is a
numpy structured array with the real ``copy_rates_*`` layout, oldest bar first.
"""

from __future__ import annotations

import bisect
import datetime as dt

import numpy as np

from ..api import constants as c
from ..api.records import RATES_DTYPE

__all__ = ["BarBook", "timeframe_seconds"]

_WEEK_ANCHOR = 3 * 86_400  # 1970-01-04 was a Sunday


def timeframe_seconds(timeframe: int) -> int:
    """Length of a ``TIMEFRAME_*`` in seconds (a month counts 30 days; ValueError if unknown)."""
    if timeframe == c.TIMEFRAME_MN1:
        return 30 * 86_400
    if timeframe == c.TIMEFRAME_W1:
        return 7 * 86_400
    if timeframe & 0x4000 and timeframe in c.TIMEFRAME_NAMES:
        return (timeframe & 0x3FFF) * 3_600
    if timeframe in c.TIMEFRAME_NAMES:
        return timeframe * 60
    raise ValueError(f"unknown timeframe {timeframe}")


def _bucket(t: int, timeframe: int) -> int:
    if timeframe == c.TIMEFRAME_MN1:
        d = dt.datetime.fromtimestamp(t, dt.UTC)
        return int(dt.datetime(d.year, d.month, 1, tzinfo=dt.UTC).timestamp())
    if timeframe == c.TIMEFRAME_W1:
        return (t - _WEEK_ANCHOR) // 604_800 * 604_800 + _WEEK_ANCHOR
    width = timeframe_seconds(timeframe)
    return t // width * width


class BarBook:
    """Base bars of one symbol: open time (server epoch s) -> [open, high, low, close, ticks, spread]."""

    def __init__(self) -> None:
        self._times: list[int] = []
        self._bars: dict[int, list[float]] = {}

    def __len__(self) -> int:
        return len(self._times)

    def _put(self, t: int, bar: list[float]) -> None:
        if t not in self._bars:
            bisect.insort(self._times, t)
        self._bars[t] = bar

    def tick(self, server_s: int, bid: float, spread_points: int) -> None:
        """Fold a bid at ``server_s`` into its minute bar."""
        t = server_s // 60 * 60
        bar = self._bars.get(t)
        if bar is None:
            self._put(t, [bid, bid, bid, bid, 1, spread_points])
        else:
            bar[1], bar[2], bar[3] = max(bar[1], bid), min(bar[2], bid), bid
            bar[4] += 1

    def load(
        self, t: int, o: float, h: float, low: float, close: float, volume: int = 0, spread: int = 0
    ) -> None:
        """Add a finished history bar opening at ``t`` (server epoch seconds)."""
        self._put(t, [o, h, low, close, volume, spread])

    def rates(self, timeframe: int) -> np.ndarray:
        """All bars aggregated to ``timeframe``, oldest first."""
        return self._aggregate(self._times, timeframe)

    def _aggregate(self, times: list[int], timeframe: int) -> np.ndarray:
        rows: list[tuple[int, float, float, float, float, int, int, int]] = []
        for t in times:
            o, h, low, close, ticks, spread = self._bars[t]
            b = _bucket(t, timeframe)
            if rows and rows[-1][0] == b:
                last = rows[-1]
                rows[-1] = (b, last[1], max(last[2], h), min(last[3], low), close,
                            last[5] + int(ticks), int(spread), 0)  # fmt: skip
            else:
                rows.append((b, o, h, low, close, int(ticks), int(spread), 0))
        return np.array(rows, dtype=RATES_DTYPE)

    def _tail(self, end: int, timeframe: int, buckets: int) -> np.ndarray:
        """The last ``buckets`` aggregated bars made of base bars ``[:end]`` (walks back only as
        far as needed, so a scanner's call costs what it asks for, not the whole history)."""
        seen, last, i = 0, None, end
        while i > 0:
            b = _bucket(self._times[i - 1], timeframe)
            if b != last:
                if seen == buckets:
                    break
                seen, last = seen + 1, b
            i -= 1
        return self._aggregate(self._times[i:end], timeframe)

    def from_pos(self, timeframe: int, start_pos: int, count: int) -> np.ndarray:
        """``copy_rates_from_pos``: ``count`` bars ending ``start_pos`` bars back from the newest."""
        if start_pos < 0 or count <= 0:
            return np.array([], dtype=RATES_DTYPE)
        tail = self._tail(len(self._times), timeframe, start_pos + count)
        return tail[: max(0, len(tail) - start_pos)]

    def from_date(self, timeframe: int, date_from: int, count: int) -> np.ndarray:
        """``copy_rates_from``: ``count`` bars opening at or before ``date_from``."""
        if count <= 0:
            return np.array([], dtype=RATES_DTYPE)
        end = bisect.bisect_right(self._times, date_from)
        # bars of the bucket holding date_from may continue after it: include them
        if end:
            b = _bucket(self._times[end - 1], timeframe)
            while end < len(self._times) and _bucket(self._times[end], timeframe) == b:
                end += 1
        return self._tail(end, timeframe, count)

    def range(self, timeframe: int, date_from: int, date_to: int) -> np.ndarray:
        """``copy_rates_range``: bars opening within [date_from, date_to]."""
        lo = bisect.bisect_left(self._times, _bucket(date_from, timeframe))
        hi = bisect.bisect_right(self._times, date_to + timeframe_seconds(timeframe) * 2)
        agg = self._aggregate(self._times[lo:hi], timeframe)
        return agg[(agg["time"] >= date_from) & (agg["time"] <= date_to)]
