"""Ops family: timings, alerts, and the bot's own start/stop."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from ._base import Event, Millis

__all__ = ["AlertRaised", "BotStarted", "BotStopped", "MetricTiming"]


class MetricTiming(
    Event, tag="metric.timing", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: metric.timing (v2) — how long something took. v1 carried ``duration_s`` (seconds)."""

    v: Annotated[int, msgspec.Meta(ge=1)] = 2
    name: str
    duration_ms: Millis


class AlertRaised(Event, tag="alert.raised", frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Tag: alert.raised — something needs attention (unprotected position, disconnect, ...)."""

    level: Literal["info", "warning", "critical"]
    kind: str
    message: str = ""
    position_id: int | None = None
    symbol: str | None = None


class BotStarted(Event, tag="bot.started", frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Tag: bot.started — a producer process started."""

    version: str | None = None
    pid: int | None = None


class BotStopped(Event, tag="bot.stopped", frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Tag: bot.stopped — a producer process stopped (cleanly, or noticed at next start)."""

    reason: str | None = None
    pid: int | None = None
