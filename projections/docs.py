"""Describe every table, view and table macro the projections define (for README generation).

Built once per process from the packaged SQL alone: an in-memory DuckDB gets the generated
``events`` table, runs every ``sql/*.sql`` file on it (empty), and reads back the column types
and the ``COMMENT ON`` texts the files set. No journal is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import duckdb

from .loader import ensure_events
from .runner import ensure_state, sql_files

__all__ = ["TableDoc", "describe_tables", "table_docs"]

_INTERNAL = ("_projection_state", "_load_cursor")


@dataclass(frozen=True, slots=True)
class TableDoc:
    """One relation: kind (table/view/macro), description, columns (name, type, description),
    the SQL file defining it, and the macro parameters (empty for tables and views)."""

    name: str
    kind: str
    description: str
    columns: tuple[tuple[str, str, str], ...]
    source: str
    parameters: tuple[str, ...] = ()


_CREATE = re.compile(r"CREATE OR REPLACE (?:TABLE|VIEW|MACRO) (\w+)", re.I)


def _sources() -> dict[str, str]:
    out = {"events": "000_events.sql"}
    for f in sql_files():
        for name in _CREATE.findall(f.sql):
            out.setdefault(name, f"{f.name}.sql")
    return out


@cache
def describe_tables() -> dict[str, TableDoc]:
    """Return name -> TableDoc for every table, view and table macro, in definition order."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        ensure_state(con)
        ensure_events(con)
        con.execute(
            "COMMENT ON TABLE events IS 'Every journal event, one row per seq; one typed column per catalogue field.'"
        )
        for f in sql_files():
            con.execute(f.build_sql)
        return _collect(con)
    finally:
        con.close()


def _collect(con: duckdb.DuckDBPyConnection) -> dict[str, TableDoc]:
    sources = _sources()
    rel = con.execute(
        "SELECT table_name, 'table', comment FROM duckdb_tables() UNION ALL "
        "SELECT view_name, 'view', comment FROM duckdb_views() WHERE NOT internal"
    ).fetchall()
    cols: dict[str, list[tuple[str, str, str]]] = {}
    for table, column, typ, comment in con.execute(
        "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
        "ORDER BY table_name, column_index"
    ).fetchall():
        cols.setdefault(table, []).append((column, typ, comment or ""))
    docs: dict[str, TableDoc] = {}
    for name, kind, comment in rel:
        if name in _INTERNAL or name.startswith("_"):  # internal helpers
            continue
        docs[name] = TableDoc(
            name, kind, comment or "", tuple(cols.get(name, [])), sources.get(name, "")
        )
    macros = con.execute(
        "SELECT DISTINCT function_name, parameters, comment FROM duckdb_functions() "
        "WHERE function_type = 'table_macro' AND NOT internal AND database_name = current_database()"
    ).fetchall()
    for name, params, comment in macros:
        if name.startswith("_"):
            continue
        columns = tuple((str(r[0]), str(r[1]), "") for r in _describe_macro(con, name, len(params)))
        docs[name] = TableDoc(
            name, "macro", comment or "", columns, sources.get(name, ""), tuple(params)
        )
    order = list(sources)
    return dict(
        sorted(
            docs.items(),
            key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]),
        )
    )


def _describe_macro(
    con: duckdb.DuckDBPyConnection, name: str, n_params: int
) -> list[tuple[Any, ...]]:
    """DESCRIBE a table macro, passing NULL for as many leading (required) parameters as needed."""
    for n in range(n_params + 1):
        try:
            args = ", ".join(["NULL"] * n)
            return con.execute(f"DESCRIBE SELECT * FROM {name}({args})").fetchall()
        except duckdb.BinderException:
            continue
    raise RuntimeError(f"cannot describe table macro {name}")


def table_docs() -> dict[str, list[tuple[str, str]]]:
    """Return table/view/macro name -> [(column, DuckDB type)]; see ``describe_tables`` for
    kinds, descriptions and per-column comments."""
    return {name: [(c, t) for c, t, _ in doc.columns] for name, doc in describe_tables().items()}
