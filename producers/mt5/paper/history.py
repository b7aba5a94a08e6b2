"""Selecting records the way the MetaTrader5 package's ``*_get`` functions do.

``group`` is MT5's filter syntax: comma-separated wildcard patterns, ``!`` excluding
(``"*USD*"``, ``"*,!*EUR*"``); a symbol matches if some inclusion pattern matches and no exclusion
does. History ranges compare the records' broker-server times with the dates given (a datetime's
epoch, naive taken as UTC), both ends included — widen the window by the server's offset.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from typing import TypeVar

from ..api.protocol import DateLike
from .clock import to_epoch

__all__ = ["in_range", "match_group"]

T = TypeVar("T")


def match_group(symbol: str, group: str) -> bool:
    """Whether ``symbol`` passes the MT5 ``group`` filter."""
    patterns = [p.strip() for p in group.split(",") if p.strip()]
    include = [p for p in patterns if not p.startswith("!")]
    exclude = [p[1:] for p in patterns if p.startswith("!")]
    if any(fnmatch.fnmatchcase(symbol, p) for p in exclude):
        return False
    return any(fnmatch.fnmatchcase(symbol, p) for p in include)


def in_range(items: Iterable[T], key: str, date_from: DateLike, date_to: DateLike) -> list[T]:
    """Items whose ``key`` time (server epoch s) lies in [date_from, date_to]."""
    lo, hi = to_epoch(date_from), to_epoch(date_to)
    return [i for i in items if lo <= getattr(i, key) <= hi]
