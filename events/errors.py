"""The project's one error root, ``TradejournalError``, and the event catalogue's own error.

Every layer (store, projections, producers, cli) derives its errors from ``TradejournalError``
and keeps a builtin mixin (``ValueError``, ``OSError``, ...) where callers expect one, so a
caller can catch everything the project raises on purpose with one type. It lives here, in the
lowest layer, because ``events`` imports nothing of ours and every other layer may import it.
"""

from __future__ import annotations

__all__ = ["InvalidEventError", "TradejournalError"]


class TradejournalError(Exception):
    """Base class of every error tradejournal raises on purpose; the message says what and why."""


class InvalidEventError(TradejournalError, ValueError):
    """An event failed validation; ``field`` names the offending field ('' if none)."""

    def __init__(self, field: str, reason: str, index: int | None = None) -> None:
        self.field = field
        self.reason = reason
        self.index = index  # position in a batch, when one was checked
        super().__init__(f"{field}: {reason}" if field else reason)
