"""Opening-time checks and catching up: how a writer finds the true end of the log.

Owns recovery (docs/design.md, "The store"): sealed segments are checked against their seals, the active
segment's acknowledged bytes are checked up to the index head (one CRC-32 over them against the
head's running CRC; line by line when it differs or is unknown, to name the damaged line), lines
beyond the head are indexed, and only a torn tail is cut (to ``quarantine/``, reported); anything
else raises CorruptionError.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mmap
import os
import sqlite3
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorruptionError
from .framing import read_head, unframe
from .index import Cursor, IdIndex, SealCheck
from .layout import Layout, Seal, fsync_dir, fsync_file, make_read_only
from .scan import SegmentScan, Tail

__all__ = ["Recovering", "Recovery", "prefix_crc", "sha256_file"]

log = logging.getLogger("tradejournal.store")
_O_BINARY = getattr(os, "O_BINARY", 0)
INDEX_FLUSH_SECONDS = 1.0


@dataclass
class Recovery:
    """What opening the journal repaired: torn tails cut to quarantine, index rebuilt."""

    cut: list[tuple[Tail, Path]] = field(default_factory=list)
    reindexed: int | None = None

    def messages(self) -> list[str]:
        """Return one human line per action taken."""
        out = [
            f"cut torn tail of {t.path.name} at line {t.line}, offset {t.offset} "
            f"({t.size} bytes: {t.reason}); kept in {q}"
            for t, q in self.cut
        ]
        if self.reindexed:
            out.append(f"rebuilt the id index from the log ({self.reindexed} events)")
        return out


class Recovering:
    """Mixin of ``Journal``: the state it shares and the recovery steps (run under the lock)."""

    layout: Layout
    recovery: Recovery
    _index: IdIndex | None
    _fd: int
    _active: int
    _active_seal: str
    _active_day: dt.date | None
    _cursor: Cursor
    _pending: dict[str, int]
    _flush_due: float

    def _open_new_active(self, first_seq: int) -> None:
        path = self.layout.segment_path(first_seq)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL | _O_BINARY
        fd = os.open(path, flags, 0o644)
        fsync_file(fd)
        fsync_dir(self.layout.segments)
        self._fd, self._active, self._active_day = fd, first_seq, None
        self._active_seal = str(self.layout.seal_path(first_seq))

    def _open_index(self) -> None:
        try:
            self._index = IdIndex(self.layout.index)
            self._index.head()
        except sqlite3.DatabaseError as exc:
            log.warning("id index unreadable (%s): rebuilding it", exc)
            if self._index is not None:
                self._index.close()
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.layout.index) + suffix).unlink(missing_ok=True)
            self._index = IdIndex(self.layout.index)

    def _check_seals(self) -> None:
        assert self._index is not None
        checked = self._index.seal_checks()
        firsts = self.layout.list_segments()
        if not firsts:
            raise CorruptionError(self.layout.segments, None, None, "no segment at all")
        if firsts[0] != 1:  # the log starts at seq 1 (init_journal); nothing deletes segments
            raise CorruptionError(
                self.layout.segment_path(1),
                None,
                None,
                f"first segment is missing: the log starts at seq {firsts[0]}",
            )
        for first, nxt in zip(firsts, firsts[1:], strict=False):
            seal = self.layout.read_seal(first)
            path = self.layout.segment_path(first)
            if seal is None:
                raise CorruptionError(
                    path, None, None, "segment is not the last one but has no seal"
                )
            if seal.last_seq + 1 != nxt:
                raise CorruptionError(
                    self.layout.segment_path(nxt), 1, 0, f"seq gap: expected {seal.last_seq + 1}"
                )
            self._check_sealed_file(path, seal, checked.get(first))

    def _check_sealed_file(self, path: Path, seal: Seal, checked: SealCheck | None) -> None:
        """Check a sealed segment's size, and its SHA-256 unless its mtime is the seal's or
        its stat is the one recorded when its SHA-256 last matched (``verify`` always hashes)."""
        st = path.stat()
        if st.st_size != seal.size:
            raise CorruptionError(
                path,
                None,
                min(st.st_size, seal.size),
                f"sealed segment changed: {st.st_size} bytes, seal says {seal.size}",
            )
        if st.st_mtime_ns == seal.mtime_ns:
            return
        now = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, seal.sha256)
        if checked == now:
            return
        if sha256_file(path) != seal.sha256:
            raise CorruptionError(
                path, None, None, "sealed segment changed: SHA-256 differs from its seal"
            )
        assert self._index is not None
        self._index.record_seal_check(seal.first_seq, now)

    def _check_active(self) -> None:
        """Check every indexed byte of an unsealed segment: no seal vouches for it.

        Catching up starts at the index head, so without this a damaged acknowledged line (even
        the last one) would go unnoticed and be written past, or sealed over. The head's running
        CRC covers exactly those bytes: when one ``crc32`` over them matches, every line is as it
        was written or checked. Otherwise (or when the CRC is unknown) every line is checked as
        before, naming a damaged one; if all are sound the CRC is recorded for the next open.
        """
        assert self._index is not None
        head = self._index.head()
        if head is None or head.offset == 0 or self.layout.read_seal(head.segment) is not None:
            return  # a new index is rebuilt by scanning every line; seals were just checked
        path = self.layout.segment_path(head.segment)
        if not path.exists():
            return  # _catch_up reports the missing segment
        actual = prefix_crc(path, head.offset)
        if actual is not None and actual == head.crc:
            return
        scan = SegmentScan(path, head.segment, 0, head.segment)
        for _ in scan:  # raises on a bad line followed by more data, or a seq out of order
            if scan.end >= head.offset:
                break
        if scan.tail is not None and scan.tail.offset < head.offset:
            t = scan.tail
            raise CorruptionError(
                path, t.line, t.offset, f"{t.reason}, but the id index says it was written"
            )
        if scan.end > head.offset and scan.last is not None:  # lines were edited or moved
            rec = scan.last
            raise CorruptionError(
                path,
                rec.seq - head.segment + 1,
                rec.offset,
                f"the id index says a line ends at byte {head.offset}, inside this one",
            )
        last = scan.last.seq if scan.last else head.segment - 1
        if scan.end == head.offset and last != head.last_seq:
            raise CorruptionError(
                path,
                None,
                head.offset,
                f"the id index says seq {head.last_seq} ends here, not {last}",
            )
        if actual is not None and scan.end == head.offset:
            if head.crc is not None:  # bytes changed, yet every line still checks
                log.warning(
                    "%s: the first %d bytes of %s differ from what the id index recorded, yet "
                    "every line checks (edited?); see `tradejournal verify`",
                    self.layout.root,
                    head.offset,
                    path.name,
                )
            self._index.record_crc(head, actual)

    def _catch_up(self) -> None:
        """Bring this writer and the index up to the end of the log (under the lock).

        A writer indexes its own appends lazily (``_pending``, flushed every few hundred events,
        at a roll, at close, and before the head moves for any other reason), so the index head
        may lag the log; lines beyond it are scanned and indexed by whoever locks next. The head
        never passes a line whose id is not in the index.
        """
        assert self._index is not None
        if self._index.replaced():
            self._index.close()
            self._index = IdIndex(self.layout.index)
        elif self._unchanged_since(self._cursor):
            return  # the common case: nobody wrote since our own last append
        self._flush_index()
        head = self._index.head()
        if head is None:
            self._rebuild_index()
            return
        if self._unchanged_since(head):
            self._cursor = head
            return
        self._scan_from(head)

    def _unchanged_since(self, cursor: Cursor) -> bool:
        # True when the log ends exactly at ``cursor`` in our active segment and nobody sealed it
        # (a writer that died mid-roll leaves a seal: this fd must not write on).
        if self._fd < 0 or cursor.segment != self._active:
            return False
        size = os.fstat(self._fd).st_size
        return size == cursor.offset and not os.path.exists(self._active_seal)

    def _flush_index(self) -> None:
        """Put this writer's own pending ids into the index and move the head (monotonically)."""
        assert self._index is not None
        if self._pending:
            self._index.advance(self._pending.items(), self._cursor)
            self._pending.clear()
        self._flush_due = time.monotonic() + INDEX_FLUSH_SECONDS

    def _rebuild_index(self) -> None:
        assert self._index is not None
        self._index.reset()
        first = self.layout.list_segments()[0]
        self._scan_from(Cursor(first - 1, first, 0, None, 0))
        self.recovery.reindexed = self._cursor.last_seq - first + 1

    def _scan_from(self, head: Cursor) -> None:
        assert self._index is not None
        firsts = self.layout.list_segments()
        if head.segment not in firsts:
            raise CorruptionError(
                self.layout.segment_path(head.segment),
                None,
                head.offset,
                "segment named by the id index is missing (run `tradejournal repair --reindex`)",
            )
        cursor = head
        for first in firsts[firsts.index(head.segment) :]:
            path = self.layout.segment_path(first)
            start = cursor.offset if first == head.segment else 0
            size = path.stat().st_size
            if start > size:
                raise CorruptionError(
                    path,
                    None,
                    size,
                    f"log ends at byte {size} but seq {cursor.last_seq} was recorded at byte "
                    f"{start}: acknowledged events are missing (see `tradejournal verify`; "
                    "`tradejournal repair --reindex` accepts the log as it is)",
                )
            crc = cursor.crc if start else 0
            scan = SegmentScan(path, first, start, cursor.last_seq + 1, crc)
            pairs = [(r.id, r.seq) for r in scan]
            last = scan.last
            cursor = Cursor(
                last.seq if last else cursor.last_seq,
                first,
                scan.end,
                last.recorded_ts if last else cursor.recorded_ts,
                scan.crc,
            )
            if scan.tail is not None:
                if first != firsts[-1]:
                    t = scan.tail
                    raise CorruptionError(path, t.line, t.offset, f"{t.reason} in a sealed segment")
                self._cut_tail(scan.tail)
            self._index.advance(pairs, cursor)
        self._cursor = cursor
        self._reopen_active(firsts[-1])

    def _reopen_active(self, last_first: int) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if (
            self.layout.read_seal(last_first) is not None
        ):  # crashed mid-roll: seal done, no new file
            make_read_only(self.layout.segment_path(last_first))
            self._open_new_active(self._cursor.last_seq + 1)
            self._cursor = Cursor(
                self._cursor.last_seq, self._active, 0, self._cursor.recorded_ts, 0
            )
            assert self._index is not None
            self._index.advance([], self._cursor)
            return
        path = self.layout.segment_path(last_first)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | _O_BINARY)
        self._active = last_first
        self._active_seal = str(self.layout.seal_path(last_first))
        self._active_day = _first_day(path)

    def _cut_tail(self, tail: Tail) -> None:
        with open(tail.path, "rb") as f:
            f.seek(tail.offset)
            data = f.read()
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        qpath = self.layout.quarantine / f"{tail.path.stem}.{tail.offset}.{stamp}.torn"
        self.layout.quarantine.mkdir(exist_ok=True)
        with open(qpath, "wb") as q:
            q.write(data)
            q.flush()
            os.fsync(q.fileno())
        fsync_dir(self.layout.quarantine)
        fd = os.open(tail.path, os.O_WRONLY | _O_BINARY)
        try:
            os.ftruncate(fd, tail.offset)
            fsync_file(fd)
        finally:
            os.close(fd)
        self.recovery.cut.append((tail, qpath))


def prefix_crc(path: Path, size: int) -> int | None:
    """Return the CRC-32 of the first ``size`` bytes of a file (mapped, not copied), or None
    when the file is shorter."""
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size < size:
            return None
        if size == 0:
            return 0
        with mmap.mmap(f.fileno(), size, access=mmap.ACCESS_READ) as m:
            return zlib.crc32(m)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _first_day(path: Path) -> dt.date | None:
    with open(path, "rb") as f:
        line = f.readline()
    if not line.endswith(b"\n"):
        return None
    try:
        ts = read_head(unframe(line[:-1])).recorded_ts
    except ValueError:
        return None
    return dt.datetime.fromisoformat(ts).date() if ts else None
