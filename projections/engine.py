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

One ``catch_up`` goes one way: one attach of the published file (stamp equal: done) -> build
lock -> the same connection answers "current?" and "reusable?" (re-attached only when another
build published meanwhile) -> ``Generations.build`` (target, ``_build``, publish). The store,
the event types and the SQL files (``_build``) are imported only past the stamp check, so a
catch-up or read finding nothing new costs a DuckDB attach and a few ``stat`` calls.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from . import _currency, _files, _reader
from ._generations import DB_NAME, Generations
from ._interrupt import interruptibly, projection_error

if TYPE_CHECKING:
    from .loader import Progress
    from .runner import SqlFile

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


def is_current(
    con: duckdb.DuckDBPyConnection,
    last_seq: int,
    sqls: list[SqlFile],
    journal_dir: Path | None = None,
) -> bool:
    """Return True when the state says every projection reflects ``last_seq`` and current SQL
    (and, given ``journal_dir``, the journal is still the log they were loaded from)."""
    from . import _build

    return _build.is_current(con, last_seq, sqls, journal_dir)


def _check_dir(journal_dir: Path) -> Path:
    jd = Path(journal_dir)
    if not (jd / "segments").is_dir():
        raise projection_error()(f"no journal at {jd} (create one with `tradejournal init`)")
    return jd


def _attach_or_none(gens: Generations) -> duckdb.DuckDBPyConnection | None:
    if not gens.published.exists():
        return None
    try:
        return gens.attach()
    except duckdb.Error:
        return None


def _stamped_seq(con: duckdb.DuckDBPyConnection, gens: Generations, sql_dir: SqlSource) -> int:
    """Return the seq the attached projections reflect when their stamp equals the code and
    journal now (and no build runs or was killed), else -1."""
    if not _reader.is_stamped(con, gens, sql_dir):
        return -1
    try:
        rows = con.execute("SELECT last_seq FROM _projection_state WHERE name = 'events'")
        return int(rows.fetchall()[0][0])
    except (duckdb.Error, IndexError):
        return -1


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
    gens = Generations(jd)
    con = _attach_or_none(gens)
    try:
        if con is not None and (seq := _stamped_seq(con, gens, sql_dir)) >= 0:
            return CatchUpResult(0, time.perf_counter() - t0, seq)
        with gens.build_lock(wait) as locked:
            if not locked:
                return CatchUpResult(-1, time.perf_counter() - t0, -1)
            if con is not None and not gens.is_published(con):
                _files.release(con)  # another build published meanwhile
                con = _attach_or_none(gens)
            held, con = con, None  # released by _catch_up_locked
            loaded, last = _catch_up_locked(gens, held, progress, sql_dir)
    finally:
        if con is not None:
            _files.release(con)
    return CatchUpResult(loaded, time.perf_counter() - t0, last)


def _catch_up_locked(
    gens: Generations,
    con: duckdb.DuckDBPyConnection | None,
    progress: Progress | None,
    sql_dir: SqlSource,
) -> tuple[int, int]:
    """Under the build lock: catch up from the published generation attached as ``con``
    (released here, before the build: a reader lock on it would keep the next catch-up off
    the spare)."""
    from . import _build
    from ._journal import take_snapshot
    from .runner import sql_files

    jd = gens.journal_dir
    try:
        sqls = sql_files(sql_dir)
        keys = _currency.current_stamp(jd, sql_dir)  # before the snapshot (``_currency``)
        snap = take_snapshot(jd)
        current, published_seq = (
            (False, None) if con is None else _build.assess(con, sqls, jd, snap.last_seq)
        )
    finally:
        if con is not None:
            _files.release(con)
    if current:
        _build.refresh_stamp(jd, sqls, sql_dir)
        return 0, snap.last_seq
    seen = (keys, snap, published_seq is not None)
    loaded, last = interruptibly(
        lambda: _build.build(jd, False, False, sqls, progress, sql_dir, seen)
    )
    if published_seq is not None:  # the spare loads two catch-ups' events: count the new
        loaded = last - published_seq
    return loaded, last


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
    from . import _build
    from .runner import sql_files

    jd = _check_dir(Path(journal_dir))
    t0 = time.perf_counter()
    sqls = sql_files(sql_dir)
    with Generations(jd).build_lock(None):
        loaded, last = interruptibly(lambda: _build.build(jd, full, True, sqls, progress, sql_dir))
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
        con = _attach_or_none(gens)  # None: missing or unreadable (the catch-up rebuilds it)
        if con is not None and _stamped_seq(con, gens, sql_dir) >= 0:
            return _reader.sandbox(con) if sandbox else con
        from . import _build
        from ._journal import take_snapshot
        from .runner import sql_files

        if con is not None:
            sqls = sql_files(sql_dir)
            if _build.is_current(con, take_snapshot(jd).last_seq, sqls, jd):
                # never waits (a builder stamps it anyway); cleans up temp files of killed
                # builds; a journal whose projections cannot be written is read as it is
                with contextlib.suppress(OSError), gens.build_lock(0) as locked:
                    if locked:
                        _build.refresh_stamp(jd, sqls, sql_dir)
                return _reader.sandbox(con) if sandbox else con
            _files.release(con)
        _catch_up_or_follow(gens, wait, sql_dir)
    con = _open_published(gens, retries=100)
    if con is None:
        raise projection_error()(
            f"{gens.published}: no projections yet (another build is running?)"
        )
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
                raise projection_error()(f"cannot build the projections: {exc}") from exc
            log.warning("cannot catch up (%s): showing the last complete projections", exc)
            return
        if (before is not None and gens.published_id() != before) or time.monotonic() >= deadline:
            return
        time.sleep(0.02)


def _open_published(gens: Generations, retries: int) -> duckdb.DuckDBPyConnection | None:
    try:
        return gens.open_published(retries)
    except duckdb.Error as exc:
        raise projection_error()(f"cannot open {gens.published} read-only: {exc}") from exc
