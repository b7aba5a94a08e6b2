"""The bot's way into the journal: appends run in a worker thread, never on the event loop.

The store is synchronous (a file lock and an fsync per append); ``JournalSink.emit`` hands the
batch to ``asyncio.to_thread``. ``record`` builds one event stamped now (a fresh id unless the
caller has a source key, the sink's producer) and appends it. ``timed`` measures a block and
journals ``metric.timing``. The
sink also carries the ``Stamps`` every handler takes time, ids and durations from (the wall clock
in production, a scripted clock in the demo).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from tradejournal.events import Event, MetricTiming
from tradejournal.producers.stamps import Stamps, wall_clock
from tradejournal.store import Appended, Journal

__all__ = ["JournalSink", "utcnow"]

E = TypeVar("E", bound=Event)


def utcnow() -> dt.datetime:
    """The current aware UTC time (the wall clock)."""
    return wall_clock()


class JournalSink:
    """Append events to an open journal from async code."""

    def __init__(
        self, journal: Journal, producer: str = "telegram", stamps: Stamps | None = None
    ) -> None:
        self.journal = journal
        self.producer = producer
        self.stamps = stamps or Stamps()

    def now(self) -> dt.datetime:
        """When an event happens now (the stamps' clock)."""
        return self.stamps.now()

    def new_id(self) -> str:
        """A fresh id for an event without a source key."""
        return self.stamps.new_id()

    async def emit(self, events: Sequence[Event]) -> Appended:
        """Append ``events`` atomically in a worker thread; return their seqs."""
        return await asyncio.to_thread(self.journal.append_many, list(events))

    async def record(
        self, kind: type[E], /, *, id: str | None = None, producer: str | None = None, **fields: Any
    ) -> E:
        """Append one ``kind`` event stamped now: ``id`` or a fresh one (drawn before the time),
        ``producer`` or the sink's; the other fields as given. Return it."""
        event = kind(
            id=id if id is not None else self.new_id(), ts=self.now(),
            producer=producer or self.producer, **fields,
        )  # fmt: skip
        await self.emit([event])
        return event

    @asynccontextmanager
    async def timed(
        self, name: str, *, correlation_id: str | None = None, causation_id: str | None = None
    ) -> AsyncIterator[None]:
        """Journal ``metric.timing`` named ``name`` for the enclosed block (also on error)."""
        started = self.stamps.timer()
        try:
            yield
        finally:
            ms = self.stamps.elapsed_ms(started)
            await self.record(
                MetricTiming, name=name, duration_ms=ms, correlation_id=correlation_id,
                causation_id=causation_id,
            )  # fmt: skip
