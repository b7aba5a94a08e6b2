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
        rows: list[tuple[int, float, float, float, float, int, int, int]] = []
        for t in self._times:
            o, h, low, close, ticks, spread = self._bars[t]
            b = _bucket(t, timeframe)
            if rows and rows[-1][0] == b:
                last = rows[-1]
                rows[-1] = (b, last[1], max(last[2], h), min(last[3], low), close,
                            last[5] + int(ticks), int(spread), 0)  # fmt: skip
            else:
                rows.append((b, o, h, low, close, int(ticks), int(spread), 0))
        return np.array(rows, dtype=RATES_DTYPE)

    def from_pos(self, timeframe: int, start_pos: int, count: int) -> np.ndarray:
        """``copy_rates_from_pos``: ``count`` bars ending ``start_pos`` bars back from the newest."""
        all_ = self.rates(timeframe)
        end = len(all_) - start_pos
        return all_[max(0, end - count) : max(0, end)]

    def from_date(self, timeframe: int, date_from: int, count: int) -> np.ndarray:
        """``copy_rates_from``: ``count`` bars opening at or before ``date_from``."""
        all_ = self.rates(timeframe)
        end = int(np.searchsorted(all_["time"], date_from, side="right"))
        return all_[max(0, end - count) : end]

    def range(self, timeframe: int, date_from: int, date_to: int) -> np.ndarray:
        """``copy_rates_range``: bars opening within [date_from, date_to]."""
        all_ = self.rates(timeframe)
        mask = (all_["time"] >= date_from) & (all_["time"] <= date_to)
        return all_[mask]
