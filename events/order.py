"""Order family: orders sent to the terminal and what became of them (modified, cancelled, rejected)."""

from __future__ import annotations

from typing import Literal

from ._base import Event, Price, UtcDatetime, Volume

__all__ = ["OrderCancelled", "OrderModified", "OrderPlaced", "OrderRejected", "OrderType"]

# In the order of MT5's ORDER_TYPE_* values (0 = buy … 8 = close_by): the MT5 producer indexes it.
OrderType = Literal[
    "buy",
    "sell",
    "buy_limit",
    "sell_limit",
    "buy_stop",
    "sell_stop",
    "buy_stop_limit",
    "sell_stop_limit",
    "close_by",
]


class OrderPlaced(Event, tag="order.placed", frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Tag: order.placed — the terminal accepted an order (market or pending)."""

    order_ticket: int
    symbol: str
    order_type: OrderType
    volume: Volume
    price: Price
    sl: Price | None = None
    tp: Price | None = None
    magic: int | None = None
    comment: str = ""
    oco_group_id: str | None = None
    recommendation_id: str | None = None
    signal_id: str | None = None
    position_id: int | None = None
    expires_ts: UtcDatetime | None = None


class OrderModified(
    Event, tag="order.modified", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: order.modified — a pending order's price, stops or volume changed."""

    order_ticket: int
    symbol: str | None = None
    price: Price | None = None
    sl: Price | None = None
    tp: Price | None = None
    volume: Volume | None = None


class OrderCancelled(
    Event, tag="order.cancelled", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: order.cancelled — a pending order was removed, and why."""

    order_ticket: int
    symbol: str | None = None
    reason: Literal["user", "oco", "expired", "system"]
    oco_group_id: str | None = None


class OrderRejected(
    Event, tag="order.rejected", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: order.rejected — the terminal or broker refused a request (MT5 retcode kept).

    ``order_send`` returning nothing is journaled with ``last_error()``'s code as ``retcode``.
    """

    order_ticket: int | None = None
    symbol: str
    order_type: OrderType | None = None
    volume: Volume | None = None
    price: Price | None = None
    retcode: int
    comment: str = ""
    recommendation_id: str | None = None
    action: Literal["deal", "pending", "sltp", "modify", "remove", "close_by"] | None = None
    """The request's TRADE_ACTION (None if unknown); ``sltp`` = a refused stop modification."""
    position_id: int | None = None
