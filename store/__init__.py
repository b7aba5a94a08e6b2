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
    ConflictingIdError,
    CorruptionError,
    JournalExistsError,
    JournalNotFoundError,
    LockTimeoutError,
    StoreClosedError,
    StoreError,
    WriteFailedError,
)
from .integrity import check_range, fingerprint_at, locate_seq
from .journal import DEFAULT_SEGMENT_BYTES, Appended, Durability, Journal, Recovery, init_journal
from .reader import Snapshot, SnapshotSegment, follow_events, read_events, snapshot
from .truncate import Truncation, parse_position, truncate_at
from .verify import Problem, VerifyReport, repair, verify

__all__ = [
    "Appended",
    "ConflictingIdError",
    "DEFAULT_SEGMENT_BYTES",
    "CorruptionError",
    "Durability",
    "Journal",
    "JournalExistsError",
    "JournalNotFoundError",
    "LockTimeoutError",
    "Problem",
    "Recovery",
    "Snapshot",
    "SnapshotSegment",
    "StoreClosedError",
    "StoreError",
    "VerifyReport",
    "Truncation",
    "WriteFailedError",
    "check_range",
    "fingerprint_at",
    "follow_events",
    "init_journal",
    "locate_seq",
    "read_events",
    "repair",
    "parse_position",
    "snapshot",
    "truncate_at",
    "verify",
]
