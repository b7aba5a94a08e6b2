"""Build, catch up and open ``projections.duckdb`` so that readers never see a half-built state.

Scheme (DuckDB lets one process open a file read-write and fails read-only opens meanwhile):

* Nobody ever opens ``projections.duckdb`` read-write. A builder takes ``projections.lock``
  (``filelock``; catch-ups and rebuilds serialise on it) and builds in another file, which it
  then publishes by renaming it onto ``projections.duckdb``. A reader opens either the old or
  the new file, both complete.
* Which other file (``_files.py``): a catch-up brings the previous generation,
  ``projections.duckdb.spare``, up to date in place (one transaction) when no reader still
  holds it, else a copy of the current file; the published file becomes the new spare. A full
  rebuild starts from an empty file and drops the spare.
* Readers attach the file read-only inside a fresh in-memory DuckDB, so a process never gets
  DuckDB's per-process cached instance of an older file, and hold a shared lock on it while
  their connection lives (what keeps builders off it); opening retries briefly on error.
* The ``events`` table grows append-only by seq. Per-event tables (deals, user_actions,
  llm_calls, alerts, metrics, ...: ``-- mode: append``) insert only rows for the new events;
  the other derived tables are recomputed (see ``runner.py``), and only when events of their
  input types arrived or an input table changed. Both keep a full rebuild and any sequence of
  catch-ups identical by construction (tested by hashing).

* A build that leaves every projection current records the code and journal files it saw
  (``_reader``): a read finding both unchanged uses the published file without this module.

On Windows (no ``flock``) there is no spare: every catch-up copies; ``os.replace`` is retried
while a reader has the file open.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from . import _files, _reader
from ._currency import lineage_changed
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

DB_NAME = "projections.duckdb"
LOCK_NAME = "projections.lock"
SqlSource = Traversable | Path | None


@dataclass(frozen=True, slots=True)
class CatchUpResult:
    """What a catch-up did: events loaded, wall time, and the seq the projections now reflect."""

    events_loaded: int
    seconds: float
    last_seq: int


def _db(journal_dir: Path) -> Path:
    return Path(journal_dir) / DB_NAME


def _open_rw(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    con.execute("SET TimeZone = 'UTC'")
    con.execute(_reader.NO_PROGRESS_BAR)
    return con


_attach_readonly = _reader.attach_readonly
_sandbox = _reader.sandbox


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


def _compatible(db: Path, sqls: list[SqlFile], journal_dir: Path, lock: bool = True) -> bool:
    """Return True when ``db`` can be caught up: same events schema, no removed SQL file, and
    the journal still holds the last line it loaded (else: a full rebuild)."""
    if not db.exists():
        return False
    try:
        con = _attach_readonly(db, lock=lock)
    except duckdb.Error:
        return False  # unreadable (e.g. another DuckDB version): rebuild from scratch
    try:
        state = read_state(con)
        changed = lineage_changed(con, journal_dir)
    except duckdb.Error:
        return False
    finally:
        _files.release(con)
    if changed is not None:
        log.warning("%s: rebuilding the projections in full", changed)
        return False
    stale_names = set(state) - {"events"} - {f.name for f in sqls}
    return state.get("events", (0, ""))[1] == events_hash() and not stale_names


def _build(
    journal_dir: Path,
    full: bool,
    force_sql: bool,
    sqls: list[SqlFile],
    progress: Progress | None,
    sql_dir: SqlSource,
) -> tuple[int, int]:
    """Build a new generation and publish it; return (events loaded, last seq)."""
    db = _db(journal_dir)
    # taken before the snapshot: whatever changes after it changes the key (``_reader``)
    keys = (_reader.code_key(sql_dir), _reader.journal_key(journal_dir))
    snap = take_snapshot(journal_dir)
    if not full and _compatible(db, sqls, journal_dir):
        spare = _files.spare_path(db)
        fd = _files.claim(spare)
        if fd is not None:
            try:
                if _compatible(spare, sqls, journal_dir, lock=False):
                    Path(f"{spare}.wal").unlink(missing_ok=True)  # never replay a stale WAL
                    result = _build_in(
                        spare, snap, journal_dir, force_sql, sqls, progress, keys, True
                    )
                    os.close(fd)
                    fd = None
                    _publish(spare, db, keep_previous=True)
                    return result
            except (duckdb.Error, ProjectionError):
                spare.unlink(missing_ok=True)  # e.g. another lineage: build from a copy instead
            finally:
                if fd is not None:
                    os.close(fd)
        tmp = db.with_name(f"{DB_NAME}.tmp-{os.getpid()}")
        _files.copy_file(db, tmp)
        keep = True
    else:
        tmp = db.with_name(f"{DB_NAME}.tmp-{os.getpid()}")
        force_sql, keep = True, False
    try:
        result = _build_in(tmp, snap, journal_dir, force_sql, sqls, progress, keys, False)
        _publish(tmp, db, keep_previous=keep)
        if not keep:
            _files.fresh_spare(db)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return result


def _build_in(
    path: Path,
    snap: JournalSnapshot,
    journal_dir: Path,
    force_sql: bool,
    sqls: list[SqlFile],
    progress: Progress | None,
    keys: tuple[str, str],
    in_place: bool,
) -> tuple[int, int]:
    """Load new events into ``path`` and run the stale SQL files (one transaction when
    ``in_place``: an interrupted build leaves the file as it was); checkpoint and close."""
    try:
        con = _open_rw(path)
        BUILDING.add(con)
        try:
            if in_place:
                con.execute("BEGIN TRANSACTION")
            ensure_state(con)
            ensure_events(con)
            loaded, last = load_events(con, journal_dir, snap, progress)
            set_state(con, "events", last, events_hash())
            run_projections(con, last, sqls, force=force_sql, progress=progress)
            _reader.record(con, keys if is_current(con, last, sqls) else None)
            if in_place:
                con.execute("COMMIT")
            con.execute("CHECKPOINT")
        finally:
            BUILDING.discard(con)
            con.close()
    except duckdb.Error as exc:
        raise ProjectionError(str(exc)) from exc
    return loaded, last


def _refresh_fast_check(jd: Path, sqls: list[SqlFile], sql_dir: SqlSource) -> None:
    """Current projections, stale fast-check record (code changed; appends during the last
    build): build once so later reads skip the full check. Under the build lock; best effort."""
    try:
        _build(jd, False, False, sqls, None, sql_dir)
    except ProjectionError as exc:
        log.warning("%s: could not refresh the projections' fast check: %s", jd, exc)


def _publish(built: Path, db: Path, keep_previous: bool) -> None:
    Path(f"{db}.wal").unlink(missing_ok=True)  # never let a stale WAL meet a new file
    _files.publish(built, db, keep_previous)


@contextlib.contextmanager
def _build_lock(journal_dir: Path, wait: float | None) -> Iterator[bool]:
    lock = FileLock(str(Path(journal_dir) / LOCK_NAME))
    try:
        lock.acquire(timeout=-1 if wait is None else wait)
    except Timeout:
        yield False
        return
    try:
        for stale in _files.stale_temp_files(Path(journal_dir)):
            stale.unlink(missing_ok=True)
        yield True
    finally:
        lock.release()


def _check_dir(journal_dir: Path) -> Path:
    jd = Path(journal_dir)
    if not (jd / "segments").is_dir():
        raise ProjectionError(f"no journal at {jd} (create one with `tradejournal init`)")
    return jd


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
    with _build_lock(jd, wait) as locked:
        if not locked:
            return CatchUpResult(-1, time.perf_counter() - t0, -1)
        last = take_snapshot(jd).last_seq
        if _db(jd).exists():
            try:
                con = _attach_readonly(_db(jd))
            except duckdb.Error:
                current = False
            else:
                try:
                    current = is_current(con, last, sqls, jd)
                finally:
                    _files.release(con)
            if current:
                _refresh_fast_check(jd, sqls, sql_dir)
                return CatchUpResult(0, time.perf_counter() - t0, last)
        loaded, last = interruptibly(lambda: _build(jd, False, False, sqls, progress, sql_dir))
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
    with _build_lock(jd, None):
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
    if catch_up_first:
        fast = _reader.open_if_current(jd, sql_dir)
        if fast is not None:
            return _sandbox(fast) if sandbox else fast
        sqls = sql_files(sql_dir)
        try:
            con = _open_existing(jd, retries=1)
        except ProjectionError:
            con = None  # unreadable: the catch-up below rebuilds it
        if con is not None:
            if is_current(con, take_snapshot(jd).last_seq, sqls, jd):
                # never waits (a builder records it anyway); cleans up temp files of killed
                # builds; a journal whose projections cannot be written is read as it is
                with contextlib.suppress(OSError), _build_lock(jd, 0) as locked:
                    if locked:
                        _refresh_fast_check(jd, sqls, sql_dir)
                return _sandbox(con) if sandbox else con
            _files.release(con)
        _catch_up_or_follow(jd, wait, sql_dir)
    con = _open_existing(jd, retries=100)
    if con is None:
        raise ProjectionError(f"{_db(jd)}: no projections yet (another build is running?)")
    return _sandbox(con) if sandbox else con


def _catch_up_or_follow(jd: Path, wait: float, sql_dir: SqlSource) -> None:
    """Catch up, or, while another process builds, wait until it publishes its database."""
    before = _files.file_id(_db(jd))
    deadline = time.monotonic() + wait
    while True:
        try:
            if catch_up(jd, wait=0, sql_dir=sql_dir).events_loaded >= 0:
                return
        except OSError as exc:  # a read-only journal (a backup, a read-only mount)
            if not _db(jd).exists():
                raise ProjectionError(f"cannot build the projections: {exc}") from exc
            log.warning("cannot catch up (%s): showing the last complete projections", exc)
            return
        if (
            before is not None and _files.file_id(_db(jd)) != before
        ) or time.monotonic() >= deadline:
            return
        time.sleep(0.02)


def _open_existing(jd: Path, retries: int) -> duckdb.DuckDBPyConnection | None:
    db = _db(jd)
    for i in range(retries):
        if not db.exists():
            if i == retries - 1:
                return None
            time.sleep(0.05)
            continue
        try:
            return _attach_readonly(db)
        except duckdb.Error as exc:
            if i == retries - 1:
                raise ProjectionError(f"cannot open {db} read-only: {exc}") from exc
            time.sleep(0.05 if i else 0.001)  # first retry at once: a publish raced the open
    return None
