"""Check committed bytes of a segment before someone else reads them raw (the projections' loader).

DuckDB reads segment files directly, so it sees neither CRCs nor seals. Before a range is handed
to it, ``check_range`` proves it intact the way ``verify`` does: a sealed segment read whole must
still match its seal (size and SHA-256); any other range is checked line by line (CRC, seq order).
``locate_seq`` finds the byte offset of one line, for error messages that name what to cut;
``fingerprint_at`` reads (seq, crc) of the line ending at an offset, so a reader can tell that the
log it loaded earlier is still the same log (not cut, restored or re-numbered since).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import CorruptionError
from .framing import FrameError, read_head, unframe
from .layout import Layout

__all__ = ["check_range", "fingerprint_at", "locate_seq"]


def check_range(
    segment: Path, first_seq: int, start: int, end: int, data: bytes | None = None
) -> None:
    """Raise CorruptionError unless bytes ``[start, end)`` of ``segment`` are intact.

    ``data``: those bytes when the caller already holds them (else they are read).
    """
    layout = Layout(segment.parent.parent)
    seal = layout.read_seal(first_seq)
    if seal is not None and start == 0 and end == seal.size and data is None:
        h = hashlib.sha256()
        with open(segment, "rb") as f:
            size = 0
            while chunk := f.read(1 << 22):
                h.update(chunk)
                size += len(chunk)
        if size != seal.size or h.hexdigest() != seal.sha256:
            raise CorruptionError(
                segment, None, None, "sealed segment changed: SHA-256 differs from its seal"
            )
        return
    if data is None:
        with open(segment, "rb") as f:
            f.seek(start)
            data = f.read(end - start)
    _check_lines(segment, first_seq, start, data)


def _check_lines(segment: Path, first_seq: int, start: int, data: bytes) -> None:
    pos, n = 0, len(data)
    expected: int | None = first_seq if start == 0 else None
    while pos < n:
        nl = data.find(b"\n", pos)
        if nl < 0:
            nl = n
        line = None if expected is None else expected - first_seq + 1
        try:
            head = read_head(unframe(data[pos:nl]))
        except FrameError as exc:
            raise CorruptionError(segment, line, start + pos, str(exc)) from exc
        if expected is not None and head.seq != expected:
            raise CorruptionError(
                segment, line, start + pos, f"expected seq {expected}, found {head.seq}"
            )
        expected = head.seq + 1
        pos = nl + 1


def locate_seq(segment: Path, first_seq: int, seq: int) -> int | None:
    """Return the byte offset of the line of ``seq`` in ``segment`` (None when not found)."""
    offset = 0
    with open(segment, "rb") as f:
        for line in f:
            try:
                if read_head(unframe(line.rstrip(b"\n"))).seq == seq:
                    return offset
            except FrameError:
                pass
            offset += len(line)
    return None


def fingerprint_at(segment: Path, end: int) -> tuple[int, int] | None:
    """Return (seq, crc) of the line that ends at byte ``end`` of ``segment``, or None when
    there is no such intact line (the file is shorter, changed, or gone)."""
    try:
        with open(segment, "rb") as f:
            if end <= 0 or f.seek(0, 2) < end:
                return None
            block = 1 << 12
            while True:
                lo = max(0, end - block)
                f.seek(lo)
                data = f.read(end - lo)
                if not data.endswith(b"\n"):
                    return None
                k = data.rfind(b"\n", 0, len(data) - 1)
                if k >= 0 or lo == 0:
                    line = data[k + 1 : -1]
                    break
                block *= 8
    except OSError:
        return None
    try:
        head = read_head(unframe(line))
    except FrameError:
        return None
    return head.seq, int(line[line.rfind(b":") + 1 : -1])
