"""Position family: stop/target moves, price excursions (MAE/MFE) and trade annotations."""

from __future__ import annotations

from typing import Literal

from ._base import Event, Price

__all__ = ["PositionExcursion", "PositionStopMoved", "TradeAnnotated"]


class PositionStopMoved(
    Event, tag="position.stop_moved", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: position.stop_moved — SL and/or TP of an open position changed (never overwritten)."""

    position_id: int
    symbol: str | None = None
    old_sl: Price | None = None
    new_sl: Price | None = None
    old_tp: Price | None = None
    new_tp: Price | None = None
    price: Price | None = None
    method: Literal["initial", "trailing", "breakeven", "manual", "partial", "other"]
    r_at_move: float | None = None
    rule: Literal["breakeven", "atr", "fixed", "step"] | None = None
    """The trailing rule that moved the stop (None when not a trailing manager's move)."""
    atr_distance: Price | None = None
    """The ATR distance (price units) an ``atr`` rule used."""


class PositionExcursion(
    Event, tag="position.excursion", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: position.excursion — a new extreme while open: best (mfe) or worst (mae) price."""

    position_id: int
    symbol: str | None = None
    excursion: Literal["mfe", "mae"]
    price: Price


class TradeAnnotated(
    Event, tag="trade.annotated", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: trade.annotated — strategy, regime, tags or a note attached to a position."""

    position_id: int
    strategy: str | None = None
    regime: str | None = None
    tags: list[str] = []
    note: str | None = None
