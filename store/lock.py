"""The writers' inter-process lock on ``journal/LOCK``: a kernel lock, released if the holder dies.

POSIX: ``flock`` (per open file description, so two ``Journal`` objects in one process exclude each
other too), blocking in the kernel — no polling, waiters wake as soon as it is free. Windows:
``filelock`` (``LockFileEx`` via msvcrt). Threads of one process are excluded separately by the
journal's own ``threading.Lock``.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

__all__ = ["InterProcessLock"]

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class InterProcessLock:
    """An exclusive, blocking lock on one file; a context manager (not re-entrant)."""

    def __init__(self, path: Path) -> None:
        self.path = path
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
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self

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
