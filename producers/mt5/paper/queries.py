"""The paper terminal's read side: bars, open positions and orders, and history.

``copy_rates_*``, ``positions_*``, ``orders_*`` and ``history_*`` with the MetaTrader5 package's
arguments: selectors are keywords (``symbol=``, ``group=``, ``ticket=``, ``position=``);
``history_deals_get(ticket=T)`` selects by ORDER ticket as the real package does; a history call
without a range or a selector fails with ``RES_E_INVALID_PARAMS``.
"""

from __future__ import annotations

from ..api import constants as c
from ..api.protocol import DateLike, Rates
from ..api.records import TradeDeal, TradeOrder, TradePosition
from .bars import timeframe_seconds
from .checks import is_buy
from .clock import to_epoch
from .core import PaperCore
from .history import in_range, match_group

__all__ = ["PaperQueries"]


class PaperQueries(PaperCore):
    """Bars, positions, orders and history of the paper broker."""

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
