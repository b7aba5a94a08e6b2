"""What the paper broker's server does on its own when a price or the clock moves.

On a quote: pending orders trigger (a limit fills at its price when the market reaches it, a stop
fills at the market price, a stop-limit turns into a limit order at its stop-limit price under
the same ticket), then SL and TP close positions at the market (reasons ``SL``/``TP``, comments
``[sl 1.08500]`` / ``[tp …]`` as a live server writes them), then stop-out closes the most losing
position while the margin level is below the stop-out level (reason ``SO``). On the clock: orders
expire, and at each server midnight open positions accrue swap (points x lots, triple on the
symbol's 3-day rollover weekday, none for Saturday and Sunday nights).
"""

from __future__ import annotations

import datetime as dt

from ..api import constants as c
from .book import Book, Order, Position
from .checks import check_money, is_buy
from .clock import ServerClock
from .execution import Executor, MarketOrder
from .pending import expire_due, reject

__all__ = ["Market"]

_DAY_MS = 86_400_000
_LIMIT_OF = {
    c.ORDER_TYPE_BUY_STOP_LIMIT: c.ORDER_TYPE_BUY_LIMIT,
    c.ORDER_TYPE_SELL_STOP_LIMIT: c.ORDER_TYPE_SELL_LIMIT,
}


class Market:
    """Applies triggers, stop-out, expiry and rollover to a :class:`Book`."""

    def __init__(self, book: Book, clock: ServerClock, executor: Executor) -> None:
        self.book = book
        self.clock = clock
        self.executor = executor

    # -- quotes --------------------------------------------------------------------------
    def on_quote(self, symbol: str) -> None:
        """Run the server's reactions to a new quote of ``symbol``."""
        self.book.revalue()
        for order in sorted(self.book.orders.values(), key=lambda o: o.ticket):
            if order.symbol == symbol and order.ticket in self.book.orders:
                self._trigger(order)
        for pos in sorted(self.book.positions.values(), key=lambda p: p.ticket):
            if pos.symbol == symbol and pos.ticket in self.book.positions:
                self._stops(pos)
        self._stop_out()

    def _fill_price(self, order: Order) -> float | None:
        q = self.book.quotes[order.symbol]
        t, p = order.type, order.price_open
        if t == c.ORDER_TYPE_BUY_LIMIT:
            return p if q.ask <= p else None
        if t == c.ORDER_TYPE_SELL_LIMIT:
            return p if q.bid >= p else None
        if t == c.ORDER_TYPE_BUY_STOP:
            return q.ask if q.ask >= p else None
        if t == c.ORDER_TYPE_SELL_STOP:
            return q.bid if q.bid <= p else None
        return None

    def _trigger(self, order: Order) -> None:
        q = self.book.quotes[order.symbol]
        if order.type in _LIMIT_OF:
            reached = q.ask >= order.price_open if is_buy(order.type) else q.bid <= order.price_open
            if not reached:
                return
            order.type = _LIMIT_OF[order.type]
            order.price_open, order.price_stoplimit = order.price_stoplimit, 0.0
        price = self._fill_price(order)
        if price is None:
            return
        if check_money(self.book, order.symbol, order.volume, price):
            reject(self.book, self.clock, order)
            return
        del self.book.orders[order.ticket]
        self.executor.execute(
            MarketOrder(
                order.symbol, is_buy(order.type), order.volume, price, sl=order.sl, tp=order.tp,
                magic=order.magic, comment=order.comment, order_reason=order.reason,
                deal_reason=order.reason, pending=order, type_filling=order.type_filling,
            )
        )  # fmt: skip

    def _stops(self, pos: Position) -> None:
        price = self.book.close_price(pos.symbol, pos.type)
        hit_sl = pos.sl and pos.sign * (price - pos.sl) <= 0
        hit_tp = pos.tp and pos.sign * (price - pos.tp) >= 0
        if hit_sl:
            self.close(pos, c.ORDER_REASON_SL, c.DEAL_REASON_SL, f"[sl {self._fmt(pos, pos.sl)}]")
        elif hit_tp:
            self.close(pos, c.ORDER_REASON_TP, c.DEAL_REASON_TP, f"[tp {self._fmt(pos, pos.tp)}]")

    def _fmt(self, pos: Position, price: float) -> str:
        return f"{price:.{self.book.specs[pos.symbol].digits}f}"

    def close(self, pos: Position, order_reason: int, deal_reason: int, comment: str) -> None:
        """Close all of ``pos`` at the market on the server's initiative."""
        self.executor.execute(
            MarketOrder(
                pos.symbol, pos.sign < 0, pos.volume, self.book.close_price(pos.symbol, pos.type),
                magic=pos.magic, comment=comment, position=pos.ticket,
                order_reason=order_reason, deal_reason=deal_reason,
            )
        )  # fmt: skip

    def _stop_out(self) -> None:
        acc = self.book.account
        while self.book.positions and self.book.used_margin():
            level = self.book.margin_level()
            if level >= acc.margin_so_so:
                return
            worst = min(self.book.positions.values(), key=lambda p: (p.profit + p.swap, p.ticket))
            self.close(worst, c.ORDER_REASON_SO, c.DEAL_REASON_SO, f"[so {level:.2f}%]")

    # -- clock ---------------------------------------------------------------------------
    def on_clock(self, before_server_ms: int) -> None:
        """Run rollovers for every server midnight passed since ``before_server_ms``; expire."""
        day = before_server_ms // _DAY_MS + 1
        while day * _DAY_MS <= self.clock.server_ms:
            self._rollover(day)
            day += 1
        expire_due(self.book, self.clock)

    def _rollover(self, day: int) -> None:
        night = dt.datetime.fromtimestamp((day - 1) * 86_400, dt.UTC)
        mt5_weekday = (night.weekday() + 1) % 7  # MT5 counts Sunday = 0
        if mt5_weekday in (c.DAY_OF_WEEK_SATURDAY, c.DAY_OF_WEEK_SUNDAY):
            return
        for pos in self.book.positions.values():
            spec = self.book.specs[pos.symbol]
            points = spec.swap_long if pos.sign > 0 else spec.swap_short
            nights = 3 if mt5_weekday == spec.swap_rollover3days else 1
            amount = points * spec.point / spec.tick_size * spec.tick_value * pos.volume * nights
            pos.swap = round(pos.swap + amount, 2)
