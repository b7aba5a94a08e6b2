"""The generations of ``projections.duckdb``: the published file, its spare, their locks, builds.

``Generations(journal_dir)`` owns every file the projections live in and every rule about them;
the engine decides *what* to build, this class *where*, and publishes it:

* **Published** ``projections.duckdb``: what readers attach, read-only, in a fresh in-memory
  DuckDB (``attach``; never DuckDB's per-process cached instance of an older file), holding a
  shared ``flock`` on the file while their connection lives. Nobody opens it read-write.
* **Spare** ``projections.duckdb.spare``: the previous generation (a hard link kept when a build
  is published). A catch-up brings it up to date *in place*, in one transaction, and publishes
  it by renaming; the published file becomes the new spare. A catch-up thus writes what
  changed, not a copy of the file (~150 MB at 1 M events). It may rewrite the spare only under
  an exclusive ``flock`` (``_files.claim``, never waiting): while a reader still holds that
  generation, it builds in a copy of the published file instead.
* **Empty**: a full rebuild starts from an empty temporary file (a new lineage: the old files
  may hold another journal, so the spare is dropped), and then copies the result as the spare,
  so that the next catch-up does not pay the copy.
* **Build lock** ``projections.lock`` (``filelock``): builders serialise on it; found while
  holding it, temporary files belong to a killed build and are removed.

``build`` is the one path: pick the target (spare, copy or empty), run the engine's build in
it, publish (``os.replace``; a stale WAL never meets a new file). Without ``flock`` (Windows)
there is no spare: every catch-up copies, and ``os.replace`` is retried while a reader has the
file open. Only stdlib and DuckDB are imported at module level (the fast read uses ``attach``).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import TypeVar

import duckdb

from . import _files

__all__ = ["DB_NAME", "LOCK_NAME", "NO_PROGRESS_BAR", "Generations", "Target"]

DB_NAME = "projections.duckdb"
LOCK_NAME = "projections.lock"
# DuckDB draws its own progress bar on stdout for statements over 2 s: it would corrupt the CLI's
# output (JSON, CSV) after a long catch-up; progress goes through the ``progress`` callback.
NO_PROGRESS_BAR = "SET enable_progress_bar = false"
T = TypeVar("T")


class Target(Enum):
    """Where a build runs: which decides what it must do (``engine._build_in``)."""

    SPARE = "spare"  # the previous generation, in place, in one transaction
    COPY = "copy"  # a fresh copy of the published file
    EMPTY = "empty"  # an empty file: a full rebuild


class Generations:
    """The projection files of one journal (see the module docstring)."""

    def __init__(self, journal_dir: Path) -> None:
        self.journal_dir = Path(journal_dir)
        self.published = self.journal_dir / DB_NAME
        self.spare = self.journal_dir / f"{DB_NAME}.spare"

    # -- readers ----------------------------------------------------------------------------

    def attach(self, path: Path | None = None, lock: bool = True) -> duckdb.DuckDBPyConnection:
        """Attach ``path`` (the published file) read-only in a fresh in-memory DuckDB; with
        ``lock``, hold a reader lock on that file while the connection lives."""
        path = self.published if path is None else path
        try:
            fd = _files.reader_lock(path) if lock else None
        except OSError as exc:  # missing, or being rewritten as a spare: the caller retries
            raise duckdb.IOException(f"cannot lock {path}: {exc}") from exc
        con = duckdb.connect(":memory:")
        try:
            con.execute("SET TimeZone = 'UTC'")
            con.execute(NO_PROGRESS_BAR)
            con.execute("ATTACH ? AS journal (READ_ONLY)", [str(path)])
            con.execute("USE journal")
            if not _files.still_named(fd, path):
                raise duckdb.IOException(f"{path} was replaced while opening it")
        except BaseException:
            con.close()
            if fd is not None:
                os.close(fd)
            raise
        _files.hold_while_alive(con, fd)
        return con

    def open_published(self, retries: int) -> duckdb.DuckDBPyConnection | None:
        """Attach the published file, retrying while a publish races the open; None when there
        is none after ``retries`` tries. Raises ``duckdb.Error`` when it cannot be read."""
        for i in range(retries):
            if not self.published.exists():
                if i == retries - 1:
                    return None
                time.sleep(0.05)
                continue
            try:
                return self.attach()
            except duckdb.Error:
                if i == retries - 1:
                    raise
                time.sleep(0.05 if i else 0.001)  # first retry at once: a publish raced the open
        return None

    def is_published(self, con: duckdb.DuckDBPyConnection) -> bool:
        """Return True when ``con`` (from ``attach``) still holds the published generation
        (True without flock: no way to tell, and no spare to protect)."""
        return _files.still_named(_files.held_fd(con), self.published)

    def published_id(self) -> tuple[int, int, int] | None:
        """Return the identity of the published file (changes when a build publishes)."""
        return _files.file_id(self.published)

    def temp_files(self) -> list[Path]:
        """Temp files of builds: one runs, or (found under the build lock) one was killed."""
        return [
            p for pattern in (f"{DB_NAME}.tmp-*", "projections.load-*.jsonl")
            for p in self.journal_dir.glob(pattern)
        ]  # fmt: skip

    # -- builders ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def build_lock(self, wait: float | None) -> Iterator[bool]:
        """Hold the build lock (yield True), or yield False when ``wait`` seconds run out; then
        remove the temporary files of killed builds."""
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.journal_dir / LOCK_NAME))
        try:
            lock.acquire(timeout=-1 if wait is None else wait)
        except Timeout:
            yield False
            return
        try:
            for stale in self.temp_files():
                stale.unlink(missing_ok=True)
            yield True
        finally:
            lock.release()

    def build(
        self,
        work: Callable[[Path, Target], T],
        *,
        full: bool,
        reusable: Callable[[duckdb.DuckDBPyConnection], bool],
        published_ok: bool | None = None,
    ) -> T:
        """Run ``work(path, target)`` in the cheapest safe target and publish the result.

        ``reusable(con)`` says whether the published generation (attached read-only) can be
        caught up rather than rebuilt; when it cannot, or ``full``, the build starts empty. In
        the spare, ``work`` checks the same on its own connection (one open instead of two) and
        raises ``duckdb.Error`` or ``ProjectionError`` when it cannot: then a copy is built
        instead (``published_ok``: the caller's answer for the published file, already taken under
        the build lock). Call under the build lock. A failed build leaves the published file as
        it was.
        """
        if published_ok is None:
            published_ok = self._usable(self.published, reusable, lock=True)
        if not full and published_ok:
            fd = _files.claim(self.spare)
            if fd is not None:
                try:
                    Path(f"{self.spare}.wal").unlink(missing_ok=True)  # never replay a stale WAL
                    result = work(self.spare, Target.SPARE)
                    os.close(fd)
                    fd = None
                    self._publish(self.spare, keep_previous=True)
                    return result
                except Exception as exc:  # noqa: BLE001 - e.g. another lineage: copy instead
                    if not _build_failure(exc):
                        raise
                    self.spare.unlink(missing_ok=True)
                finally:
                    if fd is not None:
                        os.close(fd)
            target = Target.COPY
        else:
            target = Target.EMPTY
        tmp = self.journal_dir / f"{DB_NAME}.tmp-{os.getpid()}"
        try:
            if target is Target.COPY:
                _files.copy_file(self.published, tmp)
            result = work(tmp, target)
            self._publish(tmp, keep_previous=target is Target.COPY)
            if target is Target.EMPTY:
                self._fresh_spare()
        finally:
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}.wal").unlink(missing_ok=True)
        return result

    def _usable(
        self, path: Path, reusable: Callable[[duckdb.DuckDBPyConnection], bool], lock: bool
    ) -> bool:
        if not path.exists():
            return False
        try:
            con = self.attach(path, lock=lock)
        except duckdb.Error:
            return False  # unreadable (e.g. another DuckDB version): rebuild from scratch
        try:
            return reusable(con)
        except duckdb.Error:
            return False
        finally:
            _files.release(con)

    def _publish(self, built: Path, keep_previous: bool) -> None:
        """Make ``built`` the published file atomically; the file published before becomes the
        spare when ``keep_previous`` (and flock exists), else the spare is dropped."""
        db, spare = self.published, self.spare
        Path(f"{db}.wal").unlink(missing_ok=True)  # never let a stale WAL meet a new file
        prev = db.with_name(f"{db.name}.prev-{os.getpid()}")
        prev.unlink(missing_ok=True)
        keep = keep_previous and _files.HAVE_FLOCK and db.exists()
        if keep:
            with contextlib.suppress(FileNotFoundError):
                os.link(db, prev)  # a second name for the current generation
        _files.replace(built, db)
        if keep and prev.exists():
            os.replace(prev, spare)
        elif built != spare:
            spare.unlink(missing_ok=True)
        Path(f"{spare}.wal").unlink(missing_ok=True)

    def _fresh_spare(self) -> None:
        """Make the spare a copy of the published file (after a full rebuild; nothing without
        flock)."""
        if not _files.HAVE_FLOCK:
            return
        tmp = self.journal_dir / f"{self.spare.name}.tmp-{os.getpid()}"
        try:
            _files.copy_file(self.published, tmp)
            os.replace(tmp, self.spare)
        finally:
            tmp.unlink(missing_ok=True)


def _build_failure(exc: Exception) -> bool:
    """True for the errors after which a build in the spare falls back to a copy."""
    from .errors import ProjectionError

    return isinstance(exc, (duckdb.Error, ProjectionError))
