"""The JSONL segments of a snapshot: the journal's log up to the snapshot's last seq.

A sealed segment that lies wholly within the snapshot is never copied twice: it is hard-linked
from the previous snapshot of the same journal when that one holds it (same name, size and
SHA-256), else hard-linked from the journal itself after checking it against its seal (a copy
when the two folders are on different file systems). The segment holding the last seq is copied
up to the end of that line only (the valid prefix; what a writer appends later is not in it).
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from tradejournal.store import SnapshotSegment
from tradejournal.store.layout import Layout
from tradejournal.store.scan import SegmentScan

from .manifest import FileEntry, Manifest, SnapshotError, sha256_path

__all__ = ["write_segments"]

SEGMENTS = "segments"


def write_segments(
    segments: list[SnapshotSegment],
    last_seq: int,
    target: Path,
    previous: tuple[Path, Manifest] | None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, FileEntry]:
    """Put the segments holding seqs 1..last_seq into ``target/segments``; return their entries."""
    out_dir = target / SEGMENTS
    out_dir.mkdir(parents=True)
    entries: dict[str, FileEntry] = {}
    for i, seg in enumerate(segments):
        if seg.first_seq > last_seq:
            break
        seg_last = segments[i + 1].first_seq - 1 if i + 1 < len(segments) else None
        rel = f"{SEGMENTS}/{seg.path.name}"
        dst = target / rel
        if seg.sealed and seg_last is not None and seg_last <= last_seq:
            entries[rel] = _link_sealed(seg, rel, dst, previous)
        else:
            entries[rel] = _copy_prefix(seg, last_seq, dst)
        if progress is not None:
            progress(i + 1)
    return entries


def _link_sealed(
    seg: SnapshotSegment, rel: str, dst: Path, previous: tuple[Path, Manifest] | None
) -> FileEntry:
    if previous is not None:
        folder, manifest = previous
        old = manifest.files.get(rel)
        src = folder / rel
        if old is not None and old.size == seg.committed_size and src.is_file():
            if src.stat().st_size == old.size and _link_or_copy(src, dst):
                return old
    digest = sha256_path(seg.path)
    seal = Layout(seg.path.parent.parent).read_seal(seg.first_seq)
    if seal is None or seal.sha256 != digest or seal.size != seg.path.stat().st_size:
        raise SnapshotError(
            f"{seg.path}: does not match its seal (run `tradejournal verify`): not exported"
        )
    if not _link_or_copy(seg.path, dst):
        shutil.copyfile(seg.path, dst)
    return FileEntry(size=seal.size, sha256=digest)


def _link_or_copy(src: Path, dst: Path) -> bool:
    """Hard-link src to dst; copy across file systems; False when linking is refused."""
    try:
        os.link(src, dst)
        return True
    except OSError as exc:
        if exc.errno in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            shutil.copyfile(src, dst)
            return True
        return False


def _copy_prefix(seg: SnapshotSegment, last_seq: int, dst: Path) -> FileEntry:
    scan = SegmentScan(seg.path, seg.first_seq)
    end = 0
    for rec in scan:  # scan.end: just after the line just yielded
        if rec.seq > last_seq:
            break
        end = scan.end
        if rec.seq == last_seq:
            break
    h = hashlib.sha256()
    with open(seg.path, "rb") as fin, open(dst, "wb") as fout:
        remaining = end
        while remaining > 0:
            block = fin.read(min(remaining, 1 << 20))
            if not block:
                raise SnapshotError(f"{seg.path}: shorter than its committed size")
            h.update(block)
            fout.write(block)
            remaining -= len(block)
    return FileEntry(size=end, sha256=h.hexdigest())
