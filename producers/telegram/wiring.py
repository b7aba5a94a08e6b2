"""Build the bot's collaborators from the config: the MT5 link, the scanner, export, picture.

The terminal is the one ``tradejournal mt5 run`` uses: the MT5 runner's ``terminal_from_config``
opens ``mt5.backend`` (``paper``: the simulated broker with ``paper.symbols`` and its feed) and
its ``connect`` initializes it, logging in with ``mt5.login`` and the password from
``mt5.password_env``. The runner's jobs (poller, OCO, trailing, scanner) are the bot's too; each
MT5 cycle first moves a paper terminal's prices as the runner does. The scanner and the MT5 cycle
share the link's lock (one terminal, one thread at a time).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tradejournal.events import SignalDetected
from tradejournal.events.errors import TradejournalError
from tradejournal.producers.config import Config
from tradejournal.producers.mt5 import Mt5Error
from tradejournal.producers.mt5.backends import BackendUnavailable
from tradejournal.producers.mt5.runner import Mt5Runner, connect, terminal_from_config
from tradejournal.producers.scanner import Scanner
from tradejournal.store import Journal

from .mt5link import Mt5Link
from .services import CycleFn, ExportFn, OrderExecutor, PictureFn, ScanFn

__all__ = [
    "Collaborators",
    "Mt5StartError",
    "collaborators_from_config",
    "exporter_for",
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


def collaborators_from_config(
    config: Config, journal: Journal, environ: Mapping[str, str] | None = None
) -> Collaborators:
    """Everything the config asks for, on the runner's terminal of ``mt5.backend`` (the password
    read from ``environ``, default ``os.environ``); Mt5StartError."""
    exporter = exporter_for(Path(config.journal.path), config.export.tz, config.export.keep)
    try:
        terminal = terminal_from_config(config)
        connect(terminal, config, environ)
    except (Mt5Error, BackendUnavailable, ValueError) as exc:
        raise Mt5StartError(f"mt5.backend = {config.mt5.backend}: {exc}") from None
    # the same poller (alerts, snapshots, backfill window), OCO and trailing managers, scanner
    # and paper price moves as `tradejournal mt5 run` builds from this config
    jobs = Mt5Runner(terminal, journal, config)
    link = Mt5Link(
        jobs.poller, oco=jobs.oco, trailing=jobs.trailing, advance=jobs.advance_prices,
        magic=config.mt5.magic, deviation_points=config.mt5.deviation_points,
    )  # fmt: skip
    scan = scanner_fn(jobs.scanner, link.lock) if jobs.scanner is not None else None
    return Collaborators(
        executor=link, mt5_cycle=link.run_once, scanner=scan, exporter=exporter,
        picture=picture_fn(),
    )  # fmt: skip
