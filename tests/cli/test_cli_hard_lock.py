"""Issue 12 item 15: ``append`` says who holds the journal lock, and can give up (--lock-timeout).

Before: ``append`` waited silently for as long as another process held the lock.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_testlib import EVENTS, jsonl, make_journal, run

pytestmark = pytest.mark.skipif(not Path("/proc/locks").exists(), reason="Linux /proc/locks")

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _hold(journal: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(journal / "LOCK"), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def test_append_names_the_holder_and_gives_up_after_the_timeout(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", [])
    holder = _hold(journal, 30)
    try:
        result = run(journal, "append", "--lock-timeout", "2", input=jsonl(EVENTS))
    finally:
        holder.kill()
        holder.wait()

    assert result.exit_code == 1
    assert f"waiting for the journal lock, held by pid {holder.pid} (python" in result.stderr
    assert "gave up after 2 s; nothing was written" in result.stderr
    assert run(journal, "append", input=jsonl(EVENTS)).stdout.startswith("appended 6 events")


def test_append_says_who_it_waits_for_then_appends(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", [])
    holder = _hold(journal, 2.5)
    started = time.monotonic()
    try:
        result = run(journal, "append", input=jsonl(EVENTS))
    finally:
        holder.wait()

    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 1.0
    assert f"held by pid {holder.pid}" in result.stderr
    assert result.stdout.startswith("appended 6 events")
