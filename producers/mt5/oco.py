"""OCO brackets: two pending orders as one group; a fill of one cancels the other.

:meth:`OcoManager.create` places both legs through the journaling :class:`~.trading.Trader`
(``order.placed`` with the group id) and journals ``oco.created``. :meth:`OcoManager.check`, run
after each poll, asks the terminal what became of each unsettled group's legs: when one leg filled
it removes the other (``TRADE_ACTION_REMOVE`` → ``order.cancelled`` reason ``oco``) and journals
``oco.triggered`` with the cancel latency (fill time to confirmed cancel); both legs filled, or a
refused cancel (after ``cancel_retries`` immediate retries, each journaled), give ``oco.failed``
plus a critical ``oco_failed`` alert. Group state lives in the
journal (``oco.*`` events), so a restarted manager resumes every open group.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tradejournal.events import Event, OcoCreated, OcoFailed, OcoTriggered

from .alerts import Alerts
from .api import Terminal
from .api.constants import (
    ORDER_STATE_CANCELED,
    ORDER_STATE_EXPIRED,
    ORDER_STATE_FILLED,
    ORDER_STATE_PARTIAL,
    ORDER_STATE_REJECTED,
    TRADE_ACTION_REMOVE,
)
from .trading import OK_RETCODES, Trader

__all__ = ["OcoManager"]


class OcoManager:
    """Create OCO groups and settle them (see the module docstring)."""

    def __init__(self, trader: Trader, alerts: Alerts, cancel_retries: int = 0) -> None:
        self.trader = trader
        self.alerts = alerts
        self.cancel_retries = cancel_retries
        self.recorder = trader.recorder

    @property
    def terminal(self) -> Terminal:
        """The terminal the trader sends to."""
        return self.trader.terminal  # type: ignore[no-any-return]

    def create(
        self,
        leg_a: dict[str, Any],
        leg_b: dict[str, Any],
        *,
        correlation_id: str | None = None,
        recommendation_id: str | None = None,
    ) -> str | None:
        """Place two pending orders as one group; return its id, or None if a leg was refused
        (then the other leg, if placed, is removed: no half bracket is left behind)."""
        group = self.recorder.new_id()
        links = {"oco_group_id": group, "correlation_id": correlation_id,
                 "recommendation_id": recommendation_id}  # fmt: skip
        a = self.trader.send(leg_a, **links)  # type: ignore[arg-type]
        if a is None or a.retcode not in OK_RETCODES:
            return None
        b = self.trader.send(leg_b, **links)  # type: ignore[arg-type]
        if b is None or b.retcode not in OK_RETCODES:
            self.trader.send(
                {"action": TRADE_ACTION_REMOVE, "order": a.order},
                cancel_reason="system",
                oco_group_id=group,
                correlation_id=correlation_id,
            )
            return None
        self._record(
            OcoCreated, group, "created", correlation_id=correlation_id,
            symbol=str(leg_a.get("symbol", "")), leg_a_ticket=int(a.order),
            leg_b_ticket=int(b.order),
        )  # fmt: skip
        return group

    def check(self) -> list[Event]:
        """Settle the groups one of whose legs filled; return the events written."""
        state = self.recorder.catch_up()
        out: list[Event] = []
        for group in [g for g in state.oco.values() if not g.settled]:
            a, b = group.legs
            fate_a, fate_b = self._fate(a), self._fate(b)
            if fate_a is None or fate_b is None:
                continue  # the terminal did not answer: next time
            filled = [t for t, f in ((a, fate_a), (b, fate_b)) if f[0] == "filled"]
            if len(filled) == 2:
                out += self._failed(group.group_id, "both_filled", None, "both legs filled")
            elif len(filled) == 1:
                other = b if filled[0] == a else a
                other_fate = fate_b if other == b else fate_a
                fill_ts = (fate_a if filled[0] == a else fate_b)[1]
                if other_fate[0] == "pending":
                    out += self._cancel(group.group_id, filled[0], other, fill_ts)
                else:  # already gone (cancelled by hand, expired): nothing left to cancel
                    out += self._triggered(group.group_id, filled[0], other, None)
        return out

    # --- helpers -------------------------------------------------------------------------------
    def _fate(self, ticket: int) -> tuple[str, dt.datetime | None] | None:
        """('pending' | 'filled' | 'gone', fill time) of an order, None if the terminal failed."""
        active = self.terminal.orders_get(ticket=ticket)
        if active is None:
            return None
        if active:
            return ("pending", None)
        hist = self.terminal.history_orders_get(ticket=ticket)
        if not hist:
            return None
        o = hist[0]
        if o.state in (ORDER_STATE_FILLED, ORDER_STATE_PARTIAL):
            msc = o.time_done_msc or o.time_done * 1000
            return ("filled", self.trader.server_time.to_utc_msc(msc))
        if o.state in (ORDER_STATE_CANCELED, ORDER_STATE_EXPIRED, ORDER_STATE_REJECTED):
            return ("gone", None)
        return ("pending", None)

    def _cancel(
        self, group: str, filled: int, other: int, fill_ts: dt.datetime | None
    ) -> list[Event]:
        sent: list[Event] = []
        for _ in range(1 + self.cancel_retries):
            result = self.trader.send(
                {"action": TRADE_ACTION_REMOVE, "order": other},
                cancel_reason="oco",
                oco_group_id=group,
            )
            sent += self.trader.last_events  # order.cancelled, or order.rejected
            if result is not None and result.retcode in OK_RETCODES:
                break
        if result is not None and result.retcode in OK_RETCODES:
            latency = None
            if fill_ts is not None:
                latency = max(0.0, (self.recorder.now() - fill_ts).total_seconds() * 1000)
            return sent + self._triggered(group, filled, other, latency)
        fate = self._fate(other)
        if fate is not None and fate[0] == "filled":  # the sibling filled before the cancel
            return sent + self._failed(group, "both_filled", None, "both legs filled")
        code, text = (
            (result.retcode, result.comment) if result is not None else self.terminal.last_error()
        )
        return sent + self._failed(group, "cancel_refused", int(code), str(text))

    def _triggered(self, group: str, filled: int, other: int, latency: float | None) -> list[Event]:
        return self._record(
            OcoTriggered, group, "settled", filled_ticket=filled, cancel_ticket=other,
            cancel_latency_ms=latency,
        )  # fmt: skip

    def _failed(self, group: str, kind: str, retcode: int | None, error: str) -> list[Event]:
        now = self.recorder.now()
        out = self._record(
            OcoFailed, group, "settled", ts=now, kind=kind, retcode=retcode, error=error
        )
        return out + self.alerts.raise_(
            "critical", "oco_failed", f"OCO group {group}: {kind} ({error})", now, key=group
        )

    def _record(
        self, event_type: type[Event], group: str, step: str, /,
        ts: dt.datetime | None = None, **fields: Any,
    ) -> list[Event]:  # fmt: skip
        """Journal the group's ``step`` (``created`` | ``settled``: its id says so, once only)."""
        rec = self.recorder
        fields["oco_group_id"] = group
        event_id = f"mt5:{rec.account}:oco:{group}:{step}"
        return rec.record([event_type(id=event_id, **rec.envelope(ts), **fields)])
