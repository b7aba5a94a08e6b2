"""Legacy family: rows of the old bot's SQLite files, kept verbatim when they were imported.

Why a dedicated event rather than a ``raw`` field on every type: the typed events made from an
old row (deals, stop moves, recommendations, ...) stay exactly the catalogue's, while every
column of the row, including columns no typed event has a place for, lives in one event whose
id the typed ones name as their ``causation_id``. Projections ignore it; nothing is dropped.
"""

from __future__ import annotations

from ._base import Event

__all__ = ["LegacyRowImported"]


class LegacyRowImported(
    Event, tag="legacy.row_imported", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: legacy.row_imported — one row of an old SQLite table, every column kept as JSON."""

    source_file: str
    """The file's name (journal.sqlite, oco_tracker.db, ...)."""
    source_table: str
    source_key: str
    """The row's key in its table (primary key, unique column or rowid)."""
    raw: str
    """Every column of the row as a JSON object (BLOBs as ``hex:...`` strings)."""
    derived: list[str] = []
    """Ids of the typed events made from this row."""
    skip_reason: str | None = None
    """Why no typed event was made from it (e.g. no place in the catalogue), if none was."""
