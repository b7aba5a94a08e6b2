"""Damage that is not a torn tail: the store must refuse to write and say exactly where it is.

``verify`` names ``segment:line:offset``; ``Journal.open`` raises ``CorruptionError`` naming the
file (and never cuts good data); readers raise ``CorruptionError`` with file, line and offset.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from store_testlib import (
    active,
    line_spans,
    log_pairs,
    make_writable,
    metric,
    reframe,
    segments,
)

from tradejournal.store import CorruptionError, Journal, read_events, repair, verify

SEGMENT_BYTES = 1500  # ~6 metric lines per segment


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed journal of 40 events: several sealed segments and an active one with 4 lines."""
    root = tmp_path_factory.mktemp("tpl") / "j"
    with Journal.open(root, create=True, durability="none", max_segment_bytes=SEGMENT_BYTES) as j:
        j.append_many([metric(n) for n in range(40)])  # one big first segment
        n = 40
        while n < 80 or len(line_spans(active(root).read_bytes())) < 4:
            j.append(metric(n))
            n += 1
    return root


@pytest.fixture
def root(template: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "j"
    shutil.copytree(template, dst)
    return dst


def _quarantined(root: Path) -> list[Path]:
    return list((root / "quarantine").iterdir())


def _snapshot_files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / "segments").iterdir()}


def _flip(path: Path, offset: int) -> None:
    """Change one byte (not a newline, not into one), the way a bit flip on disk would."""
    make_writable(path)
    data = bytearray(path.read_bytes())
    assert data[offset] != 0x0A
    data[offset] ^= 0x01
    assert data[offset] != 0x0A
    st = path.stat()
    path.write_bytes(bytes(data))
    # an edit is later than the seal, even on a file system with coarse timestamps
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _refused(root: Path, name: str) -> CorruptionError:
    before = _snapshot_files(root)
    with pytest.raises(CorruptionError) as info:
        Journal.open(root)
    assert name in str(info.value), str(info.value)
    assert _snapshot_files(root) == before  # nothing cut, nothing rolled, nothing written
    assert _quarantined(root) == []
    with pytest.raises(CorruptionError):
        repair(root)  # repair only cuts torn tails; this needs a human
    assert _snapshot_files(root) == before
    return info.value


def _read_until_error(root: Path) -> tuple[list[int], CorruptionError]:
    seen: list[int] = []
    with pytest.raises(CorruptionError) as info:
        for e in read_events(root):
            seen.append(e.seq or 0)
    return seen, info.value


def _problems(root: Path) -> list[str]:
    report = verify(root)
    assert not report.ok
    return [str(p) for p in report.problems]


def _middle_line(path: Path) -> tuple[int, int, bytes]:
    """Return (line number, offset, bytes) of a line in the middle of a segment."""
    spans = line_spans(path.read_bytes())
    k = len(spans) // 2
    return k + 1, spans[k][0], spans[k][1]


# --- sealed segments ---------------------------------------------------------------------------


def test_flipped_byte_in_a_sealed_segment(root: Path) -> None:
    seg = segments(root)[3]
    line_no, off, line = _middle_line(seg)
    first = int(seg.stem)
    _flip(seg, off + len(line) // 2)

    problems = _problems(root)
    assert any(p.startswith(f"{seg.name}:{line_no}:{off}: ") and "crc" in p for p in problems)
    assert any(p.startswith(f"{seg.name}:-:-: ") and "SHA-256" in p for p in problems)
    assert all(seg.name in p for p in problems), problems  # nothing else is blamed

    err = _refused(root, seg.name)
    assert err.path.name == seg.name

    seen, err = _read_until_error(root)
    assert seen == list(range(1, first + line_no - 1))  # every good event before it was read
    assert (err.path.name, err.line, err.offset) == (seg.name, line_no, off)
    assert err.location == f"{seg.name}:{line_no}:{off}"
    # reading from after the damage still works
    assert [e.seq for e in read_events(root, from_seq=int(segments(root)[4].stem))][:1] == [
        int(segments(root)[4].stem)
    ]


def test_bit_rot_that_keeps_the_mtime_is_still_found_by_verify_and_readers(root: Path) -> None:
    # Open trusts a sealed segment whose size and mtime match its seal (hashing every sealed
    # segment at each open would be slow); verify and readers check every line regardless.
    seg = segments(root)[2]
    line_no, off, line = _middle_line(seg)
    st = seg.stat()
    _flip(seg, off + 3)
    os.utime(seg, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert any(p.startswith(f"{seg.name}:{line_no}:{off}: ") for p in _problems(root))
    _, err = _read_until_error(root)
    assert (err.path.name, err.line, err.offset) == (seg.name, line_no, off)


def test_truncated_or_extended_sealed_segment(root: Path) -> None:
    seg = segments(root)[1]
    make_writable(seg)
    data = seg.read_bytes()
    seg.write_bytes(data[:-10])
    _refused(root, seg.name)
    assert any(seg.name in p and "seal" in p for p in _problems(root))
    seg.write_bytes(data + data.splitlines(keepends=True)[-1])
    _refused(root, seg.name)
    assert any(seg.name in p for p in _problems(root))


def test_deleted_middle_sealed_segment(root: Path) -> None:
    segs = segments(root)
    gone, nxt = segs[2], segs[3]
    gone.chmod(0o644)
    gone.unlink()
    _refused(root, nxt.name)
    assert any(p.startswith(f"{nxt.name}:1:0: ") for p in _problems(root))
    seen, err = _read_until_error(root)
    assert seen == list(range(1, int(gone.stem)))
    assert err.path.name == nxt.name


def test_deleted_first_segment(root: Path) -> None:
    first = segments(root)[0]
    second = segments(root)[1]
    first.chmod(0o644)
    first.unlink()
    first.with_suffix(".seal").unlink()
    _refused(root, first.name)
    assert any(first.name in p or second.name in p for p in _problems(root))
    seen, _ = _read_until_error(root)
    assert seen == []


def test_deleted_seal_of_a_middle_segment(root: Path) -> None:
    seg = segments(root)[2]
    seg.with_suffix(".seal").unlink()
    _refused(root, seg.name)
    assert any(seg.name in p and "seal" in p for p in _problems(root))


def test_deleted_active_segment(root: Path) -> None:
    last = active(root)
    last.unlink()
    _refused(root, last.name)


# --- the active segment ------------------------------------------------------------------------


@pytest.mark.parametrize("keep_index", [True, False], ids=["indexed", "index-deleted"])
def test_bad_line_in_the_middle_of_the_active_segment_is_not_cut(
    root: Path, keep_index: bool
) -> None:
    seg = active(root)
    spans = line_spans(seg.read_bytes())
    assert len(spans) >= 3
    off, line = spans[1]
    _flip(seg, off + len(line) // 3)
    if not keep_index:
        (root / "index.sqlite").unlink()

    assert any(p.startswith(f"{seg.name}:2:{off}: ") for p in _problems(root))
    err = _refused(root, seg.name)
    if err.line is not None:
        assert (err.line, err.offset) == (2, off)
    seen, err = _read_until_error(root)
    assert seen == list(range(1, int(seg.stem) + 1))
    assert (err.path.name, err.line, err.offset) == (seg.name, 2, off)


def test_damaged_last_line_that_was_acknowledged_is_not_cut(root: Path) -> None:
    # The index says this line was written (and acked): it is not a torn tail.
    seg = active(root)
    off, line = line_spans(seg.read_bytes())[-1]
    _flip(seg, off + 10)
    _refused(root, seg.name)


def test_damaged_last_line_without_an_index_is_cut_to_quarantine_and_reported(root: Path) -> None:
    # Without the index nobody can tell it from a torn write: cut, but keep and report it.
    seg = active(root)
    data = seg.read_bytes()
    off, line = line_spans(data)[-1]
    _flip(seg, off + 10)
    damaged = seg.read_bytes()
    (root / "index.sqlite").unlink()
    with Journal.open(root) as j:
        msgs = j.recovery.messages()
        assert any(seg.name in m and f"offset {off}" in m for m in msgs), msgs
        last = j.last_seq
    assert seg.read_bytes() == data[:off]
    (q,) = _quarantined(root)
    assert q.read_bytes() == damaged[off:]
    assert last == int(seg.stem) + len(line_spans(data)) - 2


@pytest.mark.parametrize("keep_index", [True, False], ids=["indexed", "index-deleted"])
def test_seq_gap_inside_the_active_segment(root: Path, keep_index: bool) -> None:
    seg = active(root)
    data = seg.read_bytes()
    spans = line_spans(data)
    off2, line2 = spans[1]
    seg.write_bytes(data[:off2] + data[off2 + len(line2) + 1 :])  # line 2 is gone
    if not keep_index:
        (root / "index.sqlite").unlink()
    first = int(seg.stem)
    assert any(
        p.startswith(f"{seg.name}:2:{off2}: ") and f"expected seq {first + 1}" in p
        for p in _problems(root)
    )
    _refused(root, seg.name)
    seen, err = _read_until_error(root)
    assert seen == list(range(1, first + 1))
    assert (err.line, err.offset) == (2, off2)


def test_reordered_lines_in_the_active_segment(root: Path) -> None:
    seg = active(root)
    data = seg.read_bytes()
    (o1, l1), (o2, l2) = line_spans(data)[1:3]
    seg.write_bytes(data[:o1] + l2 + b"\n" + l1 + b"\n" + data[o2 + len(l2) + 1 :])
    assert seg.stat().st_size == len(data)
    _refused(root, seg.name)
    assert any(p.startswith(f"{seg.name}:2:{o1}: ") for p in _problems(root))


def test_acknowledged_events_missing_from_the_end(root: Path) -> None:
    seg = active(root)
    data = seg.read_bytes()
    off, _ = line_spans(data)[-1]
    seg.write_bytes(data[:off])  # a whole acked line vanished: not a torn tail
    _refused(root, seg.name)


def test_a_valid_frame_holding_an_invalid_event(root: Path) -> None:
    seg = segments(root)[1]
    line_no, off, line = _middle_line(seg)
    make_writable(seg)
    data = seg.read_bytes()
    bad = reframe(line, duration_ms=-5.0)
    seg.write_bytes(data[:off] + bad + data[off + len(line) + 1 :])
    assert any(
        p.startswith(f"{seg.name}:{line_no}:{off}: ") and "duration_ms" in p
        for p in _problems(root)
    )
    _, err = _read_until_error(root)
    assert (err.path.name, err.line, err.offset) == (seg.name, line_no, off)
    assert "duration_ms" in str(err)


def test_duplicate_id_written_behind_the_stores_back(root: Path) -> None:
    seg = active(root)
    data = seg.read_bytes()
    off, line = line_spans(data)[-1]
    dup = reframe(line, id="m:0")
    seg.write_bytes(data[:off] + dup)
    (root / "index.sqlite").unlink()
    assert any("'m:0' already used by seq 1" in p for p in _problems(root))


# --- what is not corruption --------------------------------------------------------------------


def test_a_torn_tail_is_reported_by_verify_and_cut_by_repair(root: Path) -> None:
    seg = active(root)
    before = log_pairs(root)
    with seg.open("ab") as f:
        f.write(b'{"type":"metric.timing","seq":9')
    assert any("torn tail" in p and seg.name in p for p in _problems(root))
    assert log_pairs(root) == before  # readers skip a write in progress
    rec = repair(root)
    assert any("cut torn tail" in m for m in rec.messages())
    assert verify(root).ok
    assert repair(root).messages() == []
    rec = repair(root, reindex=True)
    assert any("rebuilt the id index" in m for m in rec.messages())
    assert log_pairs(root) == before


def test_clean_template_is_clean(root: Path) -> None:
    assert verify(root).ok
    with Journal.open(root) as j:
        assert j.recovery.messages() == []
    assert len(segments(root)) >= 5
    seals = [json.loads(s.with_suffix(".seal").read_bytes()) for s in segments(root)[:-1]]
    assert seals[0]["first_seq"] == 1
