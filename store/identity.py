"""The journal's stable id: a name that tells one journal's snapshots from another's.

Owns ``journal.json``'s ``journal_id`` field. ``init`` writes it; a journal created before ids
existed gets one the first time it is opened (or asked for its id). Only ``journal.json`` is
rewritten (atomically, under the writers' lock, so two processes agree on one id): segments are
never touched. The id is a UUIDv7 string: unique across hosts without coordination, and safe as
a folder name and a hive partition value (``journal=<id>``).
"""

from __future__ import annotations

import json
import os
from typing import Any

import msgspec

from tradejournal.events import new_id

from .errors import CorruptionError
from .layout import FORMAT_VERSION, Layout, atomic_write
from .lock import InterProcessLock
from .reader import open_layout

__all__ = ["ensure_journal_id", "journal_id", "new_journal_meta"]

ID_FIELD = "journal_id"


def new_journal_meta() -> bytes:
    """Return the contents of a new journal's ``journal.json`` (format version and a fresh id)."""
    return msgspec.json.encode({"format": FORMAT_VERSION, ID_FIELD: new_id()})


def _read_meta(layout: Layout) -> dict[str, Any]:
    try:
        meta = json.loads(layout.meta.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise CorruptionError(layout.meta, None, None, f"not valid JSON: {exc}") from exc
    if not isinstance(meta, dict):
        raise CorruptionError(layout.meta, None, None, "not a JSON object")
    return meta


def _valid(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 100 and "/" not in value


def journal_id(root: str | os.PathLike[str]) -> str | None:
    """Return the journal's id, or None when it has none yet (never writes).

    Raise JournalNotFoundError when there is no journal at ``root``.
    """
    value = _read_meta(open_layout(root)).get(ID_FIELD)
    return value if _valid(value) else None


def ensure_journal_id(root: str | os.PathLike[str]) -> str:
    """Return the journal's id, giving it one first (in ``journal.json`` only) when missing."""
    layout = open_layout(root)
    found = journal_id(layout.root)
    if found is not None:
        return found
    lock = InterProcessLock(layout.lock)
    try:
        with lock:  # another process may be assigning one right now: re-read under the lock
            meta = _read_meta(layout)
            if _valid(meta.get(ID_FIELD)):
                return str(meta[ID_FIELD])
            meta[ID_FIELD] = new_id()
            meta.setdefault("format", FORMAT_VERSION)
            atomic_write(layout.meta, msgspec.json.encode(meta))
            return str(meta[ID_FIELD])
    finally:
        lock.close()
