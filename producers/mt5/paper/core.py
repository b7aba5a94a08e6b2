"""The paper terminal's controls: building the broker, moving prices and time, money, faults.

:class:`PaperCore` owns the simulated broker (book, clock, executor, market, trader, bars, fault
script) and the knobs a test or a paper-trading session turns: ``set_quote``, ``advance`` /
``set_time``, ``deposit`` / ``withdraw`` / ``credit`` (``DEAL_TYPE_BALANCE``/``CREDIT`` deals),
``disconnect`` / ``reconnect``, ``fail_next`` / ``requote_next`` / ``none_next``,
``close_market`` / ``open_market``, ``set_autotrading``, ``manual`` (a person's requests), ``run_feed`` / ``attach_feed`` +
``step`` and ``load_bars``. Every public call holds one re-entrant lock, so threads (the bot's
jobs, a threaded RPyC server) can share a terminal.
:class:`~.terminal.PaperTerminal` adds the MetaTrader5 functions on top.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from dataclasses import replace

from ..api import constants as c
from ..api.records import TradeDeal
from .bars import BarBook
from .book import Account, Book, Quote
from .checks import comment_for
from .clock import DEFAULT_START, ServerClock
from .execution import Executor
from .faults import NO_IPC, Faults, ScriptedFailure
from .feeds import CsvBar, FeedTick
from .market import Market
from .specs import DEFAULT_SPECS, SymbolSpec
from .trade import Trader

__all__ = ["DEFAULT_QUOTES", "PaperCore"]

DEFAULT_QUOTES: dict[str, tuple[float, float]] = {
    "EURUSD": (1.10000, 1.10010),
    "GBPUSD": (1.27000, 1.27012),
    "AUDUSD": (0.66000, 0.66010),
    "USDJPY": (150.000, 150.012),
    "XAUUSD": (2000.00, 2000.30),
}


class PaperCore:
    """The simulated broker and its controls (see the module docstring)."""

    def __init__(
        self,
        *,
        balance: float = 10_000.0,
        currency: str = "USD",
        leverage: int = 100,
        hedging: bool = True,
        login: int = 5_000_001,
        password: str | None = None,
        server: str = "Paper-Server",
        name: str = "Paper Trader",
        symbols: Iterable[SymbolSpec] | None = None,
        quotes: dict[str, tuple[float, float]] | None = None,
        commission_per_lot: float | None = None,
        start: dt.datetime = DEFAULT_START,
        utc_offset_h: float = 0.0,
        server_tz: str | None = None,
        margin_so_so: float = 50.0,
    ) -> None:
        specs = list(symbols) if symbols is not None else list(DEFAULT_SPECS.values())
        if commission_per_lot is not None:
            specs = [replace(s, commission_per_lot=commission_per_lot) for s in specs]
        account = Account(
            login=login, name=name, server=server, currency=currency, leverage=leverage,
            hedging=hedging, password=password, margin_so_so=margin_so_so,
        )  # fmt: skip
        self.clock = ServerClock(start, utc_offset_h=utc_offset_h, server_tz=server_tz)
        self.book = Book(account, {s.name: s for s in specs})
        self.executor = Executor(self.book, self.clock)
        self.market = Market(self.book, self.clock, self.executor)
        self.trader = Trader(self.book, self.clock, self.executor)
        self.faults = Faults()
        self.bars: dict[str, BarBook] = {s.name: BarBook() for s in specs}
        self.selected: set[str] = {s.name for s in specs}  # all in Market Watch
        self.feed: Iterator[FeedTick] | None = None
        self.lock = threading.RLock()
        self._error: tuple[int, str] = (c.RES_S_OK, "Success")
        self._initialized = False
        self._request_id = 0
        start_quotes = quotes if quotes is not None else DEFAULT_QUOTES
        for symbol, (bid, ask) in start_quotes.items():
            if symbol in self.book.specs:
                self.set_quote(symbol, bid, ask)
        if balance:
            self.deposit(balance, "Initial deposit")

    def _ok(self) -> bool:
        if not self._initialized or not self.faults.connected:
            self._error = NO_IPC
            return False
        self._error = (c.RES_S_OK, "Success")
        return True

    def _fail(self, code: int, message: str) -> None:
        self._error = (code, message)

    # -- prices and time -------------------------------------------------------------------
    def set_quote(self, symbol: str, bid: float, ask: float) -> None:
        """Move ``symbol`` to ``bid``/``ask`` now; pending orders, SL/TP and stop-out react."""
        if symbol not in self.book.specs:
            raise KeyError(f"unknown symbol {symbol!r}")
        if not 0 < bid <= ask:
            raise ValueError(f"bad quote {bid}/{ask}: need 0 < bid <= ask")
        spec = self.book.specs[symbol]
        self.book.quotes[symbol] = Quote(bid, ask, self.clock.server_ms)
        self.bars[symbol].tick(self.clock.server_s, bid, int(round((ask - bid) / spec.point)))
        self.market.on_quote(symbol)

    def set_time(self, utc: dt.datetime) -> None:
        """Move the clock to ``utc`` (never back); swaps roll over and orders expire on the way."""
        if utc.tzinfo is None:
            raise ValueError("set_time needs a timezone-aware datetime")
        self._move(int(round(utc.timestamp() * 1000)))

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        if seconds < 0:
            raise ValueError("the paper clock cannot go back in time")
        self._move(self.clock.utc_ms + int(round(seconds * 1000)))

    def _move(self, utc_ms: int) -> None:
        before = self.clock.server_ms
        self.clock.advance_to(utc_ms)
        self.market.on_clock(before)

    @property
    def utc_now(self) -> dt.datetime:
        """The paper clock's current UTC time."""
        return self.clock.utc()

    def run_feed(self, feed: Iterable[FeedTick], *, max_ticks: int | None = None) -> int:
        """Apply the quotes of ``feed`` in order (at most ``max_ticks``); returns how many."""
        n = 0
        it: Iterator[FeedTick] = iter(feed)
        for tick in it:
            if tick.utc_ms > self.clock.utc_ms:
                self._move(tick.utc_ms)
            self.set_quote(tick.symbol, tick.bid, tick.ask)
            n += 1
            if max_ticks is not None and n >= max_ticks:
                break
        return n

    def attach_feed(self, feed: Iterable[FeedTick]) -> None:
        """Use ``feed`` for :meth:`step` (a paper-trading session's price source)."""
        self.feed = iter(feed)

    def step(self, count: int = 1) -> int:
        """Apply the attached feed's next ``count`` quotes; returns how many there were."""
        return 0 if self.feed is None else self.run_feed(self.feed, max_ticks=count)

    def load_bars(self, symbol: str, bars: Iterable[CsvBar]) -> None:
        """Add history bars (UTC open times) for ``copy_rates_*``, e.g. a CSV feed's warm-up."""
        offset_s = self.clock.offset_ms() // 1000
        book = self.bars[symbol]
        for b in bars:
            book.load(b.time + offset_s, b.open, b.high, b.low, b.close, b.tick_volume, b.spread)

    # -- money -----------------------------------------------------------------------------
    def _balance_deal(self, deal_type: int, amount: float, comment: str) -> TradeDeal:
        now = self.clock.server_ms
        deal = TradeDeal(
            self.book.deal_ticket(), 0, now // 1000, now, deal_type, c.DEAL_ENTRY_IN, 0, 0,
            c.DEAL_REASON_CLIENT, 0.0, 0.0, 0.0, 0.0, round(amount, 2), 0.0, "", comment, "",
        )  # fmt: skip
        self.book.deals.append(deal)
        acc = self.book.account
        if deal_type == c.DEAL_TYPE_CREDIT:
            acc.credit = round(acc.credit + amount, 2)
        else:
            acc.balance = round(acc.balance + amount, 2)
        return deal

    def deposit(self, amount: float, comment: str = "Deposit") -> TradeDeal:
        """Credit ``amount`` to the balance (a ``DEAL_TYPE_BALANCE`` deal)."""
        if amount <= 0:
            raise ValueError("a deposit must be positive")
        return self._balance_deal(c.DEAL_TYPE_BALANCE, amount, comment)

    def withdraw(self, amount: float, comment: str = "Withdrawal") -> TradeDeal:
        """Take ``amount`` from the balance; refused beyond the free margin."""
        if amount <= 0:
            raise ValueError("a withdrawal must be positive")
        if amount > self.book.equity() - self.book.used_margin():
            raise ValueError("withdrawal exceeds the free margin")
        return self._balance_deal(c.DEAL_TYPE_BALANCE, -amount, comment)

    def credit(self, amount: float, comment: str = "Credit") -> TradeDeal:
        """Add (or with a negative amount remove) broker credit (a ``DEAL_TYPE_CREDIT`` deal)."""
        return self._balance_deal(c.DEAL_TYPE_CREDIT, amount, comment)

    # -- faults ----------------------------------------------------------------------------
    def disconnect(self) -> None:
        """Lose the terminal's connection (the broker keeps running)."""
        self.faults.connected = False

    def reconnect(self) -> None:
        """Restore the connection."""
        self.faults.connected = True

    def fail_next(self, retcode: int, count: int = 1, comment: str | None = None) -> None:
        """Refuse the next ``count`` order_send calls with ``retcode``."""
        for _ in range(count):
            self.faults.queue.append(ScriptedFailure(retcode, comment or comment_for(retcode)))

    def requote_next(self, count: int = 1) -> None:
        """Answer the next ``count`` order_send calls with ``TRADE_RETCODE_REQUOTE``."""
        self.fail_next(c.TRADE_RETCODE_REQUOTE, count)

    def none_next(
        self,
        count: int = 1,
        error: tuple[int, str] = (c.RES_E_INTERNAL_FAIL_TIMEOUT, "IPC timeout"),
    ) -> None:
        """Make the next ``count`` order_send calls return ``None`` with ``last_error() == error``."""
        for _ in range(count):
            self.faults.queue.append(ScriptedFailure(error=error))

    def close_market(self, symbol: str) -> None:
        """Refuse new requests on ``symbol`` with ``TRADE_RETCODE_MARKET_CLOSED``."""
        self.trader.closed_markets.add(symbol)

    def open_market(self, symbol: str) -> None:
        """Reopen ``symbol``."""
        self.trader.closed_markets.discard(symbol)

    @contextlib.contextmanager
    def manual(self, reason: int = c.ORDER_REASON_CLIENT) -> Iterator[None]:
        """Requests sent inside come from a person — the desktop terminal (``CLIENT``), ``MOBILE``
        or ``WEB`` — instead of a program (``EXPERT``): their orders, deals and positions carry
        that reason, and the AutoTrading button does not stop them."""
        before, self.trader.reason = self.trader.reason, reason
        try:
            yield
        finally:
            self.trader.reason = before

    def set_autotrading(self, enabled: bool) -> None:
        """Switch the terminal's AutoTrading button (off: ``CLIENT_DISABLES_AT``)."""
        self.trader.autotrading = enabled
