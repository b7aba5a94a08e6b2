"""Generate a deterministic, realistic synthetic trading day: the events behind ``tradejournal demo``.

``generate_day(date, seed)`` is pure: the same date and seed give identical events, ids included
(``demo:<date>:<seed>:<tag>:<key>``), every ``ts`` inside that UTC day, returned in ts order. Money
adds up: profit = price move x contract size x volume (100,000 units a lot for EURUSD/GBPUSD, 100 oz
for XAUUSD), commission 3.50 per lot per side, and balances and equity follow the deals.

The package splits the day by concept: ``script`` (the data: cast, instruments, plans, chats),
``day`` (the event builder), ``market`` (price tapes and position simulation), ``chains`` (the
building blocks), ``desk`` (the non-trading strands) and ``trades`` (the recommendation and OCO
flows). This module assembles them, in a fixed order, into ``generate_day``.
"""

from __future__ import annotations

import datetime as dt

from tradejournal.events import Event

from .day import Day
from .desk import _open_day, _ops, _scanner, _snapshots, _users_and_chats
from .market import Market
from .script import (
    ACCOUNT,
    COMMISSION_PER_LOT,
    DEFAULT_DATE,
    DEFAULT_SEED,
    DEPOSIT,
    INSTRUMENTS,
    MAGIC,
    PLANS,
    START_BALANCE,
    Instrument,
    Plan,
)
from .trades import _analysis_trades, _oco_brackets, _rec_failures, _signal_trades

__all__ = [
    "ACCOUNT",
    "COMMISSION_PER_LOT",
    "DEFAULT_DATE",
    "DEFAULT_SEED",
    "DEPOSIT",
    "INSTRUMENTS",
    "MAGIC",
    "PLANS",
    "START_BALANCE",
    "Instrument",
    "Plan",
    "generate_day",
]


def generate_day(date: dt.date, seed: int = DEFAULT_SEED) -> list[Event]:
    """Return the events of one synthetic trading day, in ts order.

    Parameters
    ----------
    date
        The UTC day; every event's ``ts`` falls inside it.
    seed
        Drives prices, latencies, token counts and tickets; the same seed gives identical events.
    """
    day = Day(date, seed)
    market = Market.build(day.rng("market"), PLANS)
    _open_day(day)
    _users_and_chats(day)
    _scanner(day, market)
    _signal_trades(day, market)
    _analysis_trades(day, market)
    _rec_failures(day, market)
    _oco_brackets(day, market)
    _ops(day)
    _snapshots(day, market)
    return day.finish()
