"""Reading the old bot's SQLite files: tables, rows as dicts, and tolerant field access.

The old schemas varied between bot versions, so a field is looked up under several names
(``pick(row, "created_at", "ts", "timestamp")``), timestamps are accepted as epoch seconds,
epoch milliseconds or ISO 8601 text, and every value is also kept verbatim (``raw_json``).
Files are opened read-only; a file that is not SQLite is a ``LegacyImportError``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tradejournal.events.errors import TradejournalError

__all__ = [
    "LegacyImportError",
    "Row",
    "as_decimal",
    "as_int",
    "as_text",
    "as_ts",
    "pick",
    "raw_json",
    "read_tables",
    "row_key",
]

Row = dict[str, Any]


class LegacyImportError(TradejournalError):
    """An old file cannot be read (not SQLite, unreadable); nothing was imported."""


def read_tables(path: Path) -> Iterator[tuple[str, str, list[Row]]]:
    """Yield (table, key column or 'rowid', rows ordered by that key) of every user table."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise LegacyImportError(f"{path}: cannot open: {exc}") from exc
    try:
        try:
            names = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )]  # fmt: skip
        except sqlite3.DatabaseError as exc:
            raise LegacyImportError(f"{path}: not an SQLite database ({exc})") from exc
        for name in names:
            key = _key_column(con, name)
            quoted = _quote(name)
            order = "rowid" if key == "rowid" else _quote(key)
            try:
                cur = con.execute(f"SELECT rowid AS __rowid, * FROM {quoted} ORDER BY {order}")
            except sqlite3.OperationalError:  # WITHOUT ROWID table
                cur = con.execute(f"SELECT * FROM {quoted} ORDER BY {order}")
            cols = [d[0] for d in cur.description]
            yield name, key, [dict(zip(cols, r, strict=True)) for r in cur]
    finally:
        con.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _key_column(con: sqlite3.Connection, table: str) -> str:
    info = con.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
    pks = [r for r in info if r[5]]
    if len(pks) == 1:
        return str(pks[0][1])
    for idx in con.execute(f"PRAGMA index_list({_quote(table)})").fetchall():
        if idx[2]:  # unique
            cols = con.execute(f"PRAGMA index_info({_quote(str(idx[1]))})").fetchall()
            if len(cols) == 1:
                return str(cols[0][2])
    return "rowid"


def row_key(row: Row, key: str) -> str:
    """Return the row's key as text."""
    value = row.get(key, row.get("__rowid"))
    return str(value)


def pick(row: Row, *names: str) -> Any:
    """Return the first non-empty value among columns ``names`` (case-insensitive), else None."""
    lower = {k.lower(): v for k, v in row.items()}
    for name in names:
        value = lower.get(name.lower())
        if value is not None and value != "":
            return value
    return None


def raw_json(row: Row) -> str:
    """Return every column (not the internal rowid) as a JSON object; BLOBs as ``hex:...``."""
    out = {}
    for k, v in row.items():
        if k == "__rowid":
            continue
        out[k] = "hex:" + v.hex() if isinstance(v, bytes | bytearray | memoryview) else v
    return json.dumps(out, ensure_ascii=False, sort_keys=True, default=str, allow_nan=False)


def as_ts(value: Any) -> dt.datetime | None:
    """Epoch seconds / milliseconds or ISO 8601 text (naive = UTC) -> aware UTC, else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    try:
        return as_ts(float(text))
    except ValueError:
        pass
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def as_decimal(value: Any) -> Decimal | None:
    """A number (or numeric text) as an exact Decimal of its shortest repr, else None."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        d = Decimal(str(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def as_int(value: Any) -> int | None:
    """An integer (or integral text/float), else None."""
    d = as_decimal(value)
    return int(d) if d is not None and d == d.to_integral_value() else None


def as_text(value: Any) -> str | None:
    """Non-empty text, else None."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None
