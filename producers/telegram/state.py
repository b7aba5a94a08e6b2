"""What the bot remembers between updates, rebuilt from the journal at start.

Open conversations (with their messages), recommendations still awaiting a decision (with the
chat they were sent to), and each user's experiment variant. Rebuilding from the journal is what
lets a restart continue a conversation mid-way and still honour Execute on an older plan.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from tradejournal.events import (
    ConversationEnded,
    ConversationMessage,
    ConversationStarted,
    Event,
    ExperimentAssigned,
    LlmCalled,
    RecommendationIssued,
    UserAction,
    event_tag,
)
from tradejournal.store import read_events

__all__ = ["BotState", "Conversation"]

_DONE = {
    "recommendation.approved",
    "recommendation.dismissed",
    "recommendation.expired",
    "recommendation.executed",
    "recommendation.failed",
}
_TYPES = {
    "conversation.started",
    "conversation.message",
    "conversation.ended",
    "experiment.assigned",
    "recommendation.issued",
    "llm.called",
    "user.action",
    *_DONE,
}


@dataclass
class Conversation:
    """An open conversation: who, where, and the messages so far (role, content)."""

    conversation_id: str
    chat_id: int
    user_id: int
    messages: list[dict[str, str]] = field(default_factory=list)


@dataclass
class BotState:
    """The bot's working memory; ``rebuild`` reads it back from the journal."""

    conversations: dict[tuple[int, int], Conversation] = field(default_factory=dict)
    pending: dict[str, RecommendationIssued] = field(default_factory=dict)
    rec_chats: dict[str, int] = field(default_factory=dict)
    variants: dict[tuple[str, int], str] = field(default_factory=dict)

    @classmethod
    def rebuild(cls, journal_dir: str | os.PathLike[str]) -> BotState:
        """Replay the journal's conversation, experiment and recommendation events."""
        state = cls()
        by_id: dict[str, Conversation] = {}
        causes: dict[str, str | None] = {}  # llm.called id -> its cause
        chats: dict[str, int] = {}  # user.action id -> chat
        for event in read_events(journal_dir, types=_TYPES):
            state._apply(event, by_id, causes, chats)
        return state

    def _apply(
        self,
        event: Event,
        by_id: dict[str, Conversation],
        causes: dict[str, str | None],
        chats: dict[str, int],
    ) -> None:
        if isinstance(event, ConversationStarted | ConversationMessage | ConversationEnded):
            self._apply_conversation(event, by_id)
        elif isinstance(event, ExperimentAssigned):
            self.variants[(event.experiment_id, event.user_id)] = event.variant
        elif isinstance(event, UserAction):
            chats[event.id] = event.chat_id
        elif isinstance(event, LlmCalled):
            causes[event.id] = event.causation_id
        elif isinstance(event, RecommendationIssued):
            self.pending[event.recommendation_id] = event
            action = causes.get(event.causation_id or "")
            if action in chats:
                self.rec_chats[event.recommendation_id] = chats[action]
        elif event_tag(event) in _DONE:
            rec_id = getattr(event, "recommendation_id", None)
            if rec_id:
                self.pending.pop(rec_id, None)
                self.rec_chats.pop(rec_id, None)

    def _apply_conversation(
        self,
        event: ConversationStarted | ConversationMessage | ConversationEnded,
        by_id: dict[str, Conversation],
    ) -> None:
        if isinstance(event, ConversationStarted):
            conv = Conversation(event.conversation_id, event.chat_id, event.user_id)
            by_id[conv.conversation_id] = conv
            self.conversations[(conv.chat_id, conv.user_id)] = conv
        elif isinstance(event, ConversationMessage):
            conv_or_none = by_id.get(event.conversation_id)
            if conv_or_none is not None and event.role != "system":
                conv_or_none.messages.append({"role": event.role, "content": event.content})
        elif isinstance(event, ConversationEnded):
            ended = by_id.pop(event.conversation_id, None)
            if ended is not None:
                self.conversations.pop((ended.chat_id, ended.user_id), None)

    def take_pending(self, recommendation_id: str) -> RecommendationIssued | None:
        """Remove and return a pending recommendation (None if decided or unknown)."""
        self.rec_chats.pop(recommendation_id, None)
        return self.pending.pop(recommendation_id, None)
