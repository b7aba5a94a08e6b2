"""Upcasters: turn an old schema version of an event (as a dict) into the current one.

Rule (docs/design.md, "Catalogue evolution"): a breaking change is a new ``v`` plus an upcaster here; old segments are never
rewritten. Upcasters run on plain dicts before the typed decode, chained v1 -> v2 -> ... .
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["UPCASTERS", "needs_upcast", "upcast"]

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


def _metric_timing_v1_to_v2(d: dict[str, Any]) -> dict[str, Any]:
    # v1 measured seconds in ``duration_s``; v2 measures milliseconds in ``duration_ms``.
    seconds = d.get("duration_s")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ValueError(f"duration_s: must be a number in v1, was {type(seconds).__name__}")
    try:
        millis = float(seconds) * 1000.0
    except OverflowError as exc:
        raise ValueError("duration_s: out of range") from exc
    out = {k: val for k, val in d.items() if k != "duration_s"}
    out["duration_ms"] = millis
    out["v"] = 2
    return out


UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("metric.timing", 1): _metric_timing_v1_to_v2,
}
"""(tag, from_version) -> function returning the dict at version from_version + 1.

An upcaster raises ValueError("field: reason") when the old dict cannot be upcast.
"""


def needs_upcast(tag: object, version: object) -> bool:
    """Return True when an upcaster exists for this (tag, version)."""
    return _step(tag, version) is not None


def upcast(d: dict[str, Any]) -> dict[str, Any]:
    """Apply upcasters until the dict is at the current version of its type."""
    while True:
        step = _step(d.get("type"), d.get("v", 1))
        if step is None:
            return d
        d = step(d)


def _step(tag: object, version: object) -> Upcaster | None:
    # JSON lists/objects are unhashable; they never name an upcaster.
    try:
        return UPCASTERS.get((tag, version))  # type: ignore[arg-type]
    except TypeError:
        return None
