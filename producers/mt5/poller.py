"""The live MT5 poller: journal everything new on the terminal since the journal's last record.

``Mt5Poller(terminal, journal, …).poll_once()`` compares the terminal with the journal's view of
the account (:class:`~.state.AccountState`, rebuilt from the journal itself) and appends the
difference, returning what it wrote:

- the connection: ``terminal.connected`` / ``terminal.disconnected`` (+ alerts);
- deals from history → ``deal.filled`` / ``account.balance_changed`` (shared translator, ids
  ``mt5:<account>:deal:<ticket>``), then an ``account.snapshot``;
- orders: new → ``order.placed``; price/stops/volume changed → ``order.modified``; gone from the
  active list → ``order.cancelled`` (reason ``user`` / ``expired``) or ``order.rejected``
  (a fill is the deal);
- positions: SL/TP changed by anyone else → ``position.stop_moved`` (the first stop of a position
  is ``initial``, later ones ``manual``), new extremes → ``position.excursion``;
- symbol specifications once and on change; ``account.snapshot`` at an interval;
- alerts (:mod:`.alerts`).

The first poll of an account the journal has never seen backfills its history from
``history_start``; later polls read history from one day before the last journaled deal, so
whatever happened while the poller was down is journaled once (ids are derived from tickets).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tradejournal.events import (
    Event,
    OrderModified,
    TerminalConnected,
    TerminalDisconnected,
    new_id,
)
from tradejournal.events.errors import TradejournalError
from tradejournal.producers.config.serverclock import ServerClock
from tradejournal.store import Journal

from .alerts import Alerts, AlertSettings
from .history import deal_events, history_order_events, snapshot_event, spec_event
from .positions import position_events
from .recorder import Clock, Recorder, utc_now
from .trading import Trader, dec, price_or_none

__all__ = ["Mt5Error", "Mt5Poller", "PollerSettings"]

_DAY = dt.timedelta(days=1)
EPOCH = dt.datetime(1970, 1, 2, tzinfo=dt.UTC)


class Mt5Error(TradejournalError, RuntimeError):
    """The terminal could not be used (not initialised, no account)."""


@dataclass(frozen=True)
class PollerSettings:
    """What the poller needs besides the terminal and the journal (all have defaults)."""

    account: str | None = None
    """Account label; default: the terminal's login."""
    server_time: ServerClock = field(default_factory=ServerClock)
    producer: str = "mt5"
    snapshot_interval_s: float = 300.0
    excursion_step_points: float = 10.0
    """A new MFE/MAE is journaled when it beats the last one by this many points ..."""
    excursion_step_r: float = 0.0
    """... or, when > 0 and the position has an initial stop, by this many R."""
    history_start: dt.datetime = EPOCH
    """Where the first backfill of a new account starts."""
    alerts: AlertSettings = field(default_factory=AlertSettings)


class Mt5Poller:
    """Journal what is new on one MT5 account (see the module docstring)."""

    def __init__(
        self,
        terminal: Any,
        journal: Journal,
        settings: PollerSettings | None = None,
        *,
        clock: Clock = utc_now,
        recorder: Recorder | None = None,
        ids: Callable[[], str] = new_id,
    ) -> None:
        self.terminal = terminal
        self.settings = settings or PollerSettings()
        if recorder is None:
            account = self.settings.account
            if account is None:
                info = terminal.account_info()
                if info is None:
                    raise Mt5Error(f"no account on the terminal: {terminal.last_error()}")
                account = str(info.login)
            recorder = Recorder(journal, account, clock, self.settings.producer, ids)
        self.recorder = recorder
        self.trader = Trader(terminal, recorder, self.settings.server_time)
        self.alerts = Alerts(recorder, self.settings.alerts, self.settings.server_time)
        self._api_errors = 0

    @property
    def account(self) -> str:
        """The account label the events carry."""
        return self.recorder.account

    def poll_once(self) -> list[Event]:
        """Journal everything new on the terminal and return the events written, in order."""
        state = self.recorder.catch_up()
        now = self.recorder.now()
        written: list[Event] = []
        info = self.terminal.terminal_info()
        account = self.terminal.account_info() if info is not None else None
        if info is None or account is None or not getattr(info, "connected", True):
            return self._disconnected(now)  # not an API error streak: the outage is the alert
        if state.connected is not True:
            written += self._connected(info, account, now)
        deals = self.terminal.history_deals_get(*self._window(now))
        orders = self.terminal.orders_get()
        positions = self.terminal.positions_get()
        if deals is None or orders is None or positions is None:
            self._api_errors += 1
            return written + self.alerts.api_errors(self._api_errors + self.trader.api_errors, now)
        self._api_errors = 0
        written += self.alerts.api_errors(self.trader.api_errors, now)
        symbols = sorted({d.symbol for d in deals} | {o.symbol for o in orders}
                         | {p.symbol for p in positions} - {""})  # fmt: skip
        written += self.recorder.record(self._specs(symbols, now))
        written += self._orders(orders, now)
        new_deals = deal_events(deals, state, self.settings, self.account)
        written += self.recorder.record(new_deals)
        written += self.recorder.record(
            position_events(positions, self.recorder.state, self.settings, self.account, now,
                            self.terminal.symbol_info)
        )  # fmt: skip
        written += self.alerts.check(positions, account, new_deals, now)
        last = self.recorder.state.last_snapshot_ts
        due = last is None or (now - last).total_seconds() >= self.settings.snapshot_interval_s
        if new_deals or due:
            written += self.recorder.record(
                [
                    snapshot_event(
                        account, self.account, now, self.settings.producer, self.recorder.new_id()
                    )
                ]
            )
        return written

    # --- parts ----------------------------------------------------------------------------------
    def _window(self, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        last = self.recorder.state.last_deal_ts
        start = self.settings.history_start if last is None else max(last - _DAY, EPOCH)
        return start, now + 2 * _DAY

    def _connected(self, info: Any, account: Any, now: dt.datetime) -> list[Event]:
        state = self.recorder.state
        down = state.disconnected_ts
        event = TerminalConnected(
            id=self.recorder.new_id(),
            ts=now,
            producer=self.settings.producer,
            account=self.account,
            server=getattr(account, "server", None) or None,
            build=getattr(info, "build", None),
            downtime_s=(now - down).total_seconds() if down is not None else None,
        )
        written = self.recorder.record([event])
        if down is not None:
            written += self.alerts.raise_(
                "info", "terminal_reconnected",
                f"terminal reconnected after {event.downtime_s:.0f} s", now,
            )  # fmt: skip
        return written

    def _disconnected(self, now: dt.datetime) -> list[Event]:
        written: list[Event] = []
        if self.recorder.state.connected is not False:
            code, text = self.terminal.last_error()
            event = TerminalDisconnected(
                id=self.recorder.new_id(),
                ts=now,
                producer=self.settings.producer,
                account=self.account,
                error_code=int(code),
                error=str(text),
            )
            written = self.recorder.record([event])
        since = self.recorder.state.disconnected_ts or now
        if (now - since).total_seconds() >= self.settings.alerts.disconnect_after_s:
            written += self.alerts.raise_(
                "critical", "terminal_disconnected",
                f"terminal disconnected since {since.isoformat()}", now,
                key=since.isoformat(),
            )  # fmt: skip
        return written

    def _specs(self, symbols: list[str], now: dt.datetime) -> list[Event]:
        out: list[Event] = []
        for symbol in symbols:
            info = self.terminal.symbol_info(symbol)
            if info is None:
                continue
            event = spec_event(
                info, self.account, self.settings.producer, now, self.recorder.new_id
            )
            known = self.recorder.state.specs.get(symbol)
            if known is None or _spec_key(known) != _spec_key(event):
                out.append(event)
        return out

    def _orders(self, active: Any, now: dt.datetime) -> list[Event]:
        state = self.recorder.state
        events: list[Event] = []
        seen = set()
        acct = self.account
        for o in active:
            seen.add(o.ticket)
            known = state.orders.get(o.ticket)
            if known is None:
                events += history_order_events(o, state, self.settings, acct)
                continue
            changes = {
                "price": dec(o.price_open) if dec(o.price_open) != known.price else None,
                "sl": price_or_none(o.sl) if price_or_none(o.sl) != known.sl else None,
                "tp": price_or_none(o.tp) if price_or_none(o.tp) != known.tp else None,
                "volume": dec(o.volume_current) if dec(o.volume_current) != known.volume else None,
            }
            if any(v is not None for v in changes.values()):
                n = known.modifications + 1
                events.append(
                    OrderModified(
                        id=f"mt5:{acct}:order:{o.ticket}:modified:{n}",
                        ts=now,
                        producer=self.settings.producer,
                        account=acct,
                        order_ticket=o.ticket,
                        symbol=o.symbol,
                        price=changes["price"],
                        sl=changes["sl"],
                        tp=changes["tp"],
                        volume=changes["volume"],
                    )
                )
        written = self.recorder.record(events)
        # pending orders the journal holds that the terminal no longer lists: look them up
        gone = [t for t, v in state.orders.items() if v.status == "pending" and t not in seen
                and v.order_type not in ("buy", "sell")]  # fmt: skip
        finals: list[Event] = []
        for ticket in gone:
            found = self.terminal.history_orders_get(ticket=ticket)
            if found:
                finals += history_order_events(found[0], state, self.settings, acct)
        written += self.recorder.record(finals)
        # orders of the history window the journal has never seen (placed while we were down)
        window = self.terminal.history_orders_get(*self._window(now))
        missed = sorted(
            (o for o in window or () if o.ticket not in state.orders),
            key=lambda o: (o.time_setup_msc or o.time_setup * 1000, o.ticket),
        )
        missed_events: list[Event] = []
        for o in missed:
            missed_events += history_order_events(o, state, self.settings, acct)
        return written + self.recorder.record(missed_events)


def _spec_key(e: Any) -> tuple[Any, ...]:
    return (e.digits, e.point, e.tick_size, e.tick_value, e.contract_size, e.volume_min,
            e.volume_step, e.volume_max, e.currency_base, e.currency_profit, e.currency_margin)  # fmt: skip
