"""The LLM producer: calls an OpenAI-compatible chat API and journals every call.

``LlmClient.chat`` returns an ``LlmResult`` and emits ``llm.called`` plus ``metric.timing`` for
every call, successful or not; rate limits, timeouts and connection errors come back as a short
user-facing message, never an exception. ``request_plan`` asks for a structured trade plan and
turns the answer into ``recommendation.issued`` or ``recommendation.invalid``.
"""

from __future__ import annotations

from .client import Emit, LlmClient, LlmResult, LlmSettings
from .plans import PLAN_SCHEMA, PlanOutcome, PlanRequest, parse_plan, request_plan
from .prices import Price, cost_usd, find_price, parse_prices

__all__ = [
    "PLAN_SCHEMA",
    "Emit",
    "LlmClient",
    "LlmResult",
    "LlmSettings",
    "PlanOutcome",
    "PlanRequest",
    "Price",
    "cost_usd",
    "find_price",
    "parse_plan",
    "parse_prices",
    "request_plan",
]
