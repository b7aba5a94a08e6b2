"""``restore_snapshot`` and ``verify_snapshot``: a journal back from a snapshot, tampering named."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from export_helpers import demo_journal, table_counts

from tradejournal.events import BotStarted
from tradejournal.projections.export import (
    SnapshotError,
    export_snapshot,
    restore_snapshot,
    verify_snapshot,
)
from tradejournal.store import Journal, journal_id, read_events, verify

DAY = "2026-11-30"


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("restore")
    journal = demo_journal(base / "journal")
    return export_snapshot(journal, base / "snaps", DAY).folder


def _writable_copy(snapshot: Path, tmp_path: Path) -> Path:
    """A snapshot copy (not hard links) that a test may damage."""
    copy = tmp_path / "snap"
    shutil.copytree(snapshot, copy)
    for p in copy.rglob("*"):
        if p.is_file():
            os.chmod(p, 0o644)
    return copy


def test_a_restored_journal_verifies_and_rebuilds_to_the_snapshots_row_counts(
    snapshot: Path, tmp_path: Path
) -> None:
    manifest = verify_snapshot(snapshot)[0]

    result = restore_snapshot(snapshot, tmp_path / "restored")

    root = result.journal
    report = verify(root)
    assert report.ok and report.last_seq == manifest.last_seq == 528
    assert result.journal_id == manifest.journal_id == journal_id(root)
    assert result.segments == len([f for f in manifest.files if f.startswith("segments/")]) >= 4
    assert table_counts(root) == manifest.tables
    sealed = sorted(p.name for p in (root / "segments").glob("*.seal"))
    assert len(sealed) == result.segments - 1


def test_a_restored_journal_takes_new_events(snapshot: Path, tmp_path: Path) -> None:
    root = restore_snapshot(snapshot, tmp_path / "restored", fresh_id=True).journal
    with Journal.open(root) as j:
        seq = j.append(
            BotStarted(ts=dt.datetime(2026, 3, 5, tzinfo=dt.UTC), producer="t", version="2")
        )

    assert seq == 529
    assert verify(root).ok and [e.seq for e in read_events(root, 528)] == [528, 529]
    assert journal_id(root) != verify_snapshot(snapshot)[0].journal_id


def test_verify_names_every_changed_missing_and_unlisted_file(
    snapshot: Path, tmp_path: Path
) -> None:
    copy = _writable_copy(snapshot, tmp_path)
    seg = sorted((copy / "segments").iterdir())[0]
    data = bytearray(seg.read_bytes())
    data[100] ^= 1
    seg.write_bytes(bytes(data))
    (copy / "tables" / "deals.parquet").unlink()
    (copy / "tables" / "trades.parquet").write_bytes(b"x" * 10)
    (copy / "extra.txt").write_text("?")

    _m, problems = verify_snapshot(copy)

    assert [str(p) for p in problems] == [
        f"segments/{seg.name}: SHA-256 differs from the manifest",
        "tables/deals.parquet: missing",
        f"tables/trades.parquet: size 10, manifest says "
        f"{verify_snapshot(snapshot)[0].files['tables/trades.parquet'].size}",
        "extra.txt: not in the manifest",
    ]


def test_a_damaged_segment_refuses_the_restore_and_writes_nothing(
    snapshot: Path, tmp_path: Path
) -> None:
    copy = _writable_copy(snapshot, tmp_path)
    seg = sorted((copy / "segments").iterdir())[-1]
    seg.write_bytes(seg.read_bytes()[:-5])

    with pytest.raises(SnapshotError, match=f"segments/{seg.name}: size"):
        restore_snapshot(copy, tmp_path / "restored")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]


def test_restore_never_writes_over_an_existing_journal(snapshot: Path, tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")

    with pytest.raises(SnapshotError, match="not empty"):
        restore_snapshot(snapshot, tmp_path / "busy")

    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["keep.txt"]
