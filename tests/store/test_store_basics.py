"""The store's everyday contract: append/read, seq, idempotency, batches, filters, follow, rolling.

Everything goes through the public API (``tradejournal.store``) and the files it documents;
cross-process behaviour uses real child processes (``_writer.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import threading
import time
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from factories import make_deal, make_message, make_order, make_snapshot, ts
from store_testlib import (
    active,
    line_spans,
    log_pairs,
    metric,
    reframe,
    run_writer,
    segments,
    writer_cmd,
)

from tradejournal.events import Event, InvalidEventError, MetricTiming, decode_event
from tradejournal.store import (
    ConflictingIdError,
    Journal,
    JournalExistsError,
    JournalNotFoundError,
    StoreClosedError,
    init_journal,
    read_events,
    repair,
    snapshot,
    verify,
)
from tradejournal.store.framing import unframe


def _bare(event: Event) -> Event:
    """The event as a producer built it: without the store's seq and recorded_ts."""
    return msgspec.structs.replace(event, seq=None, recorded_ts=None)


def _index_files(root: Path) -> list[Path]:
    return [root / n for n in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm")]


# --- append and read -------------------------------------------------------------------------------


def test_append_read_round_trip_keeps_every_field_exactly(tmp_path: Path) -> None:
    events: list[Event] = [
        make_deal(price=Decimal("1.08500"), commission=Decimal("-0.70")),
        make_order(),
        make_snapshot(balance=Decimal("10000.10")),
        make_message(content='quotes " and \\ and \n newlines, ünïcödé ✓'),
        metric(1),
    ]
    before = dt.datetime.now(dt.UTC)
    with Journal.open(tmp_path / "j", create=True) as j:
        seqs = [j.append(e) for e in events]
        back = list(j.read())
    after = dt.datetime.now(dt.UTC)

    assert seqs == [1, 2, 3, 4, 5]
    assert [e.seq for e in back] == seqs
    assert [_bare(e) for e in back] == events  # typed, equal field by field
    assert [type(e) for e in back] == [type(e) for e in events]
    assert str(back[0].price) == "1.08500"  # type: ignore[attr-defined]  # exact decimals
    for e in back:
        assert e.recorded_ts is not None and before <= e.recorded_ts <= after
    recorded = [e.recorded_ts for e in back]
    assert recorded == sorted(recorded)  # type: ignore[type-var]


def test_ids_and_texts_that_look_like_envelope_json_round_trip(tmp_path: Path) -> None:
    tricky = '","seq":null,"recorded_ts":null,"crc":1}\n{"seq":null\u2028\u2029\x00'
    events: list[Event] = [
        metric(1, id=tricky),
        make_message(id="m" + tricky, content=tricky + ',"crc":', response_id='"seq":null'),
        MetricTiming(ts=ts(), producer='"recorded_ts":null', name='"seq":null', duration_ms=0.0),
    ]
    root = tmp_path / "j"
    with Journal.open(root, create=True) as j:
        assert j.append_many(events) == [1, 2, 3]
        assert j.append(metric(1, id=tricky)) == 1  # identical: a skip (issue 12 item 5)
    back = list(read_events(root))
    assert [_bare(e) for e in back] == events
    assert [e.seq for e in back] == [1, 2, 3]
    assert all(e.recorded_ts is not None for e in back)
    assert verify(root).ok


def test_every_line_is_plain_jsonl_with_crc_last(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True) as j:
        j.append_many([make_deal(deal_ticket=t) for t in range(1, 4)])
    data = active(root).read_bytes()
    assert data.endswith(b"\n")
    for n, (_, line) in enumerate(line_spans(data), start=1):
        obj = json.loads(line)  # plain JSON, one object per line
        assert list(obj)[-1] == "crc"
        assert obj["seq"] == n and obj["type"] == "deal.filled"
        decode_event(unframe(line))


def test_seq_is_gapless_across_many_rolls(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True, durability="none", max_segment_bytes=1500) as j:
        for n in range(1, 301):
            if n % 25 == 0:
                assert j.append_many([metric(n * 1000 + k) for k in range(7)])[-1] == j.last_seq
            else:
                assert j.append(metric(n)) == j.last_seq
        last = j.last_seq
    segs = segments(root)
    assert len(segs) > 50
    pairs = log_pairs(root)
    assert [s for _, s in pairs] == list(range(1, last + 1))
    assert len({i for i, _ in pairs}) == last
    report = verify(root)
    assert report.ok, report.problems
    assert (report.segments, report.events, report.last_seq) == (len(segs), last, last)
    # every segment is named by its first seq, and reading from any seq starts exactly there
    for seg in segs:
        first = json.loads(seg.read_bytes().split(b"\n", 1)[0])["seq"]
        assert seg.name == f"{first:020d}.jsonl"
    for start in (1, 2, 137, int(segs[20].stem), int(segs[20].stem) - 1, last, last + 1):
        assert [e.seq for e in read_events(root, from_seq=start)] == list(range(start, last + 1))


def test_a_batch_never_spans_segments(tmp_path: Path) -> None:
    root = tmp_path / "j"
    # a metric line is ~245 bytes: three fit in 1000, six do not
    with Journal.open(root, create=True, durability="none", max_segment_bytes=1000) as j:
        j.append_many([metric(k) for k in range(3)])
        j.append_many([metric(k) for k in range(10, 13)])  # does not fit: rolls first
        j.append_many([metric(k) for k in range(20, 40)])  # bigger than a segment: one segment
        j.append(metric(50))
    spans = [[json.loads(x)["seq"] for _, x in line_spans(s.read_bytes())] for s in segments(root)]
    assert spans == [[1, 2, 3], [4, 5, 6], list(range(7, 27)), [27]]


# --- idempotency -------------------------------------------------------------------------------


def test_idempotent_within_a_batch_and_against_the_log(tmp_path: Path) -> None:
    root = tmp_path / "j"
    a, b, c = metric(1), metric(2), metric(3)
    with Journal.open(root, create=True) as j:
        assert j.append_many([a, b, a, a]) == [1, 2, 1, 1]
        assert j.append(b) == 2
        # same id, different content: refused, nothing written (issue 12 item 5)
        with pytest.raises(ConflictingIdError):
            j.append(metric(99, id=a.id))
        assert j.append_many([c, b, c]) == [3, 2, 3]
        assert j.append_many([a, b]) == [1, 2]
    assert log_pairs(root) == [(a.id, 1), (b.id, 2), (c.id, 3)]
    assert [_bare(e) for e in read_events(root)] == [a, b, c]


def test_idempotent_across_reopen_and_after_the_index_is_deleted(tmp_path: Path) -> None:
    root = tmp_path / "j"
    evs = [metric(n) for n in range(40)]
    with Journal.open(root, create=True, max_segment_bytes=2000) as j:
        seqs = j.append_many(evs[:20]) + [j.append(e) for e in evs[20:]]
    assert len(segments(root)) > 2
    with Journal.open(root) as j:
        assert j.recovery.messages() == []
        assert [j.append(e) for e in evs] == seqs
    size = sum(s.stat().st_size for s in segments(root))

    for f in _index_files(root):
        f.unlink(missing_ok=True)
    with Journal.open(root) as j:
        msgs = j.recovery.messages()
        assert any("rebuilt the id index" in m and "40 events" in m for m in msgs), msgs
        assert j.append_many(list(reversed(evs))) == list(reversed(seqs))
        assert j.append(metric(40)) == 41
    assert sum(s.stat().st_size for s in segments(root)) > size  # only metric(40) was added
    assert [s for _, s in log_pairs(root)] == list(range(1, 42))


def test_a_large_batch_half_of_it_already_in_the_log(tmp_path: Path) -> None:
    root = tmp_path / "j"
    evs = [metric(n) for n in range(1500)]
    with Journal.open(root, create=True, durability="none") as j:
        first = j.append_many(evs[::2])  # 750 events
        seqs = j.append_many(evs)  # 1500 ids looked up at once, 750 of them known
    assert first == list(range(1, 751))
    assert seqs[::2] == first
    assert seqs[1::2] == list(range(751, 1501))
    assert len(log_pairs(root)) == 1500


def test_an_unreadable_index_is_rebuilt(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True) as j:
        j.append_many([metric(n) for n in range(5)])
    (root / "index.sqlite").write_bytes(b"this is not a database" * 100)
    with Journal.open(root) as j:
        assert any("rebuilt" in m for m in j.recovery.messages())
        assert j.append(metric(3)) == 4
        assert j.append(metric(9)) == 6


def test_idempotent_across_processes(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True) as j:
        # the child appends metric(0, id=ID, producer="child"): retries repeat that very event
        assert j.append(metric(0, id="x", producer="child")) == 1
        assert run_writer("one", root, "x").stdout.strip() == "1"
        assert run_writer("one", root, "y").stdout.strip() == "2"
        # this writer's next append first catches up on what the child wrote
        assert j.append(metric(0, id="y", producer="child")) == 2
        assert j.append(metric(0, id="z", producer="child")) == 3
    assert run_writer("one", root, "z").stdout.strip() == "3"
    assert log_pairs(root) == [("x", 1), ("y", 2), ("z", 3)]


@pytest.mark.parametrize("durability", ["always", "batch"])
def test_a_failed_fsync_is_fatal_and_never_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durability: str
) -> None:
    from tradejournal.store import WriteFailedError
    from tradejournal.store import journal as journal_module

    root = tmp_path / "j"
    calls: list[int] = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        raise OSError(5, "Input/output error")

    j = Journal.open(root, create=True, durability=durability)  # type: ignore[arg-type]
    assert j.append(metric(1)) == 1
    with monkeypatch.context() as m:
        m.setattr(journal_module, "fsync_file", failing_fsync)
        with pytest.raises(WriteFailedError, match="Input/output error"):
            j.append(metric(2))
        with pytest.raises(StoreClosedError):
            j.append(metric(3))
        j.close()  # no second fsync attempt, and no error
    assert len(calls) == 1
    # metric(2) reached the page cache, unacknowledged: the log may keep it, exactly once
    with Journal.open(root) as j2:
        assert j2.append(metric(2)) == 2
        assert j2.append(metric(3)) == 3
    assert verify(root).ok


# --- all or nothing ----------------------------------------------------------------------------


def _files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in segments(root)}


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (MetricTiming(ts=ts(), producer="test", name="neg", duration_ms=-1.0), "duration_ms"),
        (MetricTiming(ts=ts(), producer="test", name=123, duration_ms=1.0), "name"),  # type: ignore[arg-type]
        (make_deal(deal_ticket=77, side="long"), "side"),
        (make_deal(deal_ticket=78, magic="42"), "magic"),
    ],
)
def test_append_many_is_all_or_nothing(tmp_path: Path, bad: Event, field: str) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True, max_segment_bytes=1200) as j:
        j.append_many([metric(n) for n in range(6)])
        before = _files(root)
        batch = [metric(10), metric(11), bad, metric(12)]
        with pytest.raises(InvalidEventError) as info:
            j.append_many(batch)
        assert info.value.field == field
        assert field in str(info.value) and "event 3 of 4" in str(info.value)
        with pytest.raises(InvalidEventError) as one:
            j.append(bad)
        assert one.value.field == field
        assert _files(root) == before  # byte for byte, and no new segment
        # nothing of the batch was indexed: the good events get the next seqs
        assert j.append_many([batch[0], batch[1], batch[3]]) == [7, 8, 9]
    assert verify(root).ok


def test_append_many_rejects_non_events_before_writing(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True) as j:
        with pytest.raises(InvalidEventError, match="event 2"):
            j.append_many([metric(1), {"type": "metric.timing"}])  # type: ignore[list-item]
        assert j.append_many([]) == []
    assert log_pairs(root) == []


# --- read filters ------------------------------------------------------------------------------


def test_read_filters_by_tag_family_since_and_from_seq(tmp_path: Path) -> None:
    root = tmp_path / "j"
    evs: list[Event] = [
        make_deal(deal_ticket=1, ts=ts(0)),
        make_order(order_ticket=1, ts=ts(10)),
        make_snapshot(ts=ts(20)),
        make_deal(deal_ticket=2, ts=ts(30)),
        make_message(ts=ts(40)),
        MetricTiming(ts=ts(50), producer="test", name="x", duration_ms=1.0),
        make_order(order_ticket=2, ts=ts(5)),  # late, out of ts order: seq is the order
    ]
    with Journal.open(root, create=True) as j:
        j.append_many(evs)

        def seqs(**kw: object) -> list[int | None]:
            return [e.seq for e in j.read(**kw)]  # type: ignore[arg-type]

        assert seqs() == [1, 2, 3, 4, 5, 6, 7]
        assert seqs(types=["deal.filled"]) == [1, 4]
        assert seqs(types=["deal"]) == [1, 4]  # a family is a tag prefix up to the dot
        assert seqs(types=["order", "account"]) == [2, 3, 7]
        assert seqs(types=["conversation.message", "metric"]) == [5, 6]
        assert seqs(types=["dea", "deal.fill", "filled", "deal.filled.x"]) == []
        assert seqs(types=[]) == seqs(types=None)
        assert seqs(since=ts(30)) == [4, 5, 6]  # inclusive, by the event's own ts
        assert seqs(since=ts(5), types=["order"]) == [2, 7]
        assert seqs(since=ts(31)) == [5, 6]
        assert seqs(from_seq=4) == [4, 5, 6, 7]
        assert seqs(from_seq=4, types=["deal"], since=ts(0)) == [4]
        assert seqs(from_seq=8) == []
        # since in another time zone is the same instant
        cet = dt.timezone(dt.timedelta(hours=1))
        assert seqs(since=ts(30).astimezone(cet)) == [4, 5, 6]


def test_read_sees_a_consistent_prefix_while_writing(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True, durability="none", max_segment_bytes=3000) as j:
        for n in range(120):
            j.append(metric(n))
            if n % 17 == 0:
                assert [e.seq for e in j.read()] == list(range(1, n + 2))
                assert snapshot(root).last_seq == n + 1


# --- follow ------------------------------------------------------------------------------------


def test_follow_sees_another_process_and_crosses_segment_rolls(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True, max_segment_bytes=1500) as j:
        j.append_many([metric(n) for n in range(3)])
        start = j.last_seq + 1
        n_new = 40
        child = subprocess.Popen(
            writer_cmd("feed", root, 100, n_new, "--sleep", 0.01, "--segment-bytes", 1500),
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            got: list[Event] = []
            for e in j.follow(from_seq=start, poll_interval=0.02, idle_timeout=20):
                got.append(e)
                if len(got) == n_new:
                    break
        finally:
            _, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
    assert [e.seq for e in got] == list(range(start, start + n_new))
    assert [e.id for e in got] == [f"m:{n}" for n in range(100, 100 + n_new)]
    assert len(segments(root)) >= 6  # it really crossed several rolls while following


def test_follow_from_now_skips_existing_events_and_honours_types(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True) as j:
        j.append_many([metric(n) for n in range(5)])
        assert list(j.follow(idle_timeout=0.3, poll_interval=0.05)) == []

        def later() -> None:
            time.sleep(0.5)
            j.append(make_deal(deal_ticket=9))
            j.append(metric(6))
            j.append(make_deal(deal_ticket=10))

        t = threading.Thread(target=later)
        got = []
        t.start()
        # the first next() snapshots the end at once, then waits for the thread's appends
        for e in j.follow(types=["deal"], poll_interval=0.05, idle_timeout=20):
            got.append(e)
            if len(got) == 2:
                break
        t.join()
    assert [e.seq for e in got] == [6, 8]
    assert [e.id for e in got] == ["mt5:deal:9", "mt5:deal:10"]


# --- opening -----------------------------------------------------------------------------------


def test_missing_or_empty_directory_is_journal_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    for call in (
        lambda: Journal.open(missing),
        lambda: list(read_events(missing)),
        lambda: verify(missing),
        lambda: snapshot(missing),
    ):
        with pytest.raises(JournalNotFoundError, match="nope"):
            call()
    assert not missing.exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(JournalNotFoundError):
        Journal.open(tmp_path / "empty")
    with pytest.raises(FileNotFoundError):  # also the builtin kind
        Journal.open(missing)


def test_create_and_init(tmp_path: Path) -> None:
    root = tmp_path / "a" / "b"
    with Journal.open(root, create=True) as j:
        assert j.append(metric(1)) == 1
    with Journal.open(root, create=True) as j:  # create=True on an existing journal just opens
        assert j.last_seq == 1
    with pytest.raises(JournalExistsError):
        init_journal(root)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file").write_text("x")
    with pytest.raises(JournalExistsError):
        init_journal(tmp_path / "busy")


def test_closed_journal_refuses_appends(tmp_path: Path) -> None:
    j = Journal.open(tmp_path / "j", create=True, durability="batch")
    assert j.append(metric(1)) == 1
    j.close()
    j.close()  # idempotent
    with pytest.raises(StoreClosedError):
        j.append(metric(2))
    with pytest.raises(ValueError, match="durability"):
        Journal.open(tmp_path / "j", durability="sometimes")  # type: ignore[arg-type]


def test_two_writers_in_one_process_share_the_log(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True) as a, Journal.open(root, max_segment_bytes=1000) as b:
        got = []
        for n in range(30):
            w = a if n % 3 else b
            got.append(w.append(metric(n)))
        assert got == list(range(1, 31))
        assert a.append(metric(4)) == 5 and b.append(metric(5)) == 6
    assert verify(root).ok


def test_threads_sharing_one_journal(tmp_path: Path) -> None:
    root = tmp_path / "j"
    results: dict[int, list[int]] = {}
    with Journal.open(root, create=True, durability="batch", max_segment_bytes=4000) as j:

        def work(t: int) -> None:
            results[t] = [j.append(metric(t * 1000 + n)) for n in range(100)]

        threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(s for r in results.values() for s in r) == list(range(1, 401))
    assert all(r == sorted(r) for r in results.values())
    assert verify(root).ok


# --- sealed segments and rolling ---------------------------------------------------------------


def test_sealed_segments_are_read_only_and_their_seals_are_right(tmp_path: Path) -> None:
    root = tmp_path / "j"
    limit = 1500
    with Journal.open(root, create=True, durability="none", max_segment_bytes=limit) as j:
        for n in range(60):
            j.append(metric(n, pad=n % 50))
    segs = segments(root)
    assert len(segs) > 5
    for seg, nxt in zip(segs, segs[1:], strict=False):
        seal = json.loads(seg.with_suffix(".seal").read_bytes())
        st = seg.stat()
        lines = line_spans(seg.read_bytes())
        assert seal == {
            "first_seq": int(seg.stem),
            "last_seq": int(nxt.stem) - 1,
            "size": st.st_size,
            "sha256": hashlib.sha256(seg.read_bytes()).hexdigest(),
            "mtime_ns": st.st_mtime_ns,
        }
        assert len(lines) == seal["last_seq"] - seal["first_seq"] + 1
        assert st.st_mode & 0o222 == 0, oct(st.st_mode)  # nobody may write
        assert st.st_size <= limit
        # rolled only when the next record did not fit
        assert st.st_size + len(line_spans(nxt.read_bytes())[0][1]) + 1 > limit
    last = segs[-1]
    assert not last.with_suffix(".seal").exists()
    assert last.stat().st_mode & 0o200
    assert not list((root / "segments").glob("*.tmp"))


def _rewrite_recorded_day(seg: Path, when: dt.datetime) -> None:
    stamp = when.isoformat().replace("+00:00", "Z")
    data = b"".join(reframe(line, recorded_ts=stamp) for _, line in line_spans(seg.read_bytes()))
    seg.write_bytes(data)


def test_a_journal_last_written_yesterday_rolls_at_the_first_append_today(tmp_path: Path) -> None:
    # The active segment of a writer that stopped before midnight UTC: its records carry
    # yesterday's recorded_ts. (Written by hand because the store's clock is not injectable.)
    root = tmp_path / "j"
    with Journal.open(root, create=True) as j:
        j.append_many([metric(1), metric(2)])
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    _rewrite_recorded_day(active(root), yesterday)
    for f in _index_files(root):
        f.unlink(missing_ok=True)
    with Journal.open(root) as j:
        assert j.append(metric(3)) == 3
        assert j.append(metric(4)) == 4  # same day now: no second roll
    segs = segments(root)
    assert [s.name for s in segs] == [f"{1:020d}.jsonl", f"{3:020d}.jsonl"]
    seal = json.loads(segs[0].with_suffix(".seal").read_bytes())
    assert (seal["first_seq"], seal["last_seq"]) == (1, 2)
    for e in read_events(root, from_seq=3):
        assert e.recorded_ts is not None and e.recorded_ts.date() > yesterday.date()
    assert verify(root).ok


def test_an_open_writer_rolls_when_the_utc_day_changes(tmp_path: Path) -> None:
    root = tmp_path / "j"
    times = iter(
        [
            dt.datetime(2026, 3, 2, 23, 59, 58, tzinfo=dt.UTC),
            dt.datetime(2026, 3, 2, 23, 59, 59, tzinfo=dt.UTC),
            dt.datetime(2026, 3, 3, 0, 0, 1, tzinfo=dt.UTC),
            dt.datetime(2026, 3, 3, 0, 0, 2, tzinfo=dt.UTC),
        ]
    )
    with Journal.open(root, create=True, clock=lambda: next(times)) as j:
        assert [j.append(metric(n)) for n in range(1, 5)] == [1, 2, 3, 4]
    segs = segments(root)
    assert [s.name for s in segs] == [f"{1:020d}.jsonl", f"{3:020d}.jsonl"]
    seal = json.loads(segs[0].with_suffix(".seal").read_bytes())
    assert (seal["first_seq"], seal["last_seq"]) == (1, 2)
    days = {e.seq: e.recorded_ts.date() for e in read_events(root) if e.recorded_ts}
    assert days == {
        1: dt.date(2026, 3, 2),
        2: dt.date(2026, 3, 2),
        3: dt.date(2026, 3, 3),
        4: dt.date(2026, 3, 3),
    }
    assert verify(root).ok


def test_journal_files_are_where_the_design_says(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True) as j:
        j.append(metric(1))
    names = set(os.listdir(root))
    assert {"segments", "quarantine", "LOCK", "index.sqlite"} <= names
    assert [p.name for p in segments(root)] == ["00000000000000000001.jsonl"]


def test_reindex_under_a_running_writer_keeps_dedupe_exact(tmp_path: Path) -> None:
    # A long-running writer (the bot) keeps its journal open while someone runs
    # `tradejournal repair --reindex`: it must reconnect to the new index, not keep a ghost.
    root = tmp_path / "j"
    with Journal.open(root, create=True) as bot:
        assert bot.append_many([metric(1), metric(2)]) == [1, 2]
        repair(root, reindex=True)
        with Journal.open(root) as other:
            assert other.append(metric(3)) == 3
        assert bot.append(metric(3)) == 3  # seen through the rebuilt index: a no-op
        assert bot.append(metric(1)) == 1
        assert bot.append(metric(4)) == 4
    assert [e.seq for e in read_events(root)] == [1, 2, 3, 4]
    assert verify(root).ok


def test_ids_a_writer_has_not_indexed_yet_are_still_deduplicated_by_another(
    tmp_path: Path,
) -> None:
    # Writers index their own appends lazily (index_flush_events); the next writer to take the
    # lock scans and indexes those lines before it dedupes, so idempotency stays exact.
    root = tmp_path / "j"
    with (
        Journal.open(root, create=True, index_flush_events=1000) as a,
        Journal.open(root, index_flush_events=1000) as b,
    ):
        assert a.append_many([metric(n) for n in range(1, 6)]) == [1, 2, 3, 4, 5]
        assert [a.append(metric(n)) for n in range(6, 9)] == [6, 7, 8]  # pending in a
        assert b.append(metric(7)) == 7
        assert b.append(metric(9)) == 9
        assert a.append(metric(9)) == 9  # b's pending id, seen by a
        assert a.append(metric(10)) == 10
    assert [e.seq for e in read_events(root)] == list(range(1, 11))
    with Journal.open(root) as c:
        assert c.append(metric(8)) == 8
    assert verify(root).ok


def test_create_refuses_a_non_empty_directory_that_is_not_a_journal(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(JournalExistsError, match="not empty"):
        Journal.open(tmp_path, create=True)
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_append_many_tells_new_events_from_duplicates(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True) as a, Journal.open(root) as b:
        assert a.append_many([metric(1), metric(2)]).new == [1, 2]
        b.append(metric(3))  # another writer moves the end of the log in between
        seqs = a.append_many([metric(2), metric(4), metric(4), metric(3), metric(5)])
    assert seqs == [2, 4, 4, 3, 5]
    assert (seqs.new, seqs.duplicates) == ([4, 5], 3)
