"""Old schema versions are upcast twice — in Python (``events/upcast.py``, for readers of the
store) and in SQL (``projections/sql/000_events.sql``, for the ``events`` table) — and both paths
must give the same event. Every upcaster has a sample old line here; a new upcaster without a
sample fails the first test, so the two paths cannot drift apart unnoticed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from proj_helpers import write
from proj_scenario import at

from tradejournal import projections as P
from tradejournal.events import ENCODER, MetricTiming
from tradejournal.events.upcast import UPCASTERS
from tradejournal.store import Journal
from tradejournal.store.framing import frame

# (tag, old version) -> the type's own fields as that version wrote them
OLD_SAMPLES: dict[tuple[str, int], dict[str, Any]] = {
    ("metric.timing", 1): {"name": "mt5.order_send", "duration_s": 0.2345},
}


def test_every_upcaster_has_an_old_sample() -> None:
    assert set(OLD_SAMPLES) == set(UPCASTERS)


def _append_raw(journal_dir: Path, seq: int, body: dict[str, Any]) -> None:
    active = sorted((journal_dir / "segments").glob("*.jsonl"))[-1]
    with open(active, "ab") as f:
        f.write(frame(msgspec.json.encode({**body, "seq": seq})))


def _comparable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    if isinstance(value, Decimal):
        return value.normalize()
    return value


@pytest.mark.parametrize("key", sorted(OLD_SAMPLES))
def test_python_and_sql_upcasts_give_the_same_row(tmp_path: Path, key: tuple[str, int]) -> None:
    tag, version = key
    jd = tmp_path / "j"
    last = write(jd, [MetricTiming(ts=at(0), producer="test", name="warm-up", duration_ms=1.0)])
    envelope = {
        "type": tag, "id": f"old-{tag}-v{version}", "v": version,
        "ts": "2024-03-04T09:00:01.250000Z", "recorded_ts": "2024-03-04T09:00:01.300000Z",
        "producer": "test", "account": "A1", "correlation_id": "c1", "causation_id": None,
    }  # fmt: skip
    _append_raw(jd, last + 1, {**envelope, **OLD_SAMPLES[key]})

    with Journal.open(jd) as j:
        (event,) = list(j.read(from_seq=last + 1))
    python_row: dict[str, Any] = msgspec.json.decode(ENCODER.encode(event))

    cols, rows = P.query(jd, f"SELECT * FROM events WHERE seq = {last + 1}")
    sql_row = dict(zip(cols, rows[0], strict=True))

    for field, value in python_row.items():
        assert field in sql_row, f"{field} is not a column of the events table"
        expected = getattr(event, field, value)  # typed where the event has the attribute
        assert _comparable(sql_row[field]) == _comparable(expected), field
    assert sql_row["v"] == event.v  # both paths report the current version
