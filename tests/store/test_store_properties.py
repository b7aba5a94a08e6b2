"""Properties of the store: torn tails at every byte, a model-checked state machine, fuzzed lines.

(a) A write torn at ANY byte is recovered to exactly the complete records, the cut bytes are kept
in quarantine/ and reported, and appends continue at the right seq. (b) Any sequence of appends,
batches, reopens, index losses and torn tails keeps ``read()`` equal to a plain list model.
(c) Garbage fed to the line decoder fails only with the project's own errors.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import msgspec
import pytest
from factories import make_deal, make_message, make_order, make_snapshot
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from store_testlib import active, log_pairs, metric, segments

from tradejournal.events import ENCODER, Event, InvalidEventError, MetricTiming, decode_event
from tradejournal.store import ConflictingIdError, CorruptionError, Journal, verify
from tradejournal.store.framing import FrameError, frame, read_head, unframe
from tradejournal.store.scan import SegmentScan

N = 5  # records in the torn-tail journal; the last one is torn


def _framed(event: Event, seq: int) -> bytes:
    """The exact line the store writes for ``event`` at ``seq``."""
    rec = msgspec.structs.replace(event, seq=seq, recorded_ts=dt.datetime.now(dt.UTC))
    return frame(ENCODER.encode(rec))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed journal holding N-1 acknowledged records (and its index)."""
    root = tmp_path_factory.mktemp("torn") / "j"
    with Journal.open(root, create=True, durability="none") as j:
        j.append_many([metric(n) for n in range(N - 1)])
    return root


def _copy(base: Path, dst: Path) -> Path:
    shutil.copytree(base, dst)
    return dst


def _written_by_the_store(base: Path, tmp: Path, events: list[Event]) -> bytes:
    """Return the exact bytes one ``append_many(events)`` adds to a copy of ``base``."""
    root = _copy(base, tmp / "probe")
    size = active(root).stat().st_size
    with Journal.open(root) as j:
        assert j.append_many(events) == list(range(N, N + len(events)))
    data = active(root).read_bytes()[size:]
    shutil.rmtree(root)
    return data


def _append_raw(root: Path, data: bytes) -> None:
    with active(root).open("ab") as f:
        f.write(data)


def _expect_cut(j: Journal, seg: Path, offset: int, what: bytes, root: Path) -> None:
    msgs = [m for m in j.recovery.messages() if "cut torn tail" in m]
    assert len(msgs) == 1 and seg.name in msgs[0] and f"offset {offset}" in msgs[0], msgs
    assert f"({len(what)} bytes" in msgs[0]
    (q,) = (root / "quarantine").iterdir()
    assert q.read_bytes() == what
    assert str(q) in msgs[0]


def _continue_and_check(j: Journal, root: Path) -> None:
    # Retrying the torn event puts it at seq N: written now, or found if its line was complete.
    assert j.append(metric(N - 1)) == N
    assert j.append(metric(N)) == N + 1
    j.close()
    assert [i for i, _ in log_pairs(root)] == [f"m:{n}" for n in range(N + 1)]
    assert [s for _, s in log_pairs(root)] == list(range(1, N + 2))
    report = verify(root)
    assert report.ok, report.problems


# --- (a) torn tails ----------------------------------------------------------------------------


@pytest.mark.parametrize("keep_index", [True, False], ids=["indexed", "index-deleted"])
def test_a_record_torn_at_every_byte_offset(base: Path, tmp_path: Path, keep_index: bool) -> None:
    line = _written_by_the_store(base, tmp_path, [metric(N - 1)])
    assert line.count(b"\n") == 1 and line.endswith(b"\n")
    seg_size = active(base).stat().st_size
    for k in range(len(line) + 1):
        root = _copy(base, tmp_path / f"k{k}")
        _append_raw(root, line[:k])
        if not keep_index:
            (root / "index.sqlite").unlink()
        with Journal.open(root) as j:
            if 0 < k < len(line):
                _expect_cut(j, active(root), seg_size, line[:k], root)
                assert j.last_seq == N - 1, k
                assert active(root).stat().st_size == seg_size, k
            else:
                assert not any("cut" in m for m in j.recovery.messages()), (k, j.recovery)
                assert j.last_seq == (N if k else N - 1), k
            assert [e.seq for e in j.read()] == list(range(1, j.last_seq + 1)), k
            _continue_and_check(j, root)
        shutil.rmtree(root)


def test_a_batch_torn_anywhere_keeps_its_complete_lines_and_a_retry_completes_it(
    base: Path, tmp_path: Path
) -> None:
    # One append_many is one write; a crash can tear it. What survives is a prefix of whole
    # lines (never acknowledged, so allowed); a retry of the same batch fills in the rest.
    batch = [metric(n) for n in range(N - 1, N + 3)]
    blob = _written_by_the_store(base, tmp_path, batch)
    ends = [i + 1 for i, b in enumerate(blob) if b == 0x0A]
    near_ends = {e + d for e in ends for d in (-2, -1, 0, 1)}
    offsets = {0, len(blob)} | near_ends | set(range(0, len(blob), 23))
    for k in sorted(o for o in offsets if 0 <= o <= len(blob)):
        root = _copy(base, tmp_path / f"k{k}")
        _append_raw(root, blob[:k])
        whole = sum(1 for e in ends if e <= k)
        with Journal.open(root) as j:
            assert j.last_seq == N - 1 + whole, k
            assert any("cut torn tail" in m for m in j.recovery.messages()) == (k not in [0, *ends])
            assert j.append_many(batch) == list(range(N, N + len(batch))), k
        assert [i for i, _ in log_pairs(root)] == [f"m:{n}" for n in range(N + 3)], k
        assert verify(root).ok, k
        shutil.rmtree(root)


_ONE_BAD_LINE = st.binary(min_size=1, max_size=600).map(lambda b: b.replace(b"\n", b"") + b"\n")
_TAILS = st.one_of(
    st.integers(1, 8192).map(lambda n: b"\0" * n),  # power loss: size extended, data not
    st.binary(min_size=1, max_size=2048).map(lambda b: b.replace(b"\n", b"")),
    _ONE_BAD_LINE,
    st.integers(1, 200).map(lambda k: _framed(metric(N - 1), N)[:k] + b"\n"),
    st.integers(0, 200).map(lambda i: _flip_one(_framed(metric(N - 1), N), i)),
    st.integers(1, 200).map(lambda k: _framed(metric(N - 1), N)[:k] + b"\0" * 100),
).filter(lambda b: b.strip(b"\n") != b"")


def _flip_one(line: bytes, i: int) -> bytes:
    i %= len(line) - 1
    b = bytearray(line)
    b[i] ^= 0x04 if b[i] not in (0x0A ^ 0x04,) else 0x01
    return bytes(b)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tail=_TAILS)
@example(tail=b"\0")
@example(tail=b"\n")
@example(tail=b"}\n")
@example(tail=b'{"seq":5,"id":"x","crc":0}\n')
def test_garbage_after_the_last_record_is_a_torn_tail(base: Path, tail: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = _copy(base, Path(tmp) / "j")
        seg_size = active(root).stat().st_size
        _append_raw(root, tail)
        with Journal.open(root) as j:
            _expect_cut(j, active(root), seg_size, tail, root)
            assert j.last_seq == N - 1
            _continue_and_check(j, root)


@settings(max_examples=25, deadline=None)
@given(
    first=st.binary(min_size=0, max_size=200).map(lambda b: b.replace(b"\n", b"")),
    rest=st.binary(min_size=1, max_size=400),
)
def test_several_bad_lines_after_the_last_record_are_not_guessed_at(
    base: Path, first: bytes, rest: bytes
) -> None:
    # Only a partial line or a single bad last line is a torn tail. A bad line with more bytes
    # after it could be damage before good data: refuse, cut nothing, point at it.
    tail = first + b"\n" + rest
    with tempfile.TemporaryDirectory() as tmp:
        root = _copy(base, Path(tmp) / "j")
        seg = active(root)
        seg_size = seg.stat().st_size
        _append_raw(root, tail)
        with pytest.raises(CorruptionError) as info:
            Journal.open(root)
        assert seg.name in str(info.value)
        assert (info.value.line, info.value.offset) == (N, seg_size)
        assert seg.read_bytes().endswith(tail)
        assert not any((root / "quarantine").iterdir())
        assert any(str(p).startswith(f"{seg.name}:{N}:{seg_size}: ") for p in verify(root).problems)


# --- (b) the state machine -----------------------------------------------------------------------


def _bad_event(n: int) -> MetricTiming:
    return MetricTiming(
        id=f"bad:{n}", ts=metric(0).ts, producer="test", name="bad", duration_ms=-1.0
    )


class JournalMachine(RuleBasedStateMachine):
    """The journal against a list of ids (seq = position + 1)."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.mkdtemp(prefix="tj-sm-")
        self.root = Path(self.tmp) / "j"
        self.seg_bytes = 1200
        self.j = Journal.open(
            self.root, create=True, durability="none", max_segment_bytes=self.seg_bytes
        )
        self.model: list[str] = []
        self.events: dict[str, MetricTiming] = {}  # what a retry of an id must repeat
        self.n = 0

    def _new(self, pad: int = 0) -> MetricTiming:
        self.n += 1
        e = metric(self.n, id=f"e{self.n}", pad=pad)
        self.events[e.id] = e
        return e

    def _reopen(self) -> Journal:
        self.j.close()
        self.j = Journal.open(self.root, max_segment_bytes=self.seg_bytes)
        return self.j

    @rule(pad=st.integers(0, 300))
    def append_new(self, pad: int) -> None:
        e = self._new(pad)
        assert self.j.append(e) == len(self.model) + 1
        self.model.append(e.id)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def append_existing(self, data: st.DataObject) -> None:
        i = data.draw(st.integers(0, len(self.model) - 1))
        assert self.j.append(self.events[self.model[i]]) == i + 1

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def append_conflicting(self, data: st.DataObject) -> None:
        # an id already used, other content: refused, nothing written (issue 12 item 5)
        i = data.draw(st.integers(0, len(self.model) - 1))
        before = {p.name: p.read_bytes() for p in segments(self.root)}
        with pytest.raises(ConflictingIdError):
            self.j.append(metric(0, id=self.model[i], pad=1))
        assert {p.name: p.read_bytes() for p in segments(self.root)} == before

    @rule(
        kinds=st.lists(st.sampled_from(["new", "old", "again"]), min_size=1, max_size=8),
        pad=st.integers(0, 200),
        bad_at=st.none() | st.integers(0, 7),
        data=st.data(),
    )
    def append_many(
        self, kinds: list[str], pad: int, bad_at: int | None, data: st.DataObject
    ) -> None:
        batch: list[Event] = []
        for kind in kinds:
            if kind == "old" and self.model:
                i = data.draw(st.integers(0, len(self.model) - 1))
                batch.append(self.events[self.model[i]])
            elif kind == "again" and batch:
                batch.append(batch[data.draw(st.integers(0, len(batch) - 1))])
            else:
                batch.append(self._new(pad))
        if bad_at is not None and bad_at < len(batch):
            batch[bad_at] = _bad_event(self.n)
            before = {p.name: p.read_bytes() for p in segments(self.root)}
            with pytest.raises(InvalidEventError) as info:
                self.j.append_many(batch)
            assert info.value.field == "duration_ms"
            assert {p.name: p.read_bytes() for p in segments(self.root)} == before
            return
        expected, model = [], list(self.model)
        for e in batch:
            if e.id not in model:
                model.append(e.id)
            expected.append(model.index(e.id) + 1)
        assert self.j.append_many(batch) == expected
        self.model = model

    @rule()
    def reopen(self) -> None:
        assert self._reopen().recovery.messages() == []

    @rule(seg_bytes=st.sampled_from([300, 1200, 5000]))
    def reopen_with_segment_size(self, seg_bytes: int) -> None:
        self.seg_bytes = seg_bytes
        self._reopen()

    @rule()
    def lose_the_index(self) -> None:
        self.j.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.root}/index.sqlite{suffix}").unlink(missing_ok=True)
        j = self._reopen()
        assert any("rebuilt the id index" in m for m in j.recovery.messages()) == bool(self.model)

    @rule(
        kind=st.sampled_from(["prefix", "zeros", "garbage", "bad-line"]),
        k=st.integers(1, 400),
        garbage=st.binary(min_size=1, max_size=300),
    )
    def crash_with_a_torn_tail(self, kind: str, k: int, garbage: bytes) -> None:
        self.j.close()
        line = _framed(metric(10**6, id="torn"), len(self.model) + 1)
        tail = {
            "prefix": line[: k % (len(line) - 1) + 1],
            "zeros": b"\0" * k,
            "garbage": garbage.replace(b"\n", b"") or b"x",
            "bad-line": garbage.replace(b"\n", b"") + b"\n",
        }[kind]
        seg = active(self.root)
        size = seg.stat().st_size
        with seg.open("ab") as f:
            f.write(tail)
        self.j = Journal.open(self.root, max_segment_bytes=self.seg_bytes)
        msgs = self.j.recovery.messages()
        assert len(msgs) == 1 and seg.name in msgs[0] and f"offset {size}" in msgs[0], msgs
        assert seg.stat().st_size == size

    @invariant()
    def log_equals_model(self) -> None:
        got = [(e.id, e.seq) for e in self.j.read()]
        assert got == [(i, n) for n, i in enumerate(self.model, start=1)]
        assert self.j.last_seq == len(self.model)

    def teardown(self) -> None:
        try:
            self.j.close()
            report = verify(self.root)
            assert report.ok, report.problems
            assert report.last_seq == len(self.model)
            for seg in segments(self.root)[:-1]:
                assert seg.with_suffix(".seal").exists()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


TestJournalMachine = JournalMachine.TestCase
TestJournalMachine.settings = settings(
    max_examples=40, stateful_step_count=25, deadline=None, suppress_health_check=list(HealthCheck)
)


# --- (c) the line decoder never fails with anything but its own errors ---------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=4),
    max_leaves=12,
)


def _event_dicts() -> list[dict[str, Any]]:
    out = [
        json.loads(ENCODER.encode(msgspec.structs.replace(e, seq=7, recorded_ts=metric(0).ts)))
        for e in (make_deal(), make_order(), make_snapshot(), make_message(), metric(3))
    ]
    v1 = dict(out[-1])
    v1.pop("duration_ms")
    out.append({**v1, "v": 1, "duration_s": 0.25})  # an old version goes through the upcaster
    return out


_BASES = _event_dicts()
_KEYS = sorted({k for d in _BASES for k in d} | {"crc", "", "x"})


@st.composite
def _mutated_event(draw: st.DrawFn) -> bytes:
    d = dict(draw(st.sampled_from(_BASES)))
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(_KEYS) | st.text(max_size=8))
        if draw(st.booleans()):
            d[key] = draw(_JSON | st.sampled_from(["deal.filled", "metric.timing", 1, 2, 10**30]))
        else:
            d.pop(key, None)
    return json.dumps(d, allow_nan=True).encode()


def _check_line(line: bytes) -> None:
    try:
        body = unframe(line)
    except FrameError:
        return
    try:
        head = read_head(body)
        assert isinstance(head.seq, int) and isinstance(head.id, str)
    except FrameError:
        pass
    try:
        event = decode_event(body)
    except InvalidEventError:
        return
    assert isinstance(event, Event)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=400))
@example(b'{"a":1,"crc":' + b"1" * 5000 + b"}")  # more digits than int() accepts
@example(b'{"a":1,"crc":99999999999999999999999}')
@example(b',"crc":0}')
@example(b'{"seq":1,"id":"x","crc":\xff}')
def test_garbage_bytes_fail_cleanly(line: bytes) -> None:
    _check_line(line)


@settings(max_examples=400, deadline=None)
@given(_JSON.map(lambda v: json.dumps(v).encode()) | _mutated_event())
def test_framed_json_that_is_not_a_valid_event_fails_cleanly(body: bytes) -> None:
    line = frame(body) if body.endswith(b"}") else body + b',"crc":0}'
    _check_line(line[:-1] if line.endswith(b"\n") else line)


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(st.binary(max_size=80) | _mutated_event().map(frame), max_size=6))
def test_segment_scan_of_garbage_raises_only_corruption(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{1:020d}.jsonl"
        path.write_bytes(b"".join(lines))
        try:
            scan = SegmentScan(path, 1).run()
        except CorruptionError as exc:
            assert exc.path == path
            return
        assert scan.end <= path.stat().st_size
        if scan.tail is not None:
            assert scan.tail.offset + scan.tail.size == path.stat().st_size
