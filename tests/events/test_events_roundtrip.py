"""Properties of the JSON codec: every catalogue event round-trips; garbage fails only cleanly.

Events are generated generically from ``msgspec.inspect`` type info, so a new event type or field
is covered without touching this file, and an unknown field type fails loudly here.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import msgspec.inspect as mi
import pytest
from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st

from tradejournal.events import (
    CURRENT_VERSION,
    EVENT_TYPES,
    Event,
    InvalidEventError,
    decode_event,
    encode_event,
)

SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)
_DECIMAL_RULES = {"nonneg", "positive", "any"}


# --- a strategy for any value of a msgspec type -------------------------------------------------


def for_type(t: mi.Type, rule: str | None = None) -> st.SearchStrategy[Any]:
    """Return a strategy for valid values of ``t``; ``rule`` is the Decimal role (``tj`` marker)."""
    if isinstance(t, mi.Metadata):
        extra = t.extra or {}
        return for_type(t.type, extra.get("tj", rule))
    if isinstance(t, mi.UnionType):
        return st.one_of([for_type(x, rule) for x in t.types])
    if isinstance(t, mi.NoneType):
        return st.none()
    if isinstance(t, mi.BoolType):
        return st.booleans()
    if isinstance(t, mi.IntType):
        return _ints(t)
    if isinstance(t, mi.FloatType):
        return _floats(t)
    if isinstance(t, mi.StrType):
        return _strs(t)
    if isinstance(t, mi.DecimalType):
        return _decimals(rule or "any")
    if isinstance(t, mi.DateTimeType):
        zones = st.just(dt.UTC) if t.tz else st.none()
        return st.datetimes(timezones=zones)
    if isinstance(t, mi.LiteralType):
        return st.sampled_from(t.values)
    if isinstance(t, mi.ListType):
        return st.lists(for_type(t.item_type), min_size=t.min_length or 0, max_size=5)
    raise TypeError(f"no strategy for {t!r}: teach for_type() about it")


def _ints(t: mi.IntType) -> st.SearchStrategy[int]:
    assert t.multiple_of is None, "multiple_of is not supported"
    low = t.ge if t.ge is not None else (t.gt + 1 if t.gt is not None else None)
    high = t.le if t.le is not None else (t.lt - 1 if t.lt is not None else None)
    return st.integers(min_value=low, max_value=high)


def _floats(t: mi.FloatType) -> st.SearchStrategy[float]:
    assert t.multiple_of is None, "multiple_of is not supported"
    return st.floats(
        min_value=t.ge if t.ge is not None else t.gt,
        max_value=t.le if t.le is not None else t.lt,
        exclude_min=t.gt is not None,
        exclude_max=t.lt is not None,
        allow_nan=False,
        allow_infinity=False,
    )


def _strs(t: mi.StrType) -> st.SearchStrategy[str]:
    if t.pattern is not None:
        return st.from_regex(t.pattern)
    return st.text(min_size=t.min_length or 0, max_size=t.max_length or 30)


def _decimals(rule: str) -> st.SearchStrategy[Decimal]:
    assert rule in _DECIMAL_RULES, f"unknown Decimal role {rule!r}"
    plain = st.decimals(allow_nan=False, allow_infinity=False)
    cents = st.integers(-(10**12), 10**12).map(lambda n: Decimal(n).scaleb(-2))
    values = st.one_of(plain, cents)
    if rule == "nonneg":
        return values.filter(lambda d: d >= 0)
    if rule == "positive":
        return values.filter(lambda d: d > 0)
    return values


def _field_strategy(cls: type[Event], field: mi.Field) -> st.SearchStrategy[Any]:
    if field.name == "v":  # events carry the version this code writes
        return st.just(CURRENT_VERSION[str(cls.__struct_config__.tag)])
    return for_type(field.type)


@st.composite
def event_of(draw: st.DrawFn, cls: type[Event]) -> Event:
    """Draw a valid event of ``cls``, rejecting draws that break its cross-field rules."""
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    kwargs = draw(st.fixed_dictionaries({f.name: _field_strategy(cls, f) for f in info.fields}))
    try:
        return cls(**kwargs)
    except ValueError:
        reject()  # e.g. a HOLD signal, a stop on the wrong side, too few variants


TYPES = sorted(EVENT_TYPES.values(), key=lambda c: str(c.__struct_config__.tag))
any_event = st.sampled_from(TYPES).flatmap(event_of)


# --- properties -------------------------------------------------------------------------------


@SETTINGS
@given(any_event)
def test_any_event_round_trips(event: Event) -> None:
    data = encode_event(event)

    assert decode_event(data) == event
    assert encode_event(decode_event(data)) == data


@pytest.mark.parametrize("cls", TYPES, ids=lambda c: str(c.__struct_config__.tag))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_each_event_type_round_trips(cls: type[Event], data: st.DataObject) -> None:
    event = data.draw(event_of(cls))

    back = decode_event(encode_event(event))

    assert type(back) is cls
    assert back == event


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
FIELD_NAMES = sorted({f.encode_name for c in TYPES for f in mi.type_info(c).fields})  # type: ignore[attr-defined]
tag_like = st.sampled_from(sorted(EVENT_TYPES)) | json_values
near_events = st.builds(
    lambda fields, tag, v: json.dumps({**fields, "type": tag, "v": v}).encode(),
    st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=8),
    tag_like,
    st.sampled_from([1, 2]) | json_values,
)


@st.composite
def mutated_encoding(draw: st.DrawFn) -> bytes:
    """Return a valid encoding truncated at a random offset, or with one byte flipped."""
    data = encode_event(draw(any_event))
    at = draw(st.integers(0, len(data) - 1))
    if draw(st.booleans()):
        return data[:at]
    flipped = data[at] ^ draw(st.integers(1, 255))
    return data[:at] + bytes([flipped]) + data[at + 1 :]


@SETTINGS
@given(st.one_of(st.binary(), mutated_encoding(), near_events))
@example(b'{"type": "metric.timing", "v": [1]}')
@example(b'{"type": [], "v": 1}')
@example(b'{"type": "metric.timing", "v": 1, "duration_s": null}')
@example(b'{"type": "metric.timing", "v": 1, "duration_s": 1e308}')
@example(b'{"type": "metric.timing", "v": 1, "duration_s": ' + b"9" * 400 + b"}")
@example(b"[1, 2]")
@example(b"\xff\xfe")
@example(b'{"type":"\x80"')
@example(b'{"type":"","":"\xb2"}')
def test_garbage_raises_only_invalid_event_error(data: bytes) -> None:
    try:
        event = decode_event(data)
    except InvalidEventError as exc:
        assert isinstance(exc.field, str) and exc.reason
    else:
        assert isinstance(event, tuple(TYPES))
        assert decode_event(encode_event(event)) == event
