"""Scan a segment's bytes into checked records, telling a torn tail from corruption.

The rule (docs/design.md, "The store"): after the last valid line, a partial line or a single bad
last line is a *torn tail* (safe to cut); a bad line with anything after it, or a seq that is not
the expected next one, is *corruption* (stop and ask).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import CorruptionError
from .framing import FrameError, read_head, unframe

__all__ = ["Record", "SegmentScan", "Tail"]


@dataclass(frozen=True, slots=True)
class Tail:
    """Bytes after the last valid line that are safe to cut."""

    path: Path
    offset: int
    size: int
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class Record:
    """One checked line: its seq, id, recorded_ts, byte offset and JSON body (crc stripped)."""

    seq: int
    id: str
    recorded_ts: str | None
    offset: int
    body: bytes


class SegmentScan:
    """Iterate the checked records of one segment from a byte offset.

    After iteration, ``end`` is the offset just after the last valid line, ``last`` the last
    record seen (or None) and ``tail`` the torn tail (or None). Corruption raises. Given
    ``crc_before`` (the CRC-32 of the bytes before ``start``; 0 from 0), ``crc`` is, after a complete
    iteration, the CRC-32 of the segment's bytes ``[0, end)``; otherwise it is None.
    """

    def __init__(
        self,
        path: Path,
        first_seq: int,
        start: int = 0,
        expected_seq: int | None = None,
        crc_before: int | None = None,
    ) -> None:
        self.path = path
        self.first_seq = first_seq
        self.start = start
        self.expected = first_seq if expected_seq is None else expected_seq
        self.end = start
        self.last: Record | None = None
        self.tail: Tail | None = None
        self.crc: int | None = None
        self._crc_before = crc_before

    def __iter__(self) -> Iterator[Record]:
        with open(self.path, "rb") as f:
            f.seek(self.start)
            data = f.read()
        pos, n = 0, len(data)
        while pos < n:
            line_no = self.expected - self.first_seq + 1
            nl = data.find(b"\n", pos)
            if nl < 0:
                self._torn(pos, n - pos, line_no, "partial line without a newline")
                self._finish(data, pos)
                return
            try:
                body = unframe(data[pos:nl])
                head = read_head(body)
            except FrameError as exc:
                if nl + 1 == n:
                    self._torn(pos, n - pos, line_no, f"bad last line: {exc}")
                    self._finish(data, pos)
                    return
                raise CorruptionError(
                    self.path, line_no, self.start + pos, f"{exc} (and valid data follows)"
                ) from exc
            if head.seq != self.expected:
                raise CorruptionError(
                    self.path,
                    line_no,
                    self.start + pos,
                    f"expected seq {self.expected}, found {head.seq}",
                )
            rec = Record(head.seq, head.id, head.recorded_ts, self.start + pos, body)
            self.last = rec
            self.expected += 1
            pos = nl + 1
            self.end = self.start + pos
            yield rec
        self._finish(data, pos)

    def _finish(self, data: bytes, pos: int) -> None:
        if self._crc_before is not None:
            self.crc = zlib.crc32(memoryview(data)[:pos], self._crc_before)

    def run(self) -> SegmentScan:
        """Consume the scan (for its end, last and tail) and return self."""
        for _ in self:
            pass
        return self

    def _torn(self, pos: int, size: int, line_no: int, reason: str) -> None:
        self.tail = Tail(self.path, self.start + pos, size, line_no, reason)
