"""Property: the snapshot's segments are exactly the log's prefix up to any chosen seq."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from factories import make_deal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradejournal.projections.export.manifest import sha256_path
from tradejournal.projections.export.segments import write_segments
from tradejournal.store import Journal, snapshot

N = 40


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prop") / "j"
    with Journal.open(root, create=True, durability="none", max_segment_bytes=1500) as j:
        for n in range(1, N + 1):
            j.append(make_deal(deal_ticket=n, id=f"d{n}"))
    return root


def _log_prefix(root: Path, last_seq: int) -> bytes:
    data = b"".join(p.read_bytes() for p in sorted((root / "segments").glob("*.jsonl")))
    lines = data.splitlines(keepends=True)
    return b"".join(lines[:last_seq])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(last_seq=st.integers(min_value=0, max_value=N))
def test_segments_hold_exactly_seqs_1_to_last(journal: Path, last_seq: int) -> None:
    snap = snapshot(journal)
    assert len(snap.segments) >= 5
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp)
        entries = write_segments(snap.segments, last_seq, target, None)

        files = sorted((target / "segments").iterdir())
        assert b"".join(p.read_bytes() for p in files) == _log_prefix(journal, last_seq)
        assert sorted(entries) == [f"segments/{p.name}" for p in files]
        for p in files:
            entry = entries[f"segments/{p.name}"]
            assert (entry.size, entry.sha256) == (p.stat().st_size, sha256_path(p))
            original = journal / "segments" / p.name
            whole = original.stat().st_size == p.stat().st_size
            sealed = original.with_suffix(".seal").exists()
            assert os.path.samefile(p, original) == (sealed and whole)
        shutil.rmtree(target / "segments")
