"""Helpers for the projection tests: write journals with the real store, hash tables."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from tradejournal.events import Event
from tradejournal.projections._fetch import fetch
from tradejournal.store import Journal

__all__ = ["hash_tables", "rows_of", "write"]


def write(journal_dir: Path, events: Iterable[Event], max_segment_bytes: int | None = None) -> int:
    """Append events with the real store (creating the journal); return the last seq."""
    kw = {} if max_segment_bytes is None else {"max_segment_bytes": max_segment_bytes}
    with Journal.open(journal_dir, durability="none", create=True, **kw) as j:
        j.append_many(list(events))
        return j.last_seq


def hash_tables(db: Path) -> dict[str, str]:
    """Return table/view name -> md5 of its rows (sorted by their text), state tables excluded."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() UNION ALL "
                "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1"
            ).fetchall()
            if not r[0].startswith("_")
        ]
        out = {}
        for name in names:
            out[name] = con.execute(
                f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::VARCHAR, '|' "
                f"ORDER BY t::VARCHAR)), '') FROM {name} t"
            ).fetchall()[0][0]
        return out
    finally:
        con.close()


def rows_of(db: Path, name: str) -> list[tuple]:
    """Return the rows of a table or view, sorted by their text (for close comparisons)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        return sorted(fetch(con, f"SELECT * FROM {name}")[1], key=repr)
    finally:
        con.close()
