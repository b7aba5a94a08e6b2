"""The one error type of the projections package."""

from __future__ import annotations

__all__ = ["ProjectionError"]


class ProjectionError(RuntimeError):
    """A projection could not be built or queried; the message says why (DuckDB's text kept)."""
