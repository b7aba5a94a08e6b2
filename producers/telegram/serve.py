"""``tradejournal bot``: the bot and its jobs in one process, from the config file.

``serve`` reads the secrets from the environment, sets up the log files, opens the journal,
wires the collaborators that exist (the MT5 link, the scanner, the snapshot export) and runs the
bot with real ``getUpdates`` polling until SIGINT or SIGTERM; then it stops cleanly
(``bot.stopped``) and closes the journal.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Mapping
from pathlib import Path

from tradejournal.producers.config import Config
from tradejournal.producers.mt5.runner import mt5_password
from tradejournal.store import Journal

from .app import build_application, run_bot
from .assemble import open_services
from .logs import setup_logging, teardown_logging
from .settings import settings_from_config
from .wiring import Collaborators, collaborators_from_config

__all__ = ["serve"]

log = logging.getLogger(__name__)


def serve(
    config: Config,
    environ: Mapping[str, str] | None = None,
    collaborators: Collaborators | None = None,
) -> None:
    """Run the bot until SIGINT/SIGTERM.

    Raise SecretMissingError before anything starts, Mt5StartError when the terminal cannot be
    opened (the journal is closed again).
    """
    token = config.telegram.token(environ)
    api_key = config.openai.api_key(environ)
    password = mt5_password(config, environ)
    settings, llm = settings_from_config(config, token, api_key, (password,) if password else ())
    logs = Path(config.logging.dir) if config.logging.dir else settings.journal / "logs"
    journal = Journal.open(settings.journal, config.journal.durability, create=True)
    setup_logging(
        logs, settings.secrets, console=config.logging.console,
        level=getattr(logging, config.logging.level), max_bytes=config.logging.max_bytes,
        backups=config.logging.backups,
    )  # fmt: skip
    try:
        parts = collaborators or collaborators_from_config(config, journal, environ)
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
