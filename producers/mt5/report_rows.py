"""The row type of a parsed MT5 report's Deals table, shared by the parser (``report.py``) and
the position pairing (``pairing.py``) without an import circle between them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

__all__ = ["ReportDeal"]


@dataclass(frozen=True, slots=True)
class ReportDeal:
    """One row of a report's Deals table (times are naive broker server time, as printed)."""

    time: datetime
    deal: int
    symbol: str
    type: str
    entry: str | None
    volume: Decimal | None
    price: Decimal | None
    order: int | None
    commission: Decimal
    fee: Decimal
    swap: Decimal
    profit: Decimal
    balance: Decimal | None
    comment: str
    position_id: int | None
