"""File logging for the bot: rotating files under ``<journal>/logs/`` beside the console.

``bot.log`` gets everything from INFO up, ``errors.log`` only errors; both rotate by size. A
filter replaces every configured secret (the bot token, the API key) with ``***`` in every record
on every handler, so a secret that slips into a message (an URL with the token, an exception
text) never reaches a file or the console. httpx's request lines (which carry the bot token in
the URL) are kept at WARNING.
"""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Iterable
from pathlib import Path

__all__ = ["Redactor", "setup_logging", "teardown_logging"]

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_tradejournal_bot"


class Redactor(logging.Filter):
    """Replace secrets in a record's final message (args merged in)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        text = message
        for secret in self.secrets:
            text = text.replace(secret, "***")
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                record.exc_text = record.exc_text.replace(secret, "***")
            record.exc_info = None
        if text != message or record.args:
            record.msg, record.args = text, None
        return True


def setup_logging(
    logs: Path,
    secrets: Iterable[str],
    *,
    console: bool = True,
    level: int = logging.INFO,
    max_bytes: int = 5_000_000,
    backups: int = 5,
) -> Path:
    """Attach the rotating file handlers (and a console one) to the root logger; return ``logs``."""
    logs.mkdir(parents=True, exist_ok=True)
    redactor = Redactor(secrets)
    formatter = logging.Formatter(_FORMAT)
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(
            logs / "bot.log", maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        ),
    ]
    errors = logging.handlers.RotatingFileHandler(
        logs / "errors.log", maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    errors.setLevel(logging.ERROR)
    handlers.append(errors)
    if console:
        handlers.append(logging.StreamHandler())
    root = logging.getLogger()
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(redactor)
        setattr(handler, _MARK, True)
        root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "httpx2", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return logs


def teardown_logging() -> None:
    """Remove and close the handlers ``setup_logging`` added."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
            handler.close()
