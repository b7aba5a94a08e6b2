"""The paper broker's trade server: what ``order_send`` / ``order_check`` do with a request.

``Trader.check`` answers the retcode a request would get (0 = would pass); ``Trader.send`` also
executes it. Actions: ``TRADE_ACTION_DEAL`` (open, or close with ``position``; netting nets),
``PENDING``, ``SLTP``, ``MODIFY``, ``REMOVE``, ``CLOSE_BY`` (hedging). A market request's
``price`` is checked against the market with ``deviation`` points of slack (``REQUOTE`` beyond);
executions happen at the current bid/ask. Closed markets (``MARKET_CLOSED``), AutoTrading
switched off in the terminal (``CLIENT_DISABLES_AT``) and trading disabled on the account
(``TRADE_DISABLED``) are refused before anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..api import constants as c
from .book import Book, Position
from .checks import check_filling, check_money, check_stops, check_trade_mode, check_volume
from .clock import ServerClock
from .execution import Executor, Fill, MarketOrder
from .pending import check_pending, modify, place, remove
from .requests import Request

__all__ = ["Outcome", "Trader"]

_EPS = 1e-9
_PENDING_TYPES = range(c.ORDER_TYPE_BUY_LIMIT, c.ORDER_TYPE_SELL_STOP_LIMIT + 1)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a request did: retcode and the OrderSendResult's deal/order/volume/price."""

    retcode: int
    deal: int = 0
    order: int = 0
    volume: float = 0.0
    price: float = 0.0


@dataclass(slots=True)
class Trader:
    """Checks and executes trade requests against a book."""

    book: Book
    clock: ServerClock
    executor: Executor
    closed_markets: set[str] = field(default_factory=set)
    autotrading: bool = True
    reason: int = c.ORDER_REASON_EXPERT  # where requests come from (API = expert)

    def _position(self, r: Request) -> Position | None:
        if r.position:
            return self.book.positions.get(r.position)
        if not self.book.account.hedging:
            return next((p for p in self.book.positions.values() if p.symbol == r.symbol), None)
        return None

    def _gate(self, r: Request) -> int:
        if not self.autotrading and self.reason == c.ORDER_REASON_EXPERT:
            return c.TRADE_RETCODE_CLIENT_DISABLES_AT
        if not self.book.account.trade_allowed:
            return c.TRADE_RETCODE_TRADE_DISABLED
        if r.symbol not in self.book.specs or r.symbol not in self.book.quotes:
            return c.TRADE_RETCODE_INVALID
        if r.symbol in self.closed_markets:
            return c.TRADE_RETCODE_MARKET_CLOSED
        return 0

    def _with_symbol(self, r: Request) -> Request:
        if r.symbol or not r.position or r.position not in self.book.positions:
            return r
        return replace(r, symbol=self.book.positions[r.position].symbol)

    def check(self, r: Request) -> int:
        """The retcode ``r`` would get now (0 = it would be accepted)."""
        r = self._with_symbol(r)
        if r.action == c.TRADE_ACTION_DEAL:
            return self._gate(r) or self._check_deal(r)
        if r.action == c.TRADE_ACTION_PENDING:
            if r.type not in _PENDING_TYPES:
                return c.TRADE_RETCODE_INVALID_ORDER
            return self._gate(r) or check_pending(self.book, self.clock, r, new=True)
        if r.action == c.TRADE_ACTION_SLTP:
            return self._gate(r) or self._check_sltp(r)
        if r.action in (c.TRADE_ACTION_MODIFY, c.TRADE_ACTION_REMOVE):
            order = self.book.orders.get(r.order)
            return 0 if order is not None else c.TRADE_RETCODE_INVALID_ORDER
        if r.action == c.TRADE_ACTION_CLOSE_BY:
            return self._check_close_by(r)
        return c.TRADE_RETCODE_INVALID

    def _check_deal(self, r: Request) -> int:
        if r.type not in (c.ORDER_TYPE_BUY, c.ORDER_TYPE_SELL):
            return c.TRADE_RETCODE_INVALID_ORDER
        spec, buy = self.book.specs[r.symbol], r.type == c.ORDER_TYPE_BUY
        quote = self.book.quotes[r.symbol]
        market = quote.ask if buy else quote.bid
        pos = self._position(r)
        if r.position and pos is None:
            return c.TRADE_RETCODE_POSITION_CLOSED
        closing = pos is not None and (pos.type == c.POSITION_TYPE_BUY) != buy
        if r.position and pos is not None:
            if pos.symbol != r.symbol or not closing:
                return c.TRADE_RETCODE_INVALID
            if r.volume > pos.volume + _EPS:
                return c.TRADE_RETCODE_INVALID_CLOSE_VOLUME
        code = (
            check_trade_mode(spec, r.type, closing)
            or check_volume(spec, r.volume)
            or check_filling(spec, r.type_filling)
        )
        if code:
            return code
        if r.price and abs(r.price - market) > max(r.deviation, 0) * spec.point + _EPS:
            return c.TRADE_RETCODE_REQUOTE
        opens = not closing or (pos is not None and r.volume > pos.volume + _EPS and not r.position)
        if opens:
            reference = quote.bid if buy else quote.ask
            code = check_stops(spec, 1 if buy else -1, reference, r.sl, r.tp)
            new_volume = r.volume - (pos.volume if closing and pos is not None else 0.0)
            return code or check_money(self.book, r.symbol, new_volume, market)
        return 0

    def _check_sltp(self, r: Request) -> int:
        pos = self._position(r)
        if pos is None:
            return c.TRADE_RETCODE_POSITION_CLOSED
        if (r.sl, r.tp) == (pos.sl, pos.tp):
            return c.TRADE_RETCODE_NO_CHANGES
        reference = self.book.close_price(pos.symbol, pos.type)
        return check_stops(self.book.specs[pos.symbol], pos.sign, reference, r.sl, r.tp)

    def _check_close_by(self, r: Request) -> int:
        if not self.book.account.hedging:
            return c.TRADE_RETCODE_INVALID
        pos = self.book.positions.get(r.position)
        by = self.book.positions.get(r.position_by)
        if pos is None or by is None:
            return c.TRADE_RETCODE_POSITION_CLOSED
        if pos.symbol != by.symbol or pos.type == by.type:
            return c.TRADE_RETCODE_INVALID
        return self._gate(Request(symbol=pos.symbol))

    def send(self, r: Request) -> Outcome:
        """Check and, if accepted, execute ``r``."""
        r = self._with_symbol(r)
        code = self.check(r)
        if code:
            return Outcome(code)
        if r.action == c.TRADE_ACTION_DEAL:
            quote = self.book.quotes[r.symbol]
            buy = r.type == c.ORDER_TYPE_BUY
            fill = self.executor.execute(
                MarketOrder(
                    r.symbol, buy, r.volume, quote.ask if buy else quote.bid, sl=r.sl, tp=r.tp,
                    magic=r.magic, comment=r.comment, position=r.position,
                    type_filling=r.type_filling, order_reason=self.reason, deal_reason=self.reason,
                )
            )  # fmt: skip
            return _done(fill)
        if r.action == c.TRADE_ACTION_PENDING:
            ticket = place(self.book, self.clock, r, self.reason)
            return Outcome(c.TRADE_RETCODE_DONE, order=ticket, volume=r.volume, price=r.price)
        if r.action == c.TRADE_ACTION_SLTP:
            pos = self._position(r)
            assert pos is not None
            pos.sl, pos.tp, pos.update_ms = r.sl, r.tp, self.clock.server_ms
            return Outcome(c.TRADE_RETCODE_DONE)
        if r.action == c.TRADE_ACTION_MODIFY:
            code = modify(self.book, self.clock, r)
            return Outcome(code, order=r.order if code == c.TRADE_RETCODE_DONE else 0)
        if r.action == c.TRADE_ACTION_REMOVE:
            return Outcome(remove(self.book, self.clock, r), order=r.order)
        pos, by = self.book.positions[r.position], self.book.positions[r.position_by]
        return _done(self.executor.close_by(pos, by, r.magic, r.comment))


def _done(fill: Fill) -> Outcome:
    return Outcome(c.TRADE_RETCODE_DONE, fill.deal, fill.order, fill.volume, fill.price)
