"""Define the envelope every journal event carries, the shared field types, and their validation.

Invariants owned here: one annotation per field name across the catalogue (the types below are
reused, never redefined); timestamps are timezone-aware and normalised to UTC; money, prices and
volumes are exact ``Decimal`` values written as JSON numbers, finite, with the signs traders expect.
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
    if rule == "positive" and value <= 0:
        raise ValueError(f"{name}: must be > 0, was {value}")
    if rule == "nonneg" and value < 0:
        raise ValueError(f"{name}: must be >= 0, was {value}")


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
    if isinstance(info, msgspec.inspect.DecimalType):
        return "any"
    if isinstance(info, msgspec.inspect.Metadata):
        inner = _rule_for(info.type)
        if inner == "any" and info.extra:
            return str(info.extra.get("tj", "any"))
        return inner
    return None
