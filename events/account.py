"""Account family: balance/equity snapshots and non-trading balance changes (deposits, ...)."""

from __future__ import annotations

from typing import Literal

from ._base import Event, Money

__all__ = ["AccountBalanceChanged", "AccountSnapshot"]


class AccountSnapshot(
    Event, tag="account.snapshot", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: account.snapshot — balance, equity and margin at a moment (the equity curve)."""

    balance: Money
    equity: Money
    margin: Money
    free_margin: Money
    margin_level: float | None = None
    currency: str


class AccountBalanceChanged(
    Event, tag="account.balance_changed", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: account.balance_changed — a deposit, withdrawal, credit or other non-trading deal."""

    deal_ticket: int | None = None
    kind: Literal[
        "deposit",
        "withdrawal",
        "credit",
        "bonus",
        "charge",
        "correction",
        "commission",
        "interest",
        "dividend",
        "tax",
        "other",
    ]
    amount: Money
    balance: Money | None = None
    comment: str = ""
