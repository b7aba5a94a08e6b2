"""Log files: rotation under logs/, errors apart, every secret replaced by *** (messages, args,
tracebacks)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_testlib import API_KEY, TOKEN

from tradejournal.producers.telegram.logs import setup_logging, teardown_logging


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[Path]:
    path = setup_logging(tmp_path / "logs", [TOKEN, API_KEY], console=False, max_bytes=2000,
                         backups=2)  # fmt: skip
    try:
        yield path
    finally:
        teardown_logging()


def test_secrets_never_reach_the_files(logs: Path) -> None:
    log = logging.getLogger("tradejournal.test")
    log.info("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"auth failed with key {API_KEY}")
    except RuntimeError:
        log.exception("model call failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    main, errors = (logs / "bot.log").read_text(), (logs / "errors.log").read_text()
    assert "bot***/getMe" in main and "auth failed with key ***" in errors
    assert "Traceback" in errors and "getMe" not in errors
    for text in (main, errors):
        assert TOKEN not in text and API_KEY not in text


def test_files_rotate(logs: Path) -> None:
    log = logging.getLogger("tradejournal.test")
    for i in range(100):
        log.info("line %d %s", i, "x" * 50)
    for handler in logging.getLogger().handlers:
        handler.flush()
    names = sorted(p.name for p in logs.iterdir())
    assert names == ["bot.log", "bot.log.1", "bot.log.2", "errors.log"]
