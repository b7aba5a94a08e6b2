"""Conversation family: a chat with the assistant, message by message, with token costs."""

from __future__ import annotations

from typing import Literal

from ._base import Count, Event, Millis, Usd

__all__ = ["ConversationEnded", "ConversationMessage", "ConversationStarted"]


class ConversationStarted(
    Event, tag="conversation.started", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: conversation.started — a new conversation with a user in a chat."""

    conversation_id: str
    user_id: int
    chat_id: int
    title: str | None = None


class ConversationMessage(
    Event, tag="conversation.message", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: conversation.message — one message; assistant messages carry model, tokens and cost."""

    conversation_id: str
    role: Literal["user", "assistant", "system"]
    content: str
    model: str | None = None
    prompt_tokens: Count | None = None
    completion_tokens: Count | None = None
    cost_usd: Usd | None = None
    latency_ms: Millis | None = None
    response_id: str | None = None
    user_id: int | None = None
    chat_id: int | None = None
    message_id: int | None = None


class ConversationEnded(
    Event, tag="conversation.ended", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: conversation.ended — the conversation was closed (by the user, a timeout, a reset)."""

    conversation_id: str
    reason: str | None = None
