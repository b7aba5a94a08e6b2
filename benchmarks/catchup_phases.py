"""Where a catch-up's time goes: phase by phase, for two sets of SQL files in the same run.

``python -m benchmarks.catchup_phases [--size 100000] [--new 1000] [--repeat 3]
[--baseline-sql DIR]`` builds an n-event journal (the benchmark mix), rebuilds it in full with
each SQL set (the packaged files, and ``DIR`` when given: e.g. the SQL files of an older commit,
``git archive main projections/sql | tar -x -C DIR``), then, alternating between the sets, copies
the rebuilt journal, appends the same ``--new`` events and times the catch-up: loading the
events, every SQL file that ran, and the rest (state, fast-check record, commit, checkpoint,
publish). Prints a markdown table with the load average; each figure is the median of the
repeats.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from tradejournal import projections
from tradejournal.projections.runner import sql_files
from tradejournal.store import Journal

from .mix import batches, realistic_events


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def _timed_catch_up(jdir: Path, sql_dir: Path | None) -> dict[str, float]:
    """Catch up ``jdir`` and return seconds per phase (``total`` included)."""
    names = [f.name for f in sql_files(sql_dir)]
    marks: list[tuple[str, float]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "sql":
            marks.append((names[done] if done < total else "_end", time.perf_counter()))
        elif not marks:
            marks.append(("load", time.perf_counter()))

    t0 = time.perf_counter()
    projections.catch_up(jdir, progress=progress, sql_dir=sql_dir)
    t1 = time.perf_counter()
    phases: dict[str, float] = {"total": t1 - t0}
    for (name, start), (_, end) in zip(marks, marks[1:], strict=False):
        phases[name] = end - start
    if marks:
        phases["before load (checks, spare)"] = marks[0][1] - t0
        phases["after SQL (record, commit, checkpoint, publish)"] = t1 - marks[-1][1]
    return phases


def run(size: int, new: int, repeat: int, baseline_sql: Path | None, workdir: Path | None) -> str:
    """Measure and return the markdown table."""
    root = Path(tempfile.mkdtemp(prefix="tj-catchup-", dir=workdir))
    try:
        base = root / "base"
        with Journal.open(base, durability="none", create=True) as j:
            for batch in batches(size, 10_000):
                j.append_many(batch)
        extra = list(realistic_events(new, start=dt.date(2030, 1, 1)))
        variants: dict[str, Path | None] = {"new": None}
        if baseline_sql is not None:
            variants = {"old": baseline_sql, "new": None}
        built: dict[str, Path] = {}
        full: dict[str, float] = {}
        for label, sql_dir in variants.items():
            built[label] = root / f"built-{label}"
            shutil.copytree(base, built[label])
            t = time.perf_counter()
            projections.rebuild(built[label], full=True, sql_dir=sql_dir)
            full[label] = time.perf_counter() - t
        loads = [_load()]
        runs: dict[str, dict[str, list[float]]] = {k: defaultdict(list) for k in variants}
        for _ in range(repeat):
            for label, sql_dir in variants.items():
                jdir = root / f"run-{label}"
                shutil.rmtree(jdir, ignore_errors=True)
                shutil.copytree(built[label], jdir)
                with Journal.open(jdir, durability="none") as j:
                    j.append_many(extra)
                for phase, s in _timed_catch_up(jdir, sql_dir).items():
                    runs[label][phase].append(s)
                shutil.rmtree(jdir, ignore_errors=True)
            loads.append(_load())
    finally:
        shutil.rmtree(root, ignore_errors=True)
    labels = list(variants)
    med = {k: {p: statistics.median(v) for p, v in runs[k].items()} for k in labels}
    phases = sorted(
        {p for k in labels for p in med[k]} - {"total"},
        key=lambda p: -max(med[k].get(p, 0.0) for k in labels),
    )
    head = " | ".join(f"{k} ms | {k} %" for k in labels)
    lines = [
        f"Catch-up of {new:,} events on a {size:,}-event journal, median of {repeat}; "
        f"load average {' → '.join(loads)}",
        "",
        f"| phase | {head} |",
        "|---|" + "---|" * (2 * len(labels)),
    ]
    for p in ["total", *phases]:
        cells = []
        for k in labels:
            s = med[k].get(p)
            cells.append("" if s is None else f"{s * 1000:,.0f}")
            cells.append("" if s is None else f"{100 * s / med[k]['total']:.1f}")
        lines.append(f"| {p} | {' | '.join(cells)} |")
    for k in labels:
        lines.append(f"| full rebuild ({k}) | {full[k] * 1000:,.0f} ms, catch-up = "
                     f"{100 * med[k]['total'] / full[k]:.1f}% of it | |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    """Parse the arguments, run, print the table."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--size", type=int, default=100_000)
    p.add_argument("--new", type=int, default=1_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--baseline-sql", type=Path, default=None)
    p.add_argument("--workdir", type=Path, default=None)
    a = p.parse_args()
    print(run(a.size, a.new, a.repeat, a.baseline_sql, a.workdir))


if __name__ == "__main__":
    main()
