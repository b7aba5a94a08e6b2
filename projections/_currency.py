"""Has the journal (or the code) changed since these projections were built? Both questions.

A build records two things in the file it publishes, and this module owns how each is read,
written and compared:

* **The lineage** (``lineage_changed``): is the journal still the log these projections were
  loaded from? The loader's cursor (``_load_cursor``: segment, end offset, seq and CRC of the
  last line loaded) must still be in place, byte for byte. When it is not (a repair truncated
  the journal, a backup was restored over it, another journal was copied in), a catch-up
  cannot continue from it: the answer decides *catch up* versus *rebuild in full*. It reads
  one line of one segment, and needs the store.
* **The stamp** (``stamp``/``stamp_matches``, table ``_fast_check``): has *anything* changed
  since a build that left every projection current? Two keys, taken before the build's
  snapshot:

  - the *code key*: name, size and mtime of every module of ``events/``, ``store/`` and
    ``projections/``, of the SQL files used, and DuckDB's version. What the full currency
    check compares (the generated events schema, the SQL hashes) comes from these files, so
    while they are unchanged its answer about the code is unchanged;
  - the *journal key*: name, inode, size and mtime of every file in ``segments/``. Any
    append, roll, seal, repair, truncation or replacement of a segment changes it.

  Equal keys mean *nothing new, read as is*; a difference means only *look closer* (the full
  check, ``engine.is_current``, then a catch-up). It costs one ``scandir`` per folder and
  imports only stdlib and DuckDB, so a read on current projections never loads the store or
  the event types.

The stamp answers "may I skip every check?", the lineage "may I continue from here?": a
changed stamp with an unchanged lineage is the ordinary case of new events.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb

__all__ = [
    "Stamp",
    "code_key",
    "current_stamp",
    "journal_key",
    "lineage_changed",
    "stamp",
    "stamp_matches",
]

Stamp = tuple[str, str]
"""(code key, journal key)."""

_STAMP_DDL = "CREATE OR REPLACE TABLE _fast_check (code_key VARCHAR, journal_key VARCHAR)"
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


def current_stamp(journal_dir: Path, sql_dir: object = None) -> Stamp:
    """Return the (code, journal) keys as they are now: a build takes them before its snapshot,
    so whatever changes after it changes the stamp."""
    return code_key(sql_dir), journal_key(journal_dir)


def stamp(con: duckdb.DuckDBPyConnection, keys: Stamp | None) -> None:
    """In a build: record ``keys`` when it leaves every projection current, else (None) drop
    any older stamp."""
    if keys is None:
        con.execute("DROP TABLE IF EXISTS _fast_check")
    else:
        con.execute(_STAMP_DDL)
        con.execute("INSERT INTO _fast_check VALUES (?, ?)", list(keys))


def stamp_matches(con: duckdb.DuckDBPyConnection, journal_dir: Path, sql_dir: object) -> bool:
    """Return True when ``con`` holds a stamp equal to the code and journal files now."""
    try:
        row = con.execute("SELECT code_key, journal_key FROM _fast_check").fetchall()
    except duckdb.Error:
        return False
    return row == [current_stamp(journal_dir, sql_dir)]


def lineage_changed(con: duckdb.DuckDBPyConnection, journal_dir: Path) -> str | None:
    """Return why the journal is no longer the log these projections were loaded from, or None.

    The last loaded line must still be in place (same segment, end offset, seq and CRC).
    """
    from tradejournal.store import fingerprint_at

    try:
        rows = con.execute("SELECT fp_segment, fp_end, fp_seq, fp_crc FROM _load_cursor").fetchall()
    except duckdb.Error:
        return None  # no cursor yet: nothing loaded
    if not rows or rows[0][0] is None:
        return None
    segment, end, seq, crc = (int(v) for v in rows[0])
    path = Path(journal_dir) / "segments" / f"{segment:020d}.jsonl"
    if fingerprint_at(path, end) != (seq, crc):
        return (
            f"the journal changed under the projections: seq {seq} is no longer the line "
            f"they loaded last ({path.name}, byte {end})"
        )
    return None
