"""The store's error vocabulary: every failure names the journal, and corruption names file, line, offset."""

from __future__ import annotations

from pathlib import Path

from tradejournal.events.errors import TradejournalError

__all__ = [
    "ConflictingIdError",
    "CorruptionError",
    "JournalExistsError",
    "JournalNotFoundError",
    "LockTimeoutError",
    "StoreClosedError",
    "StoreError",
    "WriteFailedError",
]


class StoreError(TradejournalError):
    """Base class of every store failure."""


class JournalNotFoundError(StoreError, FileNotFoundError):
    """There is no journal at the given directory."""


class JournalExistsError(StoreError, FileExistsError):
    """``init`` was asked to create a journal where one already exists."""


class StoreClosedError(StoreError, RuntimeError):
    """The journal was closed, or a fatal write/fsync error made this writer unusable."""


class WriteFailedError(StoreError, OSError):
    """A write or fsync failed. Nothing of the failed append was acknowledged; the writer is closed."""


class CorruptionError(StoreError, ValueError):
    """A segment is damaged beyond a torn tail; writing is refused until a human decides."""

    def __init__(self, path: Path | str, line: int | None, offset: int | None, reason: str) -> None:
        self.path = Path(path)
        self.line = line
        self.offset = offset
        self.reason = reason
        where = f"{self.path.name}:{line if line is not None else '-'}:"
        where += f"{offset if offset is not None else '-'}"
        super().__init__(f"{where}: {reason}")

    @property
    def location(self) -> str:
        """Return ``segment:line:offset`` as printed by ``tradejournal verify``."""
        return str(self).split(": ", 1)[0]


class ConflictingIdError(StoreError, ValueError):
    """Two different events carry one id (in a batch, or a new one and one already in the log).

    Only identical content is an idempotent retry; anything else would silently lose an event.
    ``fields`` names the fields that differ. Nothing of the batch was written.
    """

    def __init__(self, event_id: str, first: str, second: str, fields: list[str]) -> None:
        self.event_id = event_id
        self.fields = fields
        differ = f" (differs in {', '.join(fields)})" if fields else ""
        super().__init__(
            f"id {event_id!r}: {second} has different content than {first}{differ}; one id must "
            "name one event (give the new one another id); nothing was written"
        )


class LockTimeoutError(StoreError, TimeoutError):
    """Another process held the journal's write lock for longer than the caller would wait."""
