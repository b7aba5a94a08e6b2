"""Where the bot's events get their time, ids and latencies: the wall clock unless scripted.

Production (no ``stamps``): ``ts`` is now, ids are UUIDv7, ``bot.started`` carries the real pid,
and ``user.action`` takes the update's own date. A scripted run (the demo) passes ``Stamps``: every
event then carries the scripted time, a counted id and a latency read from the scripted timer.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import uuid
from pathlib import Path

import pytest
from bot_testlib import OWNER, BotHarness

from tradejournal.events import BotStarted, LlmCalled, UserAction
from tradejournal.producers.fakes import FakeBotApi, FakeLlmApi, LlmReply, LlmRequest
from tradejournal.producers.stamps import Stamps

pytestmark = pytest.mark.asyncio

START = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


async def _converse(bot: BotHarness) -> None:
    await bot.start()
    try:
        await bot.say(OWNER, "/chatgpt")
        await bot.say(OWNER, "How much should I risk?")
        await bot.say(OWNER, "/end")
    finally:
        await bot.stop()


async def test_production_stamps_are_the_wall_clock_uuid7_and_the_real_pid(
    tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi
) -> None:
    llm.script(LlmReply(content="Risk 1% per trade."))
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    bot = BotHarness(tmp_path, api, llm)
    await _converse(bot)
    after = dt.datetime.now(dt.UTC)
    events = bot.events()
    assert all(before <= e.ts <= after for e in events)
    unkeyed = [e for e in events if not e.id.startswith(("tg:", "experiment:"))]
    assert unkeyed and all(uuid.UUID(e.id).version == 7 for e in unkeyed)
    (started,) = bot.events("bot.started")
    assert isinstance(started, BotStarted) and started.pid == os.getpid()


async def test_scripted_stamps_make_every_event_a_function_of_the_script(tmp_path: Path) -> None:
    now = [START]
    counter = itertools.count(1)

    def think(request: LlmRequest) -> LlmReply:
        now[0] += dt.timedelta(seconds=2)  # the model's scripted thinking time
        return LlmReply(content="Risk 1% per trade.", prompt_tokens=10, completion_tokens=5)

    stamps = Stamps(
        now=lambda: now[0], new_id=lambda: f"scripted:{next(counter)}",
        timer=lambda: now[0].timestamp(), pid=lambda: None,
    )  # fmt: skip
    with FakeBotApi(clock=lambda: now[0]) as api, FakeLlmApi(think) as llm:
        bot = BotHarness(tmp_path, api, llm, stamps=stamps)
        await _converse(bot)
    events = bot.events()
    assert {e.ts for e in events} == {START, START + dt.timedelta(seconds=2)}
    assert all(e.id.startswith(("scripted:", "tg:", "experiment:")) for e in events)
    actions = [e for e in events if isinstance(e, UserAction)]
    assert [a.ts for a in actions] == [START, START, START + dt.timedelta(seconds=2)]
    (call,) = [e for e in events if isinstance(e, LlmCalled)]
    assert call.latency_ms == 2000.0 and call.ts == START + dt.timedelta(seconds=2)
    (started,) = bot.events("bot.started")
    assert isinstance(started, BotStarted) and started.pid is None
