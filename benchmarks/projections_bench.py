"""Projection benchmarks (issue: projections), all in one run, reported as ratios.

- full rebuild of every projection vs DuckDB's bare ``read_json`` scan of the same segments;
- catch-up after 1,000 new events vs a full rebuild, in-process and through the CLI
  (``tradejournal rebuild``, a fresh process: what a user waits for);
- latency of ``sql`` on ``trades`` and of ``stats`` (p50 / p95 over repeated calls);
- peak memory (max RSS) of a full rebuild, in a child process;
- a naive Python replay (decode every line, insert rows into SQLite) as the baseline users write;
- ``tradejournal sql`` / ``stats`` wall clock on the up-to-date journal (``cli_bench``).

Above ``LARGE`` events (the 5M row) the naive replay and the older code's CLI are not run (each
would add minutes and neither is a goal at that size), and latencies are taken over 5 calls.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from tradejournal import projections
from tradejournal.store import Journal, snapshot

from . import cli_bench
from .mix import batches, realistic_events

LARGE = 1_000_000


def _build(jdir: Path, n: int) -> None:
    with Journal.open(jdir, durability="none", create=True) as j:
        for batch in batches(n, 10_000):
            j.append_many(batch)


def _bare_scan(jdir: Path) -> float:
    # The limit: DuckDB reading the same segments into one table with the same column types the
    # events table is loaded with (schema.read_columns), and nothing else.
    from tradejournal.projections.schema import read_columns

    files = [str(s.path) for s in snapshot(jdir).segments]
    con = duckdb.connect()
    t = time.perf_counter()
    con.execute(
        "CREATE TABLE raw AS SELECT * FROM read_json($files, format='newline_delimited', "
        "columns=$columns)",
        {"files": files, "columns": read_columns()},
    )
    return time.perf_counter() - t


def _naive_replay(jdir: Path) -> float:
    from tradejournal.events import event_tag

    t = time.perf_counter()
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE events (seq INTEGER, type TEXT, ts TEXT, body TEXT)")
    rows = []
    for ev in Journal.open(jdir, durability="none").read():
        rows.append((ev.seq, event_tag(ev), ev.ts.isoformat(), json.dumps(ev.id)))
        if len(rows) == 10_000:
            con.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", rows)
            rows = []
    con.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", rows)
    con.commit()
    return time.perf_counter() - t


def _child_rebuild(jdir: str, q: mp.Queue) -> None:  # type: ignore[type-arg]
    t = time.perf_counter()
    projections.rebuild(jdir, full=True)
    q.put((time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def _rebuild_in_child(jdir: Path) -> tuple[float, float]:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child_rebuild, args=(str(jdir), q))
    p.start()
    seconds, maxrss_kb = q.get()
    p.join()
    return seconds, maxrss_kb / 1024


def _latency(fn, repeat: int = 30) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return statistics.median(times) * 1000, times[max(0, int(len(times) * 0.95) - 1)] * 1000


def _append_day(jdir: Path, start_year: int) -> None:
    # Days far past the journal's last one (the 5M mix runs to ~2050): the same day again would
    # repeat its ids, which the journal skips as duplicates, and the catch-up would load nothing.
    import datetime as dt

    extra = list(realistic_events(1000, start=dt.date(start_year, 1, 1)))
    with Journal.open(jdir, durability="none") as j:
        j.append_many(extra)


def bench(root: Path, n: int, baseline_src: Path | None = None) -> dict[str, float]:
    """Run every measurement on an n-event journal."""
    jdir = root / f"j{n}"
    _build(jdir, n)
    bare = _bare_scan(jdir)
    full, peak_mib = _rebuild_in_child(jdir)
    _append_day(jdir, 2200)
    t = time.perf_counter()
    projections.catch_up(jdir)
    catch = time.perf_counter() - t
    _append_day(jdir, 2201)
    t = time.perf_counter()
    cmd = [sys.executable, "-m", "tradejournal.cli", "--journal", str(jdir), "rebuild"]
    subprocess.run(cmd, check=True, capture_output=True)
    catch_cli = time.perf_counter() - t
    large = n > LARGE
    repeat = 5 if large else 30
    sql_p50, sql_p95 = _latency(
        lambda: projections.query(
            jdir, "SELECT symbol, count(*), sum(net_pnl) FROM trades GROUP BY 1"
        ),
        repeat,
    )
    stats_p50, stats_p95 = _latency(lambda: projections.stats(jdir), repeat)
    naive = float("nan") if large else _naive_replay(jdir)
    cli = cli_bench.bench(jdir, None if large else baseline_src, repeat=5)
    return {
        "cli": cli,  # type: ignore[dict-item]
        "catch_cli": catch_cli,
        "n": n,
        "bare": bare,
        "full": full,
        "catch": catch,
        "peak_mib": peak_mib,
        "sql_p50": sql_p50,
        "sql_p95": sql_p95,
        "stats_p50": stats_p50,
        "stats_p95": stats_p95,
        "naive": naive,
    }


def run(
    workdir: Path | None = None,
    small: bool = False,
    sizes: list[int] | None = None,
    baseline_src: Path | None = None,
) -> str:
    """Run at 100k and 1M events (10k and 100k with ``small``; or ``sizes``) and return markdown
    tables: the projections, and the CLI's wall clock (with the demo day's journal first)."""
    sizes = sizes or ([10_000, 100_000] if small else [100_000, 1_000_000])
    root = Path(tempfile.mkdtemp(prefix="tj-pbench-", dir=workdir))
    rows = [
        "| events | full rebuild | bare `read_json` scan | ratio (goal ≤ 1.5×) | catch-up +1,000 "
        "in-process / CLI | catch-up / full (goal ≤ 5%) | `sql` p50 / p95 | `stats` p50 / p95 "
        "| peak RSS | naive Python replay | rebuild speed-up vs naive |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    cli_rows = [cli_bench.HEADER]
    try:
        demo = root / "demo"
        subprocess.run(
            [sys.executable, "-m", "tradejournal.cli", "--journal", str(demo), "demo"],
            check=True,
            capture_output=True,
        )
        cli_rows.append(cli_bench.row("demo day", cli_bench.bench(demo, baseline_src)))
        for n in sizes:
            r = bench(root, n, baseline_src)
            rows.append(
                f"| {n:,} | {r['full']:.2f} s | {r['bare']:.2f} s | {r['full'] / r['bare']:.2f}× "
                f"| {r['catch'] * 1000:,.0f} / {r['catch_cli'] * 1000:,.0f} ms "
                f"| {r['catch'] / r['full'] * 100:.1f}% / {r['catch_cli'] / r['full'] * 100:.1f}% "
                f"| {r['sql_p50']:.0f} / {r['sql_p95']:.0f} ms "
                f"| {r['stats_p50']:.0f} / {r['stats_p95']:.0f} ms | {r['peak_mib']:,.0f} MiB "
                + (
                    "| not run | |"
                    if r["naive"] != r["naive"]  # NaN: skipped at this size
                    else f"| {r['naive']:.2f} s | {r['naive'] / r['full']:.1f}× |"
                )
            )
            cli_rows.append(cli_bench.row(f"{n:,} events", r["cli"]))  # type: ignore[arg-type]
            shutil.rmtree(root / f"j{n}", ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return "\n".join(rows) + "\n\nCLI reads on up-to-date projections:\n\n" + "\n".join(cli_rows)
