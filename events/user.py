"""User family: what users do in the bot (commands, buttons, messages) and refused access."""

from __future__ import annotations

from typing import Literal

from ._base import Event

__all__ = ["AccessDenied", "UserAction"]


class UserAction(Event, tag="user.action", frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Tag: user.action — a command, a button press or a message from an allowed user."""

    user_id: int
    chat_id: int
    kind: Literal["command", "button", "message"]
    data: str
    update_id: int | None = None
    username: str | None = None


class AccessDenied(
    Event, tag="access.denied", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: access.denied — a user not on the allow-list tried something."""

    user_id: int
    chat_id: int
    what: str
    update_id: int | None = None
    username: str | None = None
