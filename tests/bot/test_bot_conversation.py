"""/chatgpt and /end: both sides journaled with tokens and cost; a restart continues the chat."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from bot_testlib import OWNER, BotHarness

from tradejournal.events import ConversationMessage, LlmCalled
from tradejournal.producers.fakes import FakeBotApi, FakeLlmApi, LlmReply
from tradejournal.projections.api import query

pytestmark = pytest.mark.asyncio


async def test_conversation_survives_a_restart(
    tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi
) -> None:
    llm.script(
        LlmReply(content="Risk 1% per trade.", prompt_tokens=50, completion_tokens=8),
        LlmReply(content="Then 0.5% is fine.", prompt_tokens=80, completion_tokens=7,
                 cached_tokens=40),
    )  # fmt: skip
    bot = BotHarness(tmp_path, api, llm)
    await bot.start()
    try:
        await bot.say(OWNER, "/chatgpt")
        await bot.say(OWNER, "How much should I risk?")
        assert bot.texts(OWNER)[-1] == "Risk 1% per trade."
        await bot.restart()  # a new Application, state rebuilt from the journal
        await bot.say(OWNER, "And on a losing streak?")
        assert bot.texts(OWNER)[-1] == "Then 0.5% is fine."
        await bot.say(OWNER, "/end")
        assert bot.texts(OWNER)[-1] == "Conversation ended (4 messages)."
        await bot.say(OWNER, "Still there?")
        assert "No conversation is open" in bot.texts(OWNER)[-1]
    finally:
        await bot.stop()
    # the model saw the whole history after the restart
    second = llm.requests[1].messages
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[1]["content"] == "How much should I risk?"
    assert second[2]["content"] == "Risk 1% per trade."
    msgs = [e for e in bot.events("conversation.message") if isinstance(e, ConversationMessage)]
    assert [(m.role, m.content) for m in msgs] == [
        ("user", "How much should I risk?"),
        ("assistant", "Risk 1% per trade."),
        ("user", "And on a losing streak?"),
        ("assistant", "Then 0.5% is fine."),
    ]
    assert len({m.conversation_id for m in msgs}) == 1
    reply = msgs[3]
    assert (reply.prompt_tokens, reply.completion_tokens) == (80, 7)
    # (40 * 0.15 + 40 * 0.075 + 7 * 0.60) / 1e6
    assert reply.cost_usd == Decimal("0.0000132")
    assert reply.latency_ms is not None and reply.model == "gpt-4o-mini"
    calls = [e for e in bot.events("llm.called") if isinstance(e, LlmCalled)]
    assert [c.purpose for c in calls] == ["conversation", "conversation"]
    assert [e.__struct_config__.tag for e in bot.events("bot.started", "bot.stopped")] == [
        "bot.started", "bot.stopped", "bot.started", "bot.stopped",
    ]  # fmt: skip
    _, rows = query(bot.path, "SELECT count(*) FROM conversations")
    assert rows == [(1,)]


async def test_model_failure_in_a_conversation_keeps_it_open(bot: BotHarness) -> None:
    bot.llm.script(LlmReply(status=429), LlmReply(content="Back again."))
    await bot.say(OWNER, "/chatgpt")
    await bot.say(OWNER, "Hello?")
    assert "rate limit" in bot.texts(OWNER)[-1]
    await bot.say(OWNER, "Hello again?")
    assert bot.texts(OWNER)[-1] == "Back again."
    calls = [e for e in bot.events("llm.called") if isinstance(e, LlmCalled)]
    assert [c.status for c in calls] == ["error", "ok"]
    assert "429" in (calls[0].error or "")


async def test_long_answer_is_split_under_the_limit(bot: BotHarness) -> None:
    long = "\n".join(f"line {i:04d} " + "x" * 90 for i in range(100))  # ~10 000 characters
    bot.llm.script(LlmReply(content=long))
    await bot.say(OWNER, "/chatgpt tell me everything")
    parts = [c.text for c in bot.api.sent("sendMessage", chat_id=OWNER)]
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    assert "".join(parts) == long
