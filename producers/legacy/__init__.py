"""Migration from the old bot's SQLite files (journal.sqlite, oco_tracker.db) into the journal.

```python
from tradejournal.producers.legacy import import_legacy_sqlite
result = import_legacy_sqlite("journal", "old/journal.sqlite", oco="old/oco_tracker.db")
for t in result.tables: print(t.table, t.rows, t.imported, t.kept_raw, dict(t.skipped))
```
See docs/migration.md for the mapping of each table.
"""

from __future__ import annotations

from .importer import LegacyImportResult, TableSummary, import_legacy_sqlite, legacy_events
from .rows import LegacyImportError

__all__ = [
    "LegacyImportError",
    "LegacyImportResult",
    "TableSummary",
    "import_legacy_sqlite",
    "legacy_events",
]
