"""Generate the DuckDB ``events`` table from the typed event catalogue (msgspec.inspect).

One field name has one type across the catalogue, so the table is the union of every field of
every event type, typed: int -> BIGINT, float -> DOUBLE, Decimal -> DECIMAL(38,10),
datetime -> TIMESTAMPTZ, str/Literal -> VARCHAR, list[str] -> VARCHAR[], bool -> BOOLEAN; plus
``type`` and the store's framing field ``crc``.

Decimals are *read* from JSON as VARCHAR and cast on insert: DuckDB parses a JSON number through
a double, and ``DECIMAL`` read directly multiplies that double by 10^scale (``-98686170.96``
became ``-98686170.9599999872``), while the VARCHAR path prints the double's shortest
round-trip form, which is the written number exactly for up to 15 significant digits.

Old schema versions are read too (``LEGACY_READ_COLUMNS``): ``metric.timing`` v1 wrote
``duration_s``; the load SQL folds it into ``duration_ms`` (x1000), as ``events/upcast.py`` does.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

import msgspec

from tradejournal.events import EVENT_TYPES

__all__ = [
    "DECIMAL",
    "LEGACY_READ_COLUMNS",
    "event_columns",
    "events_ddl",
    "read_columns",
    "schema_hash",
]

DECIMAL = "DECIMAL(38,10)"
LEGACY_READ_COLUMNS: dict[str, str] = {"duration_s": "DOUBLE"}
"""Fields of old schema versions, read from JSON only to be upcast in the load SQL."""

_LEADING = ("seq", "type", "v", "id", "ts", "recorded_ts", "producer", "account")
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def _duck_type(info: msgspec.inspect.Type) -> str:
    if isinstance(info, msgspec.inspect.Metadata):
        return _duck_type(info.type)
    if isinstance(info, msgspec.inspect.UnionType):
        kinds = {_duck_type(t) for t in info.types if not isinstance(t, msgspec.inspect.NoneType)}
        if len(kinds) != 1:
            raise TypeError(f"union of several column types: {sorted(kinds)}")
        return kinds.pop()
    simple: list[tuple[type, str]] = [
        (msgspec.inspect.BoolType, "BOOLEAN"),
        (msgspec.inspect.IntType, "BIGINT"),
        (msgspec.inspect.FloatType, "DOUBLE"),
        (msgspec.inspect.DecimalType, DECIMAL),
        (msgspec.inspect.DateTimeType, "TIMESTAMPTZ"),
        (msgspec.inspect.StrType, "VARCHAR"),
        (msgspec.inspect.LiteralType, "VARCHAR"),
    ]
    for cls, name in simple:
        if isinstance(info, cls):
            return name
    if isinstance(info, msgspec.inspect.ListType):
        return _duck_type(info.item_type) + "[]"
    raise TypeError(f"no DuckDB column type for {info!r}")


@cache
def event_columns() -> tuple[tuple[str, str], ...]:
    """Return ``(column, duckdb_type)`` of the events table, envelope first, then by name."""
    cols: dict[str, str] = {"type": "VARCHAR"}
    for tag, cls in EVENT_TYPES.items():
        for field in msgspec.inspect.type_info(cls).fields:  # type: ignore[attr-defined]
            duck = _duck_type(field.type)
            if cols.setdefault(field.name, duck) != duck:
                raise TypeError(f"{tag}.{field.name}: {duck} vs {cols[field.name]} elsewhere")
    cols["seq"] = "BIGINT"
    cols["crc"] = "BIGINT"
    for name in cols:
        if not _IDENT.match(name):
            raise TypeError(f"field name {name!r} is not a plain SQL identifier")
    lead = [(n, cols[n]) for n in _LEADING]
    rest = sorted((n, t) for n, t in cols.items() if n not in _LEADING)
    return tuple(lead + rest)


def read_columns() -> dict[str, str]:
    """Return the ``columns`` argument of ``read_json``: decimals as VARCHAR, legacy fields."""
    out = {n: ("VARCHAR" if t == DECIMAL else t) for n, t in event_columns()}
    out.update(LEGACY_READ_COLUMNS)
    return out


def events_ddl() -> str:
    """Return the CREATE TABLE statement of ``events`` (identifiers checked plain above)."""
    body = ",\n  ".join(f"{n} {t}{' NOT NULL' if n == 'type' else ''}" for n, t in event_columns())
    return f"CREATE TABLE IF NOT EXISTS events (\n  {body}\n)"


def schema_hash(load_sql: str) -> str:
    """Return the hash that versions the events table: its DDL, read columns and load SQL."""
    h = hashlib.sha256()
    for part in (events_ddl(), repr(sorted(read_columns().items())), load_sql):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()
