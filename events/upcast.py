"""Upcasters: turn an old schema version of an event (as a dict) into the current one.

Rule (DESIGN.md): a breaking change is a new ``v`` plus an upcaster here; old segments are never
rewritten. Upcasters run on plain dicts before the typed decode, chained v1 -> v2 -> ... .
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["UPCASTERS", "needs_upcast", "upcast"]

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


def _metric_timing_v1_to_v2(d: dict[str, Any]) -> dict[str, Any]:
    # v1 measured seconds in ``duration_s``; v2 measures milliseconds in ``duration_ms``.
    out = {k: val for k, val in d.items() if k != "duration_s"}
    out["duration_ms"] = float(d["duration_s"]) * 1000.0
    out["v"] = 2
    return out


UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("metric.timing", 1): _metric_timing_v1_to_v2,
}
"""(tag, from_version) -> function returning the dict at version from_version + 1."""


def needs_upcast(tag: object, version: object) -> bool:
    """Return True when an upcaster exists for this (tag, version)."""
    return (tag, version) in UPCASTERS


def upcast(d: dict[str, Any]) -> dict[str, Any]:
    """Apply upcasters until the dict is at the current version of its type."""
    while True:
        step = UPCASTERS.get((d.get("type"), d.get("v", 1)))  # type: ignore[arg-type]
        if step is None:
            return d
        d = step(d)
