"""Snapshot export benchmark: export, unchanged re-export, next-day export, verify, restore, and
a query over the snapshot tree, on a journal of N demo days (~530 events each)."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tradejournal.producers.demo import generate_day
from tradejournal.projections import catch_up
from tradejournal.projections.export import (
    export_snapshot,
    query_snapshots,
    restore_snapshot,
    verify_snapshot,
)
from tradejournal.store import Journal

__all__ = ["run"]


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _kib(folder: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in folder.rglob(pattern) if p.is_file()) // 1024


def run(workdir: Path | None, days: int = 20) -> str:
    """Return a markdown table of the timings (seconds) and sizes."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        base = Path(tmp)
        journal = base / "journal"
        with Journal.open(journal, durability="none", create=True) as j:
            for d in range(days):
                j.append_many(generate_day(dt.date(2026, 3, 2) + dt.timedelta(days=d), seed=d))
        catch_up(journal)
        snaps = base / "snaps"
        first, result = _timed(lambda: export_snapshot(journal, snaps, "2026-11-30"))
        again, _ = _timed(lambda: export_snapshot(journal, snaps, "2026-11-30"))
        nxt, _ = _timed(lambda: export_snapshot(journal, snaps, "2026-12-01"))
        check, _ = _timed(lambda: verify_snapshot(result.folder))
        back, _ = _timed(lambda: restore_snapshot(result.folder, base / "restored"))
        sql, _ = _timed(lambda: query_snapshots(snaps, "SELECT count(*) FROM trades"))
        rows = [
            ("events", f"{result.manifest.last_seq:,}"),
            ("segments (KiB)", f"{_kib(journal / 'segments', '*.jsonl'):,}"),
            ("snapshot (KiB) / of it Parquet", f"{_kib(result.folder):,} / {_kib(result.folder, '*.parquet'):,}"),
            ("export (s)", f"{first:.2f}"),
            ("re-export, unchanged (s)", f"{again:.2f}"),
            ("next day's export (s)", f"{nxt:.2f}"),
            ("export verify (s)", f"{check:.2f}"),
            ("restore (s)", f"{back:.2f}"),
            ("sql --snapshots (s)", f"{sql:.2f}"),
        ]  # fmt: skip
    lines = ["| measure | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines)
