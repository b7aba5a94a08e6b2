"""The bot's way into the journal: appends run in a worker thread, never on the event loop.

The store is synchronous (a file lock and an fsync per append); ``JournalSink.emit`` hands the
batch to ``asyncio.to_thread``. ``timed`` measures a block and journals ``metric.timing``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from tradejournal.events import Event, MetricTiming
from tradejournal.store import Appended, Journal

__all__ = ["JournalSink", "utcnow"]


def utcnow() -> dt.datetime:
    """The current aware UTC time."""
    return dt.datetime.now(dt.UTC)


class JournalSink:
    """Append events to an open journal from async code."""

    def __init__(self, journal: Journal, producer: str = "telegram") -> None:
        self.journal = journal
        self.producer = producer

    async def emit(self, events: Sequence[Event]) -> Appended:
        """Append ``events`` atomically in a worker thread; return their seqs."""
        return await asyncio.to_thread(self.journal.append_many, list(events))

    @asynccontextmanager
    async def timed(
        self, name: str, *, correlation_id: str | None = None, causation_id: str | None = None
    ) -> AsyncIterator[None]:
        """Journal ``metric.timing`` named ``name`` for the enclosed block (also on error)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            ms = round((time.perf_counter() - started) * 1000, 1)
            await self.emit(
                [
                    MetricTiming(
                        ts=utcnow(),
                        producer=self.producer,
                        name=name,
                        duration_ms=ms,
                        correlation_id=correlation_id,
                        causation_id=causation_id,
                    )  # fmt: skip
                ]
            )
