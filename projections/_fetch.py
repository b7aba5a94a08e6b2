"""Fetch DuckDB results as Python values without pytz: TIMESTAMPTZ comes back as aware UTC.

DuckDB's Python client needs ``pytz`` to fetch ``TIMESTAMP WITH TIME ZONE`` values. We do not
depend on it: a result with such columns is re-selected with ``timezone('UTC', col)`` (a naive
UTC timestamp, fetched without pytz) and given ``tzinfo=UTC`` here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import duckdb

__all__ = ["fetch", "fetch_batches", "fetch_dicts"]

_TZ_TYPE = "TIMESTAMP WITH TIME ZONE"


def _is_tz(type_code: object) -> bool:
    return str(type_code).upper() == _TZ_TYPE


def fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: Any = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one SELECT and return (column names, rows); timestamps are aware UTC datetimes."""
    rel = con.sql(sql, params=params)
    cols = list(rel.columns)
    tz_idx = [i for i, t in enumerate(rel.types) if _is_tz(t)]
    if not tz_idx:
        return cols, rel.fetchall()
    select = ", ".join(
        f"timezone('UTC', c{i})" if i in tz_idx else f"c{i}" for i in range(len(cols))
    )
    aliases = ", ".join(f"c{i}" for i in range(len(cols)))
    wrapped = f"SELECT {select} FROM ({sql}) AS _q({aliases})"
    cur = con.execute(wrapped, params) if params is not None else con.execute(wrapped)
    rows = []
    for row in cur.fetchall():
        vals = list(row)
        for i in tz_idx:
            if isinstance(vals[i], dt.datetime):
                vals[i] = vals[i].replace(tzinfo=dt.UTC)
        rows.append(tuple(vals))
    return cols, rows


def fetch_dicts(
    con: duckdb.DuckDBPyConnection, sql: str, params: Any = None
) -> list[dict[str, Any]]:
    """Run one SELECT and return its rows as dicts."""
    cols, rows = fetch(con, sql, params)
    return [dict(zip(cols, r, strict=True)) for r in rows]


def fetch_batches(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    size: int = 10_000,
    run: Callable[[Callable[[], Any]], Any] = lambda f: f(),
) -> tuple[list[str], Iterator[list[tuple[Any, ...]]]]:
    """Run one SELECT and return (column names, an iterator of row batches of ``size``), so a
    large result is never held in Python whole. ``run`` wraps each DuckDB call (time limits)."""
    rel = con.sql(sql)
    cols = list(rel.columns)
    tz_idx = [i for i, t in enumerate(rel.types) if _is_tz(t)]
    select = ", ".join(
        f"timezone('UTC', c{i})" if i in tz_idx else f"c{i}" for i in range(len(cols))
    )
    aliases = ", ".join(f"c{i}" for i in range(len(cols)))
    final = f"SELECT {select} FROM ({sql}) AS _q({aliases})" if tz_idx else sql
    cur = run(lambda: con.execute(final))

    def batches() -> Iterator[list[tuple[Any, ...]]]:
        while rows := run(lambda: cur.fetchmany(size)):
            if tz_idx:
                rows = [_utc(row, tz_idx) for row in rows]
            yield rows

    return cols, batches()


def _utc(row: tuple[Any, ...], tz_idx: list[int]) -> tuple[Any, ...]:
    vals = list(row)
    for i in tz_idx:
        if isinstance(vals[i], dt.datetime):
            vals[i] = vals[i].replace(tzinfo=dt.UTC)
    return tuple(vals)
