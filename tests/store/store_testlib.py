"""Helpers shared by the store tests (and the ``_writer.py`` child script): events, files, children.

Kept free of pytest so a child process can import it too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

from tradejournal.events import MetricTiming
from tradejournal.store import read_events
from tradejournal.store.framing import frame, unframe

T0 = dt.datetime(2024, 3, 4, 9, 0, 0, tzinfo=dt.UTC)
HERE = Path(__file__).resolve().parent
WRITER = HERE / "_writer.py"


def metric(n: int, *, id: str | None = None, pad: int = 0, producer: str = "test") -> MetricTiming:
    """Return a valid ``metric.timing`` whose id is ``id`` (default ``m:<n>``), ``pad`` bytes longer."""
    return MetricTiming(
        id=id if id is not None else f"m:{n}",
        ts=T0 + dt.timedelta(seconds=n),
        producer=producer,
        name=f"{n}:" + "x" * pad,
        duration_ms=float(n),
    )


def segments(root: Path) -> list[Path]:
    """Return the segment files of a journal, in seq order."""
    return sorted((root / "segments").glob("*.jsonl"))


def active(root: Path) -> Path:
    """Return the last (active) segment file."""
    return segments(root)[-1]


def log_pairs(root: Path) -> list[tuple[str, int]]:
    """Return (id, seq) of every event in the log, in seq order (lock-free reader)."""
    return [(e.id, e.seq or 0) for e in read_events(root)]


def line_spans(data: bytes) -> list[tuple[int, bytes]]:
    """Return (offset, line without newline) of every complete line of ``data``."""
    out, pos = [], 0
    while (nl := data.find(b"\n", pos)) >= 0:
        out.append((pos, data[pos:nl]))
        pos = nl + 1
    return out


def reframe(line: bytes, **changes: Any) -> bytes:
    """Return a framed line (with newline) equal to ``line`` with some JSON fields changed."""
    body = json.loads(unframe(line))
    body.update(changes)
    return frame(json.dumps(body, separators=(",", ":")).encode())


def make_writable(path: Path) -> None:
    """Let the test (not the store) edit a sealed, read-only segment."""
    os.chmod(path, os.stat(path).st_mode | stat.S_IWUSR)


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def index_head(root: Path) -> tuple[int, int, int, int | None] | None:
    """Return (last_seq, segment, offset, crc) of the id index head, read from the file."""
    con = sqlite3.connect(root / "index.sqlite")
    try:
        row = con.execute("SELECT last_seq, segment, offset, crc FROM head WHERE k = 1").fetchone()
    finally:
        con.close()
    return None if row is None else (row[0], row[1], row[2], row[3])


def assert_head_crc(root: Path) -> None:
    """Check that the head's CRC is zlib.crc32 of the first ``offset`` bytes of its segment."""
    head = index_head(root)
    assert head is not None, "the id index has no head"
    _, segment, offset, crc = head
    data = (root / "segments" / f"{segment:020d}.jsonl").read_bytes()
    assert len(data) >= offset, f"the head says {offset} bytes, the segment has {len(data)}"
    assert crc == zlib.crc32(data[:offset]), (head, zlib.crc32(data[:offset]))


def writer_cmd(*args: object) -> list[str]:
    """Return the argv running ``_writer.py`` with ``args`` in a fresh interpreter."""
    return [sys.executable, str(WRITER), *map(str, args)]


def run_writer(*args: object, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``_writer.py`` to completion; raise with its stderr if it fails."""
    proc = subprocess.run(
        writer_cmd(*args), capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        raise AssertionError(f"writer {args} exited {proc.returncode}:\n{proc.stderr}")
    return proc


def read_acks(path: Path) -> list[dict[str, list[Any]]]:
    """Return the complete ack records of a writer (a line torn by SIGKILL is not an ack)."""
    if not path.exists():
        return []
    out = []
    for line in path.read_bytes().split(b"\n"):
        try:
            rec = json.loads(line)
        except ValueError:
            continue  # empty, or torn by a kill before its newline
        if isinstance(rec, dict) and "ids" in rec:
            out.append(rec)
    return out
