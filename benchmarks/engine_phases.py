"""Where a catch-up's time goes: phase timers of each build, in-process and through the CLI.

Builds an n-event journal, rebuilds it in full, then runs ``rounds`` catch-ups of 1,000 new
events each and prints, per catch-up, the engine's phases (from its debug log: open, load,
sql, commit, checkpoint, close), the WAL size before the checkpoint, the target (spare or copy)
and the wall time; then the same through ``tradejournal rebuild`` in a fresh process, with the
process's own start-up (``python -c pass`` and the CLI's imports) measured separately.

    python -m benchmarks.engine_phases --events 100000 --rounds 4
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tradejournal import projections
from tradejournal.store import Journal

from .mix import batches
from .projections_bench import _append_day


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _wall(cmd: list[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        jd = Path(tmp) / "j"
        with Journal.open(jd, durability="none", create=True) as j:
            for batch in batches(args.events, 10_000):
                j.append_many(batch)
        t = time.perf_counter()
        projections.rebuild(jd, full=True)
        full = time.perf_counter() - t
        print(f"{args.events:,} events: full rebuild {full * 1000:,.0f} ms")
        cap = _Capture()
        log = logging.getLogger("tradejournal.projections")
        log.addHandler(cap)
        log.setLevel(logging.DEBUG)
        for r in range(args.rounds):
            _append_day(jd, 2030 + r)
            cap.lines.clear()
            t = time.perf_counter()
            projections.catch_up(jd)
            wall = time.perf_counter() - t
            print(f"catch-up {r + 1}: {wall * 1000:,.0f} ms ({wall / full:.1%} of full)")
            for line in cap.lines:
                print(f"    {line}")
        log.removeHandler(cap)
        py = sys.executable
        start = _wall([py, "-c", "pass"])
        imports = _wall([py, "-c", "import tradejournal.cli.main"])
        cli = [py, "-m", "tradejournal.cli", "--journal", str(jd), "rebuild"]
        noop = _wall(cli)  # nothing new: the CLI's fixed cost
        _append_day(jd, 2040)
        t = time.perf_counter()
        subprocess.run(cli, check=True, capture_output=True)
        catch_cli = time.perf_counter() - t
        print(
            f"CLI: python start {start * 1000:.0f} ms, + CLI imports {imports * 1000:.0f} ms, "
            f"`rebuild` with nothing new {noop * 1000:.0f} ms, "
            f"catch-up +1,000 {catch_cli * 1000:,.0f} ms ({catch_cli / full:.1%} of full)"
        )


if __name__ == "__main__":
    main()
