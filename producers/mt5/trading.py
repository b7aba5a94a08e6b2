"""The journaling ``order_send``: every request the bot and the managers send, and its outcome.

:class:`Trader` wraps ``terminal.order_send``. An accepted request is journaled at once as what it
did — ``order.placed`` (market or pending), ``order.modified``, ``order.cancelled`` (with the
caller's reason), ``position.stop_moved`` (with the caller's method, R at the move and rule) — and a
refused one as ``order.rejected`` with the retcode and comment (``order_send`` returning ``None``:
``last_error()``'s code and text). Deals are left to the poller, which reads them from history.
Ids are the poller's (``mt5:<account>:order:<ticket>:placed`` …), so nothing is journaled twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal, get_args

from tradejournal.events import (
    Event,
    OrderCancelled,
    OrderModified,
    OrderPlaced,
    OrderRejected,
    PositionStopMoved,
)
from tradejournal.events.order import OrderType
from tradejournal.producers.config.serverclock import ServerClock

from .api.constants import (
    TRADE_ACTION_CLOSE_BY,
    TRADE_ACTION_DEAL,
    TRADE_ACTION_MODIFY,
    TRADE_ACTION_PENDING,
    TRADE_ACTION_REMOVE,
    TRADE_ACTION_SLTP,
    TRADE_RETCODE_DONE,
    TRADE_RETCODE_DONE_PARTIAL,
    TRADE_RETCODE_PLACED,
)
from .recorder import Recorder

__all__ = ["ORDER_TYPES", "OK_RETCODES", "Trader", "dec", "price_or_none", "r_at"]

ORDER_TYPES: tuple[OrderType, ...] = get_args(OrderType)
"""The journal's order type for each MT5 ``ORDER_TYPE_*`` value (the index), in the Literal's order."""
OK_RETCODES = frozenset({TRADE_RETCODE_DONE, TRADE_RETCODE_DONE_PARTIAL, TRADE_RETCODE_PLACED})
_ACTIONS = {
    TRADE_ACTION_DEAL: "deal",
    TRADE_ACTION_PENDING: "pending",
    TRADE_ACTION_SLTP: "sltp",
    TRADE_ACTION_MODIFY: "modify",
    TRADE_ACTION_REMOVE: "remove",
    TRADE_ACTION_CLOSE_BY: "close_by",
}
StopMethod = Literal["initial", "trailing", "breakeven", "manual", "partial", "other"]
StopRule = Literal["breakeven", "atr", "fixed", "step"]


def dec(value: float) -> Decimal:
    """A terminal float as the decimal it stands for (shortest repr: 0.1 stays 0.1)."""
    return Decimal(repr(float(value))) if value else Decimal(0)


def price_or_none(value: float | None) -> Decimal | None:
    """An SL/TP/price field: MT5 writes 0.0 for "none"."""
    return dec(value) if value else None


def r_at(
    side: str | None, entry: Decimal | None, initial_sl: Decimal | None, price: Decimal
) -> float | None:
    """R of ``price`` against the initial risk |entry - initial SL| (None without a stop)."""
    if side is None or entry is None or initial_sl is None or entry == initial_sl:
        return None
    sign = 1 if side == "buy" else -1
    return round(float((price - entry) * sign / abs(entry - initial_sl)), 4)


class Trader:
    """Send trade requests through the terminal and journal what each one did."""

    def __init__(
        self, terminal: Any, recorder: Recorder, server_time: ServerClock | None = None
    ) -> None:
        self.terminal = terminal
        self.recorder = recorder
        self.server_time = server_time or ServerClock()
        self.api_errors = 0  # consecutive order_send calls that returned None
        self.last_events: list[Event] = []  # what the last send journaled

    def send(
        self,
        request: dict[str, Any],
        *,
        cancel_reason: Literal["user", "oco", "expired", "system"] = "user",
        method: StopMethod = "manual",
        rule: StopRule | None = None,
        atr_distance: Decimal | None = None,
        oco_group_id: str | None = None,
        recommendation_id: str | None = None,
        signal_id: str | None = None,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> Any:
        """``order_send(request)``, journaled; return the terminal's result (None on failure).

        A result whose retcode is not DONE / DONE_PARTIAL / PLACED is returned as is (and was
        journaled as ``order.rejected``).
        """
        state = self.recorder.catch_up()
        action = int(request.get("action", 0))
        before = self._position(request) if action == TRADE_ACTION_SLTP else None
        result = self.terminal.order_send(request)
        env = self.recorder.envelope(correlation_id=correlation_id, causation_id=causation_id)
        if result is None or result.retcode not in OK_RETCODES:
            if result is None:
                self.api_errors += 1
                code, text = self.terminal.last_error()
            else:
                self.api_errors = 0
                code, text = result.retcode, result.comment
            self.last_events = self.recorder.record(
                [self._rejected(request, action, code, text, env)]
            )
            return result
        self.api_errors = 0
        events: list[Event] = []
        acct = self.recorder.account
        if action in (TRADE_ACTION_DEAL, TRADE_ACTION_PENDING):
            ticket = int(result.order)
            type_ = ORDER_TYPES[int(request.get("type", 0))]
            price = result.price or request.get("price") or 0.0
            events.append(
                OrderPlaced(
                    **env,
                    id=f"mt5:{acct}:order:{ticket}:placed",
                    order_ticket=ticket,
                    symbol=str(request.get("symbol", "")),
                    order_type=type_,
                    volume=dec(result.volume or request["volume"]),
                    price=dec(price if action == TRADE_ACTION_DEAL else request.get("price", 0)),
                    sl=price_or_none(request.get("sl")),
                    tp=price_or_none(request.get("tp")),
                    magic=request.get("magic"),
                    comment=str(request.get("comment", "")),
                    oco_group_id=oco_group_id,
                    recommendation_id=recommendation_id,
                    signal_id=signal_id,
                    position_id=request.get("position") or None,
                    expires_ts=self._expiry(request),
                )
            )
        elif action == TRADE_ACTION_MODIFY:
            ticket = int(request["order"])
            n = state.orders[ticket].modifications + 1 if ticket in state.orders else 1
            events.append(
                OrderModified(
                    **env,
                    id=f"mt5:{acct}:order:{ticket}:modified:{n}",
                    order_ticket=ticket,
                    symbol=request.get("symbol"),
                    price=price_or_none(request.get("price")),
                    sl=price_or_none(request.get("sl")),
                    tp=price_or_none(request.get("tp")),
                )
            )
        elif action == TRADE_ACTION_REMOVE:
            ticket = int(request["order"])
            order = state.orders.get(ticket)
            events.append(
                OrderCancelled(
                    **env,
                    id=f"mt5:{acct}:order:{ticket}:cancelled",
                    order_ticket=ticket,
                    symbol=order.symbol if order else request.get("symbol"),
                    reason=cancel_reason,
                    oco_group_id=oco_group_id or (order.oco_group_id if order else None),
                )
            )
        elif action == TRADE_ACTION_SLTP and before is not None:
            pid = int(request["position"])
            view = state.position(pid)
            new_sl, new_tp = price_or_none(request.get("sl")), price_or_none(request.get("tp"))
            current = dec(before.price_current)
            side = view.side or ("buy" if before.type == 0 else "sell")
            entry = view.entry_price or dec(before.price_open)
            initial = view.initial_sl if view.initial_sl is not None else price_or_none(before.sl)
            events.append(
                PositionStopMoved(
                    **env,
                    id=f"mt5:{acct}:position:{pid}:stop:{view.stop_moves + 1}",
                    position_id=pid,
                    symbol=before.symbol,
                    old_sl=price_or_none(before.sl),
                    new_sl=new_sl,
                    old_tp=price_or_none(before.tp),
                    new_tp=new_tp,
                    price=current,
                    method=method,
                    r_at_move=r_at(side, entry, initial, current),
                    rule=rule,
                    atr_distance=atr_distance,
                )
            )
        self.last_events = self.recorder.record(events)
        return result

    def _position(self, request: dict[str, Any]) -> Any:
        found = self.terminal.positions_get(ticket=int(request.get("position", 0)))
        return found[0] if found else None

    def _expiry(self, request: dict[str, Any]) -> dt.datetime | None:
        expiration = request.get("expiration")
        if not expiration:
            return None
        if isinstance(expiration, dt.datetime):
            return expiration.astimezone(dt.UTC)
        return self.server_time.to_utc(float(expiration))  # epoch numbers are server time

    def _rejected(
        self, request: dict[str, Any], action: int, code: int, text: str, env: dict[str, Any]
    ) -> OrderRejected:
        state = self.recorder.state
        symbol = str(request.get("symbol") or "")
        ticket = request.get("order") or None
        pid = request.get("position") or None
        if not symbol and ticket in state.orders:
            symbol = state.orders[ticket].symbol
        if not symbol and pid in state.positions:
            symbol = state.positions[pid].symbol
        type_ = request.get("type")
        volume = request.get("volume")
        return OrderRejected(
            **env,
            id=self.recorder.new_id(),
            order_ticket=ticket,
            symbol=symbol or "?",
            order_type=ORDER_TYPES[int(type_)]
            if action in (TRADE_ACTION_DEAL, TRADE_ACTION_PENDING) and type_ is not None
            else None,
            volume=dec(volume) if volume else None,
            price=price_or_none(request.get("price")),
            retcode=int(code),
            comment=str(text),
            action=_ACTIONS.get(action),  # type: ignore[arg-type]
            position_id=pid,
        )
