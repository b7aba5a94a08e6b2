"""OCO family: one-cancels-other brackets — created, triggered (sibling cancelled), failed."""

from __future__ import annotations

from typing import Literal

from ._base import Event, Millis

__all__ = ["OcoCreated", "OcoFailed", "OcoTriggered"]


class OcoCreated(Event, tag="oco.created", frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Tag: oco.created — two pending orders linked so that a fill of one cancels the other."""

    oco_group_id: str
    symbol: str
    leg_a_ticket: int
    leg_b_ticket: int

    def validate(self) -> None:
        """The two legs are different orders."""
        if self.leg_a_ticket == self.leg_b_ticket:
            raise ValueError("leg_b_ticket: must differ from leg_a_ticket")


class OcoTriggered(
    Event, tag="oco.triggered", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: oco.triggered — one leg filled and the other was cancelled, with the latency."""

    oco_group_id: str
    filled_ticket: int
    cancel_ticket: int
    cancel_latency_ms: Millis | None = None


class OcoFailed(Event, tag="oco.failed", frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Tag: oco.failed — both legs filled, or the cancel of the sibling was refused."""

    oco_group_id: str
    kind: Literal["both_filled", "cancel_refused"]
    retcode: int | None = None
    error: str | None = None
