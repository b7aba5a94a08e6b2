"""Import a period of the terminal's history into the journal, idempotently.

``backfill(terminal, journal, date_from, date_to)`` journals the deals (``deal.filled`` /
``account.balance_changed``) and orders (``order.placed`` and, for pending orders that ended
without a fill, ``order.cancelled`` / ``order.rejected``) whose time (UTC, after the server-time
conversion) lies in ``[date_from, date_to)`` and that the journal does not hold yet. Ids derive
from tickets, so running it again, or over a period the poller already journaled, adds nothing.
Stop changes are not in MT5's history: only the poller sees them (as the current SL/TP).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tradejournal.events import Event
from tradejournal.store import Journal

from .history import deal_events, history_order_events
from .poller import Mt5Error, PollerSettings
from .recorder import Recorder

__all__ = ["BackfillResult", "backfill"]

_PAD = dt.timedelta(days=1)  # server time may be ahead of or behind UTC: ask wider, then filter


@dataclass(frozen=True, slots=True)
class BackfillResult:
    """What a backfill found and wrote."""

    account: str
    deals: int
    orders: int
    appended: int


def backfill(
    terminal: Any,
    journal: Journal,
    date_from: dt.datetime,
    date_to: dt.datetime,
    settings: PollerSettings | None = None,
) -> BackfillResult:
    """Journal the history of ``[date_from, date_to)`` (aware datetimes); see the module doc."""
    if date_from.tzinfo is None or date_to.tzinfo is None:
        raise ValueError("date_from / date_to must be timezone-aware")
    if date_to <= date_from:
        raise ValueError(f"empty period: {date_from.isoformat()} .. {date_to.isoformat()}")
    settings = settings or PollerSettings()
    account = settings.account
    if account is None:
        info = terminal.account_info()
        if info is None:
            raise Mt5Error(f"no account on the terminal: {terminal.last_error()}")
        account = str(info.login)
    recorder = Recorder(journal, account, producer=settings.producer)
    deals = terminal.history_deals_get(date_from - _PAD, date_to + _PAD)
    orders = terminal.history_orders_get(date_from - _PAD, date_to + _PAD)
    if deals is None or orders is None:
        raise Mt5Error(f"the terminal's history is unavailable: {terminal.last_error()}")
    to_utc = settings.server_time.to_utc_msc

    def inside(msc: int) -> bool:
        return date_from <= to_utc(msc) < date_to

    chosen_orders = sorted(
        (o for o in orders if inside(o.time_setup_msc or o.time_setup * 1000)),
        key=lambda o: (o.time_setup_msc or o.time_setup * 1000, o.ticket),
    )
    order_events: list[Event] = []
    for o in chosen_orders:
        order_events += history_order_events(o, recorder.state, settings, account)
    written = recorder.record(order_events)
    chosen = [d for d in deals if inside(d.time_msc or d.time * 1000)]
    written += recorder.record(deal_events(chosen, recorder.state, settings, account))
    return BackfillResult(account, len(chosen), len(chosen_orders), len(written))
