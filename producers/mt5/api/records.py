"""The MetaTrader5 package's result records, with the real field names in the real order.

The real package returns C "named tuples" (attribute access, indexing, unpacking, ``_asdict()``);
these ``NamedTuple`` classes behave the same, so ``pd.DataFrame(list(x), columns=x[0]._asdict())``
and positional unpacking give identical results on every backend. Field counts: TradePosition 19,
TradeOrder 24, TradeDeal 18, Tick 8, TradeRequest 17, OrderCheckResult 9, OrderSendResult 11
(AccountInfo, TerminalInfo and SymbolInfo are in :mod:`.info`). ``RATES_DTYPE`` is the numpy record
layout of ``copy_rates_*``; ``TICKS_DTYPE`` that of ``copy_ticks_*``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = [
    "RATES_DTYPE",
    "TICKS_DTYPE",
    "BookInfo",
    "OrderCheckResult",
    "OrderSendResult",
    "Tick",
    "TradeDeal",
    "TradeOrder",
    "TradePosition",
    "TradeRequest",
]


class TradeRequest(NamedTuple):
    """A trade request as echoed in OrderCheckResult/OrderSendResult (order_send takes a dict)."""

    action: int
    magic: int
    order: int
    symbol: str
    volume: float
    price: float
    stoplimit: float
    sl: float
    tp: float
    deviation: int
    type: int
    type_filling: int
    type_time: int
    expiration: int
    comment: str
    position: int
    position_by: int


class OrderCheckResult(NamedTuple):
    """Result of order_check(); retcode 0 means the request would pass."""

    retcode: int
    balance: float
    equity: float
    profit: float
    margin: float
    margin_free: float
    margin_level: float
    comment: str
    request: TradeRequest


class OrderSendResult(NamedTuple):
    """Result of order_send(); order_send returns None instead on a local/IPC error."""

    retcode: int
    deal: int
    order: int
    volume: float
    price: float
    bid: float
    ask: float
    comment: str
    request_id: int
    retcode_external: int
    request: TradeRequest


class TradePosition(NamedTuple):
    """One open position (positions_get()). No commission field: commissions live on deals."""

    ticket: int
    time: int
    time_msc: int
    time_update: int
    time_update_msc: int
    type: int
    magic: int
    identifier: int
    reason: int
    volume: float
    price_open: float
    sl: float
    tp: float
    price_current: float
    swap: float
    profit: float
    symbol: str
    comment: str
    external_id: str


class TradeOrder(NamedTuple):
    """One order (orders_get() active, history_orders_get() done)."""

    ticket: int
    time_setup: int
    time_setup_msc: int
    time_done: int
    time_done_msc: int
    time_expiration: int
    type: int
    type_time: int
    type_filling: int
    state: int
    magic: int
    position_id: int
    position_by_id: int
    reason: int
    volume_initial: float
    volume_current: float
    price_open: float
    sl: float
    tp: float
    price_current: float
    price_stoplimit: float
    symbol: str
    comment: str
    external_id: str


class TradeDeal(NamedTuple):
    """One deal (history_deals_get()). Times are broker-server epoch seconds / ms."""

    ticket: int
    order: int
    time: int
    time_msc: int
    type: int
    entry: int
    magic: int
    position_id: int
    reason: int
    volume: float
    price: float
    commission: float
    swap: float
    profit: float
    fee: float
    symbol: str
    comment: str
    external_id: str


class Tick(NamedTuple):
    """symbol_info_tick(symbol)."""

    time: int
    bid: float
    ask: float
    last: float
    volume: int
    time_msc: int
    flags: int
    volume_real: float


class BookInfo(NamedTuple):
    """An item of market_book_get(symbol)."""

    type: int
    price: float
    volume: int
    volume_dbl: float


RATES_DTYPE = np.dtype(
    [
        ("time", "<i8"),
        ("open", "<f8"),
        ("high", "<f8"),
        ("low", "<f8"),
        ("close", "<f8"),
        ("tick_volume", "<u8"),
        ("spread", "<i4"),
        ("real_volume", "<u8"),
    ]
)
"""numpy structured dtype of the arrays copy_rates_from/_from_pos/_range return (bar open time in
broker-server epoch seconds)."""

TICKS_DTYPE = np.dtype(
    [
        ("time", "<i8"),
        ("bid", "<f8"),
        ("ask", "<f8"),
        ("last", "<f8"),
        ("volume", "<u8"),
        ("time_msc", "<i8"),
        ("flags", "<u4"),
        ("volume_real", "<f8"),
    ]
)
"""numpy structured dtype of the arrays copy_ticks_from/_range return."""
