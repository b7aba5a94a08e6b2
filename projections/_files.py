"""The database files: the published ``projections.duckdb``, its spare generation, and locks.

Readers open ``projections.duckdb``; nobody opens it read-write. A builder used to copy it to a
temporary file, build there and ``os.replace`` the copy onto it: the copy cost a full file write
on every catch-up (~150 MB at 1 M events). Now the previous generation is kept as
``projections.duckdb.spare`` (a hard link made when a build is published), and a catch-up
brings that spare up to date *in place* and publishes it (rename), the current file becoming
the new spare. This is safe only while no reader has the spare open, which the locks ensure:

* a reader (``reader_lock``) holds a shared ``flock`` on the file it attached for as long as
  its connection object lives, and checks that the name still points to the file it locked;
* a builder may rewrite the spare only with an exclusive ``flock`` on it (``claim``, never
  waiting); when a reader still holds the old generation, it falls back to the copy.

``flock`` locks belong to an open file, not to a process (unlike DuckDB's own ``fcntl`` locks,
which any other close of the same file in the process drops), so they hold across threads and
connections of one process too. Without ``flock`` (Windows) there is no spare: always a copy.
A full rebuild starts a new lineage: the previous file may hold another journal, so it is not
kept; a copy of the new file becomes the spare (``fresh_spare``), so that the next catch-up
does not pay the copy.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import weakref
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "claim",
    "copy_file",
    "file_id",
    "fresh_spare",
    "hold_while_alive",
    "publish",
    "reader_lock",
    "release",
    "spare_path",
    "stale_temp_files",
    "still_named",
]

HAVE_FLOCK = fcntl is not None


def stale_temp_files(journal_dir: Path) -> list[Path]:
    """Temp files of builds. Builds serialise on the build lock: found while holding it, they
    belong to a build that was killed (a load copy can be as large as a segment)."""
    return [
        p for pattern in ("projections.duckdb.tmp-*", "projections.load-*.jsonl")
        for p in journal_dir.glob(pattern)
    ]  # fmt: skip


def file_id(path: Path) -> tuple[int, int, int] | None:
    """Return (inode, mtime, size) of ``path`` (None when missing): changes when it is replaced."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def spare_path(db: Path) -> Path:
    """Return the name of the spare generation of ``db``."""
    return db.with_name(db.name + ".spare")


def reader_lock(db: Path) -> int | None:
    """Open ``db`` and take a shared lock on it; return the descriptor (None without flock).

    Raises ``BlockingIOError`` when a builder rewrites that file (the name was resolved just
    before a publish): the caller retries, and then opens the new file.
    """
    if not HAVE_FLOCK:
        return None
    fd = os.open(db, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BaseException:
        os.close(fd)
        raise
    return fd


def still_named(fd: int | None, db: Path) -> bool:
    """Return True when ``db`` still names the file open as ``fd`` (True without flock)."""
    if fd is None:
        return True
    try:
        st = os.stat(db)
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (st.st_ino, st.st_dev) == (own.st_ino, own.st_dev)


_HELD: weakref.WeakKeyDictionary[Any, weakref.finalize[Any, Any]] = weakref.WeakKeyDictionary()


def hold_while_alive(con: Any, fd: int | None) -> None:
    """Keep the reader lock ``fd`` until ``con`` is garbage-collected (or ``release``)."""
    if fd is not None:
        _HELD[con] = weakref.finalize(con, os.close, fd)


def release(con: Any) -> None:
    """Close ``con`` and drop its reader lock now."""
    con.close()
    fin = _HELD.pop(con, None)
    if fin is not None:
        fin()


def claim(path: Path) -> int | None:
    """Take an exclusive lock on ``path`` without waiting; return the descriptor, or None when
    the file is missing, locked by a reader, or flock is unavailable."""
    if not HAVE_FLOCK:
        return None
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def copy_file(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` (in the kernel where it can)."""
    shutil.copyfile(src, dst)


def _replace(src: Path, dst: Path, attempts: int = 200) -> None:
    for i in range(attempts):
        try:
            os.replace(src, dst)
            return
        except PermissionError:  # pragma: no cover - Windows: a reader holds the file open
            if i == attempts - 1:
                raise
            time.sleep(0.05)


def publish(built: Path, db: Path, keep_previous: bool) -> None:
    """Make ``built`` the published ``db`` atomically; the file ``db`` named before becomes the
    spare when ``keep_previous`` (and flock exists), else the spare is dropped."""
    spare = spare_path(db)
    prev = db.with_name(f"{db.name}.prev-{os.getpid()}")
    prev.unlink(missing_ok=True)
    keep = keep_previous and HAVE_FLOCK and db.exists()
    if keep:
        with contextlib.suppress(FileNotFoundError):
            os.link(db, prev)  # a second name for the current generation
    _replace(built, db)
    if keep and prev.exists():
        os.replace(prev, spare)
    elif built != spare:
        spare.unlink(missing_ok=True)
    Path(f"{spare}.wal").unlink(missing_ok=True)


def fresh_spare(db: Path) -> None:
    """Make the spare a copy of ``db`` (after a full rebuild; nothing without flock)."""
    if not HAVE_FLOCK:
        return
    spare = spare_path(db)
    tmp = db.with_name(f"{spare.name}.tmp-{os.getpid()}")
    try:
        copy_file(db, tmp)
        os.replace(tmp, spare)
    finally:
        tmp.unlink(missing_ok=True)
