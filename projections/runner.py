"""Run the numbered ``sql/*.sql`` projection files in order and record what each was built from.

Each file starts with a header comment naming its inputs and outputs::

    -- inputs:  events[deal.filled, order.placed], orders
    -- outputs: deals

``events[...]`` lists the event types the file reads (``events`` alone: any type); other names
are tables or views made by earlier files. A file is re-run when its SQL hash changed, when
events of one of its input types arrived since its ``last_seq``, or when one of its input tables
was rebuilt in this run; otherwise it is skipped. Every file is idempotent
(``CREATE OR REPLACE``), so re-running one is a full rebuild of what it outputs.
``_projection_state(name, last_seq, sql_hash, built_at)`` records this per file (and
``events`` for the loaded table, versioned by the generated schema).

``-- mode: append`` marks a file whose tables hold one row per event (deals, user actions,
metrics, ...): it creates them if missing and inserts only rows for events after their max seq,
so a catch-up costs the new events only; its tables are dropped first when it must be rebuilt
(SQL changed, or a forced rebuild). Such a table is a pure function of single events, so the
incremental result equals a full rebuild by construction.

``-- mode: incremental`` marks a file whose tables a catch-up updates in place: below a line
``-- incremental:`` it deletes and re-inserts the rows the new events can change, with the same
macros the build above the line uses (``getvariable('projection_after')`` is the file's last
seq). It runs when the file is stale because of new events or refreshed inputs; its full build
runs when its SQL changed, on a forced rebuild, or when an input was reshaped (below). An
incremental section must account for every new event that can change its rows, including the
events behind its input tables; the catch-up tests compare both paths on many scenarios.

``-- mode: views`` marks a file that only defines views and macros: they read their inputs
when queried, so new data does not make them stale; the file re-runs only when its SQL changed
or an input was rebuilt because *its* SQL changed (its columns may have changed).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import duckdb

from .errors import ProjectionError
from .loader import Progress

__all__ = ["SqlFile", "ensure_state", "read_state", "run_projections", "sql_files"]

STATE_DDL = (
    "CREATE TABLE IF NOT EXISTS _projection_state ("
    "name VARCHAR PRIMARY KEY, last_seq BIGINT, sql_hash VARCHAR, built_at TIMESTAMPTZ)"
)
_KEY = re.compile(r"^--\s*(inputs|outputs|mode):\s*(.*)$")
_CONTINUATION = re.compile(r"^--\s{2,}(\S.*)$")
_EVENTS = re.compile(r"events\[([^\]]*)\]")
_INCREMENTAL = re.compile(r"^-- incremental:\s*$", re.M)


@dataclass(frozen=True, slots=True)
class SqlFile:
    """One projection file: its name (stem), SQL text, hash and declared dependencies."""

    name: str
    sql: str
    sql_hash: str
    event_types: frozenset[str] | None  # None: any event type
    input_tables: frozenset[str]
    outputs: tuple[str, ...]
    append: bool = False  # ``-- mode: append``: inserts only rows for events after its tables
    views: bool = False  # ``-- mode: views``: views and macros only, stale only when reshaped
    incremental: str | None = None  # ``-- mode: incremental``: the SQL below ``-- incremental:``

    @property
    def build_sql(self) -> str:
        """The SQL of a full build (without the incremental section)."""
        m = _INCREMENTAL.search(self.sql)
        return self.sql[: m.start()] if m else self.sql

    def is_dirty(self, new_types: set[str], rebuilt: set[str], reshaped: set[str]) -> bool:
        """Return True when new events or a rebuilt input make this file's outputs stale."""
        if self.views:
            return bool(self.input_tables & reshaped)
        if self.input_tables & rebuilt:
            return True
        if self.event_types is None:
            return bool(new_types)
        return bool(self.event_types & new_types)


def _header(sql: str) -> dict[str, str]:
    """Read ``-- inputs:`` / ``-- outputs:`` (with indented continuation lines) from the header."""
    header: dict[str, str] = {}
    key = None
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        m = _KEY.match(line)
        if m:
            key = m.group(1)
            header[key] = m.group(2).strip()
            continue
        c = _CONTINUATION.match(line)
        if key and c:
            header[key] += " " + c.group(1).strip()
        else:
            key = None
    return header


def _parse(name: str, sql: str) -> SqlFile:
    header = _header(sql)
    if "inputs" not in header or "outputs" not in header:
        raise ProjectionError(f"{name}.sql: header must name its inputs and outputs")
    inputs = re.sub(r"\([^)]*\)", "", header["inputs"])
    types: set[str] | None = set()
    for group in _EVENTS.findall(inputs):
        assert types is not None
        types.update(t.strip() for t in group.split(",") if t.strip())
    rest = _EVENTS.sub("", inputs)
    tables = {t.strip() for t in rest.split(",") if t.strip()}
    if "events" in tables:
        tables.discard("events")
        types = None
    outputs = tuple(
        t.split("(")[0].strip() for t in header["outputs"].split(",") if t.split("(")[0].strip()
    )
    digest = hashlib.sha256(sql.encode()).hexdigest()
    mode = header.get("mode", "replace")
    if mode not in ("replace", "append", "views", "incremental"):
        raise ProjectionError(
            f"{name}.sql: mode must be replace, append, views or incremental, not {mode!r}"
        )
    incremental = None
    m = _INCREMENTAL.search(sql)
    if (mode == "incremental") != (m is not None):
        raise ProjectionError(f"{name}.sql: mode incremental needs a '-- incremental:' section")
    if m is not None:
        incremental = sql[m.end() :]
    frozen_types = None if types is None else frozenset(types)
    return SqlFile(
        name,
        sql,
        digest,
        frozen_types,
        frozenset(tables),
        outputs,
        append=mode == "append",
        views=mode == "views",
        incremental=incremental,
    )


def sql_files(source: Traversable | Path | None = None) -> list[SqlFile]:
    """Return the projection files in run order (``000_events.sql`` is the loader's)."""
    root = source if source is not None else files("tradejournal.projections") / "sql"
    entries = sorted(
        (e for e in root.iterdir() if e.name.endswith(".sql") and not e.name.startswith("000_")),
        key=lambda e: e.name,
    )
    return [_parse(e.name[:-4], e.read_text("utf-8")) for e in entries]


def ensure_state(con: duckdb.DuckDBPyConnection) -> None:
    """Create the state table when missing."""
    con.execute(STATE_DDL)


def read_state(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    """Return name -> (last_seq, sql_hash)."""
    rows = con.execute("SELECT name, last_seq, sql_hash FROM _projection_state").fetchall()
    return {str(n): (int(s), str(h)) for n, s, h in rows}


def set_state(con: duckdb.DuckDBPyConnection, name: str, last_seq: int, sql_hash: str) -> None:
    """Record that ``name`` reflects events up to ``last_seq`` and was built from ``sql_hash``."""
    con.execute(
        "INSERT OR REPLACE INTO _projection_state VALUES (?, ?, ?, now())",
        [name, last_seq, sql_hash],
    )


def _new_types(con: duckdb.DuckDBPyConnection, after: int) -> set[str]:
    rows = con.execute("SELECT DISTINCT type FROM events WHERE seq > ?", [after]).fetchall()
    return {str(r[0]) for r in rows}


def _drop_tables(con: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> None:
    existing = {
        str(r[0])
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    }
    for name in names:
        if name in existing:
            con.execute(f'DROP TABLE "{name}"')  # a name from the file's own header


def _sql_to_run(
    con: duckdb.DuckDBPyConnection,
    f: SqlFile,
    prev: tuple[int, str] | None,
    force: bool,
    rebuilt: set[str],
    reshaped: set[str],
    types_cache: dict[int, set[str]],
) -> str | None:
    """Return the SQL that brings ``f`` up to date (None: it is current); record in
    ``reshaped`` the outputs it re-creates from scratch."""
    if force or prev is None or prev[1] != f.sql_hash:
        reshaped.update(f.outputs)
        if f.append:  # an append file rebuilds in full from empty tables
            _drop_tables(con, f.outputs)
        return f.build_sql
    if prev[0] not in types_cache:
        types_cache[prev[0]] = _new_types(con, prev[0])
    if not f.is_dirty(types_cache[prev[0]], rebuilt, reshaped):
        return None
    if f.incremental and not f.input_tables & reshaped:
        con.execute("SET VARIABLE projection_after = ?", [prev[0]])
        return f.incremental
    if f.views or f.incremental:
        reshaped.update(f.outputs)
    return f.build_sql


def run_projections(
    con: duckdb.DuckDBPyConnection,
    last_seq: int,
    sqls: Iterable[SqlFile],
    force: bool = False,
    progress: Progress | None = None,
) -> list[str]:
    """Run the stale projection files (all of them when ``force``); return the names run."""
    state = read_state(con)
    todo = list(sqls)
    rebuilt: set[str] = set()
    reshaped: set[str] = set()  # outputs re-created from scratch (SQL changed, forced, ...)
    ran: list[str] = []
    types_cache: dict[int, set[str]] = {}
    for i, f in enumerate(todo):
        prev = state.get(f.name)
        sql = _sql_to_run(con, f, prev, force, rebuilt, reshaped, types_cache)
        if sql is not None:
            if progress:
                progress("sql", i, len(todo))
            try:
                con.execute(sql)
            except duckdb.Error as exc:
                raise ProjectionError(f"{f.name}.sql: {exc}") from exc
            rebuilt.update(f.outputs)
            ran.append(f.name)
            set_state(con, f.name, last_seq, f.sql_hash)
        elif prev is not None and prev[0] != last_seq:  # nothing new: only the position moves
            con.execute(
                "UPDATE _projection_state SET last_seq = ? WHERE name = ?", [last_seq, f.name]
            )
    if progress:
        progress("sql", len(todo), len(todo))
    return ran
