"""Many journals' snapshot trees as one database: the latest snapshot of each journal, queried.

``latest_snapshots(root)`` finds every complete snapshot under ``root`` (any depth: one folder
per host, per account, synced from object storage, ...) and keeps the newest of each journal id.
``connect_snapshots`` makes a sandboxed in-memory DuckDB whose views carry the projection tables'
names and read those snapshots' Parquet files (each row with its ``journal`` column); ``events``
reads the hive-partitioned event files (``journal``, ``date`` from the folder names).
``query_snapshots`` runs the same read-only SQL as ``tradejournal sql``: the connection can read
the chosen snapshot folders and nothing else.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb

from ..api import run_readonly
from ..errors import ProjectionError
from ..schema import events_ddl
from .manifest import MANIFEST_NAME, Manifest, SnapshotError, read_manifest
from .parquet import EVENTS_DIR, TABLES_DIR

__all__ = ["connect_snapshots", "latest_snapshots", "query_snapshots"]


def latest_snapshots(root: str | os.PathLike[str]) -> dict[str, tuple[Path, Manifest]]:
    """Return {journal id: (folder, manifest)} of the newest snapshot of each journal under root.

    Newest = latest date label, then latest created time. Hidden folders (an export's
    temporary work) are skipped; so are folders whose manifest cannot be read.
    """
    base = Path(root)
    if not base.is_dir():
        raise ProjectionError(f"{base}: no such directory of snapshots")
    best: dict[str, tuple[Path, Manifest]] = {}
    for dirpath, dirs, names in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if MANIFEST_NAME not in names:
            continue
        dirs[:] = []  # a snapshot's own sub-folders hold no snapshots
        try:
            manifest = read_manifest(dirpath)
        except SnapshotError:
            continue
        current = best.get(manifest.journal_id)
        key = (manifest.date, manifest.created)
        if current is None or key > (current[1].date, current[1].created):
            best[manifest.journal_id] = (Path(dirpath), manifest)
    return dict(sorted(best.items()))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _list(paths: list[Path]) -> str:
    return "[" + ", ".join(_literal(str(p)) for p in paths) + "]"


def connect_snapshots(root: str | os.PathLike[str]) -> duckdb.DuckDBPyConnection:
    """Return a sandboxed in-memory DuckDB over the latest snapshot of every journal under root."""
    found = latest_snapshots(root)
    if not found:
        raise ProjectionError(f"{root}: no snapshot found (export one with `tradejournal export`)")
    tables: dict[str, list[Path]] = {}
    events: list[Path] = []
    for folder, manifest in found.values():
        for rel in manifest.files:
            path = folder / rel
            if rel.startswith(f"{TABLES_DIR}/") and rel.endswith(".parquet"):
                tables.setdefault(Path(rel).stem, []).append(path)
            elif rel.startswith(f"{EVENTS_DIR}/") and rel.endswith(".parquet"):
                events.append(path)
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        for name, paths in sorted(tables.items()):
            con.execute(
                f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet({_list(paths)}, '
                "union_by_name = true)"
            )
        if events:
            con.execute(
                f"CREATE VIEW events AS SELECT * FROM read_parquet({_list(events)}, "
                "hive_partitioning = true, union_by_name = true, "
                "hive_types = {'journal': VARCHAR, 'date': DATE})"
            )
        else:  # only empty journals: the same columns, no rows
            con.execute(events_ddl())
            con.execute("ALTER TABLE events ADD COLUMN journal VARCHAR")
            con.execute("ALTER TABLE events ADD COLUMN date DATE")
        allowed = _list([folder.resolve() for folder, _ in found.values()])
        con.execute(f"SET allowed_directories = {allowed}")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def query_snapshots(
    root: str | os.PathLike[str], sql: str
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read-only statement over the latest snapshot of every journal under ``root``."""
    con = connect_snapshots(root)
    try:
        return run_readonly(con, sql)
    finally:
        con.close()
