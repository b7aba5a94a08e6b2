"""Build, catch up and open ``projections.duckdb`` so that readers never see a half-built state.

The engine decides *what* a build does; where it runs and how it is published is
``_generations.Generations``'s (the published file, the spare generation, their locks): a
catch-up brings the previous generation up to date in place (one transaction) when no reader
holds it, else a copy of the published file; a full rebuild starts empty. Readers attach the
published file read-only and never block or see a build. Whether the journal changed since a
build is ``_currency``'s (the stamp for the fast read, the lineage for catch-up vs rebuild).

* The ``events`` table grows append-only by seq. Per-event tables (deals, user_actions,
  llm_calls, alerts, metrics, ...: ``-- mode: append``) insert only rows for the new events;
  the other derived tables are recomputed or updated per key (see ``runner.py``), and only
  when events of their input types arrived or an input table changed. Both keep a full rebuild
  and any sequence of catch-ups identical by construction (tested by hashing).
* A build that leaves every projection current stamps the file it publishes: a read finding
  the code and journal files unchanged uses the published file without this module
  (``_reader``).

One ``catch_up`` goes one way: fast read (stamp) -> build lock -> one attach of the published
file (current? reusable?) -> ``Generations.build`` (target, build, publish).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

import duckdb

from . import _files, _reader
from ._currency import Stamp, current_stamp, lineage_changed, stamp
from ._generations import DB_NAME, NO_PROGRESS_BAR, Generations, Target
from ._interrupt import BUILDING, interruptibly
from ._journal import JournalSnapshot, take_snapshot
from .errors import ProjectionError
from .loader import Progress, ensure_events, events_hash, load_events
from .runner import SqlFile, ensure_state, read_state, run_projections, set_state, sql_files

__all__ = [
    "DB_NAME",
    "CatchUpResult",
    "catch_up",
    "connect_readonly",
    "is_current",
    "rebuild",
]

log = logging.getLogger("tradejournal.projections")

SqlSource = Traversable | Path | None


@dataclass(frozen=True, slots=True)
class CatchUpResult:
    """What a catch-up did: events loaded, wall time, and the seq the projections now reflect."""

    events_loaded: int
    seconds: float
    last_seq: int


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


def _reusable(sqls: list[SqlFile], jd: Path) -> Callable[[duckdb.DuckDBPyConnection], bool]:
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


def _build(
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
    reusable = _reusable(sqls, journal_dir)
    return gens.build(work, full=full, reusable=reusable, published_ok=published_ok)


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
                if not _reusable(sqls, journal_dir)(con):  # e.g. another lineage
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


def _refresh_stamp(jd: Path, sqls: list[SqlFile], sql_dir: SqlSource) -> None:
    """Current projections, stale stamp (code changed; appends during the last build): build
    once so later reads skip the full check. Under the build lock; best effort."""
    try:
        _build(jd, False, False, sqls, None, sql_dir)
    except ProjectionError as exc:
        log.warning("%s: could not refresh the projections' fast check: %s", jd, exc)


def _check_dir(journal_dir: Path) -> Path:
    jd = Path(journal_dir)
    if not (jd / "segments").is_dir():
        raise ProjectionError(f"no journal at {jd} (create one with `tradejournal init`)")
    return jd


def _assess(gens: Generations, sqls: list[SqlFile], last_seq: int) -> tuple[bool, int | None]:
    """Return (current, seq) of the published file, from one attach: current when it reflects
    ``last_seq`` and current SQL; seq, the last one it holds when a catch-up can continue from
    it (None: rebuild in full)."""
    if not gens.published.exists():
        return False, None
    try:
        con = gens.attach()
    except duckdb.Error:
        return False, None
    try:
        if not _reusable(sqls, gens.journal_dir)(con):
            return False, None
        return is_current(con, last_seq, sqls), int(read_state(con)["events"][0])
    except (duckdb.Error, KeyError):
        return False, None
    finally:
        _files.release(con)


def catch_up(
    journal_dir: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    wait: float | None = None,
    sql_dir: SqlSource = None,
) -> CatchUpResult:
    """Bring the projections up to the journal's last committed event.

    Loads only events after the last loaded seq and re-runs only the SQL files whose inputs got
    new events (or whose SQL changed). ``wait``: seconds to wait for another builder (None:
    forever); when it runs out, nothing is built and ``events_loaded`` is -1.
    ``sql_dir`` replaces the packaged SQL files (tests, experiments).
    """
    jd = _check_dir(Path(journal_dir))
    t0 = time.perf_counter()
    fast = _reader.open_if_current(jd, sql_dir)
    if fast is not None:
        try:
            last = int(read_state(fast)["events"][0])
        finally:
            _files.release(fast)
        return CatchUpResult(0, time.perf_counter() - t0, last)
    sqls = sql_files(sql_dir)
    gens = Generations(jd)
    with gens.build_lock(wait) as locked:
        if not locked:
            return CatchUpResult(-1, time.perf_counter() - t0, -1)
        keys = current_stamp(jd, sql_dir)  # before the snapshot (``_currency``)
        snap = take_snapshot(jd)
        current, published_seq = _assess(gens, sqls, snap.last_seq)
        if current:
            _refresh_stamp(jd, sqls, sql_dir)
            return CatchUpResult(0, time.perf_counter() - t0, snap.last_seq)
        reusable = published_seq is not None
        loaded, last = interruptibly(
            lambda: _build(jd, False, False, sqls, progress, sql_dir, (keys, snap, reusable))
        )
        if published_seq is not None:  # the spare loads two catch-ups' events: count the new
            loaded = last - published_seq
    return CatchUpResult(loaded, time.perf_counter() - t0, last)


def rebuild(
    journal_dir: str | os.PathLike[str],
    full: bool = True,
    progress: Progress | None = None,
    *,
    sql_dir: SqlSource = None,
) -> CatchUpResult:
    """Rebuild the projections: ``full`` reloads every event into an empty database; otherwise
    the loaded events are kept (and caught up) and every SQL file is re-run.

    ``progress(stage, done, total)`` is called with stage ``load`` or ``sql``.
    """
    jd = _check_dir(Path(journal_dir))
    t0 = time.perf_counter()
    sqls = sql_files(sql_dir)
    with Generations(jd).build_lock(None):
        loaded, last = interruptibly(lambda: _build(jd, full, True, sqls, progress, sql_dir))
    return CatchUpResult(loaded, time.perf_counter() - t0, last)


def connect_readonly(
    journal_dir: str | os.PathLike[str],
    *,
    catch_up_first: bool = True,
    wait: float = 30.0,
    sql_dir: SqlSource = None,
    sandbox: bool = False,
) -> duckdb.DuckDBPyConnection:
    """Catch up, then return a read-only connection (TimeZone UTC) to the projections.

    When another process is building, its result is used as soon as it is published (it holds
    everything committed before it started) instead of queueing for the lock; after ``wait``
    seconds the last complete state is returned. ``sandbox``: the connection can read only the
    projections (DuckDB's ``enable_external_access`` off, configuration locked): no files, no
    network, no extensions, no Python objects; for SQL from users. Close it when done.
    """
    jd = _check_dir(Path(journal_dir))
    gens = Generations(jd)
    if catch_up_first:
        fast = _reader.open_if_current(jd, sql_dir)
        if fast is not None:
            return _reader.sandbox(fast) if sandbox else fast
        sqls = sql_files(sql_dir)
        try:
            con = _open_published(gens, retries=1)
        except ProjectionError:
            con = None  # unreadable: the catch-up below rebuilds it
        if con is not None:
            if is_current(con, take_snapshot(jd).last_seq, sqls, jd):
                # never waits (a builder stamps it anyway); cleans up temp files of killed
                # builds; a journal whose projections cannot be written is read as it is
                with contextlib.suppress(OSError), gens.build_lock(0) as locked:
                    if locked:
                        _refresh_stamp(jd, sqls, sql_dir)
                return _reader.sandbox(con) if sandbox else con
            _files.release(con)
        _catch_up_or_follow(gens, wait, sql_dir)
    con = _open_published(gens, retries=100)
    if con is None:
        raise ProjectionError(f"{gens.published}: no projections yet (another build is running?)")
    return _reader.sandbox(con) if sandbox else con


def _catch_up_or_follow(gens: Generations, wait: float, sql_dir: SqlSource) -> None:
    """Catch up, or, while another process builds, wait until it publishes its database."""
    before = gens.published_id()
    deadline = time.monotonic() + wait
    while True:
        try:
            if catch_up(gens.journal_dir, wait=0, sql_dir=sql_dir).events_loaded >= 0:
                return
        except OSError as exc:  # a read-only journal (a backup, a read-only mount)
            if not gens.published.exists():
                raise ProjectionError(f"cannot build the projections: {exc}") from exc
            log.warning("cannot catch up (%s): showing the last complete projections", exc)
            return
        if (before is not None and gens.published_id() != before) or time.monotonic() >= deadline:
            return
        time.sleep(0.02)


def _open_published(gens: Generations, retries: int) -> duckdb.DuckDBPyConnection | None:
    try:
        return gens.open_published(retries)
    except duckdb.Error as exc:
        raise ProjectionError(f"cannot open {gens.published} read-only: {exc}") from exc
