"""The journal as the projections see it: the store's lock-free snapshot, errors translated.

Only complete, checked lines are committed (``SnapshotSegment.committed_size``): a line a writer
is still appending, or a single bad last line, lies beyond it.
"""

from __future__ import annotations

from pathlib import Path

from tradejournal.store import Snapshot as JournalSnapshot
from tradejournal.store import SnapshotSegment as Segment
from tradejournal.store import StoreError, snapshot

from .errors import ProjectionError

__all__ = ["JournalSnapshot", "Segment", "take_snapshot"]


def take_snapshot(journal_dir: Path) -> JournalSnapshot:
    """Return the committed segments of the journal; raise ProjectionError if there is none."""
    try:
        return snapshot(journal_dir)
    except StoreError as exc:
        raise ProjectionError(str(exc)) from exc
