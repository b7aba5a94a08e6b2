"""The event builder of the demo day: ids, times, tickets, causal links and running balances.

``Day`` owns what makes the output deterministic and well formed: ids
``demo:<date>:<seed>:<tag>:<key>``, one seeded RNG stream per story part, tickets that grow with
time like a trade server's, the users' experiment variants and open chats (so an analysis asked
for during a chat carries its conversation id and the user's prompt variant), and the final ts
sort with each deal's balance filled in.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, TypeVar

import msgspec

from tradejournal.events import (
    AccountBalanceChanged,
    DealFilled,
    Event,
)

from .script import ACCOUNT, DEFAULT_DATE, MINUTES, START_BALANCE, _minute

E = TypeVar("E", bound=Event)
_TRADING = ("order.", "deal.", "position.", "trade.", "oco.", "account.", "recommendation.")


class Day:
    """Collects the day's events: derives ids, times, the account and the causal links."""

    def __init__(self, date: dt.date, seed: int) -> None:
        self.date, self.seed = date, seed
        self.t0 = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
        self.prefix = f"demo:{date.isoformat()}:{seed}"
        self.events: list[Event] = []
        self._counters: dict[str, int] = {}
        r = self.rng("tickets")
        # a day is 864,000 ticket steps: later days get later tickets, so days appended to one
        # journal never share a position id (the default day keeps its well-known tickets)
        day_offset = (date - DEFAULT_DATE).days * 864_000
        self._order_base = 1_845_000_000 + r.randrange(100) * 1_000_000 + day_offset
        self._deal_base = self._order_base - 250_000_000
        self._used: set[int] = set()
        self._update = 880_000 + r.randrange(1_000) * 10
        self.tickets: dict[str, int] = {}  # plan key -> position id
        self.variants: dict[int, str] = {}  # user id -> prompt variant (experiment.assigned)
        self._chats: list[tuple[int, dt.datetime, dt.datetime, str]] = []  # user, start, end, id

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")

    def at(self, when: str | float, seconds: float = 0.0) -> dt.datetime:
        minute = _minute(when) if isinstance(when, str) else when
        ms = round(minute * 60_000 + seconds * 1000)
        return self.t0 + dt.timedelta(milliseconds=min(ms, MINUTES * 60_000 - 1))

    def emit(self, cls: type[E], ts: dt.datetime, producer: str, **fields: Any) -> E:
        key, cause = fields.pop("key", None), fields.pop("cause", None)
        tag: str = cls.__struct_config__.tag  # type: ignore[assignment]
        if key is None:
            key = self._counters[tag] = self._counters.get(tag, 0) + 1
        fields.setdefault("account", ACCOUNT if tag.startswith(_TRADING) else None)
        event = cls(
            id=f"{self.prefix}:{tag}:{key}",
            ts=ts,
            producer=producer,
            causation_id=cause.id if cause is not None else None,
            **fields,
        )
        self.events.append(event)
        return event

    def next_n(self, tag: str) -> int:
        return self._counters.get(tag, 0) + 1

    def add_conversation(
        self, user: int, start: dt.datetime, end: dt.datetime, conversation_id: str
    ) -> None:
        """Record a chat, so that what the user asks for while it is open belongs to it."""
        self._chats.append((user, start, end, conversation_id))

    def conversation_at(self, user: int, ts: dt.datetime) -> str | None:
        """Return the id of the user's conversation open at ``ts`` (started, not yet ended)."""
        for who, start, end, conversation_id in self._chats:
            if who == user and start <= ts < end:
                return conversation_id
        return None

    def order_ticket(self, ts: dt.datetime) -> int:
        return self._ticket(self._order_base, ts)

    def deal_ticket(self, ts: dt.datetime) -> int:
        return self._ticket(self._deal_base, ts)

    def _ticket(self, base: int, ts: dt.datetime) -> int:
        # tickets grow with time, like a trade server's (a tenth of a second per step)
        ticket = base + int((ts - self.t0).total_seconds() * 10)
        while ticket in self._used:
            ticket += 1
        self._used.add(ticket)
        return ticket

    def update_id(self) -> int:
        self._update += 1
        return self._update

    def ident(self, kind: str, ts: dt.datetime, suffix: str = "") -> str:
        return f"{kind}-{ts:%Y%m%d-%H%M%S}-{self.seed}{suffix}"

    def finish(self) -> list[Event]:
        self.events.sort(key=lambda e: e.ts)  # stable: causes were emitted before effects
        balance = START_BALANCE
        out = []
        for ev in self.events:
            if isinstance(ev, AccountBalanceChanged):
                balance += ev.amount
            elif isinstance(ev, DealFilled):
                balance += ev.profit + ev.commission + ev.swap + ev.fee
                ev = msgspec.structs.replace(ev, balance=balance)
            out.append(ev)
        return out

    def balance_at(self, ts: dt.datetime) -> Decimal:
        total = START_BALANCE
        for ev in self.events:
            if ev.ts <= ts and isinstance(ev, AccountBalanceChanged):
                total += ev.amount
            elif ev.ts <= ts and isinstance(ev, DealFilled):
                total += ev.profit + ev.commission + ev.swap + ev.fee
        return total
