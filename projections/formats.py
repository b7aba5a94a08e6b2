"""How read-side values are written out: money, exact decimals, ratios, durations, timestamps, JSON.

One definition for every renderer (CLI, bot, report): money to the cent, decimals without padding
or exponent, exact-decimal JSON (decimals as JSON numbers, timestamps as RFC 3339 UTC, infinite
and NaN floats as null). Pure Python: importing it loads neither DuckDB nor rich.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from functools import cache
from typing import Any

__all__ = [
    "CENT",
    "duration",
    "json_text",
    "jsonable",
    "minute",
    "money",
    "pct",
    "plain_decimal",
    "r_value",
    "ratio",
    "rfc3339",
    "timestamp",
    "two_decimals",
]

CENT = Decimal("0.01")


def plain_decimal(value: Decimal) -> Decimal:
    """Drop trailing zeros without exponent notation: 11998.2500000000 -> 11998.25, 1E+2 -> 100."""
    if not value.is_finite():
        return value
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal.as_tuple().exponent > 0 else normal  # type: ignore[operator]


def money(value: Decimal | float | None, missing: str = "n/a", *, grouped: bool = False) -> str:
    """Money to the cent (``-30`` -> ``-30.00``); ``missing`` for None; ``grouped``: thousands
    separated by commas (``1,234.50``, the HTML report)."""
    if value is None:
        return missing
    cents = Decimal(value).quantize(CENT)
    return f"{cents:,}" if grouped else f"{cents}"


def two_decimals(value: float | None) -> Decimal | None:
    """A float as a decimal to two places (``0.6666`` -> ``Decimal('0.67')``), None kept."""
    return None if value is None else Decimal(f"{value:.2f}")


def ratio(value: float | None, digits: int = 2) -> str:
    """A ratio to ``digits`` decimals, ``n/a`` for None."""
    return "n/a" if value is None else f"{value:.{digits}f}"


def r_value(value: float | None, *, signed: bool = False) -> str:
    """An R-multiple to two decimals with its unit: ``1.18 R`` (``signed``: ``+1.18 R``)."""
    if value is None:
        return "n/a"
    return f"{float(value):+.2f} R" if signed else f"{value:.2f} R"


def pct(value: float | None) -> str:
    """A fraction as a percentage to one decimal: ``0.5`` -> ``50.0%``."""
    return "n/a" if value is None else f"{100 * value:.1f}%"


def duration(seconds: float | None) -> str:
    """Seconds as ``1h 05m`` (an hour or more) or ``12m``."""
    if seconds is None:
        return "n/a"
    minutes = round(seconds / 60)
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def timestamp(value: dt.datetime | None) -> str:
    """A timestamp in UTC to the second: ``2024-03-04 10:00:00Z``."""
    if value is None:
        return "n/a"
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def minute(value: dt.datetime | None, missing: str = "") -> str:
    """A timestamp in UTC to the minute: ``2024-03-04 10:00Z``; ``missing`` for None."""
    return missing if value is None else f"{value.astimezone(dt.UTC):%Y-%m-%d %H:%M}Z"


def rfc3339(value: dt.datetime) -> str:
    """Return a timestamp as RFC 3339 in UTC (``Z``); a naive one is taken to be UTC already."""
    aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return aware.isoformat().replace("+00:00", "Z")


def jsonable(value: Any) -> Any:
    """Return ``value`` with only JSON types and exact decimals (see ``json_text``)."""
    if isinstance(value, dict):
        return {("null" if k is None else str(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return Decimal(format(value, "f"))  # 1E+2 -> 100 (tiny values keep Python's E form)
    if isinstance(value, dt.datetime):
        return rfc3339(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def json_text(value: Any, indent: int = 0) -> str:
    """Return ``value`` as JSON: decimals as exact numbers (``129.00`` stays ``129.00``),
    timestamps as RFC 3339 UTC strings, infinite and NaN floats as null."""
    import msgspec

    raw: bytes = _json_encoder().encode(jsonable(value))
    return (msgspec.json.format(raw, indent=indent) if indent else raw).decode()


@cache
def _json_encoder() -> Any:
    import msgspec

    return msgspec.json.Encoder(decimal_format="number")
