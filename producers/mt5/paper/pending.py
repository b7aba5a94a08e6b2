"""Pending orders on the paper broker: placing, modifying, removing, expiring.

``TRADE_ACTION_PENDING`` places a limit, stop or stop-limit order (state ``ORDER_STATE_PLACED``,
result ``TRADE_RETCODE_DONE`` with the order ticket); ``TRADE_ACTION_MODIFY`` changes its price,
stop-limit price, SL/TP or expiry (``NO_CHANGES`` if nothing differs); ``TRADE_ACTION_REMOVE``
cancels it (``ORDER_STATE_CANCELED``). Orders with ``ORDER_TIME_SPECIFIED`` expire at their
``expiration`` (server time), ``ORDER_TIME_DAY`` at the end of the server day,
``ORDER_TIME_SPECIFIED_DAY`` at the end of the expiration's day (``ORDER_STATE_EXPIRED``).
"""

from __future__ import annotations

from dataclasses import replace

from ..api import constants as c
from .book import Book, Order
from .checks import (
    check_expiration,
    check_filling,
    check_pending_price,
    check_stops,
    check_trade_mode,
    check_volume,
    is_buy,
)
from .clock import ServerClock
from .requests import Request

__all__ = ["check_pending", "expire_due", "modify", "place", "reject", "remove"]

_DAY = 86_400


def _expire_at(type_time: int, expiration: int, now_s: int) -> int:
    if type_time == c.ORDER_TIME_DAY:
        return (now_s // _DAY + 1) * _DAY
    if type_time == c.ORDER_TIME_SPECIFIED:
        return expiration
    if type_time == c.ORDER_TIME_SPECIFIED_DAY:
        return (expiration // _DAY + 1) * _DAY
    return 0


def check_pending(book: Book, clock: ServerClock, r: Request, *, new: bool) -> int:
    """The retcode a pending order request would get (0 = passes)."""
    spec = book.specs[r.symbol]
    quote = book.quotes[r.symbol]
    code = (
        (check_trade_mode(spec, r.type, closing=False) if new else 0)
        or (check_volume(spec, r.volume) if new else 0)
        or check_pending_price(spec, quote, r.type, r.price, r.stoplimit)
        or check_stops(
            spec,
            1 if is_buy(r.type) else -1,
            r.stoplimit
            if r.type in (c.ORDER_TYPE_BUY_STOP_LIMIT, c.ORDER_TYPE_SELL_STOP_LIMIT)
            else r.price,
            r.sl,
            r.tp,
        )
        or check_expiration(r.type_time, r.expiration, clock.server_s)
        or (check_filling(spec, r.type_filling) if new else 0)
    )
    return code


def place(book: Book, clock: ServerClock, r: Request, reason: int = c.ORDER_REASON_EXPERT) -> int:
    """Place the (checked) pending order ``r`` (from ``reason``'s platform); returns its ticket."""
    now = clock.server_ms
    order = Order(
        ticket=book.order_ticket(), symbol=r.symbol, type=r.type, volume=r.volume,
        price_open=r.price, setup_ms=now, price_stoplimit=r.stoplimit, sl=r.sl, tp=r.tp,
        type_time=r.type_time, type_filling=r.type_filling,
        expiration=r.expiration if r.type_time in (c.ORDER_TIME_SPECIFIED, c.ORDER_TIME_SPECIFIED_DAY) else 0,
        magic=r.magic, comment=r.comment, reason=reason, expire_at=_expire_at(r.type_time, r.expiration, now // 1000),
        price_current=book.quotes[r.symbol].ask if is_buy(r.type) else book.quotes[r.symbol].bid,
    )  # fmt: skip
    book.orders[order.ticket] = order
    return order.ticket


def modify(book: Book, clock: ServerClock, r: Request) -> int:
    """Apply ``TRADE_ACTION_MODIFY`` to active order ``r.order``; returns a retcode."""
    order = book.orders.get(r.order)
    if order is None:
        return c.TRADE_RETCODE_INVALID_ORDER
    stoplimit = (
        r.stoplimit
        if order.type in (c.ORDER_TYPE_BUY_STOP_LIMIT, c.ORDER_TYPE_SELL_STOP_LIMIT)
        else 0.0
    )
    changed = (r.price, stoplimit, r.sl, r.tp, r.type_time, r.expiration)
    current = (
        order.price_open,
        order.price_stoplimit,
        order.sl,
        order.tp,
        order.type_time,
        order.expiration,
    )
    if changed == current:
        return c.TRADE_RETCODE_NO_CHANGES
    probe = replace(
        r, symbol=order.symbol, type=order.type, volume=order.volume, stoplimit=stoplimit
    )
    code = check_pending(book, clock, probe, new=False)
    if code:
        return code
    order.price_open, order.price_stoplimit, order.sl, order.tp = r.price, stoplimit, r.sl, r.tp
    order.type_time = r.type_time
    order.expiration = (
        r.expiration if r.type_time in (c.ORDER_TIME_SPECIFIED, c.ORDER_TIME_SPECIFIED_DAY) else 0
    )
    order.expire_at = _expire_at(r.type_time, r.expiration, clock.server_s)
    return c.TRADE_RETCODE_DONE


def _finish(book: Book, clock: ServerClock, order: Order, state: int, at_ms: int = 0) -> None:
    del book.orders[order.ticket]
    done = replace(order, state=state, done_ms=at_ms or clock.server_ms)
    book.history_orders.append(done.record())


def remove(book: Book, clock: ServerClock, r: Request) -> int:
    """Apply ``TRADE_ACTION_REMOVE`` to active order ``r.order``; returns a retcode."""
    order = book.orders.get(r.order)
    if order is None:
        return c.TRADE_RETCODE_INVALID_ORDER
    _finish(book, clock, order, c.ORDER_STATE_CANCELED)
    return c.TRADE_RETCODE_DONE


def reject(book: Book, clock: ServerClock, order: Order) -> None:
    """Move ``order`` to the history as rejected (e.g. no money when it triggered)."""
    _finish(book, clock, order, c.ORDER_STATE_REJECTED)


def expire_due(book: Book, clock: ServerClock) -> None:
    """Expire every active order whose expiry time has come (stamped at its expiry time)."""
    now = clock.server_s
    for order in sorted(book.orders.values(), key=lambda o: (o.expire_at, o.ticket)):
        if order.expire_at and now >= order.expire_at:
            _finish(book, clock, order, c.ORDER_STATE_EXPIRED, order.expire_at * 1000)
