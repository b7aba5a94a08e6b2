"""The journal's files on disk: paths, segment names, seals, and the fsync helpers.

Owns the invariant that a segment's name is its first seq (20 digits) and that a segment is
sealed exactly when its ``.seal`` file exists; seals and metadata are written atomically
(temp file, fsync, replace, directory fsync).
"""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "FORMAT_VERSION",
    "Layout",
    "Seal",
    "atomic_write",
    "fsync_dir",
    "fsync_file",
    "make_read_only",
    "segment_name",
]

FORMAT_VERSION = 1
SEGMENT_SUFFIX = ".jsonl"
SEAL_SUFFIX = ".seal"


def segment_name(first_seq: int) -> str:
    """Return the file name of the segment whose first record has ``first_seq``."""
    return f"{first_seq:020d}{SEGMENT_SUFFIX}"


@dataclass(frozen=True, slots=True)
class Seal:
    """What a sealed segment must still be: its seq range, size and SHA-256."""

    first_seq: int
    last_seq: int
    size: int
    sha256: str
    mtime_ns: int


def _asdict(seal: Seal) -> dict[str, object]:
    return {k: getattr(seal, k) for k in Seal.__slots__}


@dataclass(frozen=True, slots=True)
class Layout:
    """Paths of one journal directory."""

    root: Path

    @property
    def segments(self) -> Path:
        """Directory of the JSONL segments."""
        return self.root / "segments"

    @property
    def quarantine(self) -> Path:
        """Directory where cut torn tails are kept for inspection."""
        return self.root / "quarantine"

    @property
    def lock(self) -> Path:
        """The file writers lock exclusively."""
        return self.root / "LOCK"

    @property
    def meta(self) -> Path:
        """The journal marker with the format version."""
        return self.root / "journal.json"

    @property
    def index(self) -> Path:
        """The derived id index (SQLite); safe to delete, rebuilt from the log."""
        return self.root / "index.sqlite"

    def exists(self) -> bool:
        """Return True when a journal lives here."""
        return self.meta.is_file() and self.segments.is_dir()

    def segment_path(self, first_seq: int) -> Path:
        """Return the path of the segment starting at ``first_seq``."""
        return self.segments / segment_name(first_seq)

    def seal_path(self, first_seq: int) -> Path:
        """Return the path of the seal file of a segment."""
        return self.segments / f"{first_seq:020d}{SEAL_SUFFIX}"

    def list_segments(self) -> list[int]:
        """Return the first seqs of all segments, ascending."""
        out = []
        for name in os.listdir(self.segments):
            if name.endswith(SEGMENT_SUFFIX) and name[: -len(SEGMENT_SUFFIX)].isdigit():
                out.append(int(name[: -len(SEGMENT_SUFFIX)]))
        out.sort()
        return out

    def read_seal(self, first_seq: int) -> Seal | None:
        """Return the seal of a segment, or None when the segment is not sealed."""
        try:
            data = json.loads(self.seal_path(first_seq).read_bytes())
        except FileNotFoundError:
            return None
        return Seal(**data)

    def write_seal(self, seal: Seal) -> None:
        """Write a seal atomically."""
        atomic_write(self.seal_path(seal.first_seq), json.dumps(_asdict(seal)).encode())


def fsync_file(fd: int) -> None:
    """Flush a file's data to stable storage (fdatasync where available)."""
    if hasattr(os, "fdatasync") and sys.platform != "darwin":
        os.fdatasync(fd)
    else:  # pragma: no cover - Windows / macOS
        os.fsync(fd)


def fsync_dir(path: Path) -> None:
    """Flush a directory entry (a new or renamed file) to stable storage; no-op on Windows."""
    if os.name == "nt":  # pragma: no cover - directories cannot be opened on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically: temp file, fsync, replace, directory fsync."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def make_read_only(path: Path) -> None:
    """Mark a sealed segment read-only for everyone."""
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
