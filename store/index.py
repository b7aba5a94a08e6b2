"""The id index: which ids are already in the log (idempotency), and the head cursor.

A derived SQLite file (``index.sqlite``), only ever written under the journal's write lock, so it
never sees lock contention. ``head`` is the position just after the last indexed record
(last seq, segment, byte offset, recorded_ts) and ``crc``, the running CRC-32 (zlib) of that
segment's bytes ``[0, offset)``, so opening checks the acknowledged bytes of the active segment with
one C-speed ``crc32`` (docs/design.md, "The store"). The log is the truth: lines found beyond the
head (a writer died between its write and its index commit) are indexed on the next lock; a missing
or unreadable index is rebuilt from the segments.

``seal_checks`` remembers the stat of a sealed segment whose mtime differs from its seal's (a
copy) once its SHA-256 was found equal to the seal's, so it is not hashed again on every open.

``crc`` is NULL when unknown: an index written before the column existed, or a head moved by code
that does not maintain it (the trigger ``head_crc_stale`` clears it then). Opening falls back to
the line-by-line check and records it.
"""

from __future__ import annotations

import os
import sqlite3
import zlib
from collections.abc import ItemsView, Iterable
from dataclasses import dataclass
from pathlib import Path

import msgspec

__all__ = ["Cursor", "IdIndex", "SealCheck"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ids (id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS head (
    k INTEGER PRIMARY KEY CHECK (k = 1),
    last_seq INTEGER NOT NULL,
    segment INTEGER NOT NULL,
    offset INTEGER NOT NULL,
    recorded_ts TEXT,
    crc INTEGER
);
CREATE TABLE IF NOT EXISTS seal_checks (
    first_seq INTEGER PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
"""

SealCheck = tuple[int, int, int, int, str]
"""A sealed segment's (size, mtime_ns, ctime_ns, inode) when its SHA-256 last matched its seal,
and that SHA-256."""

# A head moved without a new CRC (older code, which does not know the column) forgets its CRC, so
# a stale one is never compared with bytes it does not cover.
_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS head_crc_stale AFTER UPDATE OF segment, offset ON head
WHEN NEW.crc IS OLD.crc AND (NEW.segment != OLD.segment OR NEW.offset != OLD.offset)
BEGIN UPDATE head SET crc = NULL WHERE k = 1; END;
"""
_ENCODE = msgspec.json.encode


@dataclass(frozen=True, slots=True)
class Cursor:
    """A position in the log: the last seq and the byte just after its line, and the CRC-32 of
    the segment's bytes before it (None when unknown; 0 at offset 0)."""

    last_seq: int
    segment: int
    offset: int
    recorded_ts: str | None
    crc: int | None = None

    def crc_with(self, blob: bytes) -> int | None:
        """Return the running CRC after ``blob`` is written at this cursor (None if unknown)."""
        base = 0 if self.offset == 0 else self.crc
        return None if base is None else zlib.crc32(blob, base)


class IdIndex:
    """SQLite-backed map id -> seq plus the head cursor."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # The journal serialises every use of the index under its own thread lock, so a journal
        # shared by threads may use the connection from any of them.
        self._con = sqlite3.connect(
            path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA synchronous=NORMAL")
        self._con.executescript(_SCHEMA)
        self._add_crc_column()
        self._inode = os.stat(path).st_ino
        try:  # JSON functions are built into SQLite since 3.38 (and usually before)
            self._con.execute("SELECT count(*) FROM json_each('[]')")
            self._json = True
        except sqlite3.OperationalError:
            self._json = False

    def _add_crc_column(self) -> None:
        # An index written by older code has no crc column: add it (NULL, i.e. unknown).
        cols = {row[1] for row in self._con.execute("PRAGMA table_info(head)")}
        if "crc" not in cols:
            try:
                self._con.execute("ALTER TABLE head ADD COLUMN crc INTEGER")
            except sqlite3.OperationalError as exc:  # another process added it first
                if "duplicate column" not in str(exc):
                    raise
        self._con.executescript(_TRIGGER)

    def replaced(self) -> bool:
        """Return True when the index file was deleted or replaced since this connection opened
        (``repair --reindex`` by another process): the caller must reconnect."""
        try:
            return os.stat(self.path).st_ino != self._inode
        except FileNotFoundError:
            return True

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def head(self) -> Cursor | None:
        """Return the head cursor, or None for a new (or reset) index."""
        row = self._con.execute(
            "SELECT last_seq, segment, offset, recorded_ts, crc FROM head WHERE k = 1"
        ).fetchone()
        return Cursor(*row) if row else None

    def lookup(self, ids: Iterable[str]) -> dict[str, int]:
        """Return the seqs of those ids that are already in the log."""
        ids = list(ids)
        if len(ids) == 1:
            row = self._con.execute("SELECT seq FROM ids WHERE id = ?", ids).fetchone()
            return {ids[0]: row[0]} if row else {}
        text = self._as_json(ids)
        if text is not None:  # one statement, one primary-key probe per id
            sql = "SELECT ids.id, ids.seq FROM json_each(?) AS j CROSS JOIN ids ON ids.id = j.value"
            return dict(self._con.execute(sql, (text,)).fetchall())
        found: dict[str, int] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, seq FROM ids WHERE id IN ({marks})"  # noqa: S608 - placeholders only
            found.update(self._con.execute(sql, chunk).fetchall())
        return found

    def advance(self, pairs: Iterable[tuple[str, int]], cursor: Cursor) -> None:
        """Record new (id, seq) pairs and move the head, in one transaction.

        An id already indexed keeps its seq; an id named twice in ``pairs`` gets the first.
        """
        con = self._con
        con.execute("BEGIN IMMEDIATE")
        try:
            self._insert_ids(pairs)
            con.execute(  # the head only moves forward (writers flush their own ids late)
                "INSERT INTO head (k, last_seq, segment, offset, recorded_ts, crc)"
                " VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (k) DO UPDATE SET"
                " last_seq = excluded.last_seq, segment = excluded.segment,"
                " offset = excluded.offset, recorded_ts = excluded.recorded_ts,"
                " crc = excluded.crc"
                " WHERE excluded.last_seq > head.last_seq OR excluded.segment > head.segment",
                (
                    cursor.last_seq,
                    cursor.segment,
                    cursor.offset,
                    cursor.recorded_ts,
                    0 if cursor.offset == 0 else cursor.crc,
                ),
            )
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:  # a failed COMMIT may have rolled back already
                con.execute("ROLLBACK")
            raise

    def record_crc(self, cursor: Cursor, crc: int) -> None:
        """Record the CRC of the head's bytes when the head is still exactly ``cursor``."""
        self._con.execute(
            "UPDATE head SET crc = ? WHERE k = 1 AND last_seq = ? AND segment = ? AND offset = ?",
            (crc, cursor.last_seq, cursor.segment, cursor.offset),
        )

    def seal_checks(self) -> dict[int, SealCheck]:
        """Return the recorded seal checks by segment (see ``record_seal_check``)."""
        rows = self._con.execute(
            "SELECT first_seq, size, mtime_ns, ctime_ns, ino, sha256 FROM seal_checks"
        )
        return {r[0]: (r[1], r[2], r[3], r[4], r[5]) for r in rows}

    def record_seal_check(self, first_seq: int, check: SealCheck) -> None:
        """Remember that a sealed segment with this stat hashed to its seal's SHA-256."""
        self._con.execute(
            "INSERT OR REPLACE INTO seal_checks VALUES (?, ?, ?, ?, ?, ?)", (first_seq, *check)
        )

    def _insert_ids(self, pairs: Iterable[tuple[str, int]]) -> None:
        # The pairs go in as one JSON object (one statement, no per-row binding in Python);
        # INSERT OR IGNORE keeps the seq of an id already indexed.
        if isinstance(pairs, ItemsView):  # a dict's items: ids are unique
            mapping = dict(pairs)
        else:
            listed = list(pairs)
            mapping = dict(listed)
            if len(mapping) < len(listed):  # the first of repeated ids wins, as in the log
                mapping = dict(reversed(listed))
        if not mapping:
            return
        text = self._as_json(mapping)
        if text is not None:
            sql = "INSERT OR IGNORE INTO ids (id, seq) SELECT key, value FROM json_each(?)"
            self._con.execute(sql, (text,))
        else:
            sql = "INSERT OR IGNORE INTO ids (id, seq) VALUES (?, ?)"
            self._con.executemany(sql, mapping.items())

    def _as_json(self, ids: list[str] | dict[str, int]) -> str | None:
        """The ids (or id -> seq pairs) as JSON text for ``json_each``, or None where SQLite has no
        JSON functions or an id holds a NUL (SQLite's JSON text ends a string there)."""
        if not self._json:
            return None
        text = _ENCODE(ids)
        return None if b"\\u0000" in text else text.decode()

    def reset(self) -> None:
        """Forget everything (before a rebuild from the segments)."""
        self._con.execute("BEGIN IMMEDIATE")
        self._con.execute("DELETE FROM ids")
        self._con.execute("DELETE FROM head")
        self._con.execute("COMMIT")
