"""The paper broker's request checks, each answering with an MT5 retcode (0 = passes).

Like a real server: volume within min/max and on the step (``INVALID_VOLUME``); stops on the
right side of the reference price and at least the stops level away (``INVALID_STOPS``; the
reference is the closing price — bid for a buy — for positions, the order price for pending
orders); pending prices on the right side of the market (``INVALID_PRICE``); expiry in the future
(``INVALID_EXPIRATION``); the symbol's trade mode (``TRADE_DISABLED``, ``LONG_ONLY``,
``SHORT_ONLY``, ``CLOSE_ONLY``); filling mode allowed (``INVALID_FILL``); free margin
(``NO_MONEY``). ``RETCODE_COMMENTS`` are the result comments the server sends with each code.
"""

from __future__ import annotations

from ..api import constants as c
from .book import Book, Quote
from .specs import SymbolSpec

__all__ = [
    "RETCODE_COMMENTS",
    "check_expiration",
    "check_filling",
    "check_money",
    "check_pending_price",
    "check_stops",
    "check_trade_mode",
    "check_volume",
    "comment_for",
]

RETCODE_COMMENTS: dict[int, str] = {
    c.TRADE_RETCODE_REQUOTE: "Requote",
    c.TRADE_RETCODE_REJECT: "Request rejected",
    c.TRADE_RETCODE_CANCEL: "Request canceled by trader",
    c.TRADE_RETCODE_PLACED: "Order placed",
    c.TRADE_RETCODE_DONE: "Request executed",
    c.TRADE_RETCODE_DONE_PARTIAL: "Request executed partially",
    c.TRADE_RETCODE_ERROR: "Request processing error",
    c.TRADE_RETCODE_TIMEOUT: "Request canceled by timeout",
    c.TRADE_RETCODE_INVALID: "Invalid request",
    c.TRADE_RETCODE_INVALID_VOLUME: "Invalid volume",
    c.TRADE_RETCODE_INVALID_PRICE: "Invalid price",
    c.TRADE_RETCODE_INVALID_STOPS: "Invalid stops",
    c.TRADE_RETCODE_TRADE_DISABLED: "Trade disabled",
    c.TRADE_RETCODE_MARKET_CLOSED: "Market closed",
    c.TRADE_RETCODE_NO_MONEY: "No money",
    c.TRADE_RETCODE_PRICE_CHANGED: "Prices changed",
    c.TRADE_RETCODE_PRICE_OFF: "Off quotes",
    c.TRADE_RETCODE_INVALID_EXPIRATION: "Invalid expiration",
    c.TRADE_RETCODE_ORDER_CHANGED: "Order state changed",
    c.TRADE_RETCODE_TOO_MANY_REQUESTS: "Too many requests",
    c.TRADE_RETCODE_NO_CHANGES: "No changes",
    c.TRADE_RETCODE_SERVER_DISABLES_AT: "Autotrading disabled by server",
    c.TRADE_RETCODE_CLIENT_DISABLES_AT: "Autotrading disabled by client",
    c.TRADE_RETCODE_LOCKED: "Request locked for processing",
    c.TRADE_RETCODE_FROZEN: "Order or position frozen",
    c.TRADE_RETCODE_INVALID_FILL: "Unsupported filling mode",
    c.TRADE_RETCODE_CONNECTION: "No connection",
    c.TRADE_RETCODE_ONLY_REAL: "Only allowed for live accounts",
    c.TRADE_RETCODE_LIMIT_ORDERS: "Limit of pending orders reached",
    c.TRADE_RETCODE_LIMIT_VOLUME: "Volume limit reached",
    c.TRADE_RETCODE_INVALID_ORDER: "Invalid or prohibited order type",
    c.TRADE_RETCODE_POSITION_CLOSED: "Position already closed",
    c.TRADE_RETCODE_INVALID_CLOSE_VOLUME: "Close volume exceeds position volume",
    c.TRADE_RETCODE_CLOSE_ORDER_EXIST: "Close order already exists",
    c.TRADE_RETCODE_LIMIT_POSITIONS: "Limit of open positions reached",
    c.TRADE_RETCODE_REJECT_CANCEL: "Pending order activation rejected",
    c.TRADE_RETCODE_LONG_ONLY: "Only long positions allowed",
    c.TRADE_RETCODE_SHORT_ONLY: "Only short positions allowed",
    c.TRADE_RETCODE_CLOSE_ONLY: "Only position closing allowed",
    c.TRADE_RETCODE_FIFO_CLOSE: "Position closing allowed only by FIFO rule",
}

_EPS = 1e-9
_BUYS = {
    c.ORDER_TYPE_BUY,
    c.ORDER_TYPE_BUY_LIMIT,
    c.ORDER_TYPE_BUY_STOP,
    c.ORDER_TYPE_BUY_STOP_LIMIT,
}


def comment_for(retcode: int) -> str:
    """The server's comment for ``retcode``."""
    return RETCODE_COMMENTS.get(retcode, "Request rejected")


def is_buy(order_type: int) -> bool:
    """Whether ``order_type`` buys (market, limit, stop or stop-limit)."""
    return order_type in _BUYS


def check_volume(spec: SymbolSpec, volume: float) -> int:
    """``INVALID_VOLUME`` unless min <= volume <= max and volume is a multiple of the step."""
    if volume < spec.volume_min - _EPS or volume > spec.volume_max + _EPS:
        return c.TRADE_RETCODE_INVALID_VOLUME
    steps = volume / spec.volume_step
    if abs(steps - round(steps)) > 1e-6:
        return c.TRADE_RETCODE_INVALID_VOLUME
    return 0


def check_stops(spec: SymbolSpec, sign: int, reference: float, sl: float, tp: float) -> int:
    """``INVALID_STOPS`` if SL/TP (0 = none) are on the wrong side of ``reference`` or nearer
    than the stops level, for a position of direction ``sign`` (+1 buy, -1 sell)."""
    level = spec.stops_level * spec.point
    if sl and not (sign * (reference - sl) > _EPS and sign * (reference - sl) >= level - _EPS):
        return c.TRADE_RETCODE_INVALID_STOPS
    if tp and not (sign * (tp - reference) > _EPS and sign * (tp - reference) >= level - _EPS):
        return c.TRADE_RETCODE_INVALID_STOPS
    if sl < 0 or tp < 0:
        return c.TRADE_RETCODE_INVALID_STOPS
    return 0


def check_pending_price(
    spec: SymbolSpec, quote: Quote, order_type: int, price: float, stoplimit: float
) -> int:
    """``INVALID_PRICE`` if a pending order's price is on the wrong side of the market (or within
    the stops level); ``INVALID_ORDER`` for a type that is not a pending type."""
    level = spec.stops_level * spec.point
    if price <= 0:
        return c.TRADE_RETCODE_INVALID_PRICE
    above_ask = price - quote.ask >= level - _EPS and price > quote.ask + _EPS
    below_ask = quote.ask - price >= level - _EPS and price < quote.ask - _EPS
    above_bid = price - quote.bid >= level - _EPS and price > quote.bid + _EPS
    below_bid = quote.bid - price >= level - _EPS and price < quote.bid - _EPS
    ok = {
        c.ORDER_TYPE_BUY_LIMIT: below_ask,
        c.ORDER_TYPE_SELL_LIMIT: above_bid,
        c.ORDER_TYPE_BUY_STOP: above_ask,
        c.ORDER_TYPE_SELL_STOP: below_bid,
        c.ORDER_TYPE_BUY_STOP_LIMIT: above_ask and 0 < stoplimit < price,
        c.ORDER_TYPE_SELL_STOP_LIMIT: below_bid and stoplimit > price,
    }.get(order_type)
    if ok is None:
        return c.TRADE_RETCODE_INVALID_ORDER
    return 0 if ok else c.TRADE_RETCODE_INVALID_PRICE


def check_expiration(type_time: int, expiration: int, now_s: int) -> int:
    """``INVALID_EXPIRATION`` for an unknown time type or an expiry (server time) not in the future."""
    if type_time not in (
        c.ORDER_TIME_GTC,
        c.ORDER_TIME_DAY,
        c.ORDER_TIME_SPECIFIED,
        c.ORDER_TIME_SPECIFIED_DAY,
    ):
        return c.TRADE_RETCODE_INVALID_EXPIRATION
    if type_time in (c.ORDER_TIME_SPECIFIED, c.ORDER_TIME_SPECIFIED_DAY) and expiration <= now_s:
        return c.TRADE_RETCODE_INVALID_EXPIRATION
    return 0


def check_trade_mode(spec: SymbolSpec, order_type: int, closing: bool) -> int:
    """The symbol's trade mode: disabled, long only, short only, close only."""
    mode = spec.trade_mode
    if mode == c.SYMBOL_TRADE_MODE_DISABLED:
        return c.TRADE_RETCODE_TRADE_DISABLED
    if closing:
        return 0
    if mode == c.SYMBOL_TRADE_MODE_CLOSEONLY:
        return c.TRADE_RETCODE_CLOSE_ONLY
    if mode == c.SYMBOL_TRADE_MODE_LONGONLY and not is_buy(order_type):
        return c.TRADE_RETCODE_LONG_ONLY
    if mode == c.SYMBOL_TRADE_MODE_SHORTONLY and is_buy(order_type):
        return c.TRADE_RETCODE_SHORT_ONLY
    return 0


def check_filling(spec: SymbolSpec, filling: int) -> int:
    """``INVALID_FILL`` unless the symbol allows ``filling``."""
    return 0 if filling in spec.fillings else c.TRADE_RETCODE_INVALID_FILL


def check_money(book: Book, symbol: str, volume: float, price: float) -> int:
    """``NO_MONEY`` if opening ``volume`` lots would need more margin than is free."""
    free = book.equity() - book.used_margin()
    return c.TRADE_RETCODE_NO_MONEY if book.margin(symbol, volume, price) > free + _EPS else 0
