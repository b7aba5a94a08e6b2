"""``tradejournal bot``: the bot and its jobs in one process, from the config file.

``serve`` reads the secrets from the environment, sets up the log files, opens the journal,
wires the collaborators that exist (the MT5 link, the scanner, the snapshot export) and runs the
bot with real ``getUpdates`` polling until SIGINT or SIGTERM; then it stops cleanly
(``bot.stopped``) and closes the journal.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tradejournal.producers.config import Config
from tradejournal.store import Journal

from .app import build_application, run_bot
from .assemble import open_services
from .logs import setup_logging, teardown_logging
from .services import CycleFn, ExportFn, OrderExecutor, PictureFn, ScanFn
from .settings import settings_from_config

__all__ = ["Collaborators", "exporter_for", "serve"]

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


def serve(
    config: Config,
    environ: Mapping[str, str] | None = None,
    collaborators: Collaborators | None = None,
) -> None:
    """Run the bot until SIGINT/SIGTERM. Raise SecretMissingError before anything starts."""
    token = config.telegram.token(environ)
    api_key = config.openai.api_key(environ)
    settings, llm = settings_from_config(config, token, api_key)
    logs = Path(config.logging.dir) if config.logging.dir else settings.journal / "logs"
    journal = Journal.open(settings.journal, config.journal.durability, create=True)
    setup_logging(
        logs, settings.secrets, console=config.logging.console,
        level=getattr(logging, config.logging.level), max_bytes=config.logging.max_bytes,
        backups=config.logging.backups,
    )  # fmt: skip
    parts = collaborators or Collaborators(
        exporter=exporter_for(settings.journal, config.export.tz, config.export.keep)
    )
    try:
        svc = open_services(
            settings, llm, journal, executor=parts.executor, mt5_cycle=parts.mt5_cycle,
            scanner=parts.scanner, exporter=parts.exporter, picture=parts.picture,
        )  # fmt: skip
        app = build_application(svc)
        asyncio.run(_main(app))
    finally:
        journal.close()
        log.info("journal closed")
        teardown_logging()


async def _main(app: object) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run_bot(app, stop, reason="signal")
