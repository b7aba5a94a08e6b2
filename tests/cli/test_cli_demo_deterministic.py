"""``make demo`` is deterministic for a seed: two runs write the same journal, line by line.

The three writing steps of the Makefile's ``demo:`` recipe (the synthetic day, the MT5 session on
the paper terminal, the bot driven through the fake Bot API and the fake model) run twice, as
separate processes, into two journals. Every line of every segment must be equal except the two
fields the store stamps at append time (``recorded_ts`` and the frame's ``crc``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tradejournal.store import read_events

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"
STORE_STAMPED = ("recorded_ts", "crc")


def _writing_steps() -> list[list[str]]:
    """The recipe lines of ``demo:`` that write the journal, as argument lists after the program."""
    lines = MAKEFILE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("demo:"))
    steps = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        words = line.split()
        if words[0] == "$(BIN)/tradejournal" and words[3:4] == ["demo"]:
            steps.append([sys.executable, "-m", "tradejournal.cli", *words[1:]])
        elif words[:2] == ["$(BIN)/python", "-m"] and words[2].endswith(".demo"):
            steps.append([sys.executable, *words[1:]])
    return steps


def _write_demo(root: Path) -> Path:
    for argv in _writing_steps():
        subprocess.run(argv, cwd=root, check=True, capture_output=True, timeout=300)
    return root / "demo-journal"


def _lines(journal: Path) -> list[dict[str, Any]]:
    out = []
    for segment in sorted((journal / "segments").glob("*.jsonl")):
        for line in segment.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            for name in STORE_STAMPED:
                record.pop(name, None)
            out.append(record)
    return out


def test_the_demo_recipe_has_its_three_writing_steps() -> None:
    modules = [argv[2] if argv[1] == "-m" else argv[1] for argv in _writing_steps()]
    assert modules == [
        "tradejournal.cli",
        "tradejournal.producers.mt5.demo",
        "tradejournal.producers.telegram.demo",
    ]


@pytest.mark.timeout(600)
def test_two_demo_runs_write_the_same_journal(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = _write_demo(tmp_path / "a"), _write_demo(tmp_path / "b")
    a, b = _lines(first), _lines(second)
    producers = {e.producer for e in read_events(first)}
    assert {"telegram", "llm", "mt5"} <= producers  # the bot and the MT5 steps wrote too
    assert len(a) == len(b) > 100
    for n, (x, y) in enumerate(zip(a, b, strict=True), 1):
        assert x == y, f"line {n} differs between two runs of the same demo"
