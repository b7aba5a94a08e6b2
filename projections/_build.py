"""What a build does: load the new events, run the stale SQL files, stamp, checkpoint.

``engine`` decides when to build; ``_generations.Generations`` where (spare, copy or empty)
and publishes. This module is the part that needs the store, the event types and the SQL files,
so that a read or catch-up finding nothing new (``engine``'s fast path) never imports it.

Each build runs in one DuckDB connection to its target: in the spare, one transaction (an
interrupted build leaves the spare as it was), which first checks that the spare can be caught
up (same events schema, no removed SQL file, the journal still holds the last line it loaded;
else the build falls back to a copy). Then it loads the events after the target's last seq
(``loader``), runs the stale SQL files (``runner``), stamps the file when every projection is
current (``_currency``), commits and checkpoints. The checkpoint stays: a published file
with a WAL next to it costs every read-only attach a replay of that WAL (measured: ~110 ms
instead of ~25 ms for the 3.5 MB WAL of a 1,000-event catch-up), and the file and its WAL
could not be renamed into place atomically. Phase timings go to the debug log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from importlib.resources.abc import Traversable
from pathlib import Path

import duckdb

from ._currency import Stamp, current_stamp, lineage_changed, stamp
from ._generations import NO_PROGRESS_BAR, Generations, Target
from ._interrupt import BUILDING
from ._journal import JournalSnapshot, take_snapshot
from .errors import ProjectionError
from .loader import Progress, ensure_events, events_hash, load_events
from .runner import SqlFile, ensure_state, read_state, run_projections, set_state

__all__ = ["assess", "build", "is_current", "refresh_stamp", "reusable"]

log = logging.getLogger("tradejournal.projections")
SqlSource = Traversable | Path | None


def _open_rw(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("SET TimeZone = 'UTC'")
    con.execute(NO_PROGRESS_BAR)
    return con


def is_current(
    con: duckdb.DuckDBPyConnection,
    last_seq: int,
    sqls: list[SqlFile],
    journal_dir: Path | None = None,
) -> bool:
    """Return True when the state says every projection reflects ``last_seq`` and current SQL
    (and, given ``journal_dir``, the journal is still the log they were loaded from)."""
    try:
        state = read_state(con)
    except duckdb.Error:
        return False
    if journal_dir is not None and lineage_changed(con, journal_dir) is not None:
        return False
    wanted = {"events": events_hash(), **{f.name: f.sql_hash for f in sqls}}
    if set(state) != set(wanted):
        return False
    return all(state[n] == (last_seq, h) for n, h in wanted.items())


def reusable(sqls: list[SqlFile], jd: Path) -> Callable[[duckdb.DuckDBPyConnection], bool]:
    """Return the check that a generation can be caught up: same events schema, no removed SQL
    file, and the journal still holds the last line it loaded (else: a full rebuild)."""

    def check(con: duckdb.DuckDBPyConnection) -> bool:
        state = read_state(con)
        changed = lineage_changed(con, jd)
        if changed is not None:
            log.warning("%s: rebuilding the projections in full", changed)
            return False
        stale_names = set(state) - {"events"} - {f.name for f in sqls}
        return state.get("events", (0, ""))[1] == events_hash() and not stale_names

    return check


def build(
    journal_dir: Path,
    full: bool,
    force_sql: bool,
    sqls: list[SqlFile],
    progress: Progress | None,
    sql_dir: SqlSource,
    seen: tuple[Stamp, JournalSnapshot, bool] | None = None,
) -> tuple[int, int]:
    """Build a new generation and publish it; return (events loaded, last seq). ``seen``: the
    stamp, snapshot and reusability of the published file, when the caller already took them."""
    if seen is None:
        keys = current_stamp(journal_dir, sql_dir)  # before the snapshot (``_currency``)
        snap = take_snapshot(journal_dir)
        published_ok = None
    else:
        keys, snap, published_ok = seen

    def work(path: Path, target: Target) -> tuple[int, int]:
        force = force_sql or target is Target.EMPTY
        return _build_in(path, snap, journal_dir, force, sqls, progress, keys, target)

    gens = Generations(journal_dir)
    check = reusable(sqls, journal_dir)
    return gens.build(work, full=full, reusable=check, published_ok=published_ok)


def _build_in(
    path: Path,
    snap: JournalSnapshot,
    journal_dir: Path,
    force_sql: bool,
    sqls: list[SqlFile],
    progress: Progress | None,
    keys: Stamp,
    target: Target,
) -> tuple[int, int]:
    """Load new events into ``path`` and run the stale SQL files (one transaction in the spare:
    an interrupted build leaves it as it was); checkpoint and close."""
    in_place = target is Target.SPARE
    phases = _Phases()
    try:
        con = _open_rw(path)
        BUILDING.add(con)
        try:
            if in_place:
                con.execute("BEGIN TRANSACTION")
                if not reusable(sqls, journal_dir)(con):  # e.g. another lineage
                    raise ProjectionError(f"{path.name} cannot be caught up: built from a copy")
            ensure_state(con)
            ensure_events(con)
            phases.mark("open")
            loaded, last = load_events(con, journal_dir, snap, progress)
            set_state(con, "events", last, events_hash())
            phases.mark("load")
            run_projections(con, last, sqls, force=force_sql, progress=progress)
            phases.mark("sql")
            stamp(con, keys if is_current(con, last, sqls) else None)
            if in_place:
                con.execute("COMMIT")
            phases.mark("commit")
            wal = _size(Path(f"{path}.wal"))
            con.execute("CHECKPOINT")
            phases.mark("checkpoint")
        finally:
            BUILDING.discard(con)
            con.close()
    except duckdb.Error as exc:
        raise ProjectionError(str(exc)) from exc
    phases.mark("close")
    log.debug("build in %s (%s): %s; WAL before checkpoint %d bytes", path.name,
              target.value, phases, wal)  # fmt: skip
    return loaded, last


class _Phases:
    """Wall time of a build's phases, for the debug log (``benchmarks.engine_phases.py``)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.ms: dict[str, float] = {}

    def mark(self, phase: str) -> None:
        now = time.perf_counter()
        self.ms[phase] = (now - self.last) * 1000
        self.last = now

    def __str__(self) -> str:
        return ", ".join(f"{k} {v:.1f} ms" for k, v in self.ms.items())


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def refresh_stamp(jd: Path, sqls: list[SqlFile], sql_dir: SqlSource) -> None:
    """Current projections, stale stamp (code changed; appends during the last build): build
    once so later reads skip the full check. Under the build lock; best effort."""
    try:
        build(jd, False, False, sqls, None, sql_dir)
    except ProjectionError as exc:
        log.warning("%s: could not refresh the projections' fast check: %s", jd, exc)


def assess(
    con: duckdb.DuckDBPyConnection, sqls: list[SqlFile], jd: Path, last_seq: int
) -> tuple[bool, int | None]:
    """Return (current, seq) of the published generation attached as ``con``: current when it
    reflects ``last_seq`` and current SQL; seq, the last one it holds when a catch-up can
    continue from it (None: rebuild in full)."""
    try:
        if not reusable(sqls, jd)(con):
            return False, None
        return is_current(con, last_seq, sqls), int(read_state(con)["events"][0])
    except (duckdb.Error, KeyError):
        return False, None
