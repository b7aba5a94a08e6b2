"""The writers' inter-process lock on ``journal/LOCK``: a kernel lock, released if the holder dies.

POSIX: ``flock`` (per open file description, so two ``Journal`` objects in one process exclude each
other too), blocking in the kernel — no polling, waiters wake as soon as it is free. Windows:
``filelock`` (``LockFileEx`` via msvcrt). Threads of one process are excluded separately by the
journal's own ``threading.Lock``.

A waiter that wants to know (``on_wait``) or to give up (``timeout``) polls instead: after
``NOTIFY_AFTER`` seconds ``on_wait`` gets who holds the lock (``holders``: from ``/proc/locks`` on
Linux), and past ``timeout`` ``LockTimeoutError`` is raised. Without either, the wait blocks in the
kernel as before.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from .errors import LockTimeoutError

__all__ = ["NOTIFY_AFTER", "InterProcessLock", "holders"]

NOTIFY_AFTER = 1.0
"""Seconds of waiting after which ``on_wait`` is told who holds the lock."""

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class InterProcessLock:
    """An exclusive, blocking lock on one file; a context manager (not re-entrant)."""

    def __init__(
        self,
        path: Path,
        timeout: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self.timeout = timeout
        self.on_wait = on_wait
        self._fd = -1
        self._fallback = None
        if fcntl is None:  # pragma: no cover - Windows
            from filelock import FileLock

            self._fallback = FileLock(str(path), thread_local=False, is_singleton=False)

    def __enter__(self) -> InterProcessLock:
        if self._fallback is not None:  # pragma: no cover - Windows
            self._fallback.acquire()
            return self
        if self._fd < 0:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if self.timeout is None and self.on_wait is None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            return self
        self._poll()
        return self

    def _poll(self) -> None:
        start = time.monotonic()
        told, pause = False, 0.001
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
            waited = time.monotonic() - start
            if self.timeout is not None and waited >= self.timeout:
                raise LockTimeoutError(
                    f"{self.path.parent} is locked by {holders(self.path)}: gave up after "
                    f"{self.timeout:g} s; nothing was written (retry later, or wait longer "
                    "with --lock-timeout)"
                )
            if not told and waited >= NOTIFY_AFTER and self.on_wait is not None:
                self.on_wait(f"waiting for the journal lock, held by {holders(self.path)}")
                told = True
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fallback is not None:  # pragma: no cover - Windows
            self._fallback.release()
            return
        fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Close the lock file (releases the lock if held)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def holders(path: Path) -> str:
    """Describe the processes holding a lock on ``path`` ("pid 123 (tradejournal append)"), from
    ``/proc/locks`` where it exists; "another process" otherwise."""
    try:
        st = os.stat(path)
        with open("/proc/locks", encoding="ascii") as f:
            lines = f.read().splitlines()
    except OSError:
        return "another process"
    found = []
    for line in lines:
        parts = line.split()
        if len(parts) < 6 or parts[1] not in ("FLOCK", "OFDLCK", "POSIX"):
            continue
        dev_inode = parts[5].split(":")
        if len(dev_inode) == 3 and dev_inode[2] == str(st.st_ino) and parts[4].isdigit():
            found.append(f"pid {parts[4]}{_command(parts[4])}")
    return ", ".join(dict.fromkeys(found)) or "another process"


def _command(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return ""
    args = [os.path.basename(args[0]), *args[1:]] if args else []
    return f" ({' '.join(args)[:80]})" if args else ""
