"""Answering an update, whether it came as a message or as a button press.

``answer`` acknowledges a button press (Telegram shows a spinner until then) and sends the text,
split under the 4096-character limit, to the update's chat.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from .services import user_chat
from .text import split_text

__all__ = ["action_id", "answer", "args_of"]


async def answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send ``text`` (split if long; buttons on the last part) to the update's chat."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    _, chat_id = user_chat(update)
    chunks = split_text(text)
    last: Message | None = None
    for i, chunk in enumerate(chunks):
        last = await context.bot.send_message(
            chat_id, chunk, reply_markup=markup if i == len(chunks) - 1 else None
        )
    return last


def args_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    """Command arguments (``/plan EURUSD`` -> ['EURUSD']); button data after the 2nd colon."""
    if update.callback_query is not None:
        parts = (update.callback_query.data or "").split(":", 2)
        return [parts[2]] if len(parts) == 3 and parts[2] else []
    return list(context.args or [])


def action_id(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The id of the ``user.action`` the journaling handler wrote for this update."""
    from .ids import update_event_id

    return update_event_id(context.bot.id, update.update_id)
