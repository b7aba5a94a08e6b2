"""Build the bot's collaborators from the config: the MT5 link, the scanner, export, picture.

``mt5.backend = "paper"`` gets the built-in paper terminal (the simulated broker, prices moved
only by what calls ``set_quote``/a feed); ``metatrader5`` and ``mt5linux`` are opened through the
MT5 producer's ``open_terminal`` and initialized with ``mt5.login``/``server``/the password from
``mt5.password_env``.
The scanner and the MT5 cycle share the link's lock (one terminal, one thread at a time).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tradejournal.events import SignalDetected
from tradejournal.events.errors import TradejournalError
from tradejournal.producers.config import Config
from tradejournal.producers.mt5 import PaperTerminal
from tradejournal.producers.mt5.backends import BackendUnavailable, open_terminal
from tradejournal.producers.mt5.runner import Mt5Runner, server_clock
from tradejournal.producers.scanner import Scanner
from tradejournal.store import Journal

from .mt5link import Mt5Link
from .services import CycleFn, ExportFn, OrderExecutor, PictureFn, ScanFn

__all__ = [
    "Collaborators",
    "Mt5StartError",
    "live_terminal",
    "mt5_password",
    "collaborators_from_config",
    "exporter_for",
    "paper_terminal",
    "picture_fn",
    "scanner_fn",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Collaborators:
    """The optional parts of the process, built by the caller from the config."""

    executor: OrderExecutor | None = None
    mt5_cycle: CycleFn | None = None
    scanner: ScanFn | None = None
    exporter: ExportFn | None = None
    picture: PictureFn | None = None


def exporter_for(journal_dir: Path, tz: str, keep: int) -> ExportFn:
    """The nightly export: a snapshot of the journal through the export library."""
    from tradejournal.projections.export import export_snapshot

    async def export(to_dir: Path, now: dt.datetime) -> Path:
        result = await asyncio.to_thread(
            export_snapshot, journal_dir, to_dir, keep=keep or None, tz=tz
        )
        return result.folder

    return export


def paper_terminal(config: Config) -> PaperTerminal:
    """The paper session the ``[paper]`` section describes (feed attached), initialized."""
    p = config.paper
    feed: dict[str, Any] = {"feed": p.feed, "seed": p.seed, "interval_s": p.tick_interval_s}
    if p.feed == "csv":
        feed.update(csv=p.csv_path, symbol=p.symbols[0])
    terminal = open_terminal(
        "paper", balance=p.initial_balance, currency=p.currency, leverage=p.leverage,
        hedging=p.account_mode == "hedging", login=p.login,
        commission_per_lot=p.commission_per_lot, utc_offset_h=p.server_utc_offset_h,
        server_tz=p.server_tz or None, **feed,
    )  # fmt: skip
    assert isinstance(terminal, PaperTerminal)
    if not terminal.initialize():
        raise RuntimeError(f"paper terminal: {terminal.last_error()}")
    return terminal


def scanner_fn(scanner: Scanner, lock: asyncio.Lock) -> ScanFn:
    """One scanner pass in a worker thread, under the terminal's lock."""

    async def scan() -> Sequence[SignalDetected]:
        async with lock:
            return await asyncio.to_thread(scanner.scan_once)

    return scan


def picture_fn() -> PictureFn:
    """The dashboard picture: the report's equity curve and drawdown PNG."""
    from tradejournal.projections.report import dashboard_png

    async def picture(journal_dir: Path) -> bytes | None:
        return await asyncio.to_thread(dashboard_png, journal_dir)

    return picture


class Mt5StartError(TradejournalError, RuntimeError):
    """The configured terminal could not be opened or initialized (the message says why)."""


def mt5_password(config: Config, environ: Mapping[str, str] | None = None) -> str | None:
    """The MT5 password (from ``mt5.password_env``) when a live terminal logs in, else None."""
    if config.mt5.backend == "paper" or not config.mt5.login:
        return None
    return config.mt5.password(dict(environ) if environ is not None else None)


def live_terminal(config: Config, password: str | None) -> Any:
    """Open and initialize the ``metatrader5`` or ``mt5linux`` terminal; Mt5StartError."""
    m = config.mt5
    settings: dict[str, Any] = {}
    if m.backend == "mt5linux":
        settings = {"host": config.mt5linux.host, "port": config.mt5linux.port}
    try:
        terminal = open_terminal(m.backend, **settings)
    except (BackendUnavailable, ValueError) as exc:
        raise Mt5StartError(f"mt5.backend = {m.backend}: {exc}") from None
    ok = terminal.initialize(
        m.terminal_path or None, login=m.login or None, password=password,
        server=m.server or None, timeout=m.timeout_ms,
    )  # fmt: skip
    if not ok:
        code, text = terminal.last_error()
        raise Mt5StartError(f"mt5.backend = {m.backend}: initialize() failed: {code} {text}")
    return terminal


def collaborators_from_config(
    config: Config, journal: Journal, password: str | None = None
) -> Collaborators:
    """Everything the config asks for, with the terminal of ``mt5.backend``; Mt5StartError."""
    exporter = exporter_for(Path(config.journal.path), config.export.tz, config.export.keep)
    if config.mt5.backend == "paper":
        terminal = paper_terminal(config)
    else:
        terminal = live_terminal(config, password)
    clock = server_clock(config)
    # the same poller (alerts, snapshots, backfill window), OCO and trailing managers as
    # `tradejournal mt5 run` builds from this config
    jobs = Mt5Runner(terminal, journal, config)
    link = Mt5Link(
        jobs.poller, oco=jobs.oco, trailing=jobs.trailing,
        magic=config.mt5.magic, deviation_points=config.mt5.deviation_points,
    )  # fmt: skip
    scan = None
    if config.scanner.enabled:
        scan = scanner_fn(Scanner(terminal, journal, config.scanner, clock=clock), link.lock)
    return Collaborators(
        executor=link, mt5_cycle=link.run_once, scanner=scan, exporter=exporter,
        picture=picture_fn(),
    )  # fmt: skip
