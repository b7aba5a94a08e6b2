"""Deal family: executions (fills) as MetaTrader 5 reports them — the money truth of the journal."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from ._base import Event, Money, Price, Volume

__all__ = ["DealFilled", "DealEntry", "DealReason"]

DealEntry = Literal["in", "out", "inout", "out_by"]
DealReason = Literal[
    "client", "mobile", "web", "expert", "sl", "tp", "so", "rollover", "vmargin", "split", "other"
]
_ZERO = Decimal(0)


class DealFilled(Event, tag="deal.filled", frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Tag: deal.filled — one execution: entry in/out, volume, price, and its money.

    Net result of the deal = ``profit + commission + swap + fee`` (account currency).
    """

    deal_ticket: int
    order_ticket: int | None = None
    position_id: int | None = None
    symbol: str
    side: Literal["buy", "sell"]
    entry: DealEntry
    volume: Volume
    price: Price
    commission: Money = _ZERO
    swap: Money = _ZERO
    fee: Money = _ZERO
    profit: Money = _ZERO
    reason: DealReason | None = None
    magic: int | None = None
    comment: str = ""
    balance: Money | None = None
