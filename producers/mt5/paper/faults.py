"""Scripted faults of the paper terminal: lost connection, rejections, requotes, local errors.

``disconnect()`` makes the terminal lose its link: ``terminal_info().connected`` turns False and
every other call fails like the real package's (``None``/``False``, ``last_error()`` =
``(-10004, 'No IPC connection')``) while the broker side keeps running — stops, pending orders
and expiries still execute and show up after ``reconnect()``. ``fail_next(retcode)`` makes the
next ``order_send`` calls come back refused with that retcode (``requote_next`` moves the price
too); ``none_next()`` makes them return ``None`` with ``last_error`` set, as on an IPC error.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ..api import constants as c

__all__ = ["NO_IPC", "Faults", "ScriptedFailure"]

NO_IPC = (c.RES_E_INTERNAL_FAIL_CONNECT, "No IPC connection")


@dataclass(frozen=True, slots=True)
class ScriptedFailure:
    """One scripted order_send failure: a refusal ``retcode`` or, with ``error``, a ``None``."""

    retcode: int = 0
    comment: str = ""
    error: tuple[int, str] | None = None


@dataclass(slots=True)
class Faults:
    """The fault script: connection state and queued order_send failures."""

    connected: bool = True
    queue: deque[ScriptedFailure] = field(default_factory=deque)

    def take(self) -> ScriptedFailure | None:
        """The next scripted failure, if any."""
        return self.queue.popleft() if self.queue else None
