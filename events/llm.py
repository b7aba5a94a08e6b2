"""LLM family: every call to a language model, with tokens, cost, latency and outcome."""

from __future__ import annotations

from typing import Literal

from ._base import Count, Event, Millis, Usd

__all__ = ["LlmCalled"]


class LlmCalled(Event, tag="llm.called", frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Tag: llm.called — one request to an OpenAI-compatible API (successful or not)."""

    model: str
    purpose: str
    prompt_tokens: Count | None = None
    completion_tokens: Count | None = None
    cached_tokens: Count | None = None
    cost_usd: Usd | None = None
    latency_ms: Millis
    status: Literal["ok", "error"]
    error: str | None = None
    response_id: str | None = None
    prompt_variant: str | None = None
    conversation_id: str | None = None

    def validate(self) -> None:
        """Require an error message exactly when the call failed."""
        if self.status == "error" and not self.error:
            raise ValueError("error: required when status is 'error'")
