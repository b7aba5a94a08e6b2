"""Build the bot's collaborators from the config: the MT5 link, the scanner, export, picture.

``mt5.backend = "paper"`` gets the built-in paper terminal (the simulated broker); the other
backends (``metatrader5``, ``mt5linux``) are opened by the MT5 producer's ``mt5 run`` and are
not wired into the bot process yet: the bot then runs without trading, and says so in the log.
The scanner and the MT5 cycle share the link's lock (one terminal, one thread at a time).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tradejournal.events import SignalDetected
from tradejournal.producers.config import Config, ServerClock
from tradejournal.producers.mt5 import Mt5Poller, PaperTerminal, PollerSettings
from tradejournal.producers.scanner import Scanner
from tradejournal.store import Journal

from .mt5link import Mt5Link
from .services import CycleFn, ExportFn, OrderExecutor, PictureFn, ScanFn

__all__ = [
    "Collaborators",
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
    """The paper terminal the ``[paper]`` section describes, initialized."""
    p = config.paper
    terminal = PaperTerminal(
        balance=p.initial_balance, currency=p.currency, leverage=p.leverage,
        hedging=p.account_mode == "hedging", login=p.login,
        commission_per_lot=p.commission_per_lot, utc_offset_h=p.server_utc_offset_h,
        server_tz=p.server_tz or None,
    )  # fmt: skip
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


def collaborators_from_config(config: Config, journal: Journal) -> Collaborators:
    """Everything the config asks for that this process can run."""
    exporter = exporter_for(Path(config.journal.path), config.export.tz, config.export.keep)
    if config.mt5.backend != "paper":
        log.warning(
            "mt5.backend = %s is not wired into the bot process: no trading, no scanner "
            "(run `tradejournal mt5 run` beside it)",
            config.mt5.backend,
        )
        return Collaborators(exporter=exporter, picture=picture_fn())
    terminal = paper_terminal(config)
    clock = ServerClock(config.paper.server_utc_offset_h, config.paper.server_tz or None)
    poller = Mt5Poller(
        terminal, journal, PollerSettings(account=config.mt5.account or None,
                                          snapshot_interval_s=config.mt5.snapshot_interval_s),
    )  # fmt: skip
    link = Mt5Link(poller, magic=config.mt5.magic, deviation_points=config.mt5.deviation_points)
    scan = None
    if config.scanner.enabled:
        scan = scanner_fn(Scanner(terminal, journal, config.scanner, clock=clock), link.lock)
    return Collaborators(
        executor=link, mt5_cycle=link.run_once, scanner=scan, exporter=exporter,
        picture=picture_fn(),
    )  # fmt: skip
