"""``import_legacy_sqlite``: the old bot's SQLite files into the journal, once, all or nothing.

Every row of every table becomes a ``legacy.row_imported`` event holding all its columns (so
unknown columns, and whole unknown tables, are kept); rows of known tables also become typed
events (``mapping.py``) whose ``causation_id`` is that event. A row that cannot become a valid
typed event is *skipped* (kept raw, with the reason); a row whose table has no typed equivalent
is *kept raw*. Everything is appended in one batch; ids are deterministic, so a second run adds
nothing. The summary counts rows per table and the reasons. Secret values (tokens, keys,
passwords) are redacted before anything is made of a row (``secrets.py``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from tradejournal.events import Event, InvalidEventError, LegacyRowImported
from tradejournal.store import Journal, JournalNotFoundError, init_journal

from .mapping import MAPPERS, SCALED_TABLES, Context, Skip
from .rows import Row, as_decimal, as_ts, pick, raw_json, read_tables, row_key
from .secrets import redact_row

__all__ = ["LegacyImportResult", "TableSummary", "import_legacy_sqlite", "legacy_events"]


@dataclass(slots=True)
class TableSummary:
    """What became of one table's rows."""

    file: str
    table: str
    rows: int = 0
    imported: int = 0
    """Rows that became typed events."""
    kept_raw: int = 0
    """Rows of tables without a typed equivalent (kept as legacy.row_imported only)."""
    skipped: Counter[str] = field(default_factory=Counter)
    """Reason -> rows with no typed event (kept raw too)."""


@dataclass(frozen=True, slots=True)
class LegacyImportResult:
    """Per-table summaries and what the append did."""

    tables: list[TableSummary]
    events: int
    appended: int
    duplicates: int


_NO_TIME = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""The date of rows in a file that holds no time at all (deterministic, so re-imports add nothing)."""


def legacy_events(
    path: Path,
    *,
    account: str,
    currency: str = "USD",
    clock: Callable[[], dt.datetime] | None = None,
) -> tuple[list[Event], list[TableSummary]]:
    """Return the events of one old SQLite file and the summary of its tables (no writing).

    A row with no time of its own (a settings table, say) is dated by the newest time found in
    the file — never by the clock, so importing the same file again yields the same events
    (``clock`` is only the fallback for a file with no time at all).
    """
    tables = list(read_tables(path))
    stamps = [t for _, _, rows in tables for row in rows if (t := _row_ts(row)) is not None]
    now = max(stamps) if stamps else (clock or (lambda: _NO_TIME))()
    events: list[Event] = []
    summaries = []
    for table, key_col, rows in tables:
        summary = TableSummary(path.name, table, len(rows))
        summaries.append(summary)
        mapper = MAPPERS.get(table)
        scale = _confidence_scale(rows) if table in SCALED_TABLES else Decimal(1)
        for row in map(redact_row, rows):  # secrets never reach the journal
            key = row_key(row, key_col)
            cause = f"legacy:{account}:{table}:{key}:row"
            ctx = Context(account, currency, table, key, cause, scale)
            typed: list[Event] = []
            reason: str | None = None
            if mapper is None:
                reason = f"table {table!r} has no typed equivalent"
                summary.kept_raw += 1
            else:
                try:
                    typed = mapper(row, ctx)
                    summary.imported += 1
                except Skip as exc:
                    reason = str(exc)
                except (InvalidEventError, ValueError, TypeError) as exc:
                    reason = f"invalid: {exc}"
                if reason is not None:
                    summary.skipped[reason] += 1
            ts = _row_ts(row) or (typed[0].ts if typed else now)
            events.append(LegacyRowImported(
                id=cause, ts=ts, producer="import", account=account, source_file=path.name,
                source_table=table, source_key=key, raw=raw_json(row),
                derived=[e.id for e in typed], skip_reason=reason))  # fmt: skip
            events.extend(typed)
    return events, summaries


def import_legacy_sqlite(
    journal: str | os.PathLike[str],
    path: str | os.PathLike[str],
    oco: str | os.PathLike[str] | None = None,
    *,
    account: str = "legacy",
    currency: str = "USD",
) -> LegacyImportResult:
    """Import ``journal.sqlite`` (and ``oco_tracker.db``) into the journal (created if missing).

    Raise ``LegacyImportError`` (nothing written) when a file is not SQLite.
    """
    events, summaries = legacy_events(Path(path), account=account, currency=currency)
    if oco is not None:
        more, more_summaries = legacy_events(Path(oco), account=account, currency=currency)
        events += more
        summaries += more_summaries
    try:
        j = Journal.open(journal)
    except JournalNotFoundError:
        init_journal(journal)
        j = Journal.open(journal)
    with j:
        seqs = j.append_many(events)
    return LegacyImportResult(summaries, len(events), len(seqs.new), seqs.duplicates)


def _row_ts(row: Row) -> dt.datetime | None:
    return as_ts(pick(row, "ts", "created_at", "opened_ts", "timestamp", "time", "updated_at"))


def _confidence_scale(rows: list[Row]) -> Decimal:
    values = [as_decimal(pick(r, "confidence", "strength", "score")) for r in rows]
    found = [v for v in values if v is not None]
    return Decimal(100) if found and all(0 <= v <= 1 for v in found) else Decimal(1)
