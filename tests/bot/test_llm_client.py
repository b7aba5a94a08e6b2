"""The LLM producer against the loopback fake OpenAI server: costs, failures, structured plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import pytest
from bot_testlib import API_KEY, MODEL, llm_settings, plan_json

from tradejournal.events import (
    Event,
    LlmCalled,
    MetricTiming,
    RecommendationInvalid,
    RecommendationIssued,
)
from tradejournal.producers.fakes import FakeLlmApi, LlmReply
from tradejournal.producers.llm import (
    LlmClient,
    PlanRequest,
    request_plan,
)

pytestmark = pytest.mark.asyncio


class Collect:
    def __init__(self) -> None:
        self.events: list[Event] = []

    async def __call__(self, events: Sequence[Event]) -> None:
        self.events.extend(events)

    def calls(self) -> list[LlmCalled]:
        return [e for e in self.events if isinstance(e, LlmCalled)]


async def _client(llm: FakeLlmApi, **over: object) -> tuple[LlmClient, Collect]:
    sink = Collect()
    return LlmClient(llm_settings(llm, **over), sink), sink


async def test_call_is_journaled_with_tokens_and_exact_cost(llm: FakeLlmApi) -> None:
    llm.script(
        LlmReply(content="hello", prompt_tokens=1000, completion_tokens=200, cached_tokens=400)
    )
    client, sink = await _client(llm)
    result = await client.chat([{"role": "user", "content": "hi"}], purpose="conversation")
    await client.close()
    assert result.ok and result.content == "hello"
    (call,) = sink.calls()
    assert (call.prompt_tokens, call.completion_tokens, call.cached_tokens) == (1000, 200, 400)
    # (600 * 0.15 + 400 * 0.075 + 200 * 0.60) / 1e6 = (90 + 30 + 120) / 1e6
    assert call.cost_usd == Decimal("0.00024")
    assert call.status == "ok" and call.error is None and call.model == MODEL
    assert call.response_id and call.response_id.startswith("chatcmpl-fake")
    timing = [e for e in sink.events if isinstance(e, MetricTiming)]
    assert [t.name for t in timing] == ["llm.conversation"] and timing[0].causation_id == call.id
    assert llm.requests[0].headers["authorized"] == "True"
    assert API_KEY not in repr(client.settings)


@pytest.mark.parametrize(
    ("reply", "error_start", "user_words"),
    [
        (LlmReply(status=429), "rate limit (HTTP 429)", "rate limit"),
        (LlmReply(status=500), "HTTP 500", "returned an error"),
        (LlmReply(delay_s=1.5), "timeout", "too long"),
        (LlmReply(drop=True), "connection error", "could not reach"),
    ],
)
async def test_failures_become_a_short_message_and_an_event(
    llm: FakeLlmApi, reply: LlmReply, error_start: str, user_words: str
) -> None:
    llm.script(reply)
    client, sink = await _client(llm, timeout_s=0.5)
    result = await client.chat([{"role": "user", "content": "hi"}], purpose="conversation")
    await client.close()
    assert not result.ok and user_words in result.user_message.lower()
    (call,) = sink.calls()
    assert call.status == "error" and call.error is not None
    assert call.error.startswith(error_start), call.error
    assert call.prompt_tokens is None and call.cost_usd is None
    assert API_KEY not in call.error


async def test_connection_refused(llm: FakeLlmApi) -> None:
    settings = llm_settings(llm)
    llm.stop()  # nothing listens on that port any more
    sink = Collect()
    client = LlmClient(settings, sink)
    result = await client.chat([{"role": "user", "content": "hi"}], purpose="conversation")
    await client.close()
    assert not result.ok and sink.calls()[0].error.startswith("connection error")  # type: ignore[union-attr]


async def test_retry_after_a_rate_limit_then_success(llm: FakeLlmApi) -> None:
    llm.script(LlmReply(status=429), LlmReply(content="fine"))
    client, sink = await _client(llm, max_retries=1)
    result = await client.chat([{"role": "user", "content": "hi"}], purpose="conversation")
    await client.close()
    assert result.ok and result.content == "fine" and len(llm.requests) == 2


async def test_structured_plan_issued(llm: FakeLlmApi) -> None:
    llm.script(LlmReply(content=plan_json()))
    client, sink = await _client(llm)
    out = await request_plan(
        client,
        PlanRequest(symbol="EURUSD", system_prompt="sys", prompt_variant="A",
                    expires_after=dt.timedelta(minutes=5)),
    )  # fmt: skip
    await client.close()
    assert llm.requests[0].structured
    schema = llm.requests[0].body["response_format"]["json_schema"]
    assert schema["strict"] is True and "sl" in schema["schema"]["properties"]
    rec = out.issued
    assert isinstance(rec, RecommendationIssued) and out.invalid is None
    assert (rec.direction, rec.entry_price, rec.sl, rec.tp) == (
        "BUY", Decimal("1.1"), Decimal("1.095"), Decimal("1.11"),
    )  # fmt: skip
    assert rec.confidence == 72 and rec.prompt_variant == "A" and rec.model == MODEL
    assert rec.causation_id == sink.calls()[0].id and rec.expires_ts is not None
    assert sink.events[-1] is rec


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (plan_json(sl=1.1050), "sl: must be on the losing side"),
        (plan_json(direction="SELL"), "sl: must be on the losing side"),
        (plan_json(confidence=140), "confidence"),
        (plan_json(symbol="GBPUSD"), "symbol: asked for EURUSD"),
        (plan_json(sl=None), "sl: required for BUY"),
        ('{"symbol": "EURUSD", "direction": "BUY"', "not JSON"),
        ("I think you should buy.", "not JSON"),
    ],
)
async def test_invalid_plans_keep_the_raw_text(llm: FakeLlmApi, content: str, reason: str) -> None:
    llm.script(LlmReply(content=content))
    client, sink = await _client(llm)
    out = await request_plan(client, PlanRequest(symbol="EURUSD", system_prompt="sys"))
    await client.close()
    assert out.issued is None
    inv = out.invalid
    assert isinstance(inv, RecommendationInvalid)
    assert inv.raw == content and reason in inv.error, inv.error
    assert not any(isinstance(e, RecommendationIssued) for e in sink.events)
