"""Terminal family: the trading terminal's connection state and the symbols' contract specifications.

A symbol's specification (``symbol.spec_changed``) is journaled the first time a producer sees the
symbol and again whenever a field changes; projections use it to value a price move in money
(``tick_value / tick_size`` per lot) instead of estimating that from the deals.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from ._base import Event, Money, Price, Volume

__all__ = ["SymbolSpecChanged", "TerminalConnected", "TerminalDisconnected"]


class TerminalConnected(
    Event, tag="terminal.connected", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: terminal.connected — the producer reached the terminal (at start or after an outage)."""

    server: str | None = None
    build: int | None = None
    downtime_s: Annotated[float, msgspec.Meta(ge=0)] | None = None
    """Seconds since the disconnect this ends (None at the first connection)."""


class TerminalDisconnected(
    Event, tag="terminal.disconnected", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: terminal.disconnected — the terminal stopped answering or lost its trade server."""

    error_code: int | None = None
    error: str | None = None


class SymbolSpecChanged(
    Event, tag="symbol.spec_changed", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: symbol.spec_changed — a symbol's contract specification, first seen or changed.

    Money value of a price move of 1.0 for one lot = ``tick_value / tick_size`` (account currency).
    """

    symbol: str
    digits: Annotated[int, msgspec.Meta(ge=0)]
    point: Price
    tick_size: Price
    tick_value: Money
    contract_size: Price
    volume_min: Volume
    volume_step: Volume
    volume_max: Volume
    currency_base: str = ""
    currency_profit: str = ""
    currency_margin: str = ""

    def validate(self) -> None:
        """A tick has a size; volume bounds are ordered."""
        if self.tick_size <= 0:
            raise ValueError(f"tick_size: must be > 0, was {self.tick_size}")
        if self.volume_min > self.volume_max:
            raise ValueError("volume_min: must not exceed volume_max")
