"""Fixtures of the bot tests: the loopback fakes and a harness around the real Application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from bot_testlib import BotHarness

from tradejournal.producers.fakes import FakeBotApi, FakeLlmApi


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


@pytest.fixture
def llm() -> Iterator[FakeLlmApi]:
    with FakeLlmApi() as server:
        yield server


@pytest_asyncio.fixture
async def bot(tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi) -> AsyncIterator[BotHarness]:
    harness = BotHarness(tmp_path, api, llm)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
