"""Issue 12 item 5: one id names one event; only identical content is an idempotent skip.

Before: two different events with one id in a batch gave "1 duplicate skipped" and the second was
silently lost; so was a new event reusing an id already in the journal.
"""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from store_testlib import metric

from tradejournal.store import ConflictingIdError, Journal, read_events


def _open(root: Path, **kw: object) -> Journal:
    return Journal.open(root, create=True, durability="none", **kw)  # type: ignore[arg-type]


def test_two_different_events_with_one_id_in_a_batch_are_refused(tmp_path: Path) -> None:
    with _open(tmp_path / "j") as j:
        with pytest.raises(ConflictingIdError) as err:
            j.append_many([metric(1), metric(2, id="x"), metric(3, id="x")])
        assert j.last_seq == 0

    message = str(err.value)
    assert "'x'" in message
    assert "event 3 of 3" in message and "event 2 of 3" in message
    assert "name" in err.value.fields and "duration_ms" in err.value.fields
    assert list(read_events(tmp_path / "j")) == []  # nothing written


def test_an_id_already_in_the_journal_with_other_content_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with _open(root) as j:
        j.append_many([metric(1), metric(2, id="x")])
    with _open(root) as j, pytest.raises(ConflictingIdError) as err:
        j.append_many([metric(5), metric(9, id="x")])

    assert "the event at seq 2" in str(err.value)
    assert "event 2 of 2" in str(err.value)
    assert [e.id for e in read_events(root)] == ["m:1", "x"]


def test_a_conflict_with_an_event_not_yet_indexed_is_seen_too(tmp_path: Path) -> None:
    with _open(tmp_path / "j", index_flush_events=1000) as j:
        j.append(metric(2, id="x"))  # pending: in the log, not yet in the id index
        with pytest.raises(ConflictingIdError, match="the event at seq 1"):
            j.append(metric(3, id="x"))


def test_identical_content_is_an_idempotent_skip(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with _open(root) as j:
        first = j.append_many([metric(1), metric(2)])
    with _open(root) as j:
        again = j.append_many([metric(1), metric(2), metric(2), metric(3)])

    assert first.new == [1, 2]
    assert (list(again), again.new) == ([1, 2, 2, 3], [3])


def test_store_fields_do_not_count_as_content(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with _open(root) as j:
        j.append(metric(1))
        stored = next(iter(read_events(root)))
        assert stored.seq == 1 and stored.recorded_ts is not None
        # the event as read back (seq and recorded_ts set) is the same event
        assert j.append(stored) == 1
        assert j.append(msgspec.structs.replace(stored, seq=None, recorded_ts=None)) == 1
