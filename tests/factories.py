"""Build valid events with sensible defaults for tests: ``make_deal(volume=Decimal("0.5"))``.

Every factory returns a fully validated event; keyword overrides replace any field. Deals and
orders get an idempotency ``id`` derived from their ticket, as the MT5 producer does, so two
factory calls with the same ticket are the same event to the store: vary the ticket. Snapshots
and messages get a fresh UUIDv7 ``id`` unless one is passed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tradejournal.events import AccountSnapshot, ConversationMessage, DealFilled, OrderPlaced

__all__ = ["ACCOUNT", "T0", "make_deal", "make_message", "make_order", "make_snapshot", "ts"]

T0 = dt.datetime(2024, 3, 4, 9, 0, 0, tzinfo=dt.UTC)
"""A fixed Monday morning, UTC: the default time of every factory event."""
ACCOUNT = "51234567"
"""The default trading account label (an MT5 login)."""


def ts(i: float = 0) -> dt.datetime:
    """Return the fixed aware UTC datetime ``T0`` plus ``i`` seconds."""
    return T0 + dt.timedelta(seconds=i)


def make_deal(**overrides: Any) -> DealFilled:
    """Return a ``deal.filled``: buy 0.10 EURUSD at 1.08500 opening position 3001."""
    fields: dict[str, Any] = {
        "ts": ts(),
        "producer": "mt5",
        "account": ACCOUNT,
        "deal_ticket": 1001,
        "order_ticket": 2001,
        "position_id": 3001,
        "symbol": "EURUSD",
        "side": "buy",
        "entry": "in",
        "volume": Decimal("0.10"),
        "price": Decimal("1.08500"),
        "commission": Decimal("-0.70"),
        "reason": "expert",
        "magic": 42,
    }
    fields.update(overrides)
    fields.setdefault("id", f"mt5:deal:{fields['deal_ticket']}")
    return DealFilled(**fields)


def make_order(**overrides: Any) -> OrderPlaced:
    """Return an ``order.placed``: a 0.10 lot EURUSD market buy with SL and TP."""
    fields: dict[str, Any] = {
        "ts": ts(),
        "producer": "mt5",
        "account": ACCOUNT,
        "order_ticket": 2001,
        "symbol": "EURUSD",
        "order_type": "buy",
        "volume": Decimal("0.10"),
        "price": Decimal("1.08500"),
        "sl": Decimal("1.08000"),
        "tp": Decimal("1.09500"),
        "magic": 42,
    }
    fields.update(overrides)
    fields.setdefault("id", f"mt5:order:{fields['order_ticket']}")
    return OrderPlaced(**fields)


def make_snapshot(**overrides: Any) -> AccountSnapshot:
    """Return an ``account.snapshot`` of a flat 10,000.00 USD account."""
    fields: dict[str, Any] = {
        "ts": ts(),
        "producer": "mt5",
        "account": ACCOUNT,
        "balance": Decimal("10000.00"),
        "equity": Decimal("10000.00"),
        "margin": Decimal("0.00"),
        "free_margin": Decimal("10000.00"),
        "currency": "USD",
    }
    fields.update(overrides)
    return AccountSnapshot(**fields)


def make_message(**overrides: Any) -> ConversationMessage:
    """Return a ``conversation.message``: an assistant reply with model, tokens and cost."""
    fields: dict[str, Any] = {
        "ts": ts(),
        "producer": "llm",
        "conversation_id": "conv-1",
        "role": "assistant",
        "content": "EURUSD looks range-bound; no trade.",
        "model": "gpt-4o-mini",
        "prompt_tokens": 120,
        "completion_tokens": 30,
        "cost_usd": Decimal("0.000036"),
        "latency_ms": 850.0,
        "response_id": "resp-1",
        "user_id": 1001,
        "chat_id": 1001,
    }
    fields.update(overrides)
    return ConversationMessage(**fields)
