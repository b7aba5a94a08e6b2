"""The one error type of the projections package."""

from __future__ import annotations

from tradejournal.events.errors import TradejournalError

__all__ = ["ProjectionError"]


class ProjectionError(TradejournalError, RuntimeError):
    """A projection could not be built or queried; the message says why (DuckDB's text kept)."""
