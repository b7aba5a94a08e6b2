"""A lock-free view of the journal: which segment files, and how many committed bytes each.

Thin adapter over ``tradejournal.store.snapshot`` (only complete, checked lines are committed:
a line a writer is still appending, or a single bad last line, is beyond ``committed_size``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tradejournal.store import StoreError, snapshot

from .errors import ProjectionError

__all__ = ["JournalSnapshot", "Segment", "take_snapshot"]


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment file, its first seq and the bytes up to its last complete line."""

    path: Path
    first_seq: int
    committed_size: int


@dataclass(frozen=True, slots=True)
class JournalSnapshot:
    """The committed state of the journal at one moment."""

    last_seq: int
    segments: tuple[Segment, ...]


def take_snapshot(journal_dir: Path) -> JournalSnapshot:
    """Return the committed segments of the journal; raise ProjectionError if there is none."""
    try:
        snap = snapshot(journal_dir)
    except StoreError as exc:
        raise ProjectionError(str(exc)) from exc
    segs = tuple(Segment(Path(s.path), s.first_seq, s.committed_size) for s in snap.segments)
    return JournalSnapshot(snap.last_seq, segs)
