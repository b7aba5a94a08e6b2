"""The conversation with the model: /chatgpt starts it, every text message continues it, /end.

Both sides are journaled as ``conversation.message`` (the assistant's with model, tokens, cost and
latency). The history sent to the model comes from ``BotState``, which is rebuilt from the journal
at start, so a restart mid-conversation continues it. A failed model call gets a short answer and
its ``llm.called`` event; the conversation stays open.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from tradejournal.events import (
    ConversationEnded,
    ConversationMessage,
    ConversationStarted,
)

from .reply import action_id, answer
from .services import BotServices, services, user_chat
from .state import Conversation

__all__ = ["end_chat", "on_text", "start_chat"]

STARTED = "Conversation started. Send me your questions; /end finishes it."
NO_CONVERSATION = "No conversation is open. Use /chatgpt to talk to the assistant, or /help."


async def start_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/chatgpt [question]: open a conversation (or keep the open one) and maybe ask."""
    svc = services(context)
    user_id, chat_id = user_chat(update)
    conv = svc.state.conversations.get((chat_id, user_id))
    if conv is None:
        conv = Conversation(svc.sink.new_id(), chat_id, user_id)
        await svc.sink.record(
            ConversationStarted, conversation_id=conv.conversation_id, user_id=user_id,
            chat_id=chat_id, causation_id=action_id(update, context),
        )  # fmt: skip
        svc.state.conversations[(chat_id, user_id)] = conv
    question = " ".join(context.args or [])
    if question:
        await _ask(update, context, svc, conv, question)
    else:
        await answer(update, context, STARTED)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A plain text message: the next turn of the open conversation."""
    svc = services(context)
    user_id, chat_id = user_chat(update)
    conv = svc.state.conversations.get((chat_id, user_id))
    message = update.effective_message
    if conv is None or message is None or not message.text:
        await answer(update, context, NO_CONVERSATION)
        return
    await _ask(update, context, svc, conv, message.text)


async def _ask(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    svc: BotServices,
    conv: Conversation,
    text: str,
) -> None:
    cause = action_id(update, context)
    message = update.effective_message
    mine = await svc.sink.record(
        ConversationMessage, id=f"{cause}:message", conversation_id=conv.conversation_id,
        role="user", content=text, user_id=conv.user_id, chat_id=conv.chat_id,
        message_id=message.message_id if message else None, causation_id=cause,
    )  # fmt: skip
    conv.messages.append({"role": "user", "content": text})
    history = conv.messages[-svc.settings.history_limit :]
    prompt = [{"role": "system", "content": svc.settings.chat_system_prompt}, *history]
    result = await svc.llm.chat(
        prompt, purpose="conversation", conversation_id=conv.conversation_id,
        causation_id=mine.id,
    )  # fmt: skip
    if not result.ok:
        await answer(update, context, result.user_message)
        return
    call = result.call
    await svc.sink.record(
        ConversationMessage, producer="llm", conversation_id=conv.conversation_id,
        role="assistant", content=result.content, model=call.model,
        prompt_tokens=call.prompt_tokens, completion_tokens=call.completion_tokens,
        cost_usd=call.cost_usd, latency_ms=call.latency_ms, response_id=call.response_id,
        user_id=conv.user_id, chat_id=conv.chat_id, causation_id=call.id,
    )  # fmt: skip
    conv.messages.append({"role": "assistant", "content": result.content})
    await answer(update, context, result.content or "(no answer)")


async def end_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/end: close the open conversation."""
    svc = services(context)
    user_id, chat_id = user_chat(update)
    conv = svc.state.conversations.pop((chat_id, user_id), None)
    if conv is None:
        await answer(update, context, "No conversation is open.")
        return
    await svc.sink.record(
        ConversationEnded, conversation_id=conv.conversation_id, reason="user",
        causation_id=action_id(update, context),
    )  # fmt: skip
    await answer(update, context, f"Conversation ended ({len(conv.messages)} messages).")
