"""Snapshots of the journal for other tools and other machines: export, verify, query, restore.

```python
from tradejournal.projections.export import export_snapshot, verify_snapshot, restore_snapshot
result = export_snapshot("journal", "/srv/snapshots", keep=30)   # -> /srv/snapshots/2026-11-30
manifest, mismatches = verify_snapshot(result.folder)           # [] when every file matches
query_snapshots("/srv/snapshots", "SELECT journal, count(*) FROM trades GROUP BY journal")
restore_snapshot(result.folder, "journal-restored")
export_ml("journal", "recommendations.parquet")
```

Layout of one snapshot (``DIR/YYYY-MM-DD/``): ``tables/<name>.parquet`` (every projection
table, a ``journal`` column first), ``events/journal=<id>/date=YYYY-MM-DD/data_0.parquet``,
``segments/<first seq>.jsonl`` and ``manifest.json``; see docs/export.md.
"""

from __future__ import annotations

from .lake import connect_snapshots, latest_snapshots, query_snapshots
from .manifest import FileEntry, Manifest, Mismatch, SnapshotError, read_manifest, verify_snapshot
from .ml import export_ml
from .restore import RestoreResult, restore_snapshot
from .snapshot import ExportResult, export_snapshot, snapshots_in

__all__ = [
    "ExportResult",
    "FileEntry",
    "Manifest",
    "Mismatch",
    "RestoreResult",
    "SnapshotError",
    "connect_snapshots",
    "export_ml",
    "export_snapshot",
    "latest_snapshots",
    "query_snapshots",
    "read_manifest",
    "restore_snapshot",
    "snapshots_in",
    "verify_snapshot",
]
