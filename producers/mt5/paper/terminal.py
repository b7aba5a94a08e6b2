"""``PaperTerminal``: the simulated broker behind the MetaTrader5 package's own functions.

Use it exactly like ``import MetaTrader5 as mt5``: ``initialize()`` first (until then, and while
disconnected, calls fail with ``last_error() == (-10004, 'No IPC connection')``), then
``account_info``, ``symbol_info_tick``, ``positions_get``, ``order_send`` … with the same
arguments, records and constants (``terminal.ORDER_TYPE_BUY``). Times in the records are
broker-server epoch numbers. The controls (prices, clock, money, faults, feeds) come from
:class:`~.core.PaperCore`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from ..api import constants as c
from ..api.info import AccountInfo, SymbolInfo, TerminalInfo
from ..api.records import (
    OrderCheckResult,
    OrderSendResult,
    Tick,
)
from .checks import comment_for
from .faults import NO_IPC
from .history import match_group
from .queries import PaperQueries
from .requests import BadRequest, Request, read_request
from .specs import symbol_info

__all__ = ["PaperTerminal"]

_CONSTANTS = {k: v for k, v in vars(c).items() if k.isupper() and isinstance(v, int)}


class PaperTerminal(PaperQueries):
    """A paper broker with the MetaTrader5 package's interface (see the module docstring)."""

    def __getattr__(self, name: str) -> int:
        """The MetaTrader5 constants, as attributes (``terminal.TRADE_RETCODE_DONE``)."""
        try:
            return _CONSTANTS[name]
        except KeyError:
            raise AttributeError(name) from None

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
            2, False, a.balance, a.credit, b.floating(),
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

    def _request(self, request: Mapping[str, Any]) -> Request | None:
        """The request read, or None after setting ``last_error`` (not connected, bad request)."""
        if not self._ok():
            return None
        try:
            return read_request(request)
        except BadRequest as exc:
            self._fail(c.RES_E_INVALID_PARAMS, str(exc))
            return None

    def order_check(self, request: Mapping[str, Any]) -> OrderCheckResult | None:
        """Whether ``request`` would pass (retcode 0) and the account after it."""
        r = self._request(request)
        if r is None:
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
            code, b.account.balance, equity, b.floating(),
            margin, round(equity - margin, 2), level, "Done" if not code else comment_for(code), r.echo(),
        )  # fmt: skip

    def order_send(self, request: Mapping[str, Any]) -> OrderSendResult | None:
        """Send a trade request to the paper server; ``None`` on a local error (see last_error)."""
        r = self._request(request)
        if r is None:
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


def _locked(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def call(self: PaperTerminal, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return fn(self, *args, **kwargs)

    return call


for _name, _fn in inspect.getmembers(PaperTerminal, inspect.isfunction):
    if not _name.startswith("_"):
        setattr(PaperTerminal, _name, _locked(_fn))
