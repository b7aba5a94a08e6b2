"""Idempotency keys of Telegram-sourced events: one function per source, shared by every writer.

An update is journaled once whatever happens to it: ``tg:update:<bot id>:<update id>`` is the id
of its ``user.action`` (or its ``access.denied`` for a stranger), so a redelivered update after a
crash is a no-op in the store.
"""

from __future__ import annotations

__all__ = ["update_event_id"]


def update_event_id(bot_id: int, update_id: int) -> str:
    """The event id of the update ``update_id`` received by bot ``bot_id``."""
    return f"tg:update:{bot_id}:{update_id}"
