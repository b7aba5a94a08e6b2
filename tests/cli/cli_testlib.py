"""Helpers for the CLI tests: run ``tradejournal`` in-process, a small known set of input events.

Import as ``from cli_testlib import ...`` (pytest puts this directory on ``sys.path``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from tradejournal.cli.main import cli

ENV = {"COLUMNS": "160", "NO_COLOR": "1", "FORCE_COLOR": None, "TRADEJOURNAL_HOME": None}
"""A fixed, colourless terminal for whole-output comparisons."""

SEGMENT = "00000000000000000001.jsonl"

EVENTS: list[dict[str, Any]] = [
    {"type": "bot.started", "id": "t:bot:1", "ts": "2026-03-02T06:00:00Z", "producer": "telegram",
     "version": "1.4.2"},
    {"type": "order.placed", "id": "t:order:2001", "ts": "2026-03-02T08:05:00Z", "producer": "mt5",
     "account": "51234567", "order_ticket": 2001, "symbol": "EURUSD", "order_type": "buy",
     "volume": 0.10, "price": 1.08500, "sl": 1.08300, "tp": 1.08900},
    {"type": "deal.filled", "id": "t:deal:1001", "ts": "2026-03-02T08:05:01Z", "producer": "mt5",
     "account": "51234567", "deal_ticket": 1001, "order_ticket": 2001, "position_id": 2001,
     "symbol": "EURUSD", "side": "buy", "entry": "in", "volume": 0.10, "price": 1.08500,
     "commission": -0.35},
    {"type": "account.snapshot", "id": "t:snap:1", "ts": "2026-03-02T09:00:00Z", "producer": "mt5",
     "account": "51234567", "balance": 9999.65, "equity": 10011.65, "margin": 108.50,
     "free_margin": 9903.15, "currency": "USD"},
    {"type": "deal.filled", "id": "t:deal:1002", "ts": "2026-03-02T10:30:00Z", "producer": "mt5",
     "account": "51234567", "deal_ticket": 1002, "order_ticket": 2002, "position_id": 2001,
     "symbol": "EURUSD", "side": "sell", "entry": "out", "volume": 0.10, "price": 1.08900,
     "commission": -0.35, "profit": 40.00, "reason": "tp"},
    {"type": "conversation.message", "id": "t:msg:1", "ts": "2026-03-02T11:00:00Z",
     "producer": "llm", "conversation_id": "conv-1", "role": "assistant",
     "content": "Target hit on EURUSD: +40.00 USD.", "model": "gpt-4o-mini"},
]  # fmt: skip
"""Six valid events, in ts order, with fixed ids (so re-appending them is a no-op)."""


def jsonl(events: list[dict[str, Any]]) -> str:
    """Return events as JSON lines, numbers written as the dicts hold them."""
    return "".join(json.dumps(e) + "\n" for e in events)


def run(journal: Path, *args: str, input: str | bytes | None = None) -> Result:
    """Invoke ``tradejournal --journal JOURNAL ARGS...`` in-process and return the result."""
    runner = CliRunner(env=ENV)
    return runner.invoke(
        cli, ["--journal", str(journal), *args], input=input, catch_exceptions=False
    )


def make_journal(path: Path, events: list[dict[str, Any]] | None = None) -> Path:
    """Create a journal at ``path`` holding ``events`` (default: ``EVENTS``) through the CLI."""
    assert run(path, "init").exit_code == 0
    result = run(path, "append", input=jsonl(EVENTS if events is None else events))
    assert result.exit_code == 0, result.output
    return path


def segment(journal: Path) -> Path:
    """Return the first (here: only) segment of a journal, made writable for damage tests."""
    path = journal / "segments" / SEGMENT
    os.chmod(path, 0o644)
    return path


def console_script() -> Path:
    """Return the installed ``tradejournal`` console script of this virtualenv."""
    name = "tradejournal.exe" if sys.platform == "win32" else "tradejournal"
    return Path(sys.executable).parent / name


GOLDEN = Path(__file__).parent / "golden"
"""Committed expected outputs; ``UPDATE_GOLDEN=1 pytest tests/cli`` rewrites them."""


def demo_journal(path: Path) -> Path:
    """Write the default demo day (seed 42, 2026-03-02) into a new journal at ``path``."""
    result = run(path, "demo")
    assert result.exit_code == 0, result.output
    return path


def assert_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with ``golden/NAME``; with ``UPDATE_GOLDEN=1`` write it instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path} is missing: run UPDATE_GOLDEN=1 pytest tests/cli"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {path} (UPDATE_GOLDEN=1 rewrites it)"
