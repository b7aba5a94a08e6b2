"""A realistic event mix for benchmarks: the demo's synthetic trading days, repeated.

Each day comes from ``tradejournal.producers.demo.generate_day`` (chat, signals, recommendations,
orders, fills, trails, excursions, snapshots, timings), on consecutive dates, so ids stay unique.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from tradejournal.events import Event
from tradejournal.producers.demo import generate_day


def realistic_events(
    n: int, start: dt.date = dt.date(2024, 1, 1), seed: int = 7
) -> Iterator[Event]:
    """Yield ``n`` events: whole synthetic days, day after day."""
    day, made = start, 0
    while True:
        for event in generate_day(day, seed=seed + day.toordinal()):
            if made == n:
                return
            yield event
            made += 1
        day += dt.timedelta(days=1)


def batches(n: int, size: int) -> Iterator[list[Event]]:
    """Yield the mix in lists of ``size`` events."""
    batch: list[Event] = []
    for event in realistic_events(n):
        batch.append(event)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
