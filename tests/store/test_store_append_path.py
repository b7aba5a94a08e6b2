"""The fast append path: the bytes it writes, the id index it keeps, and what it refuses.

Lines are built from checked copies of the events (one encode each, the CRC carried on from the
type's opening) and the id index is written and probed with one JSON statement per batch; these
tests hold both to the plain definitions: a line is ``frame(encode(event with seq and
recorded_ts))``, and id -> seq is the seq of the first line naming the id, whatever the batches,
duplicates, reopens, writers and index-flush settings.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_testlib import T0, active, line_spans, log_pairs, metric

from tradejournal.events import ENCODER, InvalidEventError, MetricTiming, decode_event
from tradejournal.store import Journal
from tradejournal.store.framing import frame, unframe
from tradejournal.store.index import IdIndex

ODD_IDS = ['q"uote', "back\\slash", "é€😀", "tab\t\nnl", "\u2028", "a", "a\x01", "\\u0000"]


def _index_of(root: Path) -> dict[str, int]:
    """The whole id index as a dict (read with a fresh connection)."""
    index = IdIndex(root / "index.sqlite")
    try:
        ids = [i for i, _ in log_pairs(root)]
        return index.lookup(ids)
    finally:
        index.close()


def _reference_line(line: bytes) -> bytes:
    """The line the plain definition gives for the event this line holds."""
    event = decode_event(unframe(line))
    assert event.seq is not None and event.recorded_ts is not None
    unstamped = msgspec.structs.replace(event, seq=None, recorded_ts=None)
    stamped = msgspec.structs.replace(unstamped, seq=event.seq, recorded_ts=event.recorded_ts)
    return frame(ENCODER.encode(stamped))


# Each step: ("batch", [n...]) appends metrics m:<n> (ids repeat across and within batches),
# ("reopen", flush) closes the writer and opens another with that index_flush_events,
# ("other", [n...]) appends through a second writer on the same journal (its own lock holder).
_steps = st.lists(
    st.one_of(
        st.tuples(st.just("batch"), st.lists(st.integers(0, 30), min_size=1, max_size=12)),
        st.tuples(st.just("reopen"), st.sampled_from([1, 3, 256])),
        st.tuples(st.just("other"), st.lists(st.integers(0, 30), min_size=1, max_size=5)),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=_steps, odd=st.booleans())
def test_any_interleaving_of_batches_gives_first_seen_ids_and_plain_lines(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, Any]], odd: bool
) -> None:
    root = tmp_path_factory.mktemp("interleave") / "j"

    def ev(n: int) -> MetricTiming:
        return metric(n, id=ODD_IDS[n % len(ODD_IDS)] + str(n) if odd else None)

    model: dict[str, int] = {}  # id -> seq of its first line
    j = Journal.open(root, create=True, durability="none", index_flush_events=3)
    try:
        for kind, arg in steps:
            if kind == "reopen":
                j.close()
                j = Journal.open(root, durability="none", index_flush_events=arg)
                continue
            events = [ev(n) for n in arg]
            if kind == "other":
                with Journal.open(root, durability="none", index_flush_events=256) as other:
                    seqs = other.append_many(events)
            else:
                seqs = j.append_many(events)
            for event, seq in zip(events, seqs, strict=True):
                expected = model.setdefault(event.id, len(model) + 1)
                assert seq == expected
    finally:
        j.close()

    assert log_pairs(root) == sorted(model.items(), key=lambda p: p[1])
    assert _index_of(root) == model
    data = active(root).read_bytes()
    for _, line in line_spans(data):
        assert line + b"\n" == _reference_line(line)


def test_odd_and_nul_ids_are_found_again_after_reopening(tmp_path: Path) -> None:
    # A NUL ends a string in SQLite's JSON text: such batches take the per-row statements.
    ids = [*ODD_IDS, "nul\x00inside", "nul"]
    root = tmp_path / "j"
    with Journal.open(root, create=True, index_flush_events=1) as j:
        first = j.append_many([metric(n, id=i) for n, i in enumerate(ids)])
    assert first.new == list(range(1, len(ids) + 1))
    with Journal.open(root) as j:
        again = j.append_many([metric(n, id=i) for n, i in enumerate(ids)])
        single = j.append(metric(len(ids) - 2, id="nul\x00inside"))
    assert again == first and again.new == []
    assert single == len(ids) - 1
    assert _index_of(root) == {i: n + 1 for n, i in enumerate(ids)}


def test_a_batch_with_one_invalid_event_names_it_and_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "j"
    bad = metric(3)
    msgspec.structs.force_setattr(bad, "producer", 5)  # a wrong type __post_init__ lets by
    with Journal.open(root, create=True) as j:
        j.append_many([metric(0)])
        size = active(root).stat().st_size
        with pytest.raises(InvalidEventError) as caught:
            j.append_many([metric(1), metric(2), bad, metric(4), metric(5)])
        assert caught.value.field == "producer"
        assert "(event 3 of 5)" in str(caught.value)
        assert active(root).stat().st_size == size
        assert j.append(metric(1)) == 2  # the writer goes on at the next seq


def test_a_duplicate_before_the_invalid_event_shifts_nothing_in_the_message(
    tmp_path: Path,
) -> None:
    root = tmp_path / "j"
    bad = metric(9)
    msgspec.structs.force_setattr(bad, "duration_ms", float("inf"))
    with Journal.open(root, create=True) as j:
        j.append(metric(0))
        with pytest.raises(InvalidEventError) as caught:
            j.append_many([metric(0), metric(1), bad])
    assert caught.value.field == "duration_ms"
    assert "(event 3 of 3)" in str(caught.value)
    assert log_pairs(root) == [("m:0", 1)]


def test_a_decimal_that_is_not_finite_is_refused_naming_the_field(tmp_path: Path) -> None:
    from factories import make_deal

    deal = make_deal()
    msgspec.structs.force_setattr(deal, "price", float("nan"))  # around __post_init__
    with Journal.open(tmp_path / "j", create=True) as j:
        with pytest.raises(InvalidEventError) as caught:
            j.append_many([metric(0), deal])
        assert caught.value.field == "price"
        assert "(event 2 of 2)" in str(caught.value)
        assert j.last_seq == 0


def test_recorded_ts_never_goes_back_when_the_clock_does(tmp_path: Path) -> None:
    times = iter([T0 + dt.timedelta(seconds=5), T0, T0 + dt.timedelta(seconds=6)])
    with Journal.open(tmp_path / "j", create=True, clock=lambda: next(times)) as j:
        for n in range(3):
            j.append(metric(n))
        stamps = [e.recorded_ts for e in j.read()]
    assert stamps == [T0 + dt.timedelta(seconds=s) for s in (5, 5, 6)]
