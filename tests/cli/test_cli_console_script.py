"""The installed ``tradejournal`` console script runs ``make demo``'s three commands end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cli_testlib import console_script


def test_make_demo_sequence_through_the_real_console_script(tmp_path: Path) -> None:
    # Arrange
    script = console_script()
    assert script.exists(), f"{script} is missing: is the project installed in this venv?"
    env = {**os.environ, "COLUMNS": "160", "TRADEJOURNAL_HOME": ""}
    env.pop("FORCE_COLOR", None)

    def tj(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), "--journal", "demo-journal", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )

    # Act
    demo, verify, tail = tj("demo"), tj("verify"), tj("tail", "-n", "8", "--format", "table")

    # Assert
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.startswith("appended 528 events (seq 1..528), 0 duplicates skipped")
    assert "│ total                    │    528 │" in demo.stdout
    assert (verify.returncode, verify.stdout) == (0, "ok: 528 events in 1 segment, last seq 528\n")
    assert tail.returncode == 0, tail.stderr
    lines = tail.stdout.splitlines()
    assert lines[0].split() == ["seq", "ts", "type", "producer", "account", "summary"]
    rows = [line.split() for line in lines[2:] if line[:6].strip().isdigit()]
    assert [int(r[0]) for r in rows] == list(range(521, 529))
    assert rows[-1][3:5] == ["bot.stopped", "telegram"]
    assert (tmp_path / "demo-journal" / "segments").is_dir()


def test_python_dash_m_runs_the_same_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tradejournal.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("tradejournal, version ")
