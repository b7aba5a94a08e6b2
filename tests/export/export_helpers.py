"""Helpers for the export tests: demo journals with several sealed segments, tree inspection."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tradejournal.producers.demo import generate_day
from tradejournal.store import Journal

__all__ = ["SMALL_SEGMENTS", "demo_journal", "table_counts"]

SMALL_SEGMENTS = 40_000
"""Bytes per segment: a demo day (~230 kB) spans several sealed segments and an active one."""


def demo_journal(path: Path, days: int = 1, seed: int = 42, start: dt.date | None = None) -> Path:
    """Write ``days`` demo trading days into a journal with small segments; return its path."""
    first = start or dt.date(2026, 3, 2)
    with Journal.open(path, durability="none", create=True, max_segment_bytes=SMALL_SEGMENTS) as j:
        for i in range(days):
            events = generate_day(first + dt.timedelta(days=i), seed=seed)
            for k in range(0, len(events), 50):  # a batch stays in one segment: several batches
                j.append_many(events[k : k + 50])
    return path


def table_counts(journal: Path) -> dict[str, int]:
    """Return rows per projection table/view (not events, not internal) read from the journal."""
    from tradejournal.projections import connect_readonly
    from tradejournal.projections.export.parquet import table_names

    con = connect_readonly(journal)
    try:
        out = {}
        for name in table_names(con):
            row = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
            out[name] = int(row[0]) if row else 0
        row = con.execute("SELECT count(*) FROM events").fetchone()
        out["events"] = int(row[0]) if row else 0
        return out
    finally:
        con.close()
