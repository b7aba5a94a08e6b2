"""``PaperTerminal``: the simulated broker behind the MetaTrader5 package's own functions.

Use it exactly like ``import MetaTrader5 as mt5``: ``initialize()`` first (until then, and while
disconnected, calls fail with ``last_error() == (-10004, 'No IPC connection')``), then
``account_info``, ``symbol_info_tick``, ``positions_get``, ``order_send`` … with the same
arguments, records and constants (``terminal.ORDER_TYPE_BUY``). Times in the records are
broker-server epoch numbers. The controls (prices, clock, money, faults, feeds) come from
:class:`~.core.PaperCore`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..api import constants as c
from ..api.info import AccountInfo, SymbolInfo, TerminalInfo
from ..api.protocol import DateLike, Rates
from ..api.records import (
    OrderCheckResult,
    OrderSendResult,
    Tick,
    TradeDeal,
    TradeOrder,
    TradePosition,
)
from .bars import timeframe_seconds
from .checks import comment_for, is_buy
from .clock import to_epoch
from .core import PaperCore
from .faults import NO_IPC
from .history import in_range, match_group
from .requests import BadRequest, read_request
from .specs import symbol_info

__all__ = ["PaperTerminal"]

_CONSTANTS = {k: v for k, v in vars(c).items() if k.isupper() and isinstance(v, int)}


class PaperTerminal(PaperCore):
    """A paper broker with the MetaTrader5 package's interface (see the module docstring)."""

    def __getattr__(self, name: str) -> int:
        """The MetaTrader5 constants, as attributes (``terminal.TRADE_RETCODE_DONE``)."""
        try:
            return _CONSTANTS[name]
        except KeyError:
            raise AttributeError(name) from None

    def _ok(self) -> bool:
        if not self._initialized or not self.faults.connected:
            self._error = NO_IPC
            return False
        self._error = (c.RES_S_OK, "Success")
        return True

    def _fail(self, code: int, message: str) -> None:
        self._error = (code, message)

    # -- lifecycle -------------------------------------------------------------------------
    def initialize(
        self, path: str | None = None, *, login: int | None = None, password: str | None = None,
        server: str | None = None, timeout: int | None = None, portable: bool = False,
    ) -> bool:  # fmt: skip
        """Connect (always succeeds unless ``login``/``password``/``server`` do not match)."""
        del path, timeout, portable
        self._initialized = True
        if login is not None and not self.login(login, password, server):
            self._initialized = False
            return False
        self._error = (c.RES_S_OK, "Success")
        return True

    def login(
        self, login: int, password: str | None = None, server: str | None = None,
        timeout: int | None = None,
    ) -> bool:  # fmt: skip
        """Authorize on the paper account (its login, server and password, if it has one)."""
        del timeout
        if not self._ok():
            return False
        acc = self.book.account
        if (
            login != acc.login
            or (server is not None and server != acc.server)
            or (acc.password is not None and password != acc.password)
        ):
            self._fail(c.RES_E_AUTH_FAILED, "Authorization failed")
            return False
        return True

    def shutdown(self) -> None:
        """Disconnect; calls fail until ``initialize()`` again."""
        self._initialized = False

    def last_error(self) -> tuple[int, str]:
        """``(code, description)`` of the last call."""
        return self._error

    def version(self) -> tuple[int, int, str] | None:
        """``(500, build, date)`` like the real terminal."""
        return (500, 5000, "30 Nov 2026") if self._ok() else None

    # -- information -----------------------------------------------------------------------
    def account_info(self) -> AccountInfo | None:
        """The account's settings and money (balance, equity, margin, free margin, profit)."""
        if not self._ok():
            return None
        a, b = self.book.account, self.book
        b.revalue()
        margin, equity = b.used_margin(), b.equity()
        return AccountInfo(
            a.login, c.ACCOUNT_TRADE_MODE_DEMO, a.leverage, 200, c.ACCOUNT_STOPOUT_MODE_PERCENT,
            a.trade_allowed, True,
            c.ACCOUNT_MARGIN_MODE_RETAIL_HEDGING if a.hedging else c.ACCOUNT_MARGIN_MODE_RETAIL_NETTING,
            2, False, a.balance, a.credit, round(sum((p.profit for p in b.positions.values()), 0.0), 2),
            equity, margin, round(equity - margin, 2), b.margin_level(), a.margin_so_call,
            a.margin_so_so, 0.0, 0.0, 0.0, 0.0, 0.0, a.name, a.server, a.currency, a.company,
        )  # fmt: skip

    def terminal_info(self) -> TerminalInfo | None:
        """Terminal state; ``connected`` is False while disconnected."""
        if not self._initialized:
            self._error = NO_IPC
            return None
        return TerminalInfo(
            False, False, self.faults.connected, False, self.trader.autotrading, False, False,
            False, False, False, 5000, 100_000, 0, 0, 0.0, 0.0, self.book.account.company,
            "tradejournal PaperTerminal", "English", "", "", "",
        )  # fmt: skip

    def symbols_total(self) -> int:
        """How many symbols the broker offers."""
        return len(self.book.specs) if self._ok() else 0

    def symbols_get(self, group: str | None = None) -> tuple[SymbolInfo, ...] | None:
        """Every symbol (matching ``group``)."""
        if not self._ok():
            return None
        names = [n for n in self.book.specs if group is None or match_group(n, group)]
        return tuple(self._symbol(n) for n in names)

    def _symbol(self, name: str) -> SymbolInfo:
        q = self.book.quotes.get(name)
        return symbol_info(
            self.book.specs[name], bid=q.bid if q else 0.0, ask=q.ask if q else 0.0,
            time=q.time_ms // 1000 if q else 0, visible=name in self.selected,
        )  # fmt: skip

    def symbol_info(self, symbol: str) -> SymbolInfo | None:
        """The specification and quote of ``symbol`` (None if unknown)."""
        if not self._ok():
            return None
        if symbol not in self.book.specs:
            self._fail(c.RES_E_NOT_FOUND, "Symbol not found")
            return None
        return self._symbol(symbol)

    def symbol_info_tick(self, symbol: str) -> Tick | None:
        """The last quote of ``symbol``."""
        if not self._ok():
            return None
        q = self.book.quotes.get(symbol)
        if q is None:
            self._fail(c.RES_E_NOT_FOUND, "Symbol not found")
            return None
        flags = c.TICK_FLAG_BID | c.TICK_FLAG_ASK
        return Tick(q.time_ms // 1000, q.bid, q.ask, 0.0, 0, q.time_ms, flags, 0.0)

    def symbol_select(self, symbol: str, enable: bool = True) -> bool:
        """Show/hide ``symbol`` in Market Watch."""
        if not self._ok() or symbol not in self.book.specs:
            return False
        (self.selected.add if enable else self.selected.discard)(symbol)
        return True

    # -- bars ------------------------------------------------------------------------------
    def _bars_ok(self, symbol: str, timeframe: int) -> bool:
        if not self._ok():
            return False
        try:
            timeframe_seconds(timeframe)
        except ValueError:
            self._fail(c.RES_E_INVALID_PARAMS, "Invalid timeframe")
            return False
        if symbol not in self.bars:
            self._fail(c.RES_E_NOT_FOUND, "Terminal: Call failed")
            return False
        return True

    def copy_rates_from_pos(
        self, symbol: str, timeframe: int, start_pos: int, count: int
    ) -> Rates | None:
        """``count`` bars ending ``start_pos`` bars before the current one, oldest first."""
        if not self._bars_ok(symbol, timeframe):
            return None
        return self.bars[symbol].from_pos(timeframe, start_pos, count)

    def copy_rates_from(
        self, symbol: str, timeframe: int, date_from: DateLike, count: int
    ) -> Rates | None:
        """``count`` bars opening at or before ``date_from`` (server time)."""
        if not self._bars_ok(symbol, timeframe):
            return None
        return self.bars[symbol].from_date(timeframe, int(to_epoch(date_from)), count)

    def copy_rates_range(
        self, symbol: str, timeframe: int, date_from: DateLike, date_to: DateLike
    ) -> Rates | None:
        """Bars opening within [date_from, date_to] (server time)."""
        if not self._bars_ok(symbol, timeframe):
            return None
        return self.bars[symbol].range(timeframe, int(to_epoch(date_from)), int(to_epoch(date_to)))

    # -- positions and orders --------------------------------------------------------------
    def positions_total(self) -> int | None:
        """Number of open positions."""
        return len(self.book.positions) if self._ok() else None

    def positions_get(
        self, *, symbol: str | None = None, group: str | None = None, ticket: int | None = None
    ) -> tuple[TradePosition, ...] | None:
        """Open positions, all or by ``symbol`` / ``group`` / ``ticket``."""
        if not self._ok():
            return None
        self.book.revalue()
        rows = sorted(self.book.positions.values(), key=lambda p: (p.time_ms, p.ticket))
        return tuple(
            p.record() for p in rows
            if (symbol is None or p.symbol == symbol) and (ticket is None or p.ticket == ticket)
            and (group is None or match_group(p.symbol, group))
        )  # fmt: skip

    def orders_total(self) -> int | None:
        """Number of active pending orders."""
        return len(self.book.orders) if self._ok() else None

    def orders_get(
        self, *, symbol: str | None = None, group: str | None = None, ticket: int | None = None
    ) -> tuple[TradeOrder, ...] | None:
        """Active pending orders, all or by ``symbol`` / ``group`` / ``ticket``."""
        if not self._ok():
            return None
        for o in self.book.orders.values():
            q = self.book.quotes[o.symbol]
            o.price_current = q.ask if is_buy(o.type) else q.bid
        return tuple(
            o.record() for t, o in sorted(self.book.orders.items())
            if (symbol is None or o.symbol == symbol) and (ticket is None or t == ticket)
            and (group is None or match_group(o.symbol, group))
        )  # fmt: skip

    # -- history ---------------------------------------------------------------------------
    def history_orders_total(self, date_from: DateLike, date_to: DateLike) -> int | None:
        """Number of history orders done within the range."""
        got = self.history_orders_get(date_from, date_to)
        return None if got is None else len(got)

    def history_orders_get(
        self, date_from: DateLike | None = None, date_to: DateLike | None = None, *,
        group: str | None = None, ticket: int | None = None, position: int | None = None,
    ) -> tuple[TradeOrder, ...] | None:  # fmt: skip
        """Finished orders: by range (``time_setup``, optional ``group``), ``ticket`` or ``position``."""
        if not self._ok():
            return None
        rows = self.book.history_orders
        if ticket is not None:
            return tuple(o for o in rows if o.ticket == ticket)
        if position is not None:
            return tuple(o for o in rows if o.position_id == position)
        if date_from is None or date_to is None:
            self._fail(c.RES_E_INVALID_PARAMS, "Invalid arguments")
            return None
        rows = in_range(rows, "time_setup", date_from, date_to)
        return tuple(o for o in rows if group is None or match_group(o.symbol, group))

    def history_deals_total(self, date_from: DateLike, date_to: DateLike) -> int | None:
        """Number of deals within the range."""
        got = self.history_deals_get(date_from, date_to)
        return None if got is None else len(got)

    def history_deals_get(
        self, date_from: DateLike | None = None, date_to: DateLike | None = None, *,
        group: str | None = None, ticket: int | None = None, position: int | None = None,
    ) -> tuple[TradeDeal, ...] | None:  # fmt: skip
        """Deals: by range (optional ``group``), by ORDER ``ticket`` or by ``position`` id."""
        if not self._ok():
            return None
        rows = self.book.deals
        if ticket is not None:
            return tuple(d for d in rows if d.order == ticket)
        if position is not None:
            return tuple(d for d in rows if d.position_id == position)
        if date_from is None or date_to is None:
            self._fail(c.RES_E_INVALID_PARAMS, "Invalid arguments")
            return None
        rows = in_range(rows, "time", date_from, date_to)
        return tuple(d for d in rows if group is None or match_group(d.symbol, group))

    # -- trading ---------------------------------------------------------------------------
    def order_calc_margin(
        self, action: int, symbol: str, volume: float, price: float
    ) -> float | None:
        """Margin needed for ``volume`` lots of ``symbol`` at ``price``."""
        if not self._ok() or symbol not in self.book.specs:
            return None
        del action
        return self.book.margin(symbol, volume, price)

    def order_calc_profit(
        self, action: int, symbol: str, volume: float, price_open: float, price_close: float
    ) -> float | None:
        """Profit of ``volume`` lots bought (``ORDER_TYPE_BUY``) or sold from open to close."""
        if not self._ok() or symbol not in self.book.specs:
            return None
        sign = 1 if action == c.ORDER_TYPE_BUY else -1
        return self.book.profit(symbol, sign, volume, price_open, price_close)

    def order_check(self, request: Mapping[str, Any]) -> OrderCheckResult | None:
        """Whether ``request`` would pass (retcode 0) and the account after it."""
        if not self._ok():
            return None
        try:
            r = read_request(request)
        except BadRequest as exc:
            self._fail(c.RES_E_INVALID_PARAMS, str(exc))
            return None
        code = self.trader.check(r)
        b = self.book
        extra = 0.0
        if not code and r.action == c.TRADE_ACTION_DEAL and r.symbol in b.quotes:
            q = b.quotes[r.symbol]
            extra = b.margin(r.symbol, r.volume, q.ask if r.type == c.ORDER_TYPE_BUY else q.bid)
        margin, equity = round(b.used_margin() + extra, 2), b.equity()
        level = round(equity / margin * 100, 2) if margin else 0.0
        return OrderCheckResult(
            code, b.account.balance, equity, round(sum((p.profit for p in b.positions.values()), 0.0), 2),
            margin, round(equity - margin, 2), level, "Done" if not code else comment_for(code), r.echo(),
        )  # fmt: skip

    def order_send(self, request: Mapping[str, Any]) -> OrderSendResult | None:
        """Send a trade request to the paper server; ``None`` on a local error (see last_error)."""
        if not self._ok():
            return None
        try:
            r = read_request(request)
        except BadRequest as exc:
            self._fail(c.RES_E_INVALID_PARAMS, str(exc))
            return None
        self._request_id += 1
        q = self.book.quotes.get(r.symbol)
        bid, ask = (q.bid, q.ask) if q else (0.0, 0.0)
        scripted = self.faults.take()
        if scripted is not None and scripted.error is not None:
            self._fail(*scripted.error)
            return None
        if scripted is not None:
            return OrderSendResult(scripted.retcode, 0, 0, 0.0, 0.0, bid, ask, scripted.comment,
                                   self._request_id, 0, r.echo())  # fmt: skip
        out = self.trader.send(r)
        q = self.book.quotes.get(r.symbol)
        bid, ask = (q.bid, q.ask) if q else (0.0, 0.0)
        return OrderSendResult(
            out.retcode, out.deal, out.order, out.volume, out.price, bid, ask,
            comment_for(out.retcode), self._request_id, 0, r.echo(),
        )  # fmt: skip


for _name, _value in _CONSTANTS.items():
    setattr(PaperTerminal, _name, _value)
