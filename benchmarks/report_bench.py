"""Time the HTML report, the dashboard PNG and the audit over N demo days:
``python -m benchmarks.report_bench [--days 1 7 28] [--workdir DIR]``.

Each journal holds N consecutive demo days (about 530 events a day); the projections are built
first, so the figures are the read side only (a warm call; the first call of a process also pays
for importing DuckDB and matplotlib). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tradejournal.producers.demo import DEFAULT_DATE, generate_day
from tradejournal.projections import catch_up
from tradejournal.projections.audit import audit
from tradejournal.projections.report import PANELS, dashboard_png, render_report
from tradejournal.store import Journal


def _journal(root: Path, days: int) -> tuple[Path, int]:
    path = root / f"days-{days}"
    with Journal.open(path, durability="none", create=True) as j:
        for i in range(days):
            j.append_many(generate_day(DEFAULT_DATE + dt.timedelta(days=i), seed=i + 1))
        last = j.last_seq
    catch_up(path)
    return path, last


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(workdir: Path | None, days: list[int]) -> str:
    """Return the markdown table of the timings."""
    rows = ["| days | events | report HTML | HTML size | dashboard PNG (equity) | all 4 panels | audit |",
            "|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for n in days:
            path, events = _journal(Path(tmp), n)
            render_report(path)  # warm: imports, first connection
            dashboard_png(path)
            html = render_report(path)
            start = dt.datetime.combine(DEFAULT_DATE, dt.time(), dt.UTC)
            end = start + dt.timedelta(days=n)
            report = _best(functools.partial(render_report, path))
            equity = _best(functools.partial(dashboard_png, path))
            every = _best(functools.partial(dashboard_png, path, panels=PANELS))
            review = _best(functools.partial(audit, path, start, end))
            rows.append(
                f"| {n} | {events} | {report:.2f} s | {len(html) / 1024:.0f} KiB "
                f"| {equity:.2f} s | {every:.2f} s | {review:.2f} s |"
            )
    return "\n".join(rows)


def main() -> None:
    """Parse arguments, run, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, nargs="+", default=[1, 7, 28])
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    print(run(args.workdir, args.days))


if __name__ == "__main__":
    main()
