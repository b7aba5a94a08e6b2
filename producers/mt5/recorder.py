"""The MT5 producers' door to the journal: append events and keep :class:`AccountState` current.

One :class:`Recorder` per account is shared by the poller, the order wrapper and the OCO and
trailing managers: before acting each calls :meth:`Recorder.catch_up` (which folds in whatever
any writer appended since), and every event it writes goes through :meth:`Recorder.record`, which
appends all-or-nothing and then catches up, so the state always equals the journal.
:meth:`Recorder.envelope` gives the fields every event of the account shares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from tradejournal.events import Event, new_id
from tradejournal.store import Journal, snapshot

from .state import AccountState

__all__ = ["Clock", "Recorder", "utc_now"]

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The wall clock in aware UTC (the default clock of the MT5 producers)."""
    return dt.datetime.now(dt.UTC)


class Recorder:
    """Append events of one account and track the journal's state of that account."""

    def __init__(
        self,
        journal: Journal,
        account: str,
        clock: Clock = utc_now,
        producer: str = "mt5",
        ids: Callable[[], str] = new_id,
    ) -> None:
        self.journal = journal
        self.account = account
        self.clock = clock
        self.producer = producer
        self.new_id = ids
        """Ids of events without a source key (default UUIDv7; a scripted demo counts)."""
        self.state = AccountState(account)
        self.catch_up()

    def catch_up(self) -> AccountState:
        """Fold the events appended since the last call into the state and return it.

        The journal's end is checked first (a look at the last segment's tail), so a catch-up
        with nothing new reads nothing.
        """
        if snapshot(self.journal.path).last_seq > self.state.last_seq:
            for event in self.journal.read(from_seq=self.state.last_seq + 1):
                self.state.apply(event)
        return self.state

    def record(self, events: Iterable[Event]) -> list[Event]:
        """Append ``events`` (all or nothing) and return those that were new to the journal.

        When this append directly follows what the state has seen (no other writer in between,
        no duplicate the state has not seen), its events are folded in from memory; otherwise
        the state catches up from the journal.
        """
        batch = list(events)
        if not batch:
            return []
        last = self.state.last_seq
        appended = self.journal.append_many(batch)
        new_seqs = set(appended.new)
        written = [e for e, seq in zip(batch, appended, strict=True) if seq in new_seqs]
        in_order = appended.new == list(range(last + 1, last + 1 + len(appended.new)))
        if in_order and all(seq <= last or seq in new_seqs for seq in appended):
            seen: set[int] = set()
            for event, seq in zip(batch, appended, strict=True):
                if seq in new_seqs and seq not in seen:
                    seen.add(seq)
                    self.state.apply(event)
            self.state.last_seq = max(last, *appended.new) if appended.new else last
        else:
            self.catch_up()
        return written

    def now(self) -> dt.datetime:
        """The producers' current time (aware UTC)."""
        return self.clock()

    def envelope(self, ts: dt.datetime | None = None, **links: Any) -> dict[str, Any]:
        """The envelope fields of an event of this account: ``ts`` (default now), the producer,
        the account and ``links`` (correlation_id, causation_id)."""
        return {"ts": ts or self.now(), "producer": self.producer, "account": self.account, **links}
