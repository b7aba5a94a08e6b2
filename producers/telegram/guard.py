"""The access guard (handler group -2) and the journaling handler (group -1).

The guard lets only ``allowed_users`` through, for messages and button presses alike (PTB's
``filters.User`` does not cover callback queries, so this is a ``TypeHandler`` on every update).
A stranger gets one polite refusal and an ``access.denied`` event; nothing else runs. Every update
from an allowed user is journaled as ``user.action`` with the id ``tg:update:<bot>:<update>``;
an update already in the journal (a redelivery after a crash) is not processed again.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from tradejournal.events import AccessDenied, UserAction

from .ids import update_event_id
from .services import BotServices, services, user_chat

__all__ = ["REFUSAL", "describe", "guard", "record", "update_time"]

REFUSAL = "Sorry, this is a private trading journal bot. Your request was not processed."


def describe(update: Update) -> tuple[Literal["command", "button", "message"], str]:
    """(kind, data) of an update: command / button / message and its text or callback data."""
    if update.callback_query is not None:
        return "button", update.callback_query.data or ""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    return ("command" if text.startswith("/") else "message"), text


def update_time(update: Update, svc: BotServices) -> dt.datetime:
    """When the update happened: its message's own date, else (a button press) the sink's now."""
    message = update.message or update.edited_message or update.channel_post
    if message is not None and message.date is not None:
        return message.date.astimezone(dt.UTC)
    return svc.sink.now()


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop every update not from an allowed user, after one refusal and ``access.denied``."""
    svc = services(context)
    user = update.effective_user
    if user is not None and user.id in svc.settings.allowed_users:
        return
    if user is not None:
        user_id, chat_id = user_chat(update)
        kind, data = describe(update)
        denied = AccessDenied(
            id=update_event_id(context.bot.id, update.update_id), ts=update_time(update, svc),
            producer="telegram", user_id=user_id, chat_id=chat_id, what=f"{kind}: {data}"[:200],
            update_id=update.update_id, username=user.username,
        )  # fmt: skip
        appended = await svc.sink.emit([denied])
        if appended.new:  # refuse once per update, also when it is delivered again
            if update.callback_query is not None:
                await update.callback_query.answer(REFUSAL, show_alert=True)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(REFUSAL)
    raise ApplicationHandlerStop


async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Journal the update as ``user.action``; stop it if it was journaled before."""
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop
    svc = services(context)
    user_id, chat_id = user_chat(update)
    kind, data = describe(update)
    action = UserAction(
        id=update_event_id(context.bot.id, update.update_id), ts=update_time(update, svc),
        producer="telegram",
        user_id=user_id, chat_id=chat_id, kind=kind, data=data, update_id=update.update_id,
        username=user.username,
    )  # fmt: skip
    appended = await svc.sink.emit([action])
    if not appended.new:
        raise ApplicationHandlerStop
