"""``checked_copies``: the store's check of events before writing them, against the JSON check.

The store used to validate an event by encoding it and decoding the JSON into shadow types;
it now converts the event's attributes into untagged copies and encodes the copies. These
properties hold the new check to the old one: every copy encodes to the event's own bytes, and
an event the JSON check refused is refused too, naming the same field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_events_roundtrip import any_event

from tradejournal.events import (
    ENCODER,
    Event,
    InvalidEventError,
    MetricTiming,
    check_encoded_many,
    checked_copies,
    unencodable,
)

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)
T0 = dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC)


def _encodings(events: list[Event]) -> list[bytes]:
    """Each event's encoding rebuilt from its checked copy, in the events' order."""
    out: dict[int, bytes] = {}
    for group in checked_copies(events):
        for i, copy in zip(group.positions, group.copies, strict=True):
            assert i not in out  # every event is in exactly one group
            out[i] = group.opening + ENCODER.encode(copy)[1:]
    assert sorted(out) == list(range(len(events)))
    return [out[i] for i in range(len(events))]


@SETTINGS
@given(st.lists(any_event, min_size=1, max_size=6))
def test_checked_copies_encode_to_the_events_own_bytes(events: list[Event]) -> None:
    assert _encodings(events) == [ENCODER.encode(e) for e in events]


@SETTINGS
@given(st.lists(any_event, min_size=1, max_size=6))
def test_groups_keep_the_batch_order_within_a_type(events: list[Event]) -> None:
    for group in checked_copies(events):
        assert group.positions == sorted(group.positions)
        assert {type(events[i]) for i in group.positions} == {type(events[group.positions[0]])}


WRONG_VALUES: list[Any] = [
    5,
    -1,
    2**70,
    True,
    "x",
    "",
    1.5,
    float("inf"),
    float("-inf"),
    float("nan"),
    Decimal("-1"),
    Decimal("1e40"),
    T0.replace(tzinfo=None),  # naive
    T0,
    None,
    [1],
    ["a"],
    ("a",),
    {"a": 1},
    b"x",
]


def _old_check(event: Event) -> str | None:
    """The JSON check the store used before: the refused field's name, or None if accepted."""
    try:
        check_encoded_many([ENCODER.encode(event)])
    except InvalidEventError as exc:
        return exc.field
    except (ValueError, TypeError, OverflowError):  # the encoder itself refused a value
        return "<encoder>"
    return None


def _new_check(event: Event) -> str | None:
    """The check the store uses now: the refused field's name, or None if accepted."""
    try:
        _encodings([event])
    except InvalidEventError as exc:
        return exc.field
    except ValueError as exc:  # the encoder refused a value: the store names it this way
        return unencodable([event], exc).field
    except (TypeError, OverflowError):
        return "<encoder>"
    return None


@settings(max_examples=400, deadline=None)
@given(any_event, st.data())
def test_a_value_the_json_check_refused_is_refused_naming_the_same_field(
    event: Event, data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from([f for f in event.__struct_fields__ if f != "seq"]))
    value = data.draw(st.sampled_from(WRONG_VALUES))
    bad = msgspec.structs.replace(event)
    msgspec.structs.force_setattr(bad, name, value)  # around __post_init__: only types are left

    old, new = _old_check(bad), _new_check(bad)

    if old is not None:
        assert new is not None, f"{name}={value!r} was refused by the JSON check, not now"
    if old not in (None, "<encoder>") and new != "<encoder>":
        assert new == old


def _metric(n: int, **changes: Any) -> MetricTiming:
    event = MetricTiming(id=f"m:{n}", ts=T0, producer="test", name="x", duration_ms=1.0)
    for name, value in changes.items():
        msgspec.structs.force_setattr(event, name, value)
    return event


def test_the_first_bad_event_of_a_batch_is_named_by_its_index() -> None:
    batch = [_metric(0), _metric(1), _metric(2, producer=5), _metric(3, name=7)]

    with pytest.raises(InvalidEventError) as caught:
        checked_copies(batch)

    assert (caught.value.index, caught.value.field) == (2, "producer")
    assert "Expected `str`, got `int`" in caught.value.reason


def test_an_event_outside_the_catalogue_is_refused() -> None:
    class Homemade(MetricTiming, tag="homemade"):
        pass

    event = Homemade(ts=T0, producer="test", name="x", duration_ms=1.0)

    with pytest.raises(InvalidEventError) as caught:
        checked_copies([_metric(0), event])

    assert (caught.value.index, caught.value.field) == (1, "type")
    assert "not a catalogue event: Homemade" in caught.value.reason


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -float("inf")])
def test_a_float_that_is_not_finite_is_refused(value: float) -> None:
    # JSON has no infinity: the encoder would write null, which the JSON check refused.
    with pytest.raises(InvalidEventError) as caught:
        checked_copies([_metric(0, duration_ms=value)])

    assert caught.value.field == "duration_ms"
