"""The terminal surface: the functions of ``import MetaTrader5 as mt5`` as a typing Protocol.

Everything that talks to MetaTrader 5 (poller, OCO and trailing managers, scanner, bot) takes a
:class:`Terminal`; the real ``MetaTrader5`` module, an ``mt5linux.MetaTrader5`` client and the
:class:`~tradejournal.producers.mt5.PaperTerminal` all fit it. Arguments and keyword behaviour are
the real package's: selectors of ``*_get`` are keywords (``positions_get(symbol=)``, ``(group=)``,
``(ticket=)``); ``history_deals_get(date_from, date_to, group=)`` or ``(ticket=ORDER)`` or
``(position=ID)``; failures return ``None`` and set :meth:`Terminal.last_error`. The constants are
attributes of every backend too, with the values of :mod:`.constants` (import them from there
for typed code).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt

from .info import AccountInfo, SymbolInfo, TerminalInfo
from .records import OrderCheckResult, OrderSendResult, Tick, TradeDeal, TradeOrder, TradePosition

__all__ = ["DateLike", "Rates", "Terminal"]

DateLike: TypeAlias = dt.datetime | int | float
"""A ``datetime`` (tz-aware UTC is what the real package expects) or epoch seconds."""

Rates: TypeAlias = npt.NDArray[np.void]
"""A numpy structured array with :data:`~.records.RATES_DTYPE` (fields time, open, high, low,
close, tick_volume, spread, real_volume)."""


class Terminal(Protocol):
    """The MetaTrader5 package's functions (the subset this project uses)."""

    def initialize(
        self,
        path: str | None = None,
        *,
        login: int | None = None,
        password: str | None = None,
        server: str | None = None,
        timeout: int | None = None,
        portable: bool = False,
    ) -> bool: ...

    def login(
        self,
        login: int,
        password: str | None = None,
        server: str | None = None,
        timeout: int | None = None,
    ) -> bool: ...

    def shutdown(self) -> None: ...

    def last_error(self) -> tuple[int, str]: ...

    def version(self) -> tuple[int, int, str] | None: ...

    def account_info(self) -> AccountInfo | None: ...

    def terminal_info(self) -> TerminalInfo | None: ...

    def symbols_total(self) -> int: ...

    def symbols_get(self, group: str | None = None) -> tuple[SymbolInfo, ...] | None: ...

    def symbol_info(self, symbol: str) -> SymbolInfo | None: ...

    def symbol_info_tick(self, symbol: str) -> Tick | None: ...

    def symbol_select(self, symbol: str, enable: bool = True) -> bool: ...

    def copy_rates_from(
        self, symbol: str, timeframe: int, date_from: DateLike, count: int
    ) -> Rates | None: ...

    def copy_rates_from_pos(
        self, symbol: str, timeframe: int, start_pos: int, count: int
    ) -> Rates | None: ...

    def copy_rates_range(
        self, symbol: str, timeframe: int, date_from: DateLike, date_to: DateLike
    ) -> Rates | None: ...

    def positions_total(self) -> int | None: ...

    def positions_get(
        self, *, symbol: str | None = None, group: str | None = None, ticket: int | None = None
    ) -> tuple[TradePosition, ...] | None: ...

    def orders_total(self) -> int | None: ...

    def orders_get(
        self, *, symbol: str | None = None, group: str | None = None, ticket: int | None = None
    ) -> tuple[TradeOrder, ...] | None: ...

    def history_orders_total(self, date_from: DateLike, date_to: DateLike) -> int | None: ...

    def history_orders_get(
        self,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        *,
        group: str | None = None,
        ticket: int | None = None,
        position: int | None = None,
    ) -> tuple[TradeOrder, ...] | None: ...

    def history_deals_total(self, date_from: DateLike, date_to: DateLike) -> int | None: ...

    def history_deals_get(
        self,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        *,
        group: str | None = None,
        ticket: int | None = None,
        position: int | None = None,
    ) -> tuple[TradeDeal, ...] | None: ...

    def order_calc_margin(
        self, action: int, symbol: str, volume: float, price: float
    ) -> float | None: ...

    def order_calc_profit(
        self, action: int, symbol: str, volume: float, price_open: float, price_close: float
    ) -> float | None: ...

    def order_check(self, request: Mapping[str, Any]) -> OrderCheckResult | None: ...

    def order_send(self, request: Mapping[str, Any]) -> OrderSendResult | None: ...
