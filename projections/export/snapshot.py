"""``export_snapshot``: the whole journal as of one moment, in ``DIR/YYYY-MM-DD/``, atomically.

Order of work: catch the projections up and hold a read-only connection (its ``events`` table
fixes the snapshot's last seq), write the Parquet files, then the segments up to that same seq
(the log only grows, so that prefix is still there), hash, and write ``manifest.json`` last. All
of it happens in a hidden temporary folder beside the target, renamed into place at the end.

Idempotence: when the target date already holds a snapshot with the same content (same journal,
seq range, tool version, row counts and file hashes), nothing is written and the existing
snapshot, including its ``created`` time, stays: ``created`` is when that content was first
exported. When the journal grew since, the date's snapshot is replaced by the new state.
``keep``: after a successful export, only the ``keep`` newest snapshots of this journal in
``DIR`` remain. Exports into one ``DIR`` take turns (``DIR/.export.lock``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from zoneinfo import ZoneInfo

from filelock import FileLock

from tradejournal.store import StoreError, ensure_journal_id, snapshot
from tradejournal.store.layout import fsync_dir

from .._files import release
from ..engine import connect_readonly
from .manifest import FileEntry, Manifest, SnapshotError, read_manifest, sha256_path, write_manifest
from .parquet import export_tables
from .segments import write_segments

__all__ = ["ExportResult", "export_snapshot", "snapshots_in", "tool_version"]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export did: the folder, its manifest, whether it was already there, what retention
    removed, and the wall time."""

    folder: Path
    manifest: Manifest
    unchanged: bool
    removed: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def tool_version() -> str:
    """Return the installed tradejournal version (``0+unknown`` when not installed)."""
    try:
        return version("tradejournal")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


def _label(date: dt.date | str | None, tz: str) -> str:
    if date is None:
        return dt.datetime.now(ZoneInfo(tz)).date().isoformat()
    if isinstance(date, dt.date):
        return date.isoformat()
    try:
        return dt.date.fromisoformat(date).isoformat()
    except ValueError:
        raise SnapshotError(f"date {date!r} is not YYYY-MM-DD") from None


def snapshots_in(folder: Path, journal_id: str | None = None) -> list[tuple[str, Path, Manifest]]:
    """Return (date, path, manifest) of the complete snapshots directly in ``folder``, oldest
    first, optionally only those of one journal."""
    found: list[tuple[str, Path, Manifest]] = []
    if not folder.is_dir():
        return found
    for child in folder.iterdir():
        if not child.is_dir() or child.name.startswith("."):
            continue
        try:
            dt.date.fromisoformat(child.name)
            manifest = read_manifest(child)
        except (ValueError, SnapshotError):
            continue
        if journal_id is None or manifest.journal_id == journal_id:
            found.append((child.name, child, manifest))
    return sorted(found, key=lambda t: t[0])


def export_snapshot(
    journal: str | os.PathLike[str],
    to_dir: str | os.PathLike[str],
    date: dt.date | str | None = None,
    keep: int | None = None,
    progress: Progress | None = None,
    *,
    tz: str = "UTC",
) -> ExportResult:
    """Export a snapshot of ``journal`` to ``to_dir/DATE`` (see the module docstring).

    ``date`` labels the snapshot (default: today in ``tz``); ``keep`` (>= 1) is the number of
    this journal's snapshots to keep; ``progress(stage, done, total)`` is called with stage
    ``tables``, ``segments`` and ``hash``. Raise SnapshotError or ProjectionError.
    """
    if keep is not None and keep < 1:
        raise SnapshotError(f"keep must be at least 1, was {keep}")
    t0 = time.perf_counter()
    label = _label(date, tz)
    try:
        jid = ensure_journal_id(journal)  # before anything is written: the journal must exist
    except StoreError as exc:
        raise SnapshotError(str(exc)) from exc
    out = Path(to_dir)
    out.mkdir(parents=True, exist_ok=True)
    with FileLock(str(out / ".export.lock")):
        for stale in out.glob(".*.tmp-*"):  # a crashed export's leftovers (we hold the lock)
            shutil.rmtree(stale, ignore_errors=True)
        tmp = out / f".{label}.tmp-{os.getpid()}"
        try:
            tmp.mkdir()
            manifest = _build(Path(journal), jid, label, tmp, out, progress)
            result = _publish(tmp, out / label, manifest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        removed = _retain(out, jid, keep) if keep is not None else []
    return ExportResult(result[0], result[1], result[2], removed, time.perf_counter() - t0)


def _build(
    journal: Path, jid: str, label: str, tmp: Path, out: Path, progress: Progress | None
) -> Manifest:
    con = connect_readonly(journal)
    try:
        first, last = con.execute(
            "SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM events"
        ).fetchone() or (0, 0)
        counts = export_tables(con, jid, tmp, progress)
    finally:
        release(con)
    snap = snapshot(journal)
    if snap.last_seq < last:
        raise SnapshotError(f"{journal}: the log ends at seq {snap.last_seq}, before {last}")
    previous = _previous(out, jid, label)
    total = len(snap.segments)
    seg_files = write_segments(
        snap.segments, int(last), tmp, previous,
        None if progress is None else (lambda n: progress("segments", n, total)),
    )  # fmt: skip
    files: dict[str, FileEntry] = {}
    parquet = sorted(p for p in tmp.rglob("*.parquet"))
    for i, path in enumerate(parquet):
        files[path.relative_to(tmp).as_posix()] = FileEntry(
            size=path.stat().st_size, sha256=sha256_path(path)
        )
        if progress is not None:
            progress("hash", i + 1, len(parquet))
    files.update(seg_files)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    manifest = Manifest(
        tool_version=tool_version(),
        journal_id=jid,
        date=label,
        created=now.isoformat().replace("+00:00", "Z"),
        first_seq=int(first),
        last_seq=int(last),
        tables=dict(sorted(counts.items())),
        files=dict(sorted(files.items())),
    )
    write_manifest(tmp, manifest)
    return manifest


def _previous(out: Path, jid: str, label: str) -> tuple[Path, Manifest] | None:
    """The newest snapshot of this journal to link sealed segments from (the same date first)."""
    found = snapshots_in(out, jid)
    same = [s for s in found if s[0] == label]
    older = [s for s in found if s[0] < label]
    pick = same[-1] if same else (older[-1] if older else (found[-1] if found else None))
    return (pick[1], pick[2]) if pick else None


def _publish(tmp: Path, target: Path, manifest: Manifest) -> tuple[Path, Manifest, bool]:
    if target.exists():
        try:
            existing = read_manifest(target)
        except SnapshotError:
            existing = None
        if existing is not None and existing.content_key() == manifest.content_key():
            return target, existing, True
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, old)
        os.rename(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, target)
    fsync_dir(target.parent)
    return target, manifest, False


def _retain(out: Path, jid: str, keep: int) -> list[Path]:
    found = snapshots_in(out, jid)
    removed = []
    for _date, path, _m in found[: max(0, len(found) - keep)]:
        shutil.rmtree(path)
        removed.append(path)
    return removed
