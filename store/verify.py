"""``verify`` and ``repair``: check every line and every seal; cut a torn tail on request.

``verify`` never stops at the first problem: it reports each one as ``segment:line:offset: reason``
and keeps going (seq continuity is re-synchronised on the next readable line).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tradejournal.events import InvalidEventError, decode_event

from .framing import FrameError, read_head, unframe
from .journal import Journal, Recovery
from .layout import Layout
from .lock import InterProcessLock
from .reader import open_layout

__all__ = ["Problem", "VerifyReport", "repair", "verify"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the log, located as precisely as possible."""

    segment: str
    line: int | None
    offset: int | None
    reason: str

    def __str__(self) -> str:
        line = "-" if self.line is None else str(self.line)
        offset = "-" if self.offset is None else str(self.offset)
        return f"{self.segment}:{line}:{offset}: {self.reason}"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of ``verify``: counts and problems (empty means clean)."""

    segments: int
    events: int
    last_seq: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def verify(
    root: str | os.PathLike[str], progress: Callable[[int], None] | None = None
) -> VerifyReport:
    """Check every line (framing, CRC, seq, schema), ids, and every seal of a journal.

    ``progress`` is called with the number of bytes checked after each segment.
    """
    layout = open_layout(root)
    firsts = layout.list_segments()
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    expected = 1  # the first segment starts at seq 1
    events = 0
    for i, first in enumerate(firsts):
        path = layout.segment_path(first)
        if first != expected:
            problems.append(Problem(path.name, 1, 0, f"segment should start at seq {expected}"))
        data = path.read_bytes()  # read once: lines and the seal's SHA-256
        last = i == len(firsts) - 1
        expected, n = _verify_segment(data, path, first, seen, problems, is_last=last)
        events += n
        problems.extend(_verify_seal(layout, first, path, data, expected - 1, last))
        if progress is not None:
            progress(path.stat().st_size)
    return VerifyReport(len(firsts), events, expected - 1, problems)


def repair(root: str | os.PathLike[str], *, reindex: bool = False) -> Recovery:
    """Cut a torn tail to quarantine (and optionally rebuild the id index); return what was done.

    Corruption other than a torn tail is not repaired: it raises ``CorruptionError``.
    """
    layout = open_layout(root)
    if reindex:
        lock = InterProcessLock(layout.lock)
        try:
            with lock:  # running writers notice the new file (IdIndex.replaced) and reconnect
                for suffix in ("", "-wal", "-shm"):
                    Path(str(layout.index) + suffix).unlink(missing_ok=True)
        finally:
            lock.close()
    with Journal.open(layout.root, durability="always") as journal:
        return journal.recovery


def _verify_segment(
    data: bytes,
    path: Path,
    first: int,
    seen: dict[str, int],
    problems: list[Problem],
    is_last: bool,
) -> tuple[int, int]:
    pos, n, expected, count = 0, len(data), first, 0
    line_no = 0
    while pos < n:
        line_no += 1
        nl = data.find(b"\n", pos)
        if nl < 0:
            if is_last:
                reason = _tail_hint(f"torn tail: {n - pos} bytes without a newline")
            else:  # --truncate-tail refuses a sealed segment: say what works
                reason = (
                    f"torn tail in a sealed segment: {n - pos} bytes without a newline (run "
                    f"`tradejournal repair --truncate-at {path.name}:{pos}`)"
                )
            problems.append(Problem(path.name, line_no, pos, reason))
            break
        expected = _verify_line(data[pos:nl], path, line_no, pos, expected, seen, problems)
        count += 1
        pos = nl + 1
    return expected, count


def _verify_line(
    line: bytes,
    path: Path,
    line_no: int,
    pos: int,
    expected: int,
    seen: dict[str, int],
    problems: list[Problem],
) -> int:
    def report(reason: str) -> None:
        problems.append(Problem(path.name, line_no, pos, reason))

    try:
        body = unframe(line)
        head = read_head(body)
    except FrameError as exc:
        report(str(exc))
        return expected + 1
    if head.seq != expected:
        report(f"expected seq {expected}, found {head.seq}")
    if head.id in seen:
        report(f"id {head.id!r} already used by seq {seen[head.id]}")
    else:
        seen[head.id] = head.seq
    try:
        decode_event(body)
    except InvalidEventError as exc:
        report(f"invalid event: {exc}")
    return head.seq + 1


def _verify_seal(
    layout: Layout, first: int, path: Path, data: bytes, last_seq: int, is_last: bool
) -> list[Problem]:
    seal = layout.read_seal(first)
    if seal is None:
        return [] if is_last else [Problem(path.name, None, None, "not the last segment, no seal")]
    out = []
    size = len(data)
    if size != seal.size:
        out.append(Problem(path.name, None, None, f"size {size} differs from seal {seal.size}"))
    if hashlib.sha256(data).hexdigest() != seal.sha256:
        out.append(Problem(path.name, None, None, "SHA-256 differs from the seal: segment changed"))
    if seal.last_seq != last_seq:
        out.append(Problem(path.name, None, None, f"seal says last seq {seal.last_seq}"))
    return out


def _tail_hint(reason: str) -> str:
    return f"{reason} (run `tradejournal repair --truncate-tail`)"
