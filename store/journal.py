"""The writer: ``Journal`` appends events under an exclusive lock, safe for many processes.

One append (or batch), under the lock: catch up on what other processes wrote -> dedupe ids ->
assign seq -> one ``write`` of whole lines -> fsync per durability -> index the ids -> unlock.
seq is global, gapless and unique; lines never interleave; a failed write leaves no partial record
and closes this writer (never retry-and-carry-on after a write or fsync error).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Literal

import msgspec

from tradejournal.events import ENCODER, Event, InvalidEventError, check_encoded

from .errors import CorruptionError, JournalExistsError, StoreClosedError, WriteFailedError
from .framing import frame, read_head, unframe
from .index import Cursor, IdIndex
from .layout import (
    FORMAT_VERSION,
    Layout,
    Seal,
    atomic_write,
    fsync_dir,
    fsync_file,
    make_read_only,
)
from .lock import InterProcessLock
from .reader import follow_events, open_layout, read_events
from .scan import SegmentScan, Tail

__all__ = ["DEFAULT_SEGMENT_BYTES", "Durability", "Journal", "Recovery", "init_journal"]

log = logging.getLogger("tradejournal.store")

Durability = Literal["always", "batch", "none"]
DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024
_O_BINARY = getattr(os, "O_BINARY", 0)


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


def init_journal(path: str | os.PathLike[str]) -> Path:
    """Create an empty journal at ``path``; raise JournalExistsError if one is there."""
    layout = Layout(Path(path))
    if layout.exists():
        raise JournalExistsError(f"a journal already exists at {layout.root}")
    if layout.root.exists() and any(layout.root.iterdir()):
        raise JournalExistsError(f"{layout.root} exists and is not empty: not creating a journal")
    layout.segments.mkdir(parents=True, exist_ok=True)
    layout.quarantine.mkdir(exist_ok=True)
    layout.lock.touch()
    fd = os.open(layout.segment_path(1), os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o644)
    os.close(fd)
    fsync_dir(layout.segments)
    atomic_write(layout.meta, msgspec.json.encode({"format": FORMAT_VERSION}))
    return layout.root


class Journal:
    """An open journal; use ``Journal.open`` (a context manager)."""

    def __init__(
        self,
        layout: Layout,
        durability: Durability,
        max_segment_bytes: int,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        if durability not in ("always", "batch", "none"):
            raise ValueError(f"durability: must be always, batch or none, was {durability!r}")
        self.layout = layout
        self._clock = clock or _utcnow
        self.durability: Durability = durability
        self.max_segment_bytes = max_segment_bytes
        self.recovery = Recovery()
        self._tlock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._flock = InterProcessLock(layout.lock)
        self._index: IdIndex | None = None
        self._fd = -1
        self._active = 0
        self._active_seal = ""
        self._active_day: dt.date | None = None
        self._cursor = Cursor(0, 1, 0, None)
        self._gen = 0
        self._synced_gen = 0
        self._failed: BaseException | None = None

    # --- opening and closing --------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        durability: Durability = "always",
        *,
        create: bool = False,
        max_segment_bytes: int = DEFAULT_SEGMENT_BYTES,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> Journal:
        """Open a journal for appending and reading, recovering a torn tail if there is one.

        ``clock`` (tests, replays) returns the aware UTC time used for ``recorded_ts``.
        Raise JournalNotFoundError (unless ``create``) or CorruptionError (writing refused).
        """
        if create and not Layout(Path(path)).exists():
            _init_or_wait(Path(path))
        journal = cls(open_layout(path), durability, max_segment_bytes, clock)
        try:
            with journal._flock:
                journal._open_index()
                journal._check_seals()
                journal._check_active()
                journal._catch_up()
        except BaseException:
            journal.close()
            raise
        for line in journal.recovery.messages():
            log.warning("%s: %s", journal.layout.root, line)
        return journal

    def close(self) -> None:
        """Flush (per durability) and release everything; idempotent."""
        with self._tlock:
            if self._fd >= 0:
                if self._failed is None and self.durability != "none":
                    fsync_file(self._fd)
                os.close(self._fd)
                self._fd = -1
            if self._index is not None:
                self._index.close()
                self._index = None
            self._flock.close()
            if self._failed is None:
                self._failed = StoreClosedError("journal is closed")

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- public API -----------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        """The journal directory."""
        return self.layout.root

    @property
    def last_seq(self) -> int:
        """The last seq known to this writer (as of its last lock)."""
        return self._cursor.last_seq

    def append(self, event: Event) -> int:
        """Append one event and return its seq (the original seq if its id is already there)."""
        return self.append_many([event])[0]

    def append_many(self, events: Iterable[Event]) -> list[int]:
        """Append events atomically (all or nothing) and return their seqs in order."""
        batch = list(events)
        if not batch:
            return []
        for i, event in enumerate(batch):
            if not isinstance(event, Event):
                raise InvalidEventError("", f"event {i + 1}: not an event: {type(event).__name__}")
        with self._tlock:
            self._check_usable()
            with self._flock:
                self._check_usable()
                try:
                    seqs, gen = self._append_locked(batch)
                except sqlite3.Error as exc:  # e.g. disk full: as fatal as a failed write
                    self._poison(exc)
                    raise WriteFailedError(
                        f"append to {self.layout.root} failed in the id index: {exc} "
                        "(not acknowledged; its events may be in the log, a retry finds them)"
                    ) from exc
        if self.durability == "batch":
            self._group_sync(gen)
        return seqs

    def read(
        self,
        from_seq: int = 1,
        types: Iterable[str] | None = None,
        since: dt.datetime | None = None,
    ) -> Iterator[Event]:
        """Yield events in seq order (typed), optionally filtered by tag/family and ``ts >= since``."""
        return read_events(self.layout.root, from_seq, types, since)

    def follow(
        self,
        from_seq: int | None = None,
        types: Iterable[str] | None = None,
        poll_interval: float = 0.2,
        idle_timeout: float | None = None,
    ) -> Iterator[Event]:
        """Yield events as they are appended, like ``tail -f`` (see ``follow_events``)."""
        return follow_events(self.layout.root, from_seq, types, poll_interval, idle_timeout)

    # --- the append path ------------------------------------------------------------------------
    def _append_locked(self, batch: list[Event]) -> tuple[list[int], int]:
        self._catch_up()
        assert self._index is not None
        known = self._index.lookup({e.id for e in batch})
        now = self._now()
        stamp_field = b'"recorded_ts":' + ENCODER.encode(now)
        stamp = stamp_field[15:-1].decode()
        seqs: list[int] = []
        lines: list[bytes] = []
        pairs: list[tuple[str, int]] = []
        next_seq = self._cursor.last_seq + 1
        for i, event in enumerate(batch):
            if event.id in known:
                seqs.append(known[event.id])
                continue
            body = _stamp(event, next_seq, now, stamp_field)
            _validate(body, i, len(batch))
            lines.append(frame(body))
            pairs.append((event.id, next_seq))
            known[event.id] = next_seq
            seqs.append(next_seq)
            next_seq += 1
        if not lines:
            return seqs, self._gen
        blob = b"".join(lines)
        if self._must_roll(len(blob), now):
            self._roll()
        self._write(blob)
        if self.durability == "always":
            self._fsync(self._fd)
        self._cursor = Cursor(next_seq - 1, self._active, self._cursor.offset + len(blob), stamp)
        if self._active_day is None:
            self._active_day = now.date()
        self._index.advance(pairs, self._cursor)
        self._gen += 1
        return seqs, self._gen

    def _now(self) -> dt.datetime:
        now = self._clock()
        if self._cursor.recorded_ts:
            last = dt.datetime.fromisoformat(self._cursor.recorded_ts)
            if now < last:  # the clock stepped back: recorded_ts never goes backwards
                now = last
        return now

    def _must_roll(self, size: int, now: dt.datetime) -> bool:
        if self._cursor.offset == 0:
            return False
        if self._cursor.offset + size > self.max_segment_bytes:
            return True
        return self._active_day is not None and self._active_day != now.date()

    def _write(self, blob: bytes) -> None:
        start = self._cursor.offset
        try:
            size = os.fstat(self._fd).st_size
            if size != start:
                raise CorruptionError(
                    self.layout.segment_path(self._active),
                    None,
                    size,
                    f"segment is {size} bytes but the journal expected {start}: "
                    "something wrote to it without the lock",
                )
            view = memoryview(blob)
            done = 0
            while done < len(blob):
                n = os.write(self._fd, view[done:])
                if n <= 0:
                    raise OSError("write returned 0 bytes")
                done += n
        except OSError as exc:
            self._undo_partial(start)
            self._poison(exc)
            raise WriteFailedError(f"append to {self.layout.root} failed: {exc}") from exc

    def _undo_partial(self, start: int) -> None:
        try:
            os.ftruncate(self._fd, start)
            fsync_file(self._fd)
        except OSError:
            log.error("could not cut a partial write; the next open will quarantine it")

    def _fsync(self, fd: int) -> None:
        try:
            fsync_file(fd)
        except OSError as exc:
            self._poison(exc)
            raise WriteFailedError(f"fsync of {self.layout.root} failed: {exc}") from exc

    def _group_sync(self, gen: int) -> None:
        # Group commit: concurrent appenders in this process share one fsync.
        if self._synced_gen >= gen:
            return
        with self._sync_lock:
            if self._synced_gen >= gen:
                return
            with self._tlock:
                self._check_usable()
                target, fd = self._gen, os.dup(self._fd)
            try:
                fsync_file(fd)
            except OSError as exc:
                with self._tlock:  # never close the fd under a thread that is writing to it
                    self._poison(exc)
                raise WriteFailedError(f"fsync of {self.layout.root} failed: {exc}") from exc
            finally:
                os.close(fd)
            self._synced_gen = max(self._synced_gen, target)

    def _poison(self, exc: BaseException) -> None:
        self._failed = exc
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _check_usable(self) -> None:
        if self._failed is not None:
            raise StoreClosedError(f"journal {self.layout.root} is not writable: {self._failed}")

    # --- rolling --------------------------------------------------------------------------------
    def _roll(self) -> None:
        old, path = self._active, self.layout.segment_path(self._active)
        self._fsync(self._fd)
        st = os.fstat(self._fd)
        seal = Seal(old, self._cursor.last_seq, st.st_size, _sha256(path), st.st_mtime_ns)
        self.layout.write_seal(seal)
        os.close(self._fd)
        self._fd = -1
        make_read_only(path)
        self._open_new_active(self._cursor.last_seq + 1)
        self._cursor = Cursor(self._cursor.last_seq, self._active, 0, self._cursor.recorded_ts)
        assert self._index is not None
        self._index.advance([], self._cursor)
        self._synced_gen = self._gen

    def _open_new_active(self, first_seq: int) -> None:
        path = self.layout.segment_path(first_seq)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL | _O_BINARY
        fd = os.open(path, flags, 0o644)
        fsync_file(fd)
        fsync_dir(self.layout.segments)
        self._fd, self._active, self._active_day = fd, first_seq, None
        self._active_seal = str(self.layout.seal_path(first_seq))

    # --- recovery and catching up ---------------------------------------------------------------
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
            _check_sealed_file(path, seal)

    def _check_active(self) -> None:
        """Check every indexed line of an unsealed segment: no seal vouches for it.

        Catching up starts at the index head, so without this a damaged acknowledged line (even
        the last one) would go unnoticed and be written past, or sealed over.
        """
        assert self._index is not None
        head = self._index.head()
        if head is None or head.offset == 0 or self.layout.read_seal(head.segment) is not None:
            return  # a new index is rebuilt by scanning every line; seals were just checked
        path = self.layout.segment_path(head.segment)
        if not path.exists():
            return  # _catch_up reports the missing segment
        scan = SegmentScan(path, head.segment, 0, head.segment)
        for _ in scan:  # raises on a bad line followed by more data, or a seq out of order
            if scan.end >= head.offset:
                break
        if scan.tail is not None and scan.tail.offset < head.offset:
            t = scan.tail
            raise CorruptionError(
                path, t.line, t.offset, f"{t.reason}, but the id index says it was written"
            )
        last = scan.last.seq if scan.last else head.segment - 1
        if scan.end == head.offset and last != head.last_seq:
            raise CorruptionError(
                path,
                None,
                head.offset,
                f"the id index says seq {head.last_seq} ends here, not {last}",
            )

    def _catch_up(self) -> None:
        """Bring this writer and the index up to the end of the log (under the lock)."""
        assert self._index is not None
        if self._index.replaced():
            self._index.close()
            self._index = IdIndex(self.layout.index)
        head = self._index.head()
        if head is None:
            self._rebuild_index()
            return
        if self._fd >= 0 and head.segment == self._active:
            size = os.fstat(self._fd).st_size
            # The common case: nothing unindexed, and nobody sealed this segment (a writer that
            # died mid-roll leaves a seal with the index still here: this fd must not write on).
            if size == head.offset and not os.path.exists(self._active_seal):
                self._cursor = head
                return
        self._scan_from(head)

    def _rebuild_index(self) -> None:
        assert self._index is not None
        self._index.reset()
        first = self.layout.list_segments()[0]
        self._scan_from(Cursor(first - 1, first, 0, None))
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
            scan = SegmentScan(path, first, start, cursor.last_seq + 1)
            pairs = [(r.id, r.seq) for r in scan]
            last = scan.last
            cursor = Cursor(
                last.seq if last else cursor.last_seq,
                first,
                scan.end,
                last.recorded_ts if last else cursor.recorded_ts,
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
            self._cursor = Cursor(self._cursor.last_seq, self._active, 0, self._cursor.recorded_ts)
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


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(event: Event, seq: int, now: dt.datetime, stamp_field: bytes) -> bytes:
    # Encode with seq and recorded_ts set. Fast path: splice them into the encoding of an
    # unstamped event (both are the first envelope fields after "type", written as null).
    if event.seq is None and event.recorded_ts is None:
        body = ENCODER.encode(event)
        body = body.replace(b'"seq":null', b'"seq":%d' % seq, 1)
        return body.replace(b'"recorded_ts":null', stamp_field, 1)
    return ENCODER.encode(msgspec.structs.replace(event, seq=seq, recorded_ts=now))


def _init_or_wait(root: Path, timeout: float = 5.0) -> None:
    """Create a journal, or give the process creating it right now time to finish."""
    try:
        init_journal(root)
    except FileExistsError:  # JournalExistsError, or segment 1 created by a racing process
        deadline = time.monotonic() + timeout
        while not Layout(root).exists() and time.monotonic() < deadline:
            time.sleep(0.005)  # its marker (journal.json) is written last


def _validate(body: bytes, i: int, n: int) -> None:
    try:
        check_encoded(body)
    except InvalidEventError as exc:
        if n == 1:
            raise
        raise InvalidEventError(exc.field, f"{exc.reason} (event {i + 1} of {n})") from exc


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _check_sealed_file(path: Path, seal: Seal) -> None:
    st = path.stat()
    if st.st_size != seal.size:
        raise CorruptionError(
            path,
            None,
            min(st.st_size, seal.size),
            f"sealed segment changed: {st.st_size} bytes, seal says {seal.size}",
        )
    if st.st_mtime_ns != seal.mtime_ns and _sha256(path) != seal.sha256:
        raise CorruptionError(
            path, None, None, "sealed segment changed: SHA-256 differs from its seal"
        )


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
