"""The append-only, segmented JSONL event log: append, read, follow, verify, repair.

```python
from tradejournal.store import Journal
with Journal.open(path, durability="always") as j:
    seq = j.append(event)
    for ev in j.read(from_seq=1): ...
```
"""

from __future__ import annotations

from .errors import (
    CorruptionError,
    JournalExistsError,
    JournalNotFoundError,
    StoreClosedError,
    StoreError,
    WriteFailedError,
)
from .identity import ensure_journal_id, journal_id
from .journal import DEFAULT_SEGMENT_BYTES, Appended, Durability, Journal, Recovery, init_journal
from .reader import Snapshot, SnapshotSegment, follow_events, read_events, snapshot
from .verify import Problem, VerifyReport, repair, verify

__all__ = [
    "Appended",
    "DEFAULT_SEGMENT_BYTES",
    "CorruptionError",
    "Durability",
    "Journal",
    "JournalExistsError",
    "JournalNotFoundError",
    "Problem",
    "Recovery",
    "Snapshot",
    "SnapshotSegment",
    "StoreClosedError",
    "StoreError",
    "VerifyReport",
    "WriteFailedError",
    "ensure_journal_id",
    "follow_events",
    "journal_id",
    "init_journal",
    "read_events",
    "repair",
    "snapshot",
    "verify",
]
