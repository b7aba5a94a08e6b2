"""``repair --truncate-at SEGMENT:OFFSET``: cut the log at a line boundary, keeping the cut bytes.

For damage that is not a torn tail (a bad line with good lines after it, a changed sealed
segment, an event the projections cannot load): everything from that byte on — the rest of that
segment and every later segment — moves to ``quarantine/``; the seals from that segment on are
dropped (it becomes the active segment again) and the id index is rebuilt. Good events cut with
the bad ones can be appended again from the quarantined copy. Nothing else ever deletes log data.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import StoreError
from .framing import FrameError, read_head, unframe
from .journal import Journal
from .layout import fsync_dir, fsync_file
from .lock import InterProcessLock
from .reader import open_layout

__all__ = ["Truncation", "parse_position", "truncate_at"]


@dataclass(frozen=True, slots=True)
class Truncation:
    """What ``truncate_at`` moved: bytes, the first seq cut (None if unknown), the files kept."""

    segment: str
    offset: int
    moved_bytes: int
    first_cut_seq: int | None
    quarantined: list[Path]
    last_seq: int

    def messages(self) -> list[str]:
        """Return one human line per action."""
        cut = f" (from seq {self.first_cut_seq} on)" if self.first_cut_seq else ""
        kept = ", ".join(str(p) for p in self.quarantined) or "nothing"
        return [
            f"moved {self.moved_bytes} bytes{cut} from {self.segment} offset {self.offset} on to "
            f"quarantine: {kept}",
            f"the journal now ends at seq {self.last_seq}; append the good events again from "
            "the quarantined lines if you need them",
        ]


def parse_position(text: str) -> tuple[str, int]:
    """Parse ``SEGMENT:OFFSET`` (or ``segment:line:offset`` as ``verify`` prints it); raise
    ValueError when it is neither."""
    parts = text.strip().split(":")
    if len(parts) not in (2, 3) or not parts[-1].isdigit() or not parts[0]:
        raise ValueError(f"{text!r} is not SEGMENT:OFFSET (e.g. 00000000000000000001.jsonl:2048)")
    name = Path(parts[0]).name
    return (name if name.endswith(".jsonl") else f"{name}.jsonl"), int(parts[-1])


def truncate_at(root: str | os.PathLike[str], segment: str, offset: int) -> Truncation:
    """Move everything from byte ``offset`` of ``segment`` on to quarantine; rebuild the index.

    ``offset`` must be the start of a line. Raises StoreError when it is not, or when the
    segment does not exist.
    """
    layout = open_layout(root)
    firsts = layout.list_segments()
    names = {layout.segment_path(f).name: f for f in firsts}
    if segment not in names:
        raise StoreError(f"{layout.root}: no segment {segment} (see `ls {layout.segments}`)")
    first = names[segment]
    path = layout.segment_path(first)
    lock = InterProcessLock(layout.lock)
    try:
        with lock:
            size = path.stat().st_size
            _check_boundary(path, offset, size)
            first_cut = _seq_at(path, offset)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
            layout.quarantine.mkdir(exist_ok=True)
            kept: list[Path] = []
            moved = 0
            for f in [f for f in firsts if f >= first]:
                src = layout.segment_path(f)
                start = offset if f == first else 0
                with open(src, "rb") as fin:
                    fin.seek(start)
                    data = fin.read()
                if data:
                    q = layout.quarantine / f"{src.stem}.{start}.{stamp}.cut"
                    _write_synced(q, data)
                    kept.append(q)
                    moved += len(data)
                layout.seal_path(f).unlink(missing_ok=True)
                if f != first:
                    src.unlink()
            fsync_dir(layout.quarantine)
            os.chmod(path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
            fd = os.open(path, os.O_WRONLY)
            try:
                os.ftruncate(fd, offset)
                fsync_file(fd)
            finally:
                os.close(fd)
            for suffix in ("", "-wal", "-shm"):
                Path(str(layout.index) + suffix).unlink(missing_ok=True)
            fsync_dir(layout.segments)
    finally:
        lock.close()
    with Journal.open(layout.root) as journal:  # recovers: rebuilds the index from the log
        last = journal.last_seq
    return Truncation(segment, offset, moved, first_cut, kept, last)


def _check_boundary(path: Path, offset: int, size: int) -> None:
    if offset > size:
        raise StoreError(f"{path.name} has {size} bytes: offset {offset} is beyond its end")
    if offset == 0:
        return
    with open(path, "rb") as f:
        f.seek(offset - 1)
        if f.read(1) != b"\n":
            raise StoreError(
                f"{path.name}:{offset} is not the start of a line: give the offset that "
                "`tradejournal verify` prints (segment:line:offset)"
            )


def _seq_at(path: Path, offset: int) -> int | None:
    with open(path, "rb") as f:
        f.seek(offset)
        line = f.readline()
    line = line.rstrip(b"\n")
    try:
        return read_head(unframe(line)).seq
    except FrameError:
        pass
    try:  # a line failing its CRC may still name its seq
        return read_head(line[: line.rfind(b',"crc":')] + b"}").seq
    except FrameError:
        return None


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as q:
        q.write(data)
        q.flush()
        os.fsync(q.fileno())
