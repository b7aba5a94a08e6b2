"""Define the envelope every journal event carries, the shared field types, and their validation.

Invariants owned here: one annotation per field name across the catalogue (the types below are
reused, never redefined); timestamps are timezone-aware and normalised to UTC; money, prices and
volumes are exact ``Decimal`` values written as JSON numbers, finite, with the signs traders expect.

Bounds every field gets, whatever its module (so every producer gets them): what the projections
can hold exactly. Integers are 64-bit signed (DuckDB ``BIGINT``). Decimals have at most
``DECIMAL_PLACES`` (10) digits after the point and ``DECIMAL_DIGITS`` (15) significant digits
(DuckDB reads a JSON number through a double, exact to 15 digits, into ``DECIMAL(38,10)``):
``volume`` 1e-11 is refused instead of becoming 0, ``profit`` 1e40 instead of breaking a load.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time
import uuid
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

__all__ = [
    "DECIMAL_DIGITS",
    "DECIMAL_PLACES",
    "INT_MAX",
    "INT_MIN",
    "Count",
    "Direction",
    "Event",
    "Millis",
    "Money",
    "Percent",
    "Price",
    "Usd",
    "UtcDatetime",
    "Volume",
    "new_id",
]

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
"""The range of every integer field (a DuckDB BIGINT)."""
DECIMAL_PLACES = 10
"""Digits after the decimal point of every decimal field (the DECIMAL(38,10) columns)."""
DECIMAL_DIGITS = 15
"""Significant digits of every decimal field (exact through a double, DuckDB's JSON path)."""

# --- shared field types -------------------------------------------------------------------------
# ``Meta(extra={"tj": ...})`` tags the Decimal role; ``Event.__post_init__`` enforces it because
# msgspec has no numeric constraints for Decimal.
UtcDatetime = Annotated[dt.datetime, msgspec.Meta(tz=True)]
Price = Annotated[Decimal, msgspec.Meta(extra={"tj": "nonneg"}, description="price, >= 0")]
Volume = Annotated[Decimal, msgspec.Meta(extra={"tj": "positive"}, description="lots, > 0")]
Money = Annotated[Decimal, msgspec.Meta(extra={"tj": "any"}, description="account currency")]
Usd = Annotated[Decimal, msgspec.Meta(extra={"tj": "nonneg"}, description="US dollars, >= 0")]
Count = Annotated[int, msgspec.Meta(ge=0)]
Millis = Annotated[float, msgspec.Meta(ge=0)]
Percent = Annotated[float, msgspec.Meta(ge=0, le=100)]
Direction = Literal["BUY", "SELL", "HOLD"]

_UTC = dt.UTC
_ZERO = dt.timedelta(0)


def new_id() -> str:
    """Return a new time-ordered UUIDv7 string (RFC 9562) for events without a source key."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


class Event(
    msgspec.Struct, tag_field="type", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Base class of every event: the envelope fields of docs/design.md.

    ``seq`` and ``recorded_ts`` are assigned by the store; ``crc`` is a framing field of the
    store and never appears on a decoded event.
    """

    seq: Annotated[int, msgspec.Meta(ge=1)] | None = None
    """Global, gapless position in the log; assigned by the store."""
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] = msgspec.field(
        default_factory=new_id
    )
    """Idempotency key: derived from the source where one exists, else a UUIDv7."""
    v: Annotated[int, msgspec.Meta(ge=1)] = 1
    """Schema version of this event type."""
    ts: UtcDatetime
    """When it happened (UTC)."""
    recorded_ts: UtcDatetime | None = None
    """When the store appended it (UTC); assigned by the store."""
    producer: Annotated[str, msgspec.Meta(min_length=1)]
    """Who produced it: telegram, llm, mt5, scanner, import, cli, ..."""
    account: str | None = None
    """Trading account label (MT5 login) where it applies."""
    correlation_id: str | None = None
    """Links the chain signal -> recommendation -> order -> fills -> trails -> exit."""
    causation_id: str | None = None
    """The id of the event that directly caused this one."""

    def __post_init__(self) -> None:
        checks = _CHECKS.get(type(self))
        if checks is None:
            checks = _CHECKS[type(self)] = _compile_checks(type(self))
        for name, rule in checks:  # hot path: cheap tests first, messages built on failure only
            value = getattr(self, name)
            if value is None:
                continue
            if rule == "utc":
                if value.tzinfo is not _UTC:
                    _check_utc(self, name, value)
            elif rule == "int":
                if type(value) is int and not INT_MIN <= value <= INT_MAX:
                    raise ValueError(
                        f"{name}: must fit in a 64-bit integer ({INT_MIN}..{INT_MAX}), was {value}"
                    )
            elif rule == "float":
                if not math.isfinite(value):
                    raise ValueError(f"{name}: must be a finite number, was {value!r}")
            elif (
                type(value) is not Decimal
                or not value.is_finite()
                or (
                    rule != "any"
                    and ((value.is_signed() and value) or (rule == "positive" and not value))
                )
                or not _exact_in_projections(value)
            ):
                _check_decimal(name, value, rule)
        self.validate()

    def validate(self) -> None:
        """Check rules that involve several fields; subclasses override. Raise ValueError."""


_CHECKS: dict[type, tuple[tuple[str, str], ...]] = {}


def _check_utc(event: Event, name: str, value: dt.datetime) -> None:
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"{name}: must be timezone-aware (UTC), was naive {value.isoformat()}")
    if offset != _ZERO or value.tzinfo is not _UTC:
        msgspec.structs.force_setattr(event, name, value.astimezone(_UTC))


def _check_decimal(name: str, value: Decimal, rule: str) -> None:
    if not isinstance(value, Decimal):
        raise ValueError(f"{name}: must be a decimal number, was {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{name}: must be a finite number, was {value}")
    if not _exact_in_projections(value):
        digits, places = _digits_and_places(value)
        if places > DECIMAL_PLACES:
            limit = f"at most {DECIMAL_PLACES} digits after the decimal point"
        else:
            limit = f"at most {DECIMAL_DIGITS} digits (below 1e{DECIMAL_DIGITS})"
        raise ValueError(
            f"{name}: must have {limit} (the projections store it exactly only then), was {value}"
        )
    if rule == "positive" and value <= 0:
        raise ValueError(f"{name}: must be > 0, was {value}")
    if rule == "nonneg" and value < 0:
        raise ValueError(f"{name}: must be >= 0, was {value}")


def _exact_in_projections(value: Decimal) -> bool:
    # cheap common case first: few digits, few places
    _, digits, exponent = value.as_tuple()
    if len(digits) <= DECIMAL_DIGITS and -DECIMAL_PLACES <= exponent <= 0:  # type: ignore[operator]
        return True
    n, places = _digits_and_places(value)
    return n <= DECIMAL_DIGITS and places <= DECIMAL_PLACES


def _digits_and_places(value: Decimal) -> tuple[int, int]:
    """Return (significant digits, digits after the point) of a finite value, zeros trimmed."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    trimmed = len(digits)
    while trimmed > 1 and digits[trimmed - 1] == 0:
        trimmed -= 1
    exponent += len(digits) - trimmed
    if not any(digits):
        return 1, 0
    places = max(0, -exponent)
    # 1e20 has one significant digit but needs 21 integer digits: count the integer digits too
    return max(trimmed, trimmed + exponent), places


def _compile_checks(cls: type) -> tuple[tuple[str, str], ...]:
    checks: list[tuple[str, str]] = []
    for field in msgspec.structs.fields(cls):
        rule = _rule_for(msgspec.inspect.type_info(field.type))
        if rule:
            checks.append((field.name, rule))
    return tuple(checks)


def _rule_for(info: msgspec.inspect.Type) -> str | None:
    if isinstance(info, msgspec.inspect.UnionType):
        rules = {_rule_for(t) for t in info.types} - {None}
        return rules.pop() if rules else None
    if isinstance(info, msgspec.inspect.DateTimeType):
        return "utc"
    if isinstance(info, msgspec.inspect.FloatType):
        return "float"
    if isinstance(info, msgspec.inspect.IntType):
        return "int"
    if isinstance(info, msgspec.inspect.DecimalType):
        return "any"
    if isinstance(info, msgspec.inspect.Metadata):
        inner = _rule_for(info.type)
        if inner == "any" and info.extra:
            return str(info.extra.get("tj", "any"))
        return inner
    return None
