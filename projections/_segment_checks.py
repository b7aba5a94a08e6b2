"""Prove the segment ranges the loader hands to DuckDB intact, while DuckDB loads them.

DuckDB reads segment files raw: it sees neither CRCs nor seals. ``check_segment`` checks a range
the way ``tradejournal verify`` does (``store.check_range``: a sealed segment read whole by its
seal, in C; any other range line by line) and, when a seal no longer matches, names the damaged
line. ``SegmentChecks`` runs the checks of one load in a thread: DuckDB releases the GIL while it
loads, and the load is kept only after ``wait`` returned, so a damaged segment fails the build
as a check made before the load would. ``copy_range`` copies the committed bytes of the active
segment for DuckDB to read (and returns them to check).
"""

from __future__ import annotations

import threading
from pathlib import Path

from tradejournal.store import CorruptionError, check_range

from ._journal import Segment
from .errors import ProjectionError

__all__ = ["REBUILD_ADVICE", "SegmentChecks", "check_segment", "copy_range"]

REBUILD_ADVICE = "run `tradejournal verify`; the projections were left as they were"


class SegmentChecks:
    """The integrity checks of the segments being loaded, run in a thread while DuckDB loads
    them (DuckDB releases the GIL; the checks are hashing and a Python loop over lines).

    Nothing loaded is kept before ``wait`` returned: it raises the first failed check (with
    its file, line and offset), so a damaged segment fails the build exactly as a check made
    before the load would, and the build's transaction or temp file is dropped unpublished.
    """

    def __init__(self) -> None:
        self._jobs: list[tuple[Segment, int, bytes | None]] = []
        self._error: ProjectionError | None = None
        self._thread: threading.Thread | None = None

    def add(self, seg: Segment, start: int, data: bytes | None) -> None:
        self._jobs.append((seg, start, data))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="segment-checks", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for seg, start, data in self._jobs:
                check_segment(seg, start, data)
        except ProjectionError as exc:
            self._error = exc
        except Exception as exc:  # e.g. OSError: reported by wait(), never lost in the thread
            self._error = ProjectionError(f"checking the segments failed: {exc}")
        finally:
            self._jobs = []

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def wait(self) -> None:
        """Wait for every check; raise the first failure."""
        self.join()
        if self._thread is None:
            self._run()  # never started (an error before the load): check in this thread
        if self._error is not None:
            raise self._error


def check_segment(seg: Segment, start: int, data: bytes | None = None) -> None:
    """Check a segment's range: a sealed segment read whole by its seal (one SHA-256 in C);
    when the seal no longer matches, line by line, to name the damaged line."""
    try:
        check_range(seg.path, seg.first_seq, start, seg.committed_size, data)
    except CorruptionError as exc:
        if data is None and exc.line is None:  # the seal differs: name the line, if one is bad
            with open(seg.path, "rb") as f:
                f.seek(start)
                whole = f.read(seg.committed_size - start)
            try:
                check_range(seg.path, seg.first_seq, start, seg.committed_size, whole)
            except CorruptionError as bad:
                raise ProjectionError(
                    f"{bad} (the sealed segment no longer matches its seal): not loaded; "
                    f"{REBUILD_ADVICE}"
                ) from bad
        raise ProjectionError(f"{exc}: not loaded; {REBUILD_ADVICE}") from exc


def copy_range(seg: Segment, dst: Path, start: int) -> bytes:
    """Copy bytes ``[start, committed_size)`` of ``seg`` to ``dst``; return them (to check)."""
    with open(seg.path, "rb") as fin:
        fin.seek(start)
        data = fin.read(seg.committed_size - start)
    if len(data) != seg.committed_size - start:
        raise ProjectionError(f"{seg.path}: shorter than its committed size {seg.committed_size}")
    with open(dst, "wb") as fout:
        fout.write(data)
    return data
