"""Projection benchmarks (issue: projections), all in one run, reported as ratios.

- full rebuild of every projection vs DuckDB's bare ``read_json`` scan of the same segments;
- catch-up after 1,000 new events vs a full rebuild;
- latency of ``sql`` on ``trades`` and of ``stats`` (p50 / p95 over repeated calls);
- peak memory (max RSS) of a full rebuild, in a child process;
- a naive Python replay (decode every line, insert rows into SQLite) as the baseline users write.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import resource
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from tradejournal import projections
from tradejournal.store import Journal, snapshot

from .mix import batches, realistic_events


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
    return statistics.median(times) * 1000, times[int(len(times) * 0.95) - 1] * 1000


def bench(root: Path, n: int) -> dict[str, float]:
    """Run every measurement on an n-event journal."""
    jdir = root / f"j{n}"
    _build(jdir, n)
    bare = _bare_scan(jdir)
    full, peak_mib = _rebuild_in_child(jdir)
    extra = list(realistic_events(1000, start=__import__("datetime").date(2030, 1, 1)))
    with Journal.open(jdir, durability="none") as j:
        j.append_many(extra)
    t = time.perf_counter()
    projections.catch_up(jdir)
    catch = time.perf_counter() - t
    sql_p50, sql_p95 = _latency(
        lambda: projections.query(
            jdir, "SELECT symbol, count(*), sum(net_pnl) FROM trades GROUP BY 1"
        )
    )
    stats_p50, stats_p95 = _latency(lambda: projections.stats(jdir))
    naive = _naive_replay(jdir)
    return {
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


def run(workdir: Path | None = None, small: bool = False) -> str:
    """Run at 100k and 1M events (10k and 100k with ``small``) and return a markdown table."""
    sizes = [10_000, 100_000] if small else [100_000, 1_000_000]
    root = Path(tempfile.mkdtemp(prefix="tj-pbench-", dir=workdir))
    rows = [
        "| events | full rebuild | bare `read_json` scan | ratio (goal ≤ 1.5×) | catch-up +1,000 "
        "| catch-up / full (goal ≤ 5%) | `sql` p50 / p95 | `stats` p50 / p95 | peak RSS "
        "| naive Python replay | rebuild speed-up vs naive |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    try:
        for n in sizes:
            r = bench(root, n)
            rows.append(
                f"| {n:,} | {r['full']:.2f} s | {r['bare']:.2f} s | {r['full'] / r['bare']:.2f}× "
                f"| {r['catch'] * 1000:.0f} ms | {r['catch'] / r['full'] * 100:.1f}% "
                f"| {r['sql_p50']:.0f} / {r['sql_p95']:.0f} ms "
                f"| {r['stats_p50']:.0f} / {r['stats_p95']:.0f} ms | {r['peak_mib']:,.0f} MiB "
                f"| {r['naive']:.2f} s | {r['naive'] / r['full']:.1f}× |"
            )
            shutil.rmtree(root / f"j{n}", ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return "\n".join(rows)
