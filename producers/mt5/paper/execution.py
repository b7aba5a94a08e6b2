"""Executing deals on the paper broker: opening, adding to, closing, reversing, closing by.

Every execution leaves what MT5 leaves: a filled order in the history (market orders get a new
ticket; a pending order fills under its own ticket), one deal per position touched, the balance
moved by the deal's profit + commission + swap + fee. On a **hedging** account each market order
opens its own position (ticket = identifier = order ticket) unless ``position`` names one to close.
On a **netting** account there is one position per symbol: an order in its direction adds
(``DEAL_ENTRY_IN``, volume-weighted open price), an opposite one closes part or all of it
(``DEAL_ENTRY_OUT``) or reverses it (``DEAL_ENTRY_INOUT``: the identifier stays, the ticket becomes
the reversing order's). Commission is ``commission_per_lot`` x lots on every IN/OUT/INOUT deal;
accrued swap is realised on the closing deal (in proportion to the closed volume).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..api import constants as c
from ..api.records import TradeDeal
from .book import Book, Order, Position
from .clock import ServerClock

__all__ = ["Executor", "Fill", "MarketOrder"]

_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class MarketOrder:
    """An order to execute now (a market request, a triggered pending order, an SL/TP/SO)."""

    symbol: str
    buy: bool
    volume: float
    price: float
    sl: float = 0.0
    tp: float = 0.0
    magic: int = 0
    comment: str = ""
    position: int = 0
    order_reason: int = c.ORDER_REASON_EXPERT
    deal_reason: int = c.DEAL_REASON_EXPERT
    pending: Order | None = None
    type_filling: int = c.ORDER_FILLING_FOK


@dataclass(frozen=True, slots=True)
class Fill:
    """The result of an execution: order ticket, last deal ticket, volume and price."""

    order: int
    deal: int
    volume: float
    price: float


class Executor:
    """Turns orders into deals, positions and balance changes on a :class:`Book`."""

    def __init__(self, book: Book, clock: ServerClock) -> None:
        self.book = book
        self.clock = clock

    def _deal(
        self, m: MarketOrder, order: int, entry: int, position_id: int, volume: float,
        price: float, profit: float = 0.0, swap: float = 0.0, commission: bool = True,
    ) -> int:  # fmt: skip
        per_lot = self.book.specs[m.symbol].commission_per_lot
        fee = -round(per_lot * volume, 2) if commission and per_lot else 0.0
        now = self.clock.server_ms
        deal = TradeDeal(
            self.book.deal_ticket(), order, now // 1000, now,
            c.DEAL_TYPE_BUY if m.buy else c.DEAL_TYPE_SELL, entry, m.magic, position_id,
            m.deal_reason, volume, price, fee, swap, profit, 0.0, m.symbol, m.comment, "",
        )  # fmt: skip
        self.book.deals.append(deal)
        acc = self.book.account
        acc.balance = round(acc.balance + profit + swap + fee, 2)
        return deal.ticket

    def _open(self, m: MarketOrder, order: int, volume: float, identifier: int = 0) -> int:
        now = self.clock.server_ms
        pos = Position(
            ticket=order, identifier=identifier or order, symbol=m.symbol,
            type=c.POSITION_TYPE_BUY if m.buy else c.POSITION_TYPE_SELL, volume=volume,
            price_open=m.price, time_ms=now, update_ms=now, magic=m.magic,
            reason=m.order_reason if m.order_reason <= c.ORDER_REASON_EXPERT else 0,
            comment=m.comment, sl=m.sl, tp=m.tp,
        )  # fmt: skip
        self.book.positions[pos.ticket] = pos
        return self._deal(m, order, c.DEAL_ENTRY_IN, pos.identifier, volume, m.price)

    def _close(self, m: MarketOrder, order: int, pos: Position, volume: float, entry: int) -> int:
        profit = self.book.profit(pos.symbol, pos.sign, volume, pos.price_open, m.price)
        whole = volume >= pos.volume - _EPS
        swap = pos.swap if whole else round(pos.swap * volume / pos.volume, 2)
        pos.swap = round(pos.swap - swap, 2)
        pos.volume = round(pos.volume - volume, 8)
        pos.update_ms = self.clock.server_ms
        if whole:
            del self.book.positions[pos.ticket]
        deal_volume = m.volume if entry == c.DEAL_ENTRY_INOUT else volume
        return self._deal(m, order, entry, pos.identifier, deal_volume, m.price, profit, swap)

    def _history(self, m: MarketOrder, ticket: int, position_id: int) -> None:
        now = self.clock.server_ms
        if m.pending is not None:
            done = replace(m.pending, state=c.ORDER_STATE_FILLED, done_ms=now,
                           position_id=position_id, volume_current=0.0, price_current=m.price)  # fmt: skip
        else:
            done = Order(
                ticket=ticket, symbol=m.symbol, type=c.ORDER_TYPE_BUY if m.buy else c.ORDER_TYPE_SELL,
                volume=m.volume, price_open=m.price, setup_ms=now, state=c.ORDER_STATE_FILLED,
                sl=m.sl, tp=m.tp, type_filling=m.type_filling, magic=m.magic, reason=m.order_reason,
                comment=m.comment, position_id=position_id, done_ms=now, volume_current=0.0,
                price_current=m.price,
            )  # fmt: skip
        self.book.history_orders.append(done.record())

    def execute(self, m: MarketOrder) -> Fill:
        """Execute ``m`` at ``m.price`` (checks already passed) and record order and deal(s)."""
        ticket = m.pending.ticket if m.pending is not None else self.book.order_ticket()
        if self.book.account.hedging:
            if m.position:
                pos = self.book.positions[m.position]
                deal = self._close(m, ticket, pos, m.volume, c.DEAL_ENTRY_OUT)
                position_id = pos.identifier
            else:
                deal = self._open(m, ticket, m.volume)
                position_id = ticket
        else:
            deal, position_id = self._net(m, ticket)
        self._history(m, ticket, position_id)
        self.book.revalue()
        return Fill(ticket, deal, m.volume, m.price)

    def _net(self, m: MarketOrder, ticket: int) -> tuple[int, int]:
        pos = next((p for p in self.book.positions.values() if p.symbol == m.symbol), None)
        if pos is None:
            return self._open(m, ticket, m.volume), ticket
        if (pos.type == c.POSITION_TYPE_BUY) == m.buy:  # add to the position
            total = round(pos.volume + m.volume, 8)
            pos.price_open = round((pos.price_open * pos.volume + m.price * m.volume) / total, 10)
            pos.volume, pos.update_ms = total, self.clock.server_ms
            if m.sl or m.tp:
                pos.sl, pos.tp = m.sl or pos.sl, m.tp or pos.tp
            return self._deal(
                m, ticket, c.DEAL_ENTRY_IN, pos.identifier, m.volume, m.price
            ), pos.identifier
        if m.volume <= pos.volume + _EPS:
            return self._close(m, ticket, pos, m.volume, c.DEAL_ENTRY_OUT), pos.identifier
        identifier, rest = pos.identifier, round(m.volume - pos.volume, 8)
        deal = self._close(m, ticket, pos, pos.volume, c.DEAL_ENTRY_INOUT)
        now = self.clock.server_ms
        self.book.positions[ticket] = Position(
            ticket=ticket, identifier=identifier, symbol=m.symbol,
            type=c.POSITION_TYPE_BUY if m.buy else c.POSITION_TYPE_SELL, volume=rest,
            price_open=m.price, time_ms=now, update_ms=now, magic=m.magic,
            reason=m.order_reason if m.order_reason <= c.ORDER_REASON_EXPERT else 0,
            comment=m.comment, sl=m.sl, tp=m.tp,
        )  # fmt: skip
        return deal, identifier

    def close_by(self, pos: Position, by: Position, magic: int, comment: str) -> Fill:
        """Close ``pos`` by the opposite ``by`` (hedging): one ``CLOSE_BY`` order, two
        ``DEAL_ENTRY_OUT_BY`` deals for the smaller volume, both at ``by``'s open price."""
        ticket = self.book.order_ticket()
        volume = min(pos.volume, by.volume)
        price = by.price_open
        first = MarketOrder(pos.symbol, pos.sign < 0, volume, price, magic=magic, comment=comment)
        second = replace(first, buy=by.sign < 0)
        deal = self._close_by_leg(first, ticket, pos, volume)
        deal = self._close_by_leg(second, ticket, by, volume) or deal
        now = self.clock.server_ms
        self.book.history_orders.append(
            Order(
                ticket=ticket, symbol=pos.symbol, type=c.ORDER_TYPE_CLOSE_BY, volume=volume,
                price_open=0.0, setup_ms=now, state=c.ORDER_STATE_FILLED, magic=magic,
                comment=comment, position_id=pos.identifier, position_by_id=by.identifier,
                done_ms=now, volume_current=0.0, price_current=price,
            ).record()
        )  # fmt: skip
        self.book.revalue()
        return Fill(ticket, deal, volume, price)

    def _close_by_leg(self, m: MarketOrder, ticket: int, pos: Position, volume: float) -> int:
        profit = self.book.profit(pos.symbol, pos.sign, volume, pos.price_open, m.price)
        whole = volume >= pos.volume - _EPS
        swap = pos.swap if whole else round(pos.swap * volume / pos.volume, 2)
        pos.swap, pos.volume = round(pos.swap - swap, 2), round(pos.volume - volume, 8)
        if whole:
            del self.book.positions[pos.ticket]
        return self._deal(
            m, ticket, c.DEAL_ENTRY_OUT_BY, pos.identifier, volume, m.price, profit, swap,
            commission=False,
        )  # fmt: skip
