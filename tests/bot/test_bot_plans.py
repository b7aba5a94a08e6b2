"""/plan: issued with Execute/Dismiss, dismissed, expired by the JobQueue, invalid, no executor."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from bot_testlib import FRIEND, OWNER, BotHarness, plan_json

from tradejournal.events import (
    ExperimentAssigned,
    RecommendationExpired,
    RecommendationInvalid,
    RecommendationIssued,
)
from tradejournal.producers.fakes import FakeBotApi, FakeLlmApi, LlmReply
from tradejournal.producers.telegram import DEFAULT_VARIANTS, assign_variant
from tradejournal.projections.api import query

pytestmark = pytest.mark.asyncio


def _issued(bot: BotHarness) -> RecommendationIssued:
    (rec,) = bot.events("recommendation.issued")
    assert isinstance(rec, RecommendationIssued)
    return rec


async def test_plan_is_issued_with_buttons_and_dismissed(bot: BotHarness) -> None:
    bot.llm.script(LlmReply(content=plan_json()))
    await bot.say(OWNER, "/plan eurusd")
    rec = _issued(bot)
    sent = bot.api.sent("sendMessage", chat_id=OWNER)[-1]
    assert sent.text.startswith("BUY EURUSD  (confidence 72%)")
    assert "entry 1.1  SL 1.095  TP 1.11" in sent.text
    buttons = sent.buttons()
    assert buttons == [
        ("Execute", f"rec:x:{rec.recommendation_id}"),
        ("Dismiss", f"rec:d:{rec.recommendation_id}"),
    ]
    assert all(len(d.encode()) < 64 for _, d in buttons)
    variant = assign_variant("plan-prompt", OWNER, list(DEFAULT_VARIANTS))
    assert rec.prompt_variant == variant
    assert bot.llm.requests[0].messages[0]["content"] == DEFAULT_VARIANTS[variant]
    (assigned,) = bot.events("experiment.assigned")
    assert isinstance(assigned, ExperimentAssigned) and assigned.variant == variant
    await bot.press(OWNER, f"rec:d:{rec.recommendation_id}")
    assert bot.api.sent("editMessageText")[-1].text.endswith("Dismissed.")
    # a second press (or a late Execute) changes nothing
    await bot.press(OWNER, f"rec:x:{rec.recommendation_id}")
    assert "already decided" in bot.api.sent("answerCallbackQuery")[-1].params["text"]
    _, rows = query(
        bot.path, "SELECT status, dismissed_ts IS NOT NULL, prompt_variant FROM recommendations"
    )
    assert rows == [("dismissed", True, variant)]
    assert bot.events("recommendation.approved", "order.placed") == []
    timings = {getattr(e, "name", "") for e in bot.events("metric.timing")}
    assert {"plan.generate", "llm.recommendation"} <= timings


async def test_variant_assignment_is_deterministic_and_recorded_once(bot: BotHarness) -> None:
    bot.llm.script(LlmReply(content=plan_json()), LlmReply(content=plan_json()),
                   LlmReply(content=plan_json()))  # fmt: skip
    await bot.say(OWNER, "/plan EURUSD")
    await bot.say(OWNER, "/plan EURUSD")
    await bot.say(FRIEND, "/plan EURUSD")
    assigned = [e for e in bot.events("experiment.assigned") if isinstance(e, ExperimentAssigned)]
    assert [(a.user_id, a.variant) for a in assigned] == [
        (OWNER, assign_variant("plan-prompt", OWNER, ["A", "B"])),
        (FRIEND, assign_variant("plan-prompt", FRIEND, ["A", "B"])),
    ]
    recs = [e for e in bot.events("recommendation.issued") if isinstance(e, RecommendationIssued)]
    assert [r.prompt_variant for r in recs] == [assigned[0].variant] * 2 + [assigned[1].variant]


async def _until_expired_and_told(bot: BotHarness, limit_s: float = 30.0) -> None:
    """Wait for the expiry event and its message (the event is journaled before the send; a
    loaded machine may take a while — the limit only guards against a hang)."""
    deadline = asyncio.get_running_loop().time() + limit_s
    while asyncio.get_running_loop().time() < deadline:
        if bot.events("recommendation.expired") and "Plan expired: BUY EURUSD." in bot.texts(OWNER):
            return
        await asyncio.sleep(0.05)


async def test_plan_expires_through_the_job_queue(
    tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi
) -> None:
    llm.script(LlmReply(content=plan_json()))
    bot = BotHarness(tmp_path, api, llm, settings={"plan_expiry": dt.timedelta(seconds=0.3)})
    await bot.start()
    try:
        await bot.say(OWNER, "/plan EURUSD")
        rec = _issued(bot)
        await _until_expired_and_told(bot)
        (expired,) = bot.events("recommendation.expired")
        assert isinstance(expired, RecommendationExpired)
        assert expired.recommendation_id == rec.recommendation_id
        assert bot.texts(OWNER).count("Plan expired: BUY EURUSD.") == 1
        await bot.press(OWNER, f"rec:x:{rec.recommendation_id}")
        assert bot.events("recommendation.approved") == []
    finally:
        await bot.stop()
    _, rows = query(bot.path, "SELECT status FROM recommendations")
    assert rows == [("expired",)]


async def test_pending_plan_expires_after_a_restart(
    tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi
) -> None:
    llm.script(LlmReply(content=plan_json()))
    bot = BotHarness(tmp_path, api, llm, settings={"plan_expiry": dt.timedelta(seconds=0.5)})
    await bot.start()
    await bot.say(OWNER, "/plan EURUSD")
    await bot.stop()  # stopped before the expiry: the job is gone with the process
    assert bot.events("recommendation.expired") == []
    await asyncio.sleep(0.6)
    await bot.start()  # the pending plan is re-armed from the journal: past due, expires now
    try:
        await _until_expired_and_told(bot)
        assert len(bot.events("recommendation.expired")) == 1
        assert bot.texts(OWNER)[-1] == "Plan expired: BUY EURUSD."
    finally:
        await bot.stop()


async def test_invalid_model_output_is_journaled_and_never_offers_an_order(bot: BotHarness) -> None:
    raw = plan_json(sl=1.1200)  # a BUY with the stop above the entry
    bot.llm.script(LlmReply(content=raw))
    await bot.say(OWNER, "/plan EURUSD")
    (invalid,) = bot.events("recommendation.invalid")
    assert isinstance(invalid, RecommendationInvalid) and invalid.raw == raw
    assert "sl" in invalid.error
    sent = bot.api.sent("sendMessage", chat_id=OWNER)[-1]
    assert "did not pass validation" in sent.text and sent.buttons() == []
    assert bot.events("recommendation.issued") == []


@pytest.mark.parametrize(
    ("reply", "words"),
    [(LlmReply(status=429), "rate limit"), (LlmReply(drop=True), "could not reach")],
)
async def test_model_failure_on_plan_answers_briefly(
    bot: BotHarness, reply: LlmReply, words: str
) -> None:
    bot.llm.script(reply)
    await bot.say(OWNER, "/plan EURUSD")
    assert words in bot.texts(OWNER)[-1].lower()
    assert bot.events("recommendation.issued", "recommendation.invalid") == []
    (call,) = bot.events("llm.called")
    assert getattr(call, "status", None) == "error"


async def test_execute_without_a_terminal_fails_cleanly(bot: BotHarness) -> None:
    bot.llm.script(LlmReply(content=plan_json()))
    await bot.say(OWNER, "/plan EURUSD")
    rec = _issued(bot)
    await bot.press(OWNER, f"rec:x:{rec.recommendation_id}")
    assert "Not executed: no MT5 terminal is configured" in bot.texts(OWNER)[-1]
    _, rows = query(bot.path, "SELECT status, failure_error FROM recommendations")
    assert rows == [("failed", "no MT5 terminal is configured")]
    assert len(bot.events("recommendation.approved")) == 1


async def test_plan_usage_errors(bot: BotHarness) -> None:
    await bot.say(OWNER, "/plan")
    await bot.say(OWNER, "/plan not/a/symbol")
    assert all(t.startswith("Usage: /plan SYMBOL") for t in bot.texts(OWNER))
    assert bot.llm.requests == []
