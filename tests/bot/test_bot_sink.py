"""``JournalSink.record``: one event stamped from the sink's stamps and appended to the journal."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from tradejournal.events import ConversationEnded, MetricTiming, SignalNotified
from tradejournal.producers.stamps import Stamps
from tradejournal.producers.telegram.sink import JournalSink
from tradejournal.store import Journal, read_events

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _scripted(calls: list[str]) -> Stamps:
    """Stamps that log each call: ids id-1, id-2 …; a clock one second on per reading."""

    def now() -> dt.datetime:
        calls.append("now")
        return T0 + dt.timedelta(seconds=calls.count("now"))

    def new_id() -> str:
        calls.append("id")
        return f"id-{calls.count('id')}"

    ticks = iter(range(0, 1000, 5))
    return Stamps(now=now, new_id=new_id, timer=lambda: next(ticks) / 1000, pid=lambda: None)


def test_record_stamps_id_then_time_and_appends(tmp_path: Path) -> None:
    calls: list[str] = []
    with Journal.open(tmp_path / "j", create=True) as journal:
        sink = JournalSink(journal, stamps=_scripted(calls))

        async def scenario() -> None:
            ended = await sink.record(ConversationEnded, conversation_id="c-1", reason="user")
            assert (ended.id, ended.ts, ended.producer) == (
                "id-1",
                T0 + dt.timedelta(seconds=1),
                "telegram",
            )
            keyed = await sink.record(
                SignalNotified, id="sig-1:notified:7", producer="scanner", signal_id="s", chat_id=7
            )
            assert (keyed.id, keyed.producer) == ("sig-1:notified:7", "scanner")
            async with sink.timed("unit.block", causation_id="id-1"):
                pass

        asyncio.run(scenario())
    assert calls == ["id", "now", "now", "id", "now"]  # a keyed event draws no id
    events = list(read_events(tmp_path / "j"))
    assert [type(e) for e in events] == [ConversationEnded, SignalNotified, MetricTiming]
    assert [e.seq for e in events] == [1, 2, 3]
    timing = events[2]
    assert isinstance(timing, MetricTiming)
    assert (timing.id, timing.name, timing.duration_ms, timing.causation_id) == (
        "id-2", "unit.block", 5.0, "id-1",
    )  # fmt: skip
    assert timing.ts == T0 + dt.timedelta(seconds=3)
