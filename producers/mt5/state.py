"""What the journal already knows about one MT5 account — the poller's and managers' only memory.

:class:`AccountState` is rebuilt by applying the account's events in journal order (no side
database): the deals journaled, each order's last known life-cycle state, each position's last
journaled stops and excursions, the symbols' specifications, the OCO groups, the terminal's
connection state and the alerts already raised. Producers compare the terminal with it and
journal only the difference, so a restart resumes exactly where the journal ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tradejournal.events import (
    AccountBalanceChanged,
    AccountSnapshot,
    AlertRaised,
    DealFilled,
    Event,
    OcoCreated,
    OcoFailed,
    OcoTriggered,
    OrderCancelled,
    OrderModified,
    OrderPlaced,
    OrderRejected,
    PositionExcursion,
    PositionStopMoved,
    SymbolSpecChanged,
    TerminalConnected,
    TerminalDisconnected,
)

__all__ = ["AccountState", "OcoView", "OrderView", "PositionView"]


@dataclass(slots=True)
class OrderView:
    """An order as journaled: ``status`` is pending, filled, cancelled or rejected."""

    ticket: int
    symbol: str
    order_type: str
    price: Decimal
    volume: Decimal
    sl: Decimal | None = None
    tp: Decimal | None = None
    status: str = "pending"
    modifications: int = 0
    oco_group_id: str | None = None
    position_id: int | None = None


@dataclass(slots=True)
class PositionView:
    """A position's journaled stops and excursions (net volume from its deals)."""

    position_id: int
    symbol: str = ""
    side: str | None = None
    volume: Decimal = Decimal(0)
    entry_price: Decimal | None = None
    initial_sl: Decimal | None = None
    sl: Decimal | None = None
    tp: Decimal | None = None
    stops_known: bool = False
    stop_moves: int = 0
    mfe: Decimal | None = None
    mae: Decimal | None = None


@dataclass(slots=True)
class OcoView:
    """An OCO group: its two legs and whether it is settled (triggered or failed)."""

    group_id: str
    symbol: str
    legs: tuple[int, int]
    settled: bool = False
    created_ts: dt.datetime | None = None


@dataclass
class AccountState:
    """The journal's view of one account (see the module docstring)."""

    account: str
    last_seq: int = 0
    deal_tickets: set[int] = field(default_factory=set)
    filled_orders: set[int] = field(default_factory=set)
    last_deal_ts: dt.datetime | None = None
    orders: dict[int, OrderView] = field(default_factory=dict)
    positions: dict[int, PositionView] = field(default_factory=dict)
    specs: dict[str, SymbolSpecChanged] = field(default_factory=dict)
    oco: dict[str, OcoView] = field(default_factory=dict)
    connected: bool | None = None
    disconnected_ts: dt.datetime | None = None
    alert_ids: set[str] = field(default_factory=set)
    last_snapshot_ts: dt.datetime | None = None
    rejections: int = 0

    def apply(self, event: Event) -> None:
        """Fold one event of this account (others are ignored) into the state."""
        if event.seq is not None:
            self.last_seq = max(self.last_seq, event.seq)
        if event.account != self.account:
            return
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event)

    def position(self, position_id: int) -> PositionView:
        """The view of a position, created empty when first asked for."""
        view = self.positions.get(position_id)
        if view is None:
            view = self.positions[position_id] = PositionView(position_id)
        return view

    def oco_of(self, ticket: int) -> OcoView | None:
        """The unsettled OCO group one of whose legs is order ``ticket``, if any."""
        for group in self.oco.values():
            if not group.settled and ticket in group.legs:
                return group
        return None


def _deal(s: AccountState, e: DealFilled) -> None:
    s.deal_tickets.add(e.deal_ticket)
    if e.order_ticket is not None:
        s.filled_orders.add(e.order_ticket)
    s.last_deal_ts = e.ts if s.last_deal_ts is None else max(s.last_deal_ts, e.ts)
    if e.order_ticket is not None and e.order_ticket in s.orders:
        order = s.orders[e.order_ticket]
        order.status = "filled"
        order.position_id = e.position_id
    if e.position_id is None:
        return
    p = s.position(e.position_id)
    p.symbol = e.symbol
    signed = e.volume if e.side == "buy" else -e.volume
    before = p.volume if p.side != "sell" else -p.volume
    after = before + signed
    if e.entry == "in" and (p.volume == 0 or p.side is None):
        p.side, p.entry_price = e.side, e.price
        opening = s.orders.get(e.order_ticket) if e.order_ticket is not None else None
        if opening is not None and not p.stops_known:
            p.initial_sl = p.initial_sl if p.initial_sl is not None else opening.sl
            p.sl, p.tp = opening.sl, opening.tp
            p.stops_known = opening.sl is not None or opening.tp is not None  # none: not yet
    elif e.entry == "inout" and (after > 0) != (before > 0) and after != 0:
        p.side, p.entry_price = e.side, e.price  # reversal: a new leg with new stops
        p.initial_sl, p.sl, p.tp, p.stops_known, p.mfe, p.mae = None, None, None, False, None, None
    p.volume = abs(after)


def _balance(s: AccountState, e: AccountBalanceChanged) -> None:
    if e.deal_ticket is not None:
        s.deal_tickets.add(e.deal_ticket)
        s.last_deal_ts = e.ts if s.last_deal_ts is None else max(s.last_deal_ts, e.ts)


def _placed(s: AccountState, e: OrderPlaced) -> None:
    s.orders[e.order_ticket] = OrderView(
        e.order_ticket,
        e.symbol,
        e.order_type,
        e.price,
        e.volume,
        e.sl,
        e.tp,
        oco_group_id=e.oco_group_id,
        position_id=e.position_id,
    )
    if e.order_ticket in s.filled_orders:
        s.orders[e.order_ticket].status = "filled"


def _modified(s: AccountState, e: OrderModified) -> None:
    order = s.orders.get(e.order_ticket)
    if order is None:
        return
    order.modifications += 1
    order.price = e.price if e.price is not None else order.price
    order.sl = e.sl if e.sl is not None else order.sl
    order.tp = e.tp if e.tp is not None else order.tp
    order.volume = e.volume if e.volume is not None else order.volume


def _cancelled(s: AccountState, e: OrderCancelled) -> None:
    order = s.orders.get(e.order_ticket)
    if order is not None and order.status == "pending":
        order.status = "cancelled"


def _rejected(s: AccountState, e: OrderRejected) -> None:
    s.rejections += 1
    order = s.orders.get(e.order_ticket) if e.order_ticket is not None else None
    if order is not None and order.status == "pending" and e.action in (None, "pending"):
        order.status = "rejected"


def _stop(s: AccountState, e: PositionStopMoved) -> None:
    p = s.position(e.position_id)
    p.stop_moves += 1
    if p.initial_sl is None:
        p.initial_sl = e.old_sl if e.old_sl is not None else e.new_sl
    p.sl, p.tp, p.stops_known = e.new_sl, e.new_tp, True


def _excursion(s: AccountState, e: PositionExcursion) -> None:
    p = s.position(e.position_id)
    if e.excursion == "mfe":
        p.mfe = e.price
    else:
        p.mae = e.price


def _spec(s: AccountState, e: SymbolSpecChanged) -> None:
    s.specs[e.symbol] = e


def _oco_created(s: AccountState, e: OcoCreated) -> None:
    s.oco[e.oco_group_id] = OcoView(
        e.oco_group_id, e.symbol, (e.leg_a_ticket, e.leg_b_ticket), created_ts=e.ts
    )


def _oco_settled(s: AccountState, e: OcoTriggered | OcoFailed) -> None:
    group = s.oco.get(e.oco_group_id)
    if group is not None:
        group.settled = True


def _connected(s: AccountState, e: TerminalConnected) -> None:
    s.connected, s.disconnected_ts = True, None


def _disconnected(s: AccountState, e: TerminalDisconnected) -> None:
    s.connected, s.disconnected_ts = False, e.ts


def _alert(s: AccountState, e: AlertRaised) -> None:
    s.alert_ids.add(e.id)


def _snapshot(s: AccountState, e: AccountSnapshot) -> None:
    s.last_snapshot_ts = e.ts if s.last_snapshot_ts is None else max(s.last_snapshot_ts, e.ts)


_HANDLERS: dict[type[Event], Callable[[AccountState, Any], None]] = {
    DealFilled: _deal,
    AccountBalanceChanged: _balance,
    OrderPlaced: _placed,
    OrderModified: _modified,
    OrderCancelled: _cancelled,
    OrderRejected: _rejected,
    PositionStopMoved: _stop,
    PositionExcursion: _excursion,
    SymbolSpecChanged: _spec,
    OcoCreated: _oco_created,
    OcoTriggered: _oco_settled,
    OcoFailed: _oco_settled,
    TerminalConnected: _connected,
    TerminalDisconnected: _disconnected,
    AlertRaised: _alert,
    AccountSnapshot: _snapshot,
}
