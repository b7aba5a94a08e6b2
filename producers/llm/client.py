"""The openai client wrapper: one ``chat`` call = one ``llm.called`` event, never an exception.

Timeouts, retries and ``base_url`` come from ``LlmSettings``. Every call is timed and journaled
(model, purpose, tokens in/out/cached, cost from the price table, latency, status, error) with a
``metric.timing`` beside it. Rate limits, timeouts, connection failures and server errors come
back as ``LlmResult(ok=False, user_message=...)``: a short sentence the bot can show the user.
The API key lives only in the client; it is never part of an event, a log line or a repr.
Time, ids and the measured latency come from the client's ``Stamps`` (real ones unless a scripted
run, such as the demo, passes its own).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import openai

from tradejournal.events import Event, LlmCalled, MetricTiming
from tradejournal.producers.stamps import Stamps

from .prices import Price, cost_usd, find_price

__all__ = ["Emit", "LlmClient", "LlmResult", "LlmSettings"]

log = logging.getLogger(__name__)

Emit = Callable[[Sequence[Event]], Awaitable[object]]
"""Append events to the journal (the bot's writer: it never blocks the event loop)."""


@dataclass(frozen=True)
class LlmSettings:
    """Where and how to call the model. ``api_key`` comes from an environment variable."""

    api_key: str = field(repr=False)
    model: str
    base_url: str | None = None
    timeout_s: float = 30.0
    max_retries: int = 2
    prices: Mapping[str, Price] = field(default_factory=dict)


@dataclass(frozen=True)
class LlmResult:
    """The outcome of one call: content when ``ok``, else a ``user_message`` to show."""

    ok: bool
    content: str
    call: LlmCalled
    user_message: str = ""

    @property
    def model(self) -> str:
        """The model that answered (the dated snapshot name when the API gives one)."""
        return self.call.model


_USER_MESSAGES = {
    "timeout": "The model took too long to answer. Please try again in a moment.",
    "rate_limit": "The model is busy right now (rate limit). Please try again in a minute.",
    "connection": "I could not reach the model. Please try again later.",
    "status": "The model service returned an error. Please try again later.",
    "other": "Something went wrong asking the model. Please try again later.",
}


class LlmClient:
    """An ``AsyncOpenAI`` client that journals every call through ``emit``."""

    def __init__(
        self, settings: LlmSettings, emit: Emit, *, producer: str = "llm",
        stamps: Stamps | None = None,
    ) -> None:  # fmt: skip
        self.settings = settings
        self.emit = emit
        self.stamps = stamps or Stamps()
        self._producer = producer
        self._client = openai.AsyncOpenAI(
            api_key=settings.api_key,
            base_url=settings.base_url,
            timeout=settings.timeout_s,
            max_retries=settings.max_retries,
        )

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._client.close()

    async def chat(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        purpose: str,
        response_format: Mapping[str, Any] | None = None,
        conversation_id: str | None = None,
        prompt_variant: str | None = None,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> LlmResult:
        """Ask the model; journal ``llm.called`` + ``metric.timing``; never raise for API errors."""
        model = self.settings.model
        kwargs: dict[str, Any] = {"model": model, "messages": [dict(m) for m in messages]}
        if response_format is not None:
            kwargs["response_format"] = dict(response_format)
        started = self.stamps.timer()
        content, kind, error = "", "", None
        usage: tuple[int, int, int] | None = None
        response_id = None
        try:
            completion = await self._client.chat.completions.create(**kwargs)
            choice = completion.choices[0] if completion.choices else None
            content = (choice.message.content or "") if choice else ""
            model = completion.model or model
            response_id = completion.id
            if completion.usage is not None:
                u = completion.usage
                details = u.prompt_tokens_details
                cached = (details.cached_tokens or 0) if details else 0
                usage = (u.prompt_tokens, u.completion_tokens, cached)
        except openai.APITimeoutError as exc:  # a subclass of APIConnectionError: first
            kind, error = "timeout", f"timeout: {_short(exc)}"
        except openai.RateLimitError as exc:
            kind, error = "rate_limit", f"rate limit (HTTP 429): {_short(exc)}"
        except openai.APIConnectionError as exc:
            kind, error = "connection", f"connection error: {_short(exc)}"
        except openai.APIStatusError as exc:
            kind, error = "status", f"HTTP {exc.status_code}: {_short(exc)}"
        except openai.OpenAIError as exc:
            kind, error = "other", f"{type(exc).__name__}: {_short(exc)}"
        latency_ms = self.stamps.elapsed_ms(started)
        call = self._call_event(
            model, purpose, usage, latency_ms, error, response_id,
            conversation_id=conversation_id, prompt_variant=prompt_variant,
            correlation_id=correlation_id, causation_id=causation_id,
        )  # fmt: skip
        timing = MetricTiming(
            id=self.stamps.new_id(), ts=call.ts, producer=self._producer,
            name=f"llm.{purpose}", duration_ms=latency_ms, correlation_id=correlation_id,
            causation_id=call.id,
        )  # fmt: skip
        await self.emit([call, timing])
        if error:
            log.warning("model call %s failed: %s", purpose, error)
            return LlmResult(False, "", call, _USER_MESSAGES[kind])
        return LlmResult(True, content, call)

    def _call_event(
        self,
        model: str,
        purpose: str,
        usage: tuple[int, int, int] | None,
        latency_ms: float,
        error: str | None,
        response_id: str | None,
        **links: Any,
    ) -> LlmCalled:
        cost: Decimal | None = None
        tokens: dict[str, Any] = {
            "prompt_tokens": None,
            "completion_tokens": None,
            "cached_tokens": None,
        }
        if usage is not None:
            prompt, completion, cached = usage
            tokens = {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "cached_tokens": cached,
            }
            price = find_price(self.settings.prices, model) or find_price(
                self.settings.prices, self.settings.model
            )
            cost = cost_usd(price, prompt, completion, cached)
        return LlmCalled(
            id=self.stamps.new_id(), ts=self.stamps.now(), producer=self._producer, model=model,
            purpose=purpose, cost_usd=cost, latency_ms=latency_ms,
            status="error" if error else "ok", error=error, response_id=response_id,
            **tokens, **links,
        )  # fmt: skip


def _short(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
