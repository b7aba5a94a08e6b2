"""The one MT5 deal → event translation, shared by the report importer and the live poller.

A deal ticket is unique per account, not worldwide, so a deal's event id is
``mt5:<account>:deal:<ticket>`` (:func:`deal_event_id`). Whoever journals a deal first — the
poller while trading, ``mt5 backfill`` or a report import afterwards — writes the same id and the
same content, so the others add nothing.

:class:`Mt5Deal` is a deal in normalised form (strings for type/entry/reason, UTC time, Decimal
money); each source converts its own rows into it (the report parser's ``ReportDeal``, the
terminal's ``TradeDeal`` tuple) and :func:`deal_to_event` turns it into ``deal.filled`` (buy/sell)
or ``account.balance_changed`` (balance, credit, charges, …).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from tradejournal.events import AccountBalanceChanged, DealFilled, Event

from .api.records import TradeDeal

__all__ = [
    "BALANCE_KINDS",
    "DEAL_ENTRIES",
    "DEAL_REASONS",
    "DEAL_TYPES",
    "TRADE_TYPES",
    "Mt5Deal",
    "deal_event_id",
    "deal_to_event",
    "from_trade_deal",
]

TRADE_TYPES = frozenset({"buy", "sell"})
# non-trade deal types (as MT5 names them, lower case) -> account.balance_changed kind
BALANCE_KINDS = {
    "credit": "credit",
    "bonus": "bonus",
    "charge": "charge",
    "correction": "correction",
    "commission": "commission",
    "commission daily": "commission",
    "commission monthly": "commission",
    "agent commission daily": "commission",
    "agent commission monthly": "commission",
    "interest": "interest",
    "dividend": "dividend",
    "franked dividend": "dividend",
    "tax": "tax",
}
_ZERO = Decimal(0)
# the terminal's integer codes (MetaTrader5 package: DEAL_TYPE_*, DEAL_ENTRY_*, DEAL_REASON_*)
DEAL_TYPES = {
    0: "buy",
    1: "sell",
    2: "balance",
    3: "credit",
    4: "charge",
    5: "correction",
    6: "bonus",
    7: "commission",
    8: "commission daily",
    9: "commission monthly",
    10: "agent commission daily",
    11: "agent commission monthly",
    12: "interest",
    13: "buy canceled",
    14: "sell canceled",
    15: "dividend",
    16: "franked dividend",
    17: "tax",
}
DEAL_ENTRIES = {0: "in", 1: "out", 2: "inout", 3: "out_by"}
DEAL_REASONS = {
    0: "client",
    1: "mobile",
    2: "web",
    3: "expert",
    4: "sl",
    5: "tp",
    6: "so",
    7: "rollover",
    8: "vmargin",
    9: "split",
}


def deal_event_id(account: str, ticket: int) -> str:
    """The idempotency key of deal ``ticket`` of ``account``: ``mt5:<account>:deal:<ticket>``."""
    return f"mt5:{account}:deal:{ticket}"


@dataclass(frozen=True, slots=True)
class Mt5Deal:
    """One MT5 deal, normalised. ``type`` is ``buy``/``sell``/``balance``/``credit``/… (lower
    case), ``entry`` ``in``/``out``/``inout``/``out_by`` (None for non-trade deals), ``time`` UTC."""

    ticket: int
    time: dt.datetime
    type: str
    symbol: str = ""
    entry: str | None = None
    volume: Decimal | None = None
    price: Decimal | None = None
    order: int | None = None
    position_id: int | None = None
    commission: Decimal = _ZERO
    swap: Decimal = _ZERO
    fee: Decimal = _ZERO
    profit: Decimal = _ZERO
    reason: str | None = None
    magic: int | None = None
    comment: str = ""
    balance: Decimal | None = None


def deal_to_event(
    deal: Mt5Deal,
    *,
    account: str,
    producer: str,
    source: str = "",
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> Event:
    """``deal.filled`` for a buy/sell deal, else ``account.balance_changed``.

    ``source`` names where a non-trade deal came from when it has no comment (e.g. the report's
    file name). Raises ``ValueError`` for a trade deal without entry, volume or price.
    """
    if deal.time.tzinfo is None:
        raise ValueError(f"deal {deal.ticket}: time must be timezone-aware (UTC)")
    common = {
        "id": deal_event_id(account, deal.ticket),
        "ts": deal.time,
        "producer": producer,
        "account": account,
        "deal_ticket": deal.ticket,
        "correlation_id": correlation_id,
        "causation_id": causation_id,
    }
    if deal.type in TRADE_TYPES:
        if deal.entry is None or deal.volume is None or deal.price is None:
            raise ValueError(
                f"deal {deal.ticket}: a {deal.type} deal without entry, volume or price"
            )
        return DealFilled(
            **common,  # type: ignore[arg-type]
            order_ticket=deal.order,
            position_id=deal.position_id,
            symbol=deal.symbol,
            side=deal.type,  # type: ignore[arg-type]
            entry=deal.entry,  # type: ignore[arg-type]
            volume=deal.volume,
            price=deal.price,
            commission=deal.commission,
            swap=deal.swap,
            fee=deal.fee,
            profit=deal.profit,
            reason=deal.reason,  # type: ignore[arg-type]
            magic=deal.magic,
            comment=deal.comment,
            balance=deal.balance,
        )
    amount = deal.profit + deal.commission + deal.swap + deal.fee
    if deal.type == "balance":
        kind = "deposit" if amount >= 0 else "withdrawal"
    else:
        kind = BALANCE_KINDS.get(deal.type, "other")
    return AccountBalanceChanged(
        **common,  # type: ignore[arg-type]
        kind=kind,  # type: ignore[arg-type]
        amount=amount,
        balance=deal.balance,
        comment=deal.comment or (f"{deal.type} ({source})" if source else deal.type),
    )


def from_trade_deal(deal: TradeDeal, to_utc: Callable[[int], dt.datetime]) -> Mt5Deal:
    """A terminal ``TradeDeal`` (``history_deals_get``; the real package's tuple or an RPyC proxy
    with the same fields works too) as :class:`Mt5Deal`.

    ``to_utc`` converts the deal's ``time_msc`` (broker-server milliseconds) to aware UTC (see
    ``config.ServerClock.to_utc_msc``). Floats become decimals through their shortest repr
    (``0.1`` stays ``0.1``); unknown reason codes become ``other``.
    """
    kind = DEAL_TYPES.get(deal.type, "other")
    trade = kind in TRADE_TYPES
    return Mt5Deal(
        ticket=deal.ticket,
        time=to_utc(deal.time_msc or deal.time * 1000),
        type=kind,
        symbol=deal.symbol,
        entry=DEAL_ENTRIES.get(deal.entry) if trade else None,
        volume=_dec(deal.volume) if trade else None,
        price=_dec(deal.price) if trade else None,
        order=deal.order or None,
        position_id=deal.position_id or None,
        commission=_dec(deal.commission),
        swap=_dec(deal.swap),
        fee=_dec(deal.fee),
        profit=_dec(deal.profit),
        reason=DEAL_REASONS.get(deal.reason, "other") if trade else None,
        magic=deal.magic if trade else None,
        comment=deal.comment,
    )


def _dec(value: float) -> Decimal:
    """A float from the terminal as the decimal it was meant to be (``repr`` is shortest)."""
    return Decimal(repr(float(value))) if value else _ZERO
