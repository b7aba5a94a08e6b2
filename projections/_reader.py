"""The fast read: the published projections at once when nothing changed, and the sandbox.

A read (``sql``, ``stats``, ...) on projections that are already up to date should cost a
process start, DuckDB's import and the query: not the store, the event types or a look at the
segments' lines. Every build that leaves every projection current stamps the file it publishes
with the code and journal keys it saw (``_currency``). ``open_if_current`` attaches the
published file the way every reader does (``Generations.attach``: read-only, under a reader
lock) and compares the stamp with the files now: equal means nothing happened since, so the
connection is returned as is; any difference (or no stamp) returns None and the caller does the
full check and catch-up (``engine``). Only stdlib and DuckDB are imported here.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from . import _currency, _files
from ._generations import DB_NAME, Generations

__all__ = ["DB_NAME", "is_stamped", "open_if_current", "sandbox"]


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


def open_if_current(journal_dir: Path, sql_dir: object = None) -> duckdb.DuckDBPyConnection | None:
    """Return a read-only connection to the projections when the last build left them current
    and neither the code nor the journal's files changed since; else None (do the full check)."""
    gens = Generations(Path(journal_dir))
    if gens.temp_files():
        return None  # a build runs, or was killed: the full path cleans up under the build lock
    try:
        con = gens.attach()
    except (duckdb.Error, OSError):
        return None
    if is_stamped(con, gens, sql_dir):
        return con
    _files.release(con)
    return None


def is_stamped(con: duckdb.DuckDBPyConnection, gens: Generations, sql_dir: object) -> bool:
    """Return True when the published generation attached as ``con`` bears a stamp equal to the
    code and journal files now, and no build runs or was killed (its temp files)."""
    return not gens.temp_files() and _currency.stamp_matches(con, gens.journal_dir, sql_dir)
