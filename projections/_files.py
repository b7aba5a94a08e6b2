"""File primitives of the projection generations: reader and builder locks, identity, copy,
rename. The policy (which file is published, which is the spare, when a builder may rewrite
it) is ``_generations.Generations``'s.

* a reader (``reader_lock``) holds a shared ``flock`` on the file it attached for as long as
  its connection object lives (``hold_while_alive``, ``release``), and checks that the name
  still points to the file it locked (``still_named``);
* a builder may rewrite the spare only with an exclusive ``flock`` on it (``claim``, never
  waiting).

``flock`` locks belong to an open file, not to a process (unlike DuckDB's own ``fcntl`` locks,
which any other close of the same file in the process drops), so they hold across threads and
connections of one process too. Without ``flock`` (Windows) there are no such locks
(``HAVE_FLOCK``): the generations then always copy.
"""

from __future__ import annotations

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
    "held_fd",
    "hold_while_alive",
    "reader_lock",
    "release",
    "replace",
    "still_named",
]

HAVE_FLOCK = fcntl is not None


def file_id(path: Path) -> tuple[int, int, int] | None:
    """Return (inode, mtime, size) of ``path`` (None when missing): changes when it is replaced."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


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


def held_fd(con: Any) -> int | None:
    """Return the reader lock ``con`` holds (None: none, or released)."""
    fin = _HELD.get(con)
    info = fin.peek() if fin is not None else None
    return None if info is None else int(info[2][0])


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


def replace(src: Path, dst: Path, attempts: int = 200) -> None:
    """``os.replace``, retried while Windows refuses it (a reader holds ``dst`` open)."""
    for i in range(attempts):
        try:
            os.replace(src, dst)
            return
        except PermissionError:  # pragma: no cover - Windows: a reader holds the file open
            if i == attempts - 1:
                raise
            time.sleep(0.05)
