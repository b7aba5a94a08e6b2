"""``tradejournal mt5 run``'s loop as a library: a terminal from the config, and the jobs on it.

:func:`terminal_from_config` opens the configured backend (``metatrader5`` | ``mt5linux`` |
``paper``) and :func:`connect` initialises it, logging in with the password read from the
environment variable ``mt5.password_env`` names (never from the file; never journaled or logged).
:class:`Mt5Runner` builds the poller, the OCO and trailing managers and the scanner from the
config and runs them: each cycle polls, settles OCO brackets, trails stops and (when due) scans;
``run`` repeats that every ``mt5.poll_interval_s`` until its stop event is set (SIGINT/SIGTERM in
the CLI), journaling ``bot.started`` / ``bot.stopped`` around it. A paper terminal advances its
own price feed by one quote per symbol each cycle and is the producers' clock.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from tradejournal.events import BotStarted, BotStopped, Event
from tradejournal.producers.config import Config, ServerClock
from tradejournal.producers.scanner import Scanner, timeframe_constant
from tradejournal.store import Journal

from .alerts import AlertSettings
from .backends import open_terminal
from .oco import OcoManager
from .paper import DEFAULT_SPECS, CsvBarFeed, PaperTerminal, RandomWalkFeed, read_bars
from .paper.feeds import FeedTick
from .poller import Mt5Error, Mt5Poller, PollerSettings
from .recorder import utc_now
from .trailing import TrailingManager, TrailingSettings

__all__ = ["Mt5Runner", "connect", "mt5_password", "server_clock", "terminal_from_config"]


def terminal_from_config(config: Config) -> Any:
    """The configured terminal, not yet initialised (see :func:`connect`)."""
    m, p = config.mt5, config.paper
    if m.backend == "paper":
        unknown = [s for s in p.symbols if s not in DEFAULT_SPECS]
        if unknown:
            raise Mt5Error(
                f"paper.symbols: the paper broker has no {', '.join(unknown)} "
                f"(it offers {', '.join(DEFAULT_SPECS)})"
            )
        start: dict[str, Any] = {}
        if p.feed == "csv":  # the session starts at the first bar
            try:
                bars = read_bars(p.csv_path)
            except (OSError, ValueError) as exc:
                raise Mt5Error(f"paper.csv_path: {exc}") from None
            if not bars:
                raise Mt5Error(f"paper.csv_path: {p.csv_path} holds no bars")
            start["start"] = dt.datetime.fromtimestamp(bars[0].time, dt.UTC)
        return open_terminal(
            "paper",
            **start,
            balance=p.initial_balance,
            currency=p.currency,
            leverage=p.leverage,
            hedging=p.account_mode == "hedging",
            login=p.login,
            symbols=[DEFAULT_SPECS[s] for s in p.symbols],
            commission_per_lot=p.commission_per_lot or None,
            utc_offset_h=p.server_utc_offset_h,
            server_tz=p.server_tz or None,
        )
    if m.backend == "mt5linux":
        return open_terminal("mt5linux", host=config.mt5linux.host, port=config.mt5linux.port)
    return open_terminal("metatrader5")


def mt5_password(config: Config, environ: Mapping[str, str] | None = None) -> str | None:
    """The password :func:`connect` logs in with: from the environment variable
    ``mt5.password_env`` names when ``mt5.login`` is set, else None (ConfigError when unset)."""
    if not config.mt5.login:
        return None
    return config.mt5.password(dict(os.environ if environ is None else environ))


def connect(terminal: Any, config: Config, environ: Mapping[str, str] | None = None) -> None:
    """``initialize()`` the terminal (and log in when ``mt5.login`` is set); raise Mt5Error.

    The password is :func:`mt5_password`'s; it is passed to the terminal only and appears in
    no message.
    """
    m = config.mt5
    kwargs: dict[str, Any] = {"timeout": m.timeout_ms}
    password = mt5_password(config, environ)
    if password is not None:
        kwargs.update(login=m.login, password=password, server=m.server or None)
    ok = (
        terminal.initialize(m.terminal_path, **kwargs)
        if m.terminal_path
        else terminal.initialize(**kwargs)
    )
    if not ok:
        code, text = terminal.last_error()
        who = f" as {m.login}" if m.login else ""
        raise Mt5Error(f"the {m.backend} terminal did not initialise{who}: {code} {text}")


def server_clock(config: Config) -> ServerClock:
    """The broker-server clock: the paper section's for the paper broker, else ``mt5``'s."""
    if config.mt5.backend == "paper":
        return ServerClock(config.paper.server_utc_offset_h, config.paper.server_tz or None)
    return config.mt5.clock()


class Mt5Runner:
    """The poll loop of ``tradejournal mt5 run`` (see the module docstring)."""

    def __init__(self, terminal: Any, journal: Journal, config: Config) -> None:
        self.terminal = terminal
        self.journal = journal
        self.config = config
        paper = isinstance(terminal, PaperTerminal)
        self.clock: Callable[[], dt.datetime] = (lambda: terminal.utc_now) if paper else utc_now
        self._feed = _paper_feed(terminal, config) if paper else None
        m, a, tr = config.mt5, config.alerts, config.trailing
        clock = server_clock(config)
        settings = PollerSettings(
            account=m.account or None,
            server_time=clock,
            snapshot_interval_s=m.snapshot_interval_s,
            excursion_step_r=m.excursion_step_r,
            history_start=self.clock() - dt.timedelta(days=m.backfill_days),
            alerts=AlertSettings(
                no_sl_after_s=a.no_sl_after_s,
                max_open_h=a.aged_after_h,
                api_error_threshold=a.api_error_threshold,
                margin_level_pct=a.margin_level_pct,
                disconnect_after_s=a.disconnect_after_s,
            ),
        )
        self.poller = Mt5Poller(terminal, journal, settings, clock=self.clock)
        trader, alerts = self.poller.trader, self.poller.alerts
        self.oco = (
            OcoManager(trader, alerts, config.oco.cancel_retries) if config.oco.enabled else None
        )
        self.trailing = None
        if tr.enabled:
            rules = TrailingSettings(
                breakeven_at_r=tr.breakeven_at_r,
                breakeven_offset_points=tr.breakeven_offset_points,
                start_at_r=tr.start_at_r,
                atr_multiplier=tr.atr_multiplier if tr.mode == "atr" else 0.0,
                atr_timeframe=timeframe_constant(terminal, tr.atr_timeframe),
                atr_period=tr.atr_period,
                fixed_distance_points=tr.fixed_distance_points if tr.mode == "fixed" else 0.0,
                min_move_points=tr.step_points,
                retry_backoff_s=tr.retry_backoff_s,
                max_backoff_s=tr.retry_max_backoff_s,
                symbols=tuple(tr.symbols),
            )
            self.trailing = TrailingManager(trader, alerts, rules)
        self.scanner = (
            Scanner(terminal, journal, config.scanner, clock=clock, now=self.clock)
            if config.scanner.enabled
            else None
        )
        self._last: dict[str, dt.datetime] = {}

    def run_once(self) -> list[Event]:
        """One cycle: advance a paper feed, poll, settle OCO, trail, scan when due."""
        self.advance_prices()
        out = self.poller.poll_once()
        if self.oco is not None and self._due("oco", self.config.oco.check_interval_s):
            out += self.oco.check()
        if self.trailing is not None and self._due("trailing", self.config.trailing.interval_s):
            out += self.trailing.run_once()
        if self.scanner is not None and self._due("scanner", self.config.scanner.interval_s):
            out += self.scanner.scan_once()
        return out

    def advance_prices(self) -> int:
        """Move a paper terminal's prices by one quote per ``paper.symbols`` from the
        ``paper.feed`` (each cycle does, before polling); the quotes applied (0 for a real
        terminal)."""
        if self._feed is None:
            return 0
        return int(self.terminal.run_feed(self._feed, max_ticks=len(self.config.paper.symbols)))

    def run(
        self,
        stop: threading.Event,
        cycles: int | None = None,
        on_cycle: Callable[[list[Event]], None] | None = None,
    ) -> int:
        """Cycle every ``mt5.poll_interval_s`` until ``stop`` is set (or ``cycles`` ran);
        return how many events were journaled. ``bot.started`` / ``bot.stopped`` frame it."""
        rec = self.poller.recorder
        env = {"producer": rec.producer, "account": rec.account, "pid": os.getpid()}
        rec.record([BotStarted(**env, ts=self.clock())])  # type: ignore[arg-type]
        total, n, reason = 0, 0, "stopped"
        try:
            while not stop.is_set():
                written = self.run_once()
                total += len(written)
                n += 1
                if on_cycle is not None:
                    on_cycle(written)
                if cycles is not None and n >= cycles:
                    reason = f"{n} cycles done"
                    break
                stop.wait(self.config.mt5.poll_interval_s)
            else:
                reason = "stop requested"
        except BaseException as exc:
            reason = f"error: {type(exc).__name__}"
            raise
        finally:
            rec.record([BotStopped(**env, ts=self.clock(), reason=reason)])  # type: ignore[arg-type]
        return total

    def _due(self, job: str, interval_s: float) -> bool:
        now = self.clock()
        last = self._last.get(job)
        if last is not None and (now - last).total_seconds() < interval_s:
            return False
        self._last[job] = now
        return True


def _paper_feed(terminal: PaperTerminal, config: Config) -> Iterator[FeedTick]:
    p = config.paper
    if p.feed == "csv":
        symbol = p.symbols[0]
        feed = CsvBarFeed(p.csv_path, symbol, digits=DEFAULT_SPECS[symbol].digits)
        return iter(feed)
    start = {}
    for symbol in p.symbols:
        tick = terminal.symbol_info_tick(symbol)
        if tick is not None:
            start[symbol] = (tick.bid + tick.ask) / 2
    walk = RandomWalkFeed(
        start,
        seed=p.seed,
        start_utc=terminal.utc_now,
        interval_s=p.tick_interval_s,
        digits={s: DEFAULT_SPECS[s].digits for s in start},
    )
    return iter(walk)
