"""The paper broker's books: account, quotes, open positions, active orders, history, money.

Mutable :class:`Position` / :class:`Order` rows live here while open or active; finished orders
and every deal are kept as the API's own immutable records (``TradeOrder``, ``TradeDeal``). Money
follows the symbol specification: profit = price move / tick size x tick value x lots, rounded to
the account currency's cents; margin = lots x contract size (x price unless the margin currency
is the account's) / leverage; equity = balance + credit + floating profit + accrued swap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..api import constants as c
from ..api.records import TradeDeal, TradeOrder, TradePosition
from .specs import SymbolSpec

__all__ = ["Account", "Book", "Order", "Position", "Quote"]


@dataclass(slots=True)
class Account:
    """The trading account's settings and money."""

    login: int = 5_000_001
    name: str = "Paper Trader"
    server: str = "Paper-Server"
    company: str = "tradejournal paper broker"
    currency: str = "USD"
    leverage: int = 100
    hedging: bool = True
    balance: float = 0.0
    credit: float = 0.0
    margin_so_call: float = 100.0
    margin_so_so: float = 50.0
    password: str | None = None
    trade_allowed: bool = True


@dataclass(slots=True)
class Quote:
    """Last quote of a symbol; ``time_ms`` in server time."""

    bid: float
    ask: float
    time_ms: int


@dataclass(slots=True)
class Position:
    """An open position (``ticket`` may change on a netting reversal; ``identifier`` never)."""

    ticket: int
    identifier: int
    symbol: str
    type: int
    volume: float
    price_open: float
    time_ms: int
    magic: int = 0
    reason: int = c.POSITION_REASON_EXPERT
    comment: str = ""
    sl: float = 0.0
    tp: float = 0.0
    swap: float = 0.0
    update_ms: int = 0
    price_current: float = 0.0
    profit: float = 0.0

    @property
    def sign(self) -> int:
        """+1 for a buy, -1 for a sell."""
        return 1 if self.type == c.POSITION_TYPE_BUY else -1

    def record(self) -> TradePosition:
        """This position as ``positions_get()`` returns it."""
        return TradePosition(
            self.ticket, self.time_ms // 1000, self.time_ms, self.update_ms // 1000,
            self.update_ms, self.type, self.magic, self.identifier, self.reason, self.volume,
            self.price_open, self.sl, self.tp, self.price_current, self.swap, self.profit,
            self.symbol, self.comment, "",
        )  # fmt: skip


@dataclass(slots=True)
class Order:
    """An order while it is active (pending) or being executed."""

    ticket: int
    symbol: str
    type: int
    volume: float
    price_open: float
    setup_ms: int
    state: int = c.ORDER_STATE_PLACED
    price_stoplimit: float = 0.0
    sl: float = 0.0
    tp: float = 0.0
    type_time: int = c.ORDER_TIME_GTC
    type_filling: int = c.ORDER_FILLING_RETURN
    expiration: int = 0
    magic: int = 0
    reason: int = c.ORDER_REASON_EXPERT
    comment: str = ""
    position_id: int = 0
    position_by_id: int = 0
    done_ms: int = 0
    volume_current: float = -1.0
    price_current: float = 0.0
    expire_at: int = 0  # server epoch seconds; 0 = good till cancelled

    def record(self) -> TradeOrder:
        """This order as ``orders_get()`` / ``history_orders_get()`` return it."""
        current = self.volume if self.volume_current < 0 else self.volume_current
        return TradeOrder(
            self.ticket, self.setup_ms // 1000, self.setup_ms, self.done_ms // 1000,
            self.done_ms, self.expiration, self.type, self.type_time, self.type_filling,
            self.state, self.magic, self.position_id, self.position_by_id, self.reason,
            self.volume, current, self.price_open, self.sl, self.tp, self.price_current,
            self.price_stoplimit, self.symbol, self.comment, "",
        )  # fmt: skip


@dataclass(slots=True)
class Book:
    """Everything the paper broker knows; money helpers read the specifications."""

    account: Account
    specs: dict[str, SymbolSpec]
    quotes: dict[str, Quote] = field(default_factory=dict)
    positions: dict[int, Position] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    history_orders: list[TradeOrder] = field(default_factory=list)
    deals: list[TradeDeal] = field(default_factory=list)
    next_order: int = 100_000_001
    next_deal: int = 50_000_001

    def order_ticket(self) -> int:
        """A new order ticket (positions take the ticket of the order that opened them)."""
        self.next_order += 1
        return self.next_order - 1

    def deal_ticket(self) -> int:
        """A new deal ticket."""
        self.next_deal += 1
        return self.next_deal - 1

    def close_price(self, symbol: str, pos_type: int) -> float:
        """The price a position of ``pos_type`` closes at now: bid for a buy, ask for a sell."""
        q = self.quotes[symbol]
        return q.bid if pos_type == c.POSITION_TYPE_BUY else q.ask

    def profit(self, symbol: str, sign: int, volume: float, open_: float, close: float) -> float:
        """Profit in the account currency of ``volume`` lots moved from ``open_`` to ``close``."""
        spec = self.specs[symbol]
        ticks = (close - open_) * sign / spec.tick_size
        return round(ticks * spec.tick_value * volume, 2)

    def margin(self, symbol: str, volume: float, price: float) -> float:
        """Margin required for ``volume`` lots at ``price``."""
        spec = self.specs[symbol]
        units = volume * spec.contract_size
        if (spec.currency_margin or spec.currency_base) != self.account.currency:
            units *= price
        return round(units / self.account.leverage, 2)

    def revalue(self) -> None:
        """Update every position's current price and floating profit from the quotes."""
        for p in self.positions.values():
            p.price_current = self.close_price(p.symbol, p.type)
            p.profit = self.profit(p.symbol, p.sign, p.volume, p.price_open, p.price_current)

    def used_margin(self) -> float:
        """Margin held by the open positions."""
        return round(
            sum(
                (self.margin(p.symbol, p.volume, p.price_open) for p in self.positions.values()),
                0.0,
            ),
            2,
        )

    def floating(self) -> float:
        """Floating profit plus accrued swap of the open positions."""
        return round(sum((p.profit + p.swap for p in self.positions.values()), 0.0), 2)

    def equity(self) -> float:
        """Balance + credit + floating."""
        return round(self.account.balance + self.account.credit + self.floating(), 2)

    def margin_level(self) -> float:
        """Equity / margin in percent (0 when no margin is used)."""
        used = self.used_margin()
        return round(self.equity() / used * 100, 2) if used else 0.0
