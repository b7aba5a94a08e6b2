"""Run a DuckDB call so that a time limit and Ctrl-C can stop it.

DuckDB runs a statement in C without returning to Python, so neither a Python timer nor the
SIGINT handler gets a chance until it ends. The call runs in a worker thread instead; the calling
thread waits in short, interruptible steps and stops the statement (``con.interrupt()``) when
the time limit passes (``ProjectionError``) or Ctrl-C arrives (``KeyboardInterrupt`` again, after
the statement has stopped, so the connection is left clean).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import duckdb

if TYPE_CHECKING:
    from .errors import ProjectionError

__all__ = ["BUILDING", "interruptible", "interruptibly", "projection_error"]

T = TypeVar("T")
_STEP = 0.05
BUILDING: set[duckdb.DuckDBPyConnection] = set()
"""The connections builds are writing with (what Ctrl-C interrupts during a build)."""


def projection_error() -> type[ProjectionError]:
    """Return ``ProjectionError``, imported when first needed: the error root lives with the
    event types, which a read on current projections never loads (``_reader``)."""
    from .errors import ProjectionError

    return ProjectionError


def interruptibly(work: Callable[[], T]) -> T:
    """Run a build so that Ctrl-C stops its DuckDB statement at once (``KeyboardInterrupt``);
    the unfinished generation is dropped, the published projections stay as they were."""
    return interruptible(_stop_builds, work, None)


def _stop_builds() -> None:
    for con in list(BUILDING):
        con.interrupt()


def interruptible(stop: Callable[[], None], work: Callable[[], T], timeout: float | None) -> T:
    """Return ``work()``; call ``stop`` (e.g. ``con.interrupt``) after ``timeout`` seconds (None:
    never) or on Ctrl-C."""
    box: dict[str, object] = {}
    done = threading.Event()  # waited on, not Thread.join: an interrupted join can leave the
    # thread looking finished while it still runs (CPython gh-90882)

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            box["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=run, name="tradejournal-query", daemon=True)
    deadline = None if timeout is None else time.monotonic() + timeout
    timed_out = False
    worker.start()
    try:
        while not done.is_set():
            step = _STEP if deadline is None else max(0.0, min(_STEP, deadline - time.monotonic()))
            done.wait(step)
            if not done.is_set() and deadline is not None and time.monotonic() >= deadline:
                timed_out = True
                stop()
                done.wait()
    except KeyboardInterrupt:
        while not done.is_set():  # stop the statement, and wait until it has stopped
            stop()
            done.wait(_STEP)
        raise
    error = box.get("error")
    if error is not None:
        if timed_out and isinstance(error, duckdb.InterruptException):
            raise projection_error()(f"stopped after {timeout:g} s, its time limit") from error
        raise error  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
