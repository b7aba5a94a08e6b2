"""The access guard: strangers get one refusal and access.denied; nothing else happens."""

from __future__ import annotations

import pytest
from bot_testlib import OWNER, STRANGER, TOKEN, BotHarness

from tradejournal.events import AccessDenied, UserAction
from tradejournal.producers.telegram import update_event_id
from tradejournal.producers.telegram.guard import REFUSAL

pytestmark = pytest.mark.asyncio


async def test_stranger_message_is_refused_once_and_journaled(bot: BotHarness) -> None:
    update = bot.api.message_update(STRANGER, "/plan EURUSD", username="mallory")
    await bot.send(update)
    assert bot.texts(STRANGER) == [REFUSAL]
    denied = bot.events("access.denied")
    assert len(denied) == 1 and isinstance(denied[0], AccessDenied)
    assert denied[0].user_id == STRANGER and denied[0].username == "mallory"
    assert denied[0].id == update_event_id(int(TOKEN.split(":")[0]), update["update_id"])
    assert denied[0].what == "command: /plan EURUSD"
    # nothing else: no user.action, no model call, no recommendation
    assert bot.events("user.action", "llm.called", "recommendation.issued") == []
    assert bot.llm.requests == []
    # the same update delivered again: no second refusal, no second event
    await bot.send(update)
    assert bot.texts(STRANGER) == [REFUSAL]
    assert len(bot.events("access.denied")) == 1


async def test_stranger_button_press_is_refused(bot: BotHarness) -> None:
    await bot.press(STRANGER, "rec:x:0190a1b2-0000-7000-8000-000000000000")
    answers = bot.api.sent("answerCallbackQuery")
    assert len(answers) == 1 and answers[0].params["text"] == REFUSAL
    assert bot.api.sent("sendMessage") == [] and bot.api.sent("editMessageText") == []
    denied = bot.events("access.denied")
    assert len(denied) == 1 and isinstance(denied[0], AccessDenied)
    assert denied[0].what.startswith("button: rec:x:")
    assert bot.events("user.action", "recommendation.approved") == []


async def test_allowed_user_is_journaled_as_user_action(bot: BotHarness) -> None:
    update = bot.api.message_update(OWNER, "/help")
    await bot.send(update)
    actions = bot.events("user.action")
    assert len(actions) == 1 and isinstance(actions[0], UserAction)
    assert (actions[0].kind, actions[0].data, actions[0].update_id) == (
        "command", "/help", update["update_id"],
    )  # fmt: skip
    assert actions[0].id == f"tg:update:123456:{update['update_id']}"
    assert "/plan SYMBOL" in bot.texts(OWNER)[0]
    # a redelivered update is journaled once and not processed again
    await bot.send(update)
    assert len(bot.events("user.action")) == 1
    assert len(bot.texts(OWNER)) == 1


async def test_start_menu_buttons_fit_telegram_limits(bot: BotHarness) -> None:
    await bot.say(OWNER, "/start")
    call = bot.api.sent("sendMessage")[0]
    labels = [label for label, _ in call.buttons()]
    assert "Get trade plan" in labels and "Statistics" in labels
    assert all(len(data.encode()) < 64 for _, data in call.buttons())
    await bot.press(OWNER, "menu:plan")
    symbols = bot.api.sent("sendMessage")[-1].buttons()
    assert symbols == [("EURUSD", "plan:ask:EURUSD"), ("XAUUSD", "plan:ask:XAUUSD")]
    kinds = [(a.kind, a.data) for a in bot.events("user.action") if isinstance(a, UserAction)]
    assert kinds == [("command", "/start"), ("button", "menu:plan")]
