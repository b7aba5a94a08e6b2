"""``restore_snapshot``: a new journal rebuilt from a snapshot's segments, after checking them.

Every segment listed in the manifest is re-hashed first; any mismatch refuses the restore and
changes nothing. The journal is assembled in a hidden folder beside the destination and renamed
into place: segments copied (never linked: the restored journal is written to and must not share
files with the snapshot), every segment but the last sealed (seq range, size, SHA-256) and made
read-only, ``journal.json`` carrying the snapshot's journal id (or a fresh one with
``fresh_id=True``, for a copy that will live beside the original). The id index is rebuilt by the
first open, which also checks every line.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import msgspec

from tradejournal.events import new_id
from tradejournal.store import Journal, verify
from tradejournal.store.layout import FORMAT_VERSION, Layout, Seal, atomic_write, make_read_only
from tradejournal.store.scan import SegmentScan

from .manifest import Manifest, SnapshotError, sha256_path, verify_snapshot
from .segments import SEGMENTS

__all__ = ["RestoreResult", "restore_snapshot"]


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """The restored journal, its id, and the snapshot it came from."""

    journal: Path
    journal_id: str
    last_seq: int
    segments: int
    manifest: Manifest


def restore_snapshot(
    snapshot_dir: str | os.PathLike[str], to: str | os.PathLike[str], *, fresh_id: bool = False
) -> RestoreResult:
    """Rebuild a journal at ``to`` (must not exist, or be empty) from ``snapshot_dir``."""
    src, dst = Path(snapshot_dir), Path(to)
    if dst.exists() and (not dst.is_dir() or any(dst.iterdir())):
        raise SnapshotError(f"{dst} exists and is not empty: restore writes a new journal only")
    manifest, problems = verify_snapshot(src)
    bad = [p for p in problems if p.path.startswith(f"{SEGMENTS}/")]
    if bad:
        raise SnapshotError(
            "the snapshot's segments do not match its manifest, nothing restored:\n"
            + "\n".join(str(p) for p in bad)
        )
    names = sorted(rel for rel in manifest.files if rel.startswith(f"{SEGMENTS}/"))
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.restore-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        layout = Layout(tmp)
        layout.segments.mkdir(parents=True)
        layout.quarantine.mkdir()
        layout.lock.touch()
        for i, rel in enumerate(names):
            _place(src / rel, layout, sealed=i < len(names) - 1)
        if not names:
            layout.segment_path(1).touch()
        jid = new_id() if fresh_id else manifest.journal_id
        meta = {"format": FORMAT_VERSION, "journal_id": jid}
        atomic_write(layout.meta, msgspec.json.encode(meta))
        if dst.exists():
            dst.rmdir()
        os.rename(tmp, dst)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    with Journal.open(dst):  # rebuilds the id index
        pass
    report = verify(dst)
    if not report.ok or report.last_seq != manifest.last_seq:
        raise SnapshotError(
            f"{dst}: restored journal does not verify (last seq {report.last_seq}, "
            f"manifest {manifest.last_seq}): " + "; ".join(str(p) for p in report.problems[:5])
        )
    return RestoreResult(dst, jid, report.last_seq, len(names), manifest)


def _place(src: Path, layout: Layout, sealed: bool) -> None:
    first = int(src.stem)
    dst = layout.segment_path(first)
    shutil.copyfile(src, dst)
    if not sealed:
        os.chmod(dst, 0o644)
        return
    scan = SegmentScan(dst, first).run()
    if scan.tail is not None or scan.last is None:
        raise SnapshotError(f"{src}: a sealed segment must end with a complete line")
    st = dst.stat()
    layout.write_seal(Seal(first, scan.last.seq, st.st_size, sha256_path(dst), st.st_mtime_ns))
    make_read_only(dst)
