"""The writer: ``Journal`` appends events under an exclusive lock, safe for many processes.

One append (or batch), under the lock: catch up on what other processes wrote -> dedupe ids ->
assign seq -> one ``write`` of whole lines -> fsync per durability -> index the ids -> unlock.
seq is global, gapless and unique; lines never interleave; a failed write leaves no partial record
and closes this writer (never retry-and-carry-on after a write or fsync error).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Literal

from tradejournal.events import (
    ENCODER,
    EVENT_TYPES,
    CheckedGroup,
    Event,
    InvalidEventError,
    checked_copies,
    unencodable,
)

from .errors import (
    ConflictingIdError,
    CorruptionError,
    JournalExistsError,
    StoreClosedError,
    WriteFailedError,
)
from .framing import frame_stamped
from .identity import ensure_journal_id, new_journal_meta
from .index import Cursor, IdIndex
from .layout import (
    Layout,
    Seal,
    atomic_write,
    fsync_dir,
    fsync_file,
    make_read_only,
)
from .lock import InterProcessLock
from .reader import events_at, follow_events, open_layout, read_events
from .recovery import Recovering, Recovery, sha256_file

__all__ = ["Appended", "DEFAULT_SEGMENT_BYTES", "Durability", "Journal", "Recovery", "init_journal"]

log = logging.getLogger("tradejournal.store")

Durability = Literal["always", "batch", "none"]
DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024
_O_BINARY = getattr(os, "O_BINARY", 0)


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
    atomic_write(layout.meta, new_journal_meta())
    return layout.root


class Appended(list[int]):
    """The seqs of an ``append_many``, in order; ``new`` holds those this call wrote."""

    def __init__(self, seqs: Iterable[int] = (), new: Iterable[int] = ()) -> None:
        super().__init__(seqs)
        self.new = list(new)

    @property
    def duplicates(self) -> int:
        """How many events were already in the journal (or repeated in the batch)."""
        return len(self) - len(self.new)


class Journal(Recovering):
    """An open journal; use ``Journal.open`` (a context manager)."""

    def __init__(
        self,
        layout: Layout,
        durability: Durability,
        max_segment_bytes: int,
        clock: Callable[[], dt.datetime] | None = None,
        index_flush_events: int = 256,
        lock_timeout: float | None = None,
        on_lock_wait: Callable[[str], None] | None = None,
    ) -> None:
        if durability not in ("always", "batch", "none"):
            raise ValueError(f"durability: must be always, batch or none, was {durability!r}")
        self.layout = layout
        self._clock = clock or _utcnow
        self.index_flush_events = index_flush_events
        self.durability: Durability = durability
        self.max_segment_bytes = max_segment_bytes
        self.recovery = Recovery()
        self._tlock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._flock = InterProcessLock(layout.lock, lock_timeout, on_lock_wait)
        self._index: IdIndex | None = None
        self._fd = -1
        self._active = 0
        self._active_seal = ""
        self._active_day: dt.date | None = None
        self._cursor = Cursor(0, 1, 0, None)
        self._gen = 0
        self._synced_gen = 0
        self._failed: BaseException | None = None
        self._pending: dict[str, int] = {}  # appended by us, not yet in the index (see Recovering)
        self._flush_due = 0.0
        self._last_now: tuple[dt.datetime | None, str, bytes] = (None, "", b"")  # recorded_ts

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
        index_flush_events: int = 256,
        lock_timeout: float | None = None,
        on_lock_wait: Callable[[str], None] | None = None,
    ) -> Journal:
        """Open a journal for appending and reading, recovering a torn tail if there is one.

        ``clock`` (tests, replays) returns the aware UTC time used for ``recorded_ts``.
        ``index_flush_events``: this writer puts its own ids into the id index after that many
        appended events (or a second); 1 indexes every append at once.
        Raise JournalNotFoundError (unless ``create``) or CorruptionError (writing refused).
        """
        if create and not Layout(Path(path)).exists():
            _init_or_wait(Path(path))
        layout = open_layout(path)
        ensure_journal_id(layout.root)  # a journal older than ids gets one (journal.json only)
        journal = cls(
            layout,
            durability,
            max_segment_bytes,
            clock,
            index_flush_events,
            lock_timeout,
            on_lock_wait,
        )
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
            if self._pending and self._failed is None and self._index is not None:
                try:
                    with self._flock:
                        self._flush_index()
                except (OSError, sqlite3.Error) as exc:  # the log is complete; next open indexes
                    log.warning("%s: id index not updated at close: %s", self.layout.root, exc)
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
    def journal_id(self) -> str:
        """The journal's stable id (``journal.json``), the same on every host that copies it."""
        return ensure_journal_id(self.layout.root)

    @property
    def last_seq(self) -> int:
        """The last seq known to this writer (as of its last lock)."""
        return self._cursor.last_seq

    def append(self, event: Event) -> int:
        """Append one event and return its seq (the original seq if its id is already there)."""
        return self.append_many([event])[0]

    def append_many(self, events: Iterable[Event]) -> Appended:
        """Append events atomically (all or nothing) and return their seqs in order.

        The result is a list of seqs (an already-present id gets its original seq) whose ``new``
        attribute lists the seqs this call wrote, so callers can tell new events from duplicates
        without racing other writers. An id already present (in the log or earlier in the batch)
        is skipped only when its content is identical (apart from ``seq`` and ``recorded_ts``);
        different content raises ``ConflictingIdError`` naming both, and nothing is written.
        """
        batch = list(events)
        if not batch:
            return Appended()
        if not _CATALOGUE.issuperset(map(type, batch)):  # one C pass in the common case
            for i, event in enumerate(batch):
                if not isinstance(event, Event):
                    name = type(event).__name__
                    raise InvalidEventError("", f"event {i + 1}: not an event: {name}")
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
    def _append_locked(self, batch: list[Event]) -> tuple[Appended, int]:
        self._catch_up()
        assert self._index is not None
        listed = [e.id for e in batch]
        ids = set(listed)
        pending = self._pending
        known = {i: pending[i] for i in ids if i in pending} if pending else {}
        if len(known) < len(ids):
            known.update(self._index.lookup(ids - known.keys()))
        now = self._now()
        first = next_seq = self._cursor.last_seq + 1
        if not known and len(ids) == len(batch):  # the common case: every event is new
            new, positions, new_ids = batch, None, listed
            next_seq += len(batch)
            seqs = Appended(range(first, next_seq), range(first, next_seq))
        else:
            new, positions, seqs = self._dedupe(batch, known, first)
            next_seq += len(new)
            if not new:
                return seqs, self._gen
            new_ids = [e.id for e in new]
        stamp, stamp_json = self._stamp_of(now)
        try:
            blob = frame_stamped(_checked(new, positions, len(batch)), first, stamp_json)
        except ValueError as exc:  # not InvalidEventError: the encoder refused a value
            if isinstance(exc, InvalidEventError):
                raise
            raise _located(unencodable(new, exc), positions, len(batch)) from exc
        if self._must_roll(len(blob), now):
            self._roll()
        self._write(blob)
        if self.durability == "always":
            self._fsync(self._fd)
        end, crc = self._cursor.offset + len(blob), self._cursor.crc_with(blob)
        self._cursor = Cursor(next_seq - 1, self._active, end, stamp, crc)
        if self._active_day is None:
            self._active_day = now.date()
        pending.update(zip(new_ids, range(first, next_seq), strict=True))
        if len(pending) >= self.index_flush_events or time.monotonic() >= self._flush_due:
            self._flush_index()
        self._gen += 1
        return seqs, self._gen

    def _stamp_of(self, now: dt.datetime) -> tuple[str, bytes]:
        """``now`` as the log writes it, as text and as JSON (cached: one per clock tick)."""
        if self._last_now[0] != now:
            encoded = ENCODER.encode(now)
            self._last_now = (now, encoded[1:-1].decode(), encoded)
        return self._last_now[1], self._last_now[2]

    def _check_present(self, present: dict[int, list[int]], batch: list[Event]) -> None:
        """Raise ConflictingIdError when a batch event differs from the logged one of its id."""
        logged = events_at(self.layout.root, present)
        for seq, indexes in present.items():
            old = logged.get(seq)
            if old is None:  # cannot be: the index and the log agree under the lock
                raise CorruptionError(
                    self.layout.segments,
                    None,
                    None,
                    f"the id index names seq {seq}, not in the log",
                )
            for i in indexes:
                differ = _differences(old, batch[i])
                if differ:
                    raise ConflictingIdError(
                        old.id, f"the event at seq {seq}", _nth(i, len(batch)), differ
                    )

    def _dedupe(
        self, batch: list[Event], known: dict[str, int], first: int
    ) -> tuple[list[Event], list[int], Appended]:
        """Split a batch naming known ids (or repeating one) into the events to write, their
        indexes in the batch and the seqs of the whole batch; raise on conflicting content."""
        seqs: list[int] = []
        new: list[Event] = []
        positions: list[int] = []  # index in the batch of each new event (for error messages)
        next_seq = first
        written: dict[str, int] = {}  # id -> index in the batch of the event this call writes
        present: dict[int, list[int]] = {}  # seq already in the log -> batch indexes naming it
        for i, event in enumerate(batch):
            if event.id in known:
                if event.id in written:
                    _same_or_raise(batch[written[event.id]], event, written[event.id], i, batch)
                else:
                    present.setdefault(known[event.id], []).append(i)
                seqs.append(known[event.id])
                continue
            written[event.id] = i
            new.append(event)
            positions.append(i)
            known[event.id] = next_seq
            seqs.append(next_seq)
            next_seq += 1
        if present:
            self._check_present(present, batch)
        return new, positions, Appended(seqs, range(first, next_seq))

    def _now(self) -> dt.datetime:
        now = self._clock()
        stamp = self._cursor.recorded_ts
        if stamp:
            last = self._last_now[0]
            if last is None or self._last_now[1] != stamp:  # another writer's, or at open
                last = dt.datetime.fromisoformat(stamp)
                self._last_now = (last, stamp, b'"%s"' % stamp.encode())
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
        self._flush_index()  # the head is about to move to the new segment
        old, path = self._active, self.layout.segment_path(self._active)
        self._fsync(self._fd)
        st = os.fstat(self._fd)
        seal = Seal(old, self._cursor.last_seq, st.st_size, sha256_file(path), st.st_mtime_ns)
        self.layout.write_seal(seal)
        os.close(self._fd)
        self._fd = -1
        make_read_only(path)
        self._open_new_active(self._cursor.last_seq + 1)
        self._cursor = Cursor(self._cursor.last_seq, self._active, 0, self._cursor.recorded_ts)
        assert self._index is not None
        self._index.advance([], self._cursor)
        self._synced_gen = self._gen


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_CATALOGUE = frozenset(EVENT_TYPES.values())
_STORE_FIELDS = frozenset({"seq", "recorded_ts"})


def _differences(a: Event, b: Event) -> list[str]:
    """Return the fields in which two events differ (store-assigned fields aside)."""
    if type(a) is not type(b):
        return ["type"]
    return [
        f for f in a.__struct_fields__ if f not in _STORE_FIELDS and getattr(a, f) != getattr(b, f)
    ]


def _same_or_raise(first: Event, second: Event, i: int, j: int, batch: list[Event]) -> None:
    differ = _differences(first, second)
    if differ:
        raise ConflictingIdError(first.id, _nth(i, len(batch)), _nth(j, len(batch)), differ)


def _nth(i: int, n: int) -> str:
    return "the new event" if n == 1 else f"event {i + 1} of {n}"


def _init_or_wait(root: Path, timeout: float = 5.0) -> None:
    """Create a journal, or give the process creating it right now time to finish."""
    try:
        init_journal(root)
    except FileExistsError:  # JournalExistsError, or segment 1 created by a racing process
        if not Layout(root).segments.exists():
            raise  # a non-empty directory that is not (becoming) a journal
        deadline = time.monotonic() + timeout
        while not Layout(root).exists() and time.monotonic() < deadline:
            time.sleep(0.005)  # its marker (journal.json) is written last


def _checked(new: list[Event], positions: list[int] | None, n: int) -> list[CheckedGroup]:
    try:
        return checked_copies(new)
    except InvalidEventError as exc:
        raise _located(exc, positions, n) from exc


def _located(exc: InvalidEventError, positions: list[int] | None, n: int) -> InvalidEventError:
    """The error of the event at ``exc.index`` of the new events, named by its place in the
    batch of ``n`` (``positions``: batch index of each new event; None when all are new)."""
    if n == 1:
        return InvalidEventError(exc.field, exc.reason)
    i = exc.index or 0
    if positions is not None:
        i = positions[i]
    return InvalidEventError(exc.field, f"{exc.reason} (event {i + 1} of {n})")
