"""Load new journal lines into the ``events`` table with DuckDB's own ``read_json``.

Only segments that can hold a seq above the last loaded one are read. Sealed segments are read
in place by ``read_json``, all in one call (DuckDB parallelises over files); when a progress
callback is given, in batches of consecutive files of at least ``BATCH_BYTES`` instead, and
``progress("load", events loaded so far, events to load)`` is reported after every batch (this
costs ~10 % of the load time on 2 cores, so plain catch-ups do not pay it). The active segment
(and any segment we stopped inside last time) is read through a temporary copy of the byte range
``[resume offset or 0, committed_size)`` made inside the journal directory, so a line a writer
is still appending is never seen. Every range read is checked (``_segment_checks``: a sealed segment by
its seal, any other range line by line) in a thread while DuckDB loads; a failed check fails the
load before anything is committed, naming the file, line and offset. Loaded seqs must be
exactly ``last+1 .. snapshot.last_seq``, all distinct (the table has no key: this check is what
keeps one row per seq); anything else (gap, duplicate, missing tail) raises ``ProjectionError``.
DuckDB's memory limit is lowered to ``LOAD_MEMORY_LIMIT`` for the load (its peak otherwise grew
with the journal).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import duckdb

from tradejournal.events import InvalidEventError, decode_event
from tradejournal.store import locate_seq

from ._journal import JournalSnapshot, Segment
from ._segment_checks import REBUILD_ADVICE, SegmentChecks, copy_range
from .errors import ProjectionError
from .schema import events_ddl, read_columns, schema_hash

__all__ = [
    "BATCH_BYTES",
    "LOAD_MEMORY_LIMIT",
    "LOAD_SQL",
    "Progress",
    "ensure_events",
    "events_hash",
    "load_events",
]

Progress = Callable[[str, int, int], None]
LOAD_SQL = (files("tradejournal.projections") / "sql" / "000_events.sql").read_text("utf-8")

LOAD_MEMORY_LIMIT = "1.0 GiB"
"""DuckDB's memory limit while loading (see ``_lower_memory_limit``)."""

BATCH_BYTES = 64 << 20
"""Bytes of segment files loaded per ``read_json`` call (at least one file per call)."""

_CURSOR_DDL = (
    "CREATE TABLE IF NOT EXISTS _load_cursor (segment_first_seq BIGINT, byte_offset BIGINT,"
    " fp_segment BIGINT, fp_end BIGINT, fp_seq BIGINT, fp_crc BIGINT)"
)


def events_hash() -> str:
    """Return the version of the events table (generated DDL + load SQL + load cursor)."""
    return schema_hash(LOAD_SQL + _CURSOR_DDL)


def ensure_events(con: duckdb.DuckDBPyConnection) -> None:
    """Create the events table and the load cursor when missing."""
    con.execute(events_ddl())
    con.execute(_CURSOR_DDL)


def _cursor(con: duckdb.DuckDBPyConnection) -> tuple[int, int] | None:
    row = con.execute("SELECT segment_first_seq, byte_offset FROM _load_cursor").fetchall()
    return (int(row[0][0]), int(row[0][1])) if row else None


def _plan(
    snap: JournalSnapshot, after: int, cursor: tuple[int, int] | None
) -> list[tuple[Segment, int]]:
    """Return (segment, start offset) for each segment that may hold seq > after."""
    segs = snap.segments
    plan = []
    for i, seg in enumerate(segs):
        last_in_seg = segs[i + 1].first_seq - 1 if i + 1 < len(segs) else snap.last_seq
        if last_in_seg <= after or seg.committed_size == 0:
            continue
        start = cursor[1] if cursor and cursor[0] == seg.first_seq else 0
        if start < seg.committed_size:
            plan.append((seg, start))
    return plan


def load_events(
    con: duckdb.DuckDBPyConnection,
    journal_dir: Path,
    snap: JournalSnapshot,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Load every committed line after the last loaded seq; return (loaded, last_seq)."""
    after = int(con.execute("SELECT coalesce(max(seq), 0) FROM events").fetchall()[0][0])
    if snap.last_seq < after:
        raise ProjectionError(
            f"projections hold seq {after} but the journal ends at {snap.last_seq}: "
            "the journal was replaced or truncated; run `tradejournal rebuild --full`"
        )
    if snap.last_seq == after:
        return 0, after
    plan = _plan(snap, after, _cursor(con))
    total = snap.last_seq - after
    temps: list[Path] = []
    sources: list[tuple[str, int]] = []  # (file, bytes to read)
    origin: dict[str, tuple[Segment, int]] = {}  # file read -> (segment, its start offset)
    checks = SegmentChecks()
    memory: str | None = None
    try:
        for n, (seg, start) in enumerate(plan):
            if seg is snap.segments[-1] or start > 0:
                tmp = journal_dir / f"projections.load-{os.getpid()}-{n}.jsonl"
                temps.append(tmp)
                checks.add(seg, start, copy_range(seg, tmp, start))
                sources.append((str(tmp), seg.committed_size - start))
                origin[str(tmp)] = (seg, start)
            else:
                checks.add(seg, 0, None)
                sources.append((str(seg.path), seg.committed_size))
                origin[str(seg.path)] = (seg, 0)
        checks.start()
        memory = _lower_memory_limit(con)
        if progress:
            progress("load", 0, total)
        done = 0
        batches = _batches(sources) if progress else [[path for path, _ in sources]]
        for batch in [b for b in batches if b]:
            try:
                rows = con.execute(
                    LOAD_SQL, {"files": batch, "columns": read_columns(), "after": after}
                ).fetchall()
            except duckdb.Error as exc:
                checks.wait()  # a damaged line is named by its check, not by DuckDB
                raise _load_failure(batch, origin, after, exc) from exc
            done += int(rows[0][0]) if rows else 0
            if progress:
                progress("load", min(done, total), total)
        checks.wait()
    finally:
        if memory is not None:
            con.execute(f"SET memory_limit = '{memory}'")
        checks.join()
        for tmp in temps:
            tmp.unlink(missing_ok=True)
    _check_contiguous(con, after, snap.last_seq)
    _save_cursor(con, snap)
    return total, snap.last_seq


def _lower_memory_limit(con: duckdb.DuckDBPyConnection) -> str | None:
    """Lower DuckDB's memory limit to ``LOAD_MEMORY_LIMIT`` for the load; return the limit to
    restore (None: it was lower already). DuckDB sizes its buffers by the limit (80 % of RAM by
    default), so without this a full load's peak grew with the journal."""
    current = str(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
    if _size(current) <= _size(LOAD_MEMORY_LIMIT):
        return None
    con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
    return current


def _size(text: str) -> float:
    """Bytes of a DuckDB size setting such as ``18.8 GiB`` (anything else: no limit)."""
    units = {"bytes": 0, "KiB": 10, "MiB": 20, "GiB": 30, "TiB": 40, "PiB": 50}
    number, _, unit = text.strip().partition(" ")
    try:
        return float(number) * float(1 << units[unit])
    except (ValueError, KeyError):
        return float("inf")


def _save_cursor(con: duckdb.DuckDBPyConnection, snap: JournalSnapshot) -> None:
    last = snap.segments[-1]
    filled = [s for s in snap.segments if s.committed_size > 0]
    fp_seg, fp_end = (filled[-1].first_seq, filled[-1].committed_size) if filled else (None, None)
    seq, crc = con.execute("SELECT seq, crc FROM events ORDER BY seq DESC LIMIT 1").fetchall()[0]
    con.execute("DELETE FROM _load_cursor")
    con.execute(
        "INSERT INTO _load_cursor VALUES (?, ?, ?, ?, ?, ?)",
        [last.first_seq, last.committed_size, fp_seg, fp_end, seq, crc],
    )


def _load_failure(
    batch: list[str], origin: dict[str, tuple[Segment, int]], after: int, exc: duckdb.Error
) -> ProjectionError:
    """Name the segment, seq and offset of the first line DuckDB could not load, and what to do."""
    for name in batch:
        seg, start = origin[name]
        with open(name, "rb") as f:
            for line in f:
                body = line.rstrip(b"\n")
                body = body[: body.rfind(b',"crc":')] + b"}"  # the CRC was checked before
                try:
                    decode_event(body)
                except InvalidEventError as bad:
                    seq = _seq_of(line)
                    if seq is not None and seq <= after:
                        continue
                    offset = locate_seq(seg.path, seg.first_seq, seq) if seq else None
                    where = f"{seg.path.name}:{offset if offset is not None else '-'}"
                    return ProjectionError(
                        f"{seg.path.name}: seq {seq}: {bad}: this event cannot be loaded into "
                        "the projections (an older version accepted it). The projections were "
                        "left as they were. It is shown by `tradejournal verify`; to drop it "
                        f"and every event after it, run `tradejournal repair --truncate-at "
                        f"{where}` (the bytes go to quarantine/), then append the good events "
                        "again with `tradejournal append`; or restore the segment from a backup"
                    )
    names = sorted({origin[n][0].path.name for n in batch})
    return ProjectionError(
        f"loading segment{'s' if len(names) > 1 else ''} {', '.join(names)} failed: {exc}; "
        f"{REBUILD_ADVICE}"
    )


def _seq_of(line: bytes) -> int | None:
    import msgspec

    try:
        seq = msgspec.json.decode(line).get("seq")
    except (msgspec.DecodeError, AttributeError):
        return None
    return seq if isinstance(seq, int) else None


def _batches(sources: list[tuple[str, int]]) -> list[list[str]]:
    """Group consecutive files into batches of at least ``BATCH_BYTES`` (the last batch takes
    the rest): DuckDB writes a large insert straight to the database file, while a small one
    goes through the WAL and costs a checkpoint, so no small batch is made after a large one."""
    out: list[list[str]] = []
    size = 0
    for path, nbytes in sources:
        if not out or size >= BATCH_BYTES:
            out.append([])
            size = 0
        out[-1].append(path)
        size += nbytes
    if len(out) > 1 and size < BATCH_BYTES:
        out[-2].extend(out.pop())
    return out


def _check_contiguous(con: duckdb.DuckDBPyConnection, after: int, expected_last: int) -> None:
    n, distinct, lo, hi = con.execute(
        "SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM events WHERE seq > ?",
        [after],
    ).fetchall()[0]
    expected = expected_last - after
    if n == expected and distinct == n and lo == after + 1 and hi == expected_last:
        return
    raise ProjectionError(
        f"journal seqs are not contiguous: expected {after + 1}..{expected_last} "
        f"({expected} events), loaded {n} ({distinct} distinct, {lo}..{hi}); "
        "run `tradejournal verify`"
    )
