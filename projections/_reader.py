"""Opening the published projections read-only, and the cheap "nothing new" check.

A read (``sql``, ``stats``, ...) on projections that are already up to date should cost a
process start, DuckDB's import and the query: not the store, the event types or a look at the
segments' lines. So every build that ends with every projection current records two keys in
``_fast_check``:

* the *code key*: name, size and mtime of every module of ``events/``, ``store/`` and
  ``projections/``, of the SQL files used, and DuckDB's version. Whatever the full check
  (``engine.is_current``) compares (the generated events schema, the SQL hashes) comes from
  these files, so while they are unchanged its answer about the code is unchanged;
* the *journal key*: name, inode, size and mtime of every file in ``segments/`` (segments and
  seals), taken *before* the build's snapshot. Any append, roll, seal, repair, truncation or
  replacement of a segment changes it.

``open_if_current`` attaches the published file (the same way every reader does: read-only,
under a reader lock) and compares both keys with the files now: equal means nothing happened
since a build that left every projection current, so the connection is returned as is; any
difference (or no record) returns None and the caller does the full check and catch-up. Only
stdlib and DuckDB are imported here.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb

from . import _files

__all__ = [
    "DB_NAME",
    "FAST_CHECK_DDL",
    "attach_readonly",
    "code_key",
    "journal_key",
    "open_if_current",
    "record",
    "sandbox",
]

DB_NAME = "projections.duckdb"
FAST_CHECK_DDL = "CREATE OR REPLACE TABLE _fast_check (code_key VARCHAR, journal_key VARCHAR)"
# DuckDB draws its own progress bar on stdout for statements over 2 s: it would corrupt the CLI's
# output (JSON, CSV) after a long catch-up; progress goes through the ``progress`` callback.
NO_PROGRESS_BAR = "SET enable_progress_bar = false"
_PACKAGE = Path(__file__).resolve().parent.parent
_CODE_DIRS = ("events", "store", "projections")


def _stat_line(entry: os.DirEntry[str]) -> str:
    st = entry.stat()
    return f"{entry.name}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def _dir_lines(path: Path, suffix: str) -> list[str]:
    try:
        with os.scandir(path) as it:
            return sorted(_stat_line(e) for e in it if e.name.endswith(suffix) and e.is_file())
    except FileNotFoundError:
        return []


def code_key(sql_dir: object = None) -> str:
    """Return the key of the code the projections are built with (``sql_dir``: the SQL files
    used instead of the packaged ones, as ``engine`` takes it)."""
    parts = [duckdb.__version__]
    for name in _CODE_DIRS:
        parts.append(f"[{name}]")
        parts.extend(_dir_lines(_PACKAGE / name, ".py"))
    sql = _PACKAGE / "projections" / "sql" if sql_dir is None else Path(str(sql_dir))
    parts.append(f"[sql {sql}]")
    parts.extend(_dir_lines(sql, ".sql"))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def journal_key(journal_dir: Path) -> str:
    """Return the key of the journal's files as they are now (every file in ``segments/``)."""
    lines = _dir_lines(Path(journal_dir) / "segments", "")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def attach_readonly(path: Path, lock: bool = True) -> duckdb.DuckDBPyConnection:
    """Attach ``path`` read-only in a fresh in-memory DuckDB; with ``lock``, hold a reader lock
    on that file while the connection lives (``_files``)."""
    try:
        fd = _files.reader_lock(path) if lock else None
    except OSError as exc:  # missing, or being rewritten as a spare: the caller retries
        raise duckdb.IOException(f"cannot lock {path}: {exc}") from exc
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(NO_PROGRESS_BAR)
        con.execute("ATTACH ? AS journal (READ_ONLY)", [str(path)])
        con.execute("USE journal")
        if not _files.still_named(fd, path):
            raise duckdb.IOException(f"{path} was replaced while opening it")
    except BaseException:
        con.close()
        if fd is not None:
            os.close(fd)
        raise
    _files.hold_while_alive(con, fd)
    return con


def sandbox(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Shut the connection off from everything but the attached projections, for good: the
    attached file stays readable, while files, network, extensions and Python objects do not."""
    try:
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        _files.release(con)
        raise
    return con


def record(con: duckdb.DuckDBPyConnection, keys: tuple[str, str] | None) -> None:
    """In a build: record the (code, journal) keys it saw when it leaves every projection
    current, else (None) drop any older record."""
    if keys is None:
        con.execute("DROP TABLE IF EXISTS _fast_check")
    else:
        con.execute(FAST_CHECK_DDL)
        con.execute("INSERT INTO _fast_check VALUES (?, ?)", list(keys))


def open_if_current(journal_dir: Path, sql_dir: object = None) -> duckdb.DuckDBPyConnection | None:
    """Return a read-only connection to the projections when the last build left them current
    and neither the code nor the journal's files changed since; else None (do the full check)."""
    db = Path(journal_dir) / DB_NAME
    if _files.stale_temp_files(Path(journal_dir)):
        return None  # a build runs, or was killed: the full path cleans up under the build lock
    try:
        con = attach_readonly(db)
    except (duckdb.Error, OSError):
        return None
    try:
        row = con.execute("SELECT code_key, journal_key FROM _fast_check").fetchall()
    except duckdb.Error:
        row = []
    if row == [(code_key(sql_dir), journal_key(journal_dir))]:
        return con
    _files.release(con)
    return None
