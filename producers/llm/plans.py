"""Structured trade plans: ask the model for JSON matching ``PLAN_SCHEMA``, validate, journal.

A valid answer becomes ``recommendation.issued`` (the event's own rules apply: stop on the losing
side of the entry, target on the winning side, confidence 0-100); anything else — bad JSON, a
missing field, the wrong symbol, a stop on the wrong side — becomes ``recommendation.invalid``
with the raw text and the reason. An invalid answer never leads to an order.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import msgspec

from tradejournal.events import (
    RecommendationInvalid,
    RecommendationIssued,
    validate_event,
)

from .client import LlmClient, LlmResult

__all__ = ["PLAN_SCHEMA", "PlanOutcome", "PlanRequest", "parse_plan", "request_plan"]

_NUMBER_OR_NULL = {"type": ["number", "null"]}
PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "symbol",
        "direction",
        "entry_price",
        "sl",
        "tp",
        "confidence",
        "reasoning",
        "timeframe",
        "regime",
    ],  # fmt: skip
    "properties": {
        "symbol": {"type": "string"},
        "direction": {"type": "string", "enum": ["BUY", "SELL", "HOLD"]},
        "entry_price": _NUMBER_OR_NULL,
        "sl": _NUMBER_OR_NULL,
        "tp": _NUMBER_OR_NULL,
        "confidence": {"type": "number", "minimum": 0, "maximum": 100},
        "reasoning": {"type": "string"},
        "timeframe": {"type": "string"},
        "regime": {"type": "string"},
    },
}
"""The JSON schema of a plan (OpenAI structured output, strict)."""

RESPONSE_FORMAT: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {"name": "trade_plan", "strict": True, "schema": PLAN_SCHEMA},
}


class _Answer(msgspec.Struct, forbid_unknown_fields=True):
    symbol: str
    direction: Literal["BUY", "SELL", "HOLD"]
    entry_price: Decimal | None
    sl: Decimal | None
    tp: Decimal | None
    confidence: float
    reasoning: str
    timeframe: str
    regime: str


@dataclass(frozen=True)
class PlanRequest:
    """What to ask: the symbol, the prompt variant and its system prompt, the market context."""

    symbol: str
    system_prompt: str
    prompt_variant: str | None = None
    market: str = ""
    conversation_id: str | None = None
    signal_id: str | None = None
    expires_after: dt.timedelta | None = None
    correlation_id: str | None = None
    causation_id: str | None = None


@dataclass(frozen=True)
class PlanOutcome:
    """Exactly one of ``issued`` / ``invalid`` when the call succeeded; neither when it failed."""

    result: LlmResult
    issued: RecommendationIssued | None = None
    invalid: RecommendationInvalid | None = None


def parse_plan(
    raw: str, *, symbol: str, model: str, ts: dt.datetime | None = None, **fields: Any
) -> RecommendationIssued:
    """Validate the model's JSON into ``recommendation.issued`` at ``ts`` (default: now).

    Raises ValueError with the reason."""
    try:
        data = json.loads(raw, parse_float=Decimal)
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    try:
        answer = msgspec.convert(data, _Answer, strict=False)
    except msgspec.ValidationError as exc:
        raise ValueError(str(exc)) from None
    if answer.symbol.strip().upper() != symbol.upper():
        raise ValueError(f"symbol: asked for {symbol}, the answer is for {answer.symbol}")
    if answer.direction != "HOLD":
        for name in ("entry_price", "sl", "tp"):
            if getattr(answer, name) is None:
                raise ValueError(f"{name}: required for {answer.direction}")
    try:
        issued = RecommendationIssued(
            ts=ts or dt.datetime.now(dt.UTC), producer="llm", symbol=symbol.upper(),
            direction=answer.direction, entry_price=answer.entry_price, sl=answer.sl,
            tp=answer.tp, confidence=answer.confidence, reasoning=answer.reasoning,
            timeframe=answer.timeframe or None, regime=answer.regime or None, model=model,
            **fields,
        )  # fmt: skip
        validate_event(issued)  # the declared ranges (confidence 0-100, prices >= 0, ...)
    except (msgspec.ValidationError, ValueError, TypeError) as exc:
        raise ValueError(str(exc)) from None
    return issued


def _messages(req: PlanRequest) -> list[dict[str, str]]:
    user = f"Give a trade plan for {req.symbol}."
    if req.market:
        user += f"\nMarket now: {req.market}"
    return [{"role": "system", "content": req.system_prompt}, {"role": "user", "content": user}]


async def request_plan(client: LlmClient, req: PlanRequest) -> PlanOutcome:
    """Ask for a plan and journal the outcome (issued or invalid) after the ``llm.called``."""
    result = await client.chat(
        _messages(req), purpose="recommendation", response_format=RESPONSE_FORMAT,
        conversation_id=req.conversation_id, prompt_variant=req.prompt_variant,
        correlation_id=req.correlation_id, causation_id=req.causation_id,
    )  # fmt: skip
    if not result.ok:
        return PlanOutcome(result)
    call = result.call
    links: dict[str, Any] = {"correlation_id": req.correlation_id, "causation_id": call.id}
    try:
        now = client.stamps.now()
        issued = parse_plan(
            result.content, symbol=req.symbol, model=call.model, ts=now,
            id=client.stamps.new_id(), recommendation_id=client.stamps.new_id(), conversation_id=req.conversation_id,
            signal_id=req.signal_id, prompt_variant=req.prompt_variant,
            generation_ms=call.latency_ms,
            expires_ts=now + req.expires_after if req.expires_after else None,
            **links,
        )  # fmt: skip
    except ValueError as exc:
        invalid = RecommendationInvalid(
            id=client.stamps.new_id(), ts=client.stamps.now(), producer="llm", model=call.model, raw=result.content,
            error=str(exc)[:500], conversation_id=req.conversation_id, **links,
        )  # fmt: skip
        await client.emit([invalid])
        return PlanOutcome(result, invalid=invalid)
    await client.emit([issued])
    return PlanOutcome(result, issued=issued)
