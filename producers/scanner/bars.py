"""Terminal bars as columns, and the MT5 timeframes (names, ``TIMEFRAME_*`` values, durations).

``copy_rates_from_pos`` returns, in the real package, a numpy structured array with the fields
``time, open, high, low, close, tick_volume, spread, real_volume`` (oldest bar first, ``time`` the
bar's open in broker-server epoch seconds); ``bars_from_rates`` accepts that, or any sequence of
tuples in the same field order (what a fake or an RPyC copy may return).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "TIMEFRAMES",
    "Bars",
    "bar_close",
    "bars_from_rates",
    "timeframe_constant",
]

_H, _W, _MN = 0x4000, 0x8000, 0xC000
TIMEFRAMES: dict[str, int] = {
    **{f"M{m}": m for m in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)},
    **{f"H{h}": _H | h for h in (1, 2, 3, 4, 6, 8, 12)},
    "D1": _H | 24,
    "W1": _W | 1,
    "MN1": _MN | 1,
}
"""Timeframe name -> the MetaTrader5 package's ``TIMEFRAME_*`` value (H1 = 16385, D1 = 16408)."""

_UNIT_MINUTES = {"M": 1, "H": 60, "D": 1440, "W": 10080}
RATE_FIELDS = ("time", "open", "high", "low", "close", "tick_volume", "spread", "real_volume")


@dataclass(frozen=True)
class Bars:
    """OHLC columns of consecutive bars, oldest first; ``time`` is the server-time bar open."""

    time: list[int]
    open: list[float]
    high: list[float]
    low: list[float]
    close: list[float]

    def __len__(self) -> int:
        return len(self.time)

    def head(self, n: int) -> Bars:
        """Return the first ``n`` bars."""
        return Bars(self.time[:n], self.open[:n], self.high[:n], self.low[:n], self.close[:n])


def bars_from_rates(rates: Any) -> Bars:
    """Return the Bars of a ``copy_rates_*`` result; raise ValueError if it is not one."""
    if rates is None:
        raise ValueError("no bars (the terminal returned None)")
    names = getattr(getattr(rates, "dtype", None), "names", None)
    if names:  # numpy structured array: columns by name
        missing = [f for f in RATE_FIELDS[:5] if f not in names]
        if missing:
            raise ValueError(f"rates lack the fields {', '.join(missing)}")
        columns = [list(rates[f]) for f in RATE_FIELDS[:5]]
    else:
        rows: Sequence[Any] = list(rates)
        if any(len(row) < 5 for row in rows):
            raise ValueError("each rate must be (time, open, high, low, close, ...)")
        columns = [[row[i] for row in rows] for i in range(5)]
    times = [int(t) for t in columns[0]]
    if any(b <= a for a, b in zip(times, times[1:], strict=False)):
        raise ValueError("bar times must increase (oldest bar first)")
    o, h, lo, c = ([float(v) for v in col] for col in columns[1:])
    return Bars(times, o, h, lo, c)


def timeframe_constant(terminal: Any, name: str) -> int:
    """Return the terminal's ``TIMEFRAME_<name>`` (the package's own value when it has one)."""
    if name not in TIMEFRAMES:
        raise ValueError(f"timeframe: {name!r} is not one of {', '.join(TIMEFRAMES)}")
    return int(getattr(terminal, f"TIMEFRAME_{name}", TIMEFRAMES[name]))


def bar_close(open_time: dt.datetime, name: str) -> dt.datetime:
    """Return when a bar of timeframe ``name`` opened at ``open_time`` closes (MN1: next month)."""
    if name == "MN1":
        year, month = divmod(open_time.month, 12)
        return open_time.replace(year=open_time.year + year, month=month + 1)
    return open_time + dt.timedelta(minutes=_UNIT_MINUTES[name[0]] * int(name[1:]))
