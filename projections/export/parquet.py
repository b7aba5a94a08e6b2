"""The Parquet side of a snapshot: one zstd file per projection table, and the events by date.

Written by DuckDB's ``COPY`` from a read-only connection to the projections, so the tables are
exactly what ``tradejournal sql`` shows. Every table file starts with a ``journal`` column (the
journal id), so files of many journals can be read as one table. The events go to
``events/journal=<id>/date=YYYY-MM-DD/data_0.parquet`` (hive partitioning by the UTC date of
``ts``), ordered by seq. One thread writes, in a fixed order, so the same projections give the
same bytes (what makes re-running an export a no-op).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from ..errors import ProjectionError

__all__ = ["EVENTS_DIR", "TABLES_DIR", "export_tables", "table_names"]

TABLES_DIR = "tables"
EVENTS_DIR = "events"
_PARQUET = "FORMAT parquet, COMPRESSION zstd"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Return the projection tables and views users query (not ``events``, not ``_internal``)."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT temporary "
        "UNION SELECT view_name FROM duckdb_views() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT temporary AND NOT internal ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows if r[0] != "events" and not str(r[0]).startswith("_")]


def _order_by(con: duckdb.DuckDBPyConnection, name: str) -> str:
    n = len(con.execute(f"DESCRIBE {_quote(name)}").fetchall())
    return ", ".join(str(i + 2) for i in range(n))  # every column (after journal): a total order


def export_tables(
    con: duckdb.DuckDBPyConnection,
    journal_id: str,
    target: Path,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Write every projection table and the events into ``target``; return rows per table."""
    con.execute("SET threads = 1")  # one writer, one row order: reproducible files
    con.execute("SET preserve_insertion_order = true")
    names = table_names(con)
    jid = "'" + journal_id.replace("'", "''") + "'"
    (target / TABLES_DIR).mkdir(parents=True)
    counts: dict[str, int] = {}
    total = len(names) + 1
    for i, name in enumerate(names):
        out = target / TABLES_DIR / f"{name}.parquet"
        sql = (
            f"COPY (SELECT {jid} AS journal, * FROM {_quote(name)} "
            f"ORDER BY {_order_by(con, name)}) TO '{_path(out)}' ({_PARQUET})"
        )
        counts[name] = _copy(con, sql)
        if progress is not None:
            progress("tables", i + 1, total)
    counts["events"] = _copy(
        con,
        f"COPY (SELECT {jid} AS journal, strftime(timezone('UTC', ts), '%Y-%m-%d') AS date, * "
        f"FROM events ORDER BY seq) TO '{_path(target / EVENTS_DIR)}' "
        f"({_PARQUET}, PARTITION_BY (journal, date), FILENAME_PATTERN 'data_{{i}}')",
    )
    if progress is not None:
        progress("tables", total, total)
    return counts


def _path(path: Path) -> str:
    text = str(path)
    if "'" in text:
        raise ProjectionError(f"{path}: a quote in the export path is not supported")
    return text


def _copy(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    try:
        row = con.execute(sql).fetchone()
    except duckdb.Error as exc:
        raise ProjectionError(f"writing Parquet: {exc}") from exc
    return int(row[0]) if row else 0
