"""Where the bot and model producers get time, ids, durations and the process id from.

``Stamps()`` is production: the wall clock in aware UTC, UUIDv7 ids, ``time.perf_counter`` for
measured durations and ``os.getpid``. A scripted run (the demo, a test) passes its own — the paper
terminal's clock, ids counted from a seed, a timer that reads the scripted clock — so that every
event it writes is a function of its script alone. Nothing else in an event may come from the
machine it ran on.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from tradejournal.events import new_id

__all__ = ["Stamps", "wall_clock"]


def wall_clock() -> dt.datetime:
    """The current aware UTC time."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Stamps:
    """The sources of everything in an event that is not a fact of the outside world."""

    now: Callable[[], dt.datetime] = wall_clock
    """When an event happened (aware UTC)."""
    new_id: Callable[[], str] = new_id
    """The id of an event without a source key."""
    timer: Callable[[], float] = time.perf_counter
    """Seconds on a monotonic scale: durations are differences of two readings."""
    pid: Callable[[], int | None] = os.getpid
    """The process id ``bot.started``/``bot.stopped`` record (None: not recorded)."""

    def elapsed_ms(self, started: float) -> float:
        """Milliseconds since the ``timer`` reading ``started`` (0.1 ms resolution)."""
        return round(max(self.timer() - started, 0.0) * 1000, 1)
