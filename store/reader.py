"""Read the log without taking the write lock: ordered, checked, typed; ``follow`` tails it.

Readers see only complete, checked lines. A partial (or single bad) last line of the last segment
may be a write in progress, so it is not shown and not an error; anything else that is wrong is a
``CorruptionError`` naming file, line and offset.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tradejournal.events import Event, InvalidEventError, decode_event, event_tag

from .errors import CorruptionError, JournalNotFoundError, StoreError
from .framing import FrameError, read_head, unframe
from .layout import FORMAT_VERSION, Layout
from .scan import Record, SegmentScan

__all__ = [
    "Snapshot",
    "SnapshotSegment",
    "events_at",
    "follow_events",
    "read_events",
    "snapshot",
]


@dataclass(frozen=True, slots=True)
class SnapshotSegment:
    """A segment as a reader may use it: only ``committed_size`` bytes are complete lines."""

    path: Path
    first_seq: int
    committed_size: int
    sealed: bool


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The readable extent of a journal at one moment."""

    last_seq: int
    segments: list[SnapshotSegment]


def open_layout(root: str | os.PathLike[str]) -> Layout:
    """Return the layout of an existing journal of this format, or raise JournalNotFoundError
    (no journal there) / StoreError (another format, or the marker file is missing)."""
    layout = Layout(Path(root))
    if not layout.exists():
        if layout.segments.is_dir() and not layout.meta.exists():
            raise StoreError(
                f"{layout.root} has segments/ but no journal.json (the marker was deleted): "
                f"restore it with `printf '{{\"format\": {FORMAT_VERSION}}}' > {layout.meta}`"
            )
        raise JournalNotFoundError(
            f"no journal at {layout.root} (create one with `tradejournal init`)"
        )
    try:
        fmt = json.loads(layout.meta.read_bytes()).get("format")
    except (ValueError, AttributeError, OSError):
        fmt = None
    if fmt != FORMAT_VERSION:
        raise StoreError(
            f"{layout.meta} says format {fmt!r}; this version of tradejournal reads format "
            f"{FORMAT_VERSION} (use the version that wrote the journal)"
        )
    return layout


def snapshot(root: str | os.PathLike[str]) -> Snapshot:
    """Return the segments and the last complete seq, without locking (for bulk readers)."""
    layout = open_layout(root)
    firsts = layout.list_segments()
    segs = []
    last_seq = 0
    for i, first in enumerate(firsts):
        path = layout.segment_path(first)
        if i < len(firsts) - 1:
            seal = layout.read_seal(first)
            size = seal.size if seal else path.stat().st_size
            segs.append(SnapshotSegment(path, first, size, seal is not None))
            last_seq = seal.last_seq if seal else last_seq
            continue
        size, seq = _committed_end(path)
        segs.append(SnapshotSegment(path, first, size, layout.read_seal(first) is not None))
        last_seq = seq if seq is not None else first - 1
    return Snapshot(last_seq, segs)


def read_events(
    root: str | os.PathLike[str],
    from_seq: int = 1,
    types: Iterable[str] | None = None,
    since: dt.datetime | None = None,
) -> Iterator[Event]:
    """Yield events in seq order from ``from_seq``, optionally only some types or ts >= since."""
    layout = open_layout(root)
    match = _type_filter(types)
    for rec in _records(layout, from_seq):
        event = _decode(rec, layout)
        if match(event) and (since is None or event.ts >= since):
            yield event


def follow_events(
    root: str | os.PathLike[str],
    from_seq: int | None = None,
    types: Iterable[str] | None = None,
    poll_interval: float = 0.2,
    idle_timeout: float | None = None,
) -> Iterator[Event]:
    """Like ``tail -f``: yield events from ``from_seq`` (default: after the current end), forever.

    Stops after ``idle_timeout`` seconds without a new event when given.
    """
    layout = open_layout(root)
    match = _type_filter(types)
    next_seq = snapshot(root).last_seq + 1 if from_seq is None else from_seq
    pos: tuple[int, int] | None = None  # (segment first seq, byte offset) of next_seq
    idle_since = time.monotonic()
    while True:
        got = False
        for rec, new_pos in _records_from(layout, next_seq, pos):
            got, pos = True, new_pos
            next_seq = rec.seq + 1
            event = _decode(rec, layout)
            if match(event):
                yield event
        if got:
            idle_since = time.monotonic()
        elif idle_timeout is not None and time.monotonic() - idle_since >= idle_timeout:
            return
        else:
            time.sleep(poll_interval)


def events_at(root: str | os.PathLike[str], seqs: Iterable[int]) -> dict[int, Event]:
    """Return the events at the given seqs (decoding only those lines; seqs past the end are
    left out). Reads from the smallest seq to the largest."""
    wanted = set(seqs)
    if not wanted:
        return {}
    layout = open_layout(root)
    last = max(wanted)
    found: dict[int, Event] = {}
    for rec in _records(layout, min(wanted)):
        if rec.seq in wanted:
            found[rec.seq] = _decode(rec, layout)
        if rec.seq >= last:
            break
    return found


def _records(layout: Layout, from_seq: int) -> Iterator[Record]:
    for rec, _ in _records_from(layout, from_seq, None):
        yield rec


def _records_from(
    layout: Layout, from_seq: int, pos: tuple[int, int] | None
) -> Iterator[tuple[Record, tuple[int, int]]]:
    firsts = layout.list_segments()
    if not firsts:
        return
    if pos is None:
        if max(from_seq, 1) < firsts[0]:
            raise CorruptionError(
                layout.segment_path(1), None, None, f"the log starts at seq {firsts[0]}, not 1"
            )
        i = max(bisect.bisect_right(firsts, from_seq) - 1, 0)
        pos = (firsts[i], 0)
    seg, offset = pos
    i = bisect.bisect_left(firsts, seg)
    expected = from_seq if offset else seg
    while i < len(firsts):
        first = firsts[i]
        is_last = i == len(firsts) - 1
        scan = SegmentScan(layout.segment_path(first), first, offset, expected)
        for rec in scan:
            if rec.seq >= from_seq:
                yield rec, (first, scan.end)
        if scan.tail is not None and not is_last:
            t = scan.tail
            raise CorruptionError(t.path, t.line, t.offset, f"{t.reason} in a sealed segment")
        if is_last:
            return
        expected = scan.expected
        if firsts[i + 1] != expected:
            raise CorruptionError(
                layout.segment_path(firsts[i + 1]), 1, 0, f"segment should start at seq {expected}"
            )
        i, offset = i + 1, 0


def _decode(rec: Record, layout: Layout) -> Event:
    try:
        return decode_event(rec.body)
    except InvalidEventError as exc:
        path = _segment_of(layout, rec.seq)
        line = rec.seq - int(path.stem) + 1
        raise CorruptionError(path, line, rec.offset, f"invalid event: {exc}") from exc


def _segment_of(layout: Layout, seq: int) -> Path:
    firsts = layout.list_segments()
    return layout.segment_path(firsts[max(bisect.bisect_right(firsts, seq) - 1, 0)])


def _type_filter(types: Iterable[str] | None):  # type: ignore[no-untyped-def]
    if not types:
        return lambda _e: True
    wanted = tuple(types)

    def match(event: Event) -> bool:
        tag = event_tag(event)
        return any(tag == t or tag.startswith(t + ".") for t in wanted)

    return match


def _committed_end(path: Path) -> tuple[int, int | None]:
    """Return (bytes up to the last complete valid line, its seq) of a segment.

    Looks at the last two complete lines only: a single bad last line is a torn tail.
    """
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        block = 1 << 16
        while True:
            start = max(0, size - block)
            f.seek(start)
            data = f.read(size - start)
            try:
                found = _last_valid_line(data, at_file_start=start == 0)
            except FrameError as exc:
                raise CorruptionError(path, None, None, str(exc)) from exc
            if found is not None:
                end, seq = found
                return (start + end, seq) if seq is not None else (0, None)
            block *= 4


def _last_valid_line(data: bytes, at_file_start: bool) -> tuple[int, int | None] | None:
    # Returns (end offset in data, seq), (0, None) if no valid line, or None if more data needed.
    ends: list[int] = []
    j = len(data)
    while len(ends) < 3:
        k = data.rfind(b"\n", 0, j)
        if k < 0:
            break
        ends.append(k)
        j = k
    for idx in range(min(2, len(ends))):
        if idx + 1 < len(ends):
            line_start = ends[idx + 1] + 1
        elif at_file_start:
            line_start = 0
        else:
            return None
        try:
            return ends[idx] + 1, read_head(unframe(data[line_start : ends[idx]])).seq
        except FrameError:
            continue
    if len(ends) >= 2:
        raise FrameError("the last two lines are both invalid")
    if not at_file_start:
        return None
    return 0, None
