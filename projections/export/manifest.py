"""A snapshot's ``manifest.json``: what the snapshot holds, and the check that it still does.

Owns the manifest's fields (tool version, journal id, seq range, row count per table, size and
SHA-256 per file, created time) and ``verify_snapshot``, which re-hashes every file and names
each one that is missing, changed or unlisted.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import msgspec

from tradejournal.events.errors import TradejournalError

__all__ = [
    "MANIFEST_NAME",
    "FileEntry",
    "Manifest",
    "Mismatch",
    "SnapshotError",
    "listed_files",
    "read_manifest",
    "sha256_path",
    "verify_snapshot",
    "write_manifest",
]

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1


class SnapshotError(TradejournalError):
    """A snapshot cannot be written, read or trusted (the message says which and why)."""


class FileEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One file of a snapshot (path relative to the snapshot folder, with ``/``)."""

    size: int
    sha256: str


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    """What a snapshot holds; written last, so a folder with a manifest is complete."""

    format: int = MANIFEST_FORMAT
    tool: str = "tradejournal"
    tool_version: str
    journal_id: str
    date: str
    created: str
    """When this content was first exported (RFC 3339 UTC); kept when a re-run changes nothing."""
    first_seq: int
    last_seq: int
    tables: dict[str, int]
    """Rows per projection table, plus ``events``."""
    files: dict[str, FileEntry]

    def content_key(self) -> tuple[object, ...]:
        """Everything but the created time: equal keys mean the same snapshot content."""
        files = sorted((k, v.size, v.sha256) for k, v in self.files.items())
        return (self.tool_version, self.journal_id, self.date, self.first_seq, self.last_seq,
                sorted(self.tables.items()), files)  # fmt: skip


_ENCODER = msgspec.json.Encoder(order="sorted")


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Write ``folder/manifest.json`` (sorted keys, indented, so diffs and people can read it)."""
    data = msgspec.json.format(_ENCODER.encode(manifest), indent=2) + b"\n"
    (folder / MANIFEST_NAME).write_bytes(data)


def read_manifest(folder: str | os.PathLike[str]) -> Manifest:
    """Read a snapshot's manifest; raise SnapshotError when absent or malformed."""
    path = Path(folder) / MANIFEST_NAME
    try:
        return msgspec.json.decode(path.read_bytes(), type=Manifest)
    except FileNotFoundError:
        raise SnapshotError(f"{folder}: not a snapshot (no {MANIFEST_NAME})") from None
    except msgspec.MsgspecError as exc:
        raise SnapshotError(f"{path}: not a valid manifest: {exc}") from exc


def sha256_path(path: Path) -> str:
    """Return the SHA-256 hex digest of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One file that does not match the manifest."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def listed_files(folder: Path) -> list[str]:
    """Return every file under a snapshot folder except the manifest, relative, sorted."""
    out = []
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            rel = (Path(dirpath) / name).relative_to(folder).as_posix()
            if rel != MANIFEST_NAME:
                out.append(rel)
    return sorted(out)


def verify_snapshot(folder: str | os.PathLike[str]) -> tuple[Manifest, list[Mismatch]]:
    """Re-hash every file of a snapshot against its manifest; return it and the mismatches.

    A file is a mismatch when missing, of another size, of another SHA-256, or not listed.
    """
    root = Path(folder)
    manifest = read_manifest(root)
    problems = []
    for rel, entry in sorted(manifest.files.items()):
        path = root / rel
        if not path.is_file():
            problems.append(Mismatch(rel, "missing"))
            continue
        size = path.stat().st_size
        if size != entry.size:
            problems.append(Mismatch(rel, f"size {size}, manifest says {entry.size}"))
        elif sha256_path(path) != entry.sha256:
            problems.append(Mismatch(rel, "SHA-256 differs from the manifest"))
    for rel in listed_files(root):
        if rel not in manifest.files:
            problems.append(Mismatch(rel, "not in the manifest"))
    return manifest, problems
