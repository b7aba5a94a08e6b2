"""Opening checks the active segment against the running CRC kept in the id index head.

(a) Whatever one or two writers do (appends, batches, rolls, reopens, a crash that leaves lines
beyond the head and a torn tail, a lost index, ``repair --reindex``, ``truncate_at``), the head's
CRC is ``zlib.crc32`` of its segment's first ``offset`` bytes. (b) A byte flipped anywhere in an
acknowledged line is still named on open by file, line and byte offset, and nothing is written.
(c) An index written before the CRC existed (no column) opens and gets its CRC; a head moved by
such older code forgets its CRC instead of keeping a stale one. (d) A sealed segment whose mtime
is not its seal's (a copy) is hashed once, then known by its stat; an edit still changes that.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import tempfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from store_testlib import (
    active,
    assert_head_crc,
    index_head,
    line_spans,
    log_pairs,
    metric,
    segments,
)

from tradejournal.store import CorruptionError, Journal, repair, verify
from tradejournal.store.framing import frame, unframe
from tradejournal.store.truncate import truncate_at

# --- (a) the CRC follows the head, whatever the writers do ----------------------------------------


class TwoWriters(RuleBasedStateMachine):
    """One or two open writers on one journal; the log is checked against a list of ids."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="tj-crc-"))
        self.generation = 0
        self.root = self.tmp / "j0"
        self.seg_bytes = 1500
        self.writers: list[Journal | None] = [self._open(256), None]
        self.model: list[str] = []
        self.n = 0

    def _open(self, flush: int) -> Journal:
        return Journal.open(
            self.root,
            create=True,
            durability="none",
            max_segment_bytes=self.seg_bytes,
            index_flush_events=flush,
        )

    def _writer(self, k: int) -> Journal:
        w = self.writers[k] or self.writers[1 - k]
        assert w is not None
        return w

    def _close_all(self) -> None:
        for w in self.writers:
            if w is not None:
                w.close()
        self.writers = [None, None]

    @rule(k=st.integers(0, 1), pad=st.integers(0, 400))
    def append(self, k: int, pad: int) -> None:
        self.n += 1
        e = metric(self.n, id=f"e{self.n}", pad=pad)
        assert self._writer(k).append(e) == len(self.model) + 1
        self.model.append(e.id)

    @rule(k=st.integers(0, 1), size=st.integers(1, 12), pad=st.integers(0, 200))
    def append_many(self, k: int, size: int, pad: int) -> None:
        batch = [metric(self.n + i + 1, id=f"e{self.n + i + 1}", pad=pad) for i in range(size)]
        self.n += size
        got = self._writer(k).append_many(batch)
        assert got == list(range(len(self.model) + 1, len(self.model) + size + 1))
        self.model.extend(e.id for e in batch)

    @rule(k=st.integers(0, 1), flush=st.sampled_from([1, 3, 256]), seg=st.sampled_from([600, 1500]))
    def reopen(self, k: int, flush: int, seg: int) -> None:
        w = self.writers[k]
        if w is not None:
            w.close()
        self.seg_bytes = seg
        self.writers[k] = self._open(flush)
        assert self.writers[k].recovery.messages() == []  # type: ignore[union-attr]

    @precondition(lambda self: self.writers[0] is not None and self.writers[1] is not None)
    @rule(k=st.integers(0, 1))
    def close_one(self, k: int) -> None:
        self.writers[k].close()  # type: ignore[union-attr]
        self.writers[k] = None

    @rule(torn=st.binary(min_size=0, max_size=60))
    def crash(self, torn: bytes) -> None:
        """The writers die now: the journal as they leave it (their ids not yet in the index,
        part of a line written) is what the next writer opens."""
        self.generation += 1
        copy = self.tmp / f"j{self.generation}"
        shutil.copytree(self.root, copy)
        self._close_all()
        shutil.rmtree(self.root)
        self.root = copy
        torn = torn.replace(b"\n", b"")
        if torn:
            with active(self.root).open("ab") as f:
                f.write(torn)
        self.writers[0] = self._open(256)
        assert len(self.writers[0].recovery.cut) == (1 if torn else 0)

    @rule()
    def lose_the_index(self) -> None:
        self._close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.root}/index.sqlite{suffix}").unlink(missing_ok=True)
        self.writers[0] = self._open(256)

    @rule()
    def repair_reindex(self) -> None:
        repair(self.root, reindex=True)  # open writers notice the new index and reconnect

    @precondition(lambda self: len(self.model) > 1)
    @rule(data=st.data())
    def truncate(self, data: st.DataObject) -> None:
        self._close_all()
        keep = data.draw(st.integers(1, len(self.model) - 1))
        seg = [p for p in segments(self.root) if int(p.stem) <= keep + 1][-1]
        off = line_spans(seg.read_bytes())[keep + 1 - int(seg.stem)][0]
        assert truncate_at(self.root, seg.name, off).last_seq == keep
        self.model = self.model[:keep]
        self.writers[0] = self._open(256)

    @invariant()
    def head_crc_matches_the_bytes(self) -> None:
        assert_head_crc(self.root)

    def teardown(self) -> None:
        try:
            self._close_all()
            assert_head_crc(self.root)
            head = index_head(self.root)
            assert head is not None and head[0] == len(self.model)
            assert [i for i, _ in log_pairs(self.root)] == self.model
            with Journal.open(self.root) as j:  # the fast path agrees with the line scan
                assert j.recovery.messages() == []
            report = verify(self.root)
            assert report.ok, report.problems
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


TestTwoWriters = TwoWriters.TestCase
TestTwoWriters.settings = settings(
    max_examples=30, stateful_step_count=25, deadline=None, suppress_health_check=list(HealthCheck)
)


# --- (b) a damaged acknowledged line is named exactly ---------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed journal: two sealed segments and an active one of 6 acknowledged lines."""
    root = tmp_path_factory.mktemp("crc") / "j"
    with Journal.open(root, create=True, durability="none", max_segment_bytes=1200) as j:
        n = 0
        while len(segments(root)) < 3:
            j.append(metric(n))
            n += 1
    with Journal.open(root, durability="none") as j:
        j.append_many([metric(n + i) for i in range(6)])
    assert len(segments(root)) == 3 and len(line_spans(active(root).read_bytes())) >= 6
    assert_head_crc(root)
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / "segments").iterdir()}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), bit=st.integers(0, 7))
def test_a_flipped_bit_in_any_acknowledged_line_is_named_on_open(
    template: Path, data: st.DataObject, bit: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "j"
        shutil.copytree(template, root)
        seg = active(root)
        raw = bytearray(seg.read_bytes())
        spans = line_spans(bytes(raw))
        k = data.draw(st.integers(0, len(spans) - 1))
        off, line = spans[k]
        at = off + data.draw(st.integers(0, len(line) - 1))
        raw[at] ^= 1 << bit
        assume(raw[at] != 0x0A)  # a new line break is another kind of damage
        seg.write_bytes(bytes(raw))
        before = _files(root)
        with pytest.raises(CorruptionError) as info:
            Journal.open(root)
        err = info.value
        assert (err.path.name, err.line, err.offset) == (seg.name, k + 1, off), str(err)
        assert _files(root) == before  # nothing cut, written, sealed or rolled
        assert not list((root / "quarantine").iterdir())


def _edit(line: bytes, producer: bytes) -> bytes:
    """Return ``line`` (framed again, with its newline) with another producer, bytes kept."""
    body = unframe(line)
    assert body.count(b'"producer":"test"') == 1
    return frame(body.replace(b'"producer":"test"', b'"producer":"' + producer + b'"'))


def test_an_edited_line_with_a_valid_crc_is_accepted_as_before_but_logged(
    template: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Not damage by the store's rules (every line checks), as before the CRC; the changed bytes
    # are reported, the CRC recorded again, and the next open is quiet.
    root = tmp_path / "j"
    shutil.copytree(template, root)
    seg = active(root)
    data = seg.read_bytes()
    off, line = line_spans(data)[2]
    # another producer of the same length, whose CRC has as many digits: no line moves
    edited = next(
        e for e in (_edit(line, b"t%03d" % i) for i in range(1000)) if len(e) == len(line) + 1
    )
    seg.write_bytes(data[:off] + edited + data[off + len(line) + 1 :])
    caplog.set_level(logging.WARNING, logger="tradejournal.store")
    Journal.open(root).close()
    assert any("differ from what the id index recorded" in r.message for r in caplog.records)
    assert_head_crc(root)
    caplog.clear()
    Journal.open(root).close()
    assert not caplog.records


def test_an_edit_that_moves_the_acknowledged_line_ends_is_refused(
    template: Path, tmp_path: Path
) -> None:
    # Before, a longer line pushed the head inside the last line and its end was cut as torn.
    root = tmp_path / "j"
    shutil.copytree(template, root)
    seg = active(root)
    data = seg.read_bytes()
    spans = line_spans(data)
    off, line = spans[2]
    edited = _edit(line, b"edited!")
    seg.write_bytes(data[:off] + edited + data[off + len(line) + 1 :])
    before = _files(root)
    with pytest.raises(CorruptionError) as info:
        Journal.open(root)
    assert (info.value.path.name, info.value.line) == (seg.name, len(spans))
    assert info.value.offset == spans[-1][0] + len(edited) - len(line) - 1
    assert _files(root) == before


# --- (c) an index from before the CRC ----------------------------------------------------------------

# The schema of index.sqlite before the CRC column (as the previous release wrote it).
_OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS ids (id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS head (
    k INTEGER PRIMARY KEY CHECK (k = 1),
    last_seq INTEGER NOT NULL,
    segment INTEGER NOT NULL,
    offset INTEGER NOT NULL,
    recorded_ts TEXT
);
"""
# How the previous release moved the head.
_OLD_ADVANCE = (
    "INSERT INTO head (k, last_seq, segment, offset, recorded_ts)"
    " VALUES (1, ?, ?, ?, ?) ON CONFLICT (k) DO UPDATE SET"
    " last_seq = excluded.last_seq, segment = excluded.segment,"
    " offset = excluded.offset, recorded_ts = excluded.recorded_ts"
    " WHERE excluded.last_seq > head.last_seq OR excluded.segment > head.segment"
)


def _to_old_index(root: Path) -> None:
    """Rewrite index.sqlite as the previous release wrote it (same ids, head without a CRC)."""
    index = root / "index.sqlite"
    con = sqlite3.connect(index)
    ids = con.execute("SELECT id, seq FROM ids").fetchall()
    head = con.execute("SELECT last_seq, segment, offset, recorded_ts FROM head").fetchone()
    con.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    con = sqlite3.connect(index)
    con.execute("PRAGMA journal_mode=WAL")
    con.executescript(_OLD_SCHEMA)
    con.executemany("INSERT INTO ids VALUES (?, ?)", ids)
    con.execute(_OLD_ADVANCE, head)
    con.commit()
    con.close()


def _columns(root: Path) -> list[str]:
    con = sqlite3.connect(root / "index.sqlite")
    try:
        return [row[1] for row in con.execute("PRAGMA table_info(head)")]
    finally:
        con.close()


def test_an_old_index_opens_gets_its_crc_and_keeps_appending(
    template: Path, tmp_path: Path
) -> None:
    root = tmp_path / "j"
    shutil.copytree(template, root)
    _to_old_index(root)
    assert "crc" not in _columns(root)
    last = len(log_pairs(root))
    with Journal.open(root) as j:
        assert j.recovery.messages() == []  # nothing rebuilt: the old ids are used as they are
        assert "crc" in _columns(root)
        assert_head_crc(root)  # the line scan ran once and recorded it
        assert j.append(metric(10_000)) == last + 1
    assert_head_crc(root)
    assert index_head(root)[0] == last + 1  # type: ignore[index]


def test_an_old_index_still_names_a_damaged_line(template: Path, tmp_path: Path) -> None:
    root = tmp_path / "j"
    shutil.copytree(template, root)
    _to_old_index(root)
    seg = active(root)
    data = bytearray(seg.read_bytes())
    off, line = line_spans(bytes(data))[3]
    data[off + len(line) // 2] ^= 0x02
    seg.write_bytes(bytes(data))
    with pytest.raises(CorruptionError) as info:
        Journal.open(root)
    assert (info.value.path.name, info.value.line, info.value.offset) == (seg.name, 4, off)


def test_a_head_moved_by_older_code_forgets_its_crc(template: Path, tmp_path: Path) -> None:
    # An older writer appends (it knows nothing of the CRC) and moves the head its way: the
    # stored CRC no longer covers the head's bytes, so it must not be kept.
    root = tmp_path / "j"
    shutil.copytree(template, root)
    Journal.open(root).close()
    last, segment, offset, crc = index_head(root)  # type: ignore[misc]
    assert crc is not None
    other = tmp_path / "other"  # the lines the older writer would write, made by a copy
    shutil.copytree(root, other)
    with Journal.open(other) as j:
        j.append(metric(20_000))
    new_bytes = active(other).read_bytes()[offset:]
    with active(root).open("ab") as f:
        f.write(new_bytes)
    con = sqlite3.connect(root / "index.sqlite")
    con.execute(_OLD_ADVANCE, (last + 1, segment, offset + len(new_bytes), None))
    con.commit()
    con.close()
    assert index_head(root) == (last + 1, segment, offset + len(new_bytes), None)
    Journal.open(root).close()  # the NULL CRC: lines checked once, CRC recorded
    assert_head_crc(root)
    assert zlib.crc32(active(root).read_bytes()) == index_head(root)[3]  # type: ignore[index]


# --- (d) a copied sealed segment is hashed once, then known by its stat ---------------------------


def _seal_checks(root: Path) -> dict[int, tuple[int, int, int, int, str]]:
    con = sqlite3.connect(root / "index.sqlite")
    try:
        rows = con.execute(
            "SELECT first_seq, size, mtime_ns, ctime_ns, ino, sha256 FROM seal_checks"
        )
        return {r[0]: tuple(r[1:]) for r in rows}
    finally:
        con.close()


def test_a_copied_sealed_segment_is_hashed_once_and_a_later_edit_is_still_caught(
    template: Path, tmp_path: Path
) -> None:
    root = tmp_path / "j"
    shutil.copytree(template, root)
    seg = segments(root)[1]
    seal = json.loads(seg.with_suffix(".seal").read_bytes())
    copied = seal["mtime_ns"] + 7_000_000_000  # a copy that did not keep the mtime
    os.utime(seg, ns=(copied, copied))
    Journal.open(root).close()  # hashed: equal to the seal
    st = seg.stat()
    checks = _seal_checks(root)
    assert checks == {
        int(seg.stem): (st.st_size, copied, st.st_ctime_ns, st.st_ino, seal["sha256"])
    }
    Journal.open(root).close()  # known: nothing new recorded
    assert _seal_checks(root) == checks
    # an edit of the same size whose mtime is put back still changes the ctime: hashed, caught
    data = bytearray(seg.read_bytes())
    off, line = line_spans(bytes(data))[1]
    data[off + 5] ^= 0x01
    seg.chmod(0o644)
    seg.write_bytes(bytes(data))
    seg.chmod(0o444)
    os.utime(seg, ns=(copied, copied))
    with pytest.raises(CorruptionError) as info:
        Journal.open(root)
    assert info.value.path.name == seg.name and "SHA-256" in str(info.value)
