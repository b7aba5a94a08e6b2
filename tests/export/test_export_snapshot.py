"""``export_snapshot``: layout, manifest, links, idempotence, retention, and a live writer."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from export_helpers import demo_journal, table_counts

from tradejournal.producers.demo import generate_day
from tradejournal.projections.export import (
    SnapshotError,
    export_snapshot,
    read_manifest,
    verify_snapshot,
)
from tradejournal.store import Journal, journal_id

DAY = "2026-11-30"


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_journal(tmp_path_factory.mktemp("exp") / "journal")


def test_a_snapshot_holds_tables_events_segments_and_a_manifest(
    journal: Path, tmp_path: Path
) -> None:
    result = export_snapshot(journal, tmp_path, DAY)

    folder = tmp_path / DAY
    m = result.manifest
    jid = journal_id(journal)
    assert result.folder == folder and not result.unchanged
    assert (m.journal_id, m.date, m.first_seq, m.last_seq) == (jid, DAY, 1, 528)
    assert m.tool == "tradejournal" and m.tool_version and m.created.endswith("Z")
    assert m.tables == table_counts(journal)
    assert m.tables["events"] == 528 and m.tables["trades"] == 8
    assert json.loads((folder / "manifest.json").read_text())["journal_id"] == jid
    files = sorted(m.files)
    assert f"events/journal={jid}/date=2026-03-02/data_0.parquet" in files
    assert "tables/trades.parquet" in files and "tables/events.parquet" not in files
    segs = sorted(p.name for p in (journal / "segments").glob("*.jsonl"))
    assert [f for f in files if f.startswith("segments/")] == [f"segments/{s}" for s in segs]
    assert len(segs) >= 4
    assert verify_snapshot(folder)[1] == []


def test_the_parquet_files_hold_what_the_projections_hold(journal: Path, tmp_path: Path) -> None:
    folder = export_snapshot(journal, tmp_path, DAY).folder
    jid = journal_id(journal)
    con = duckdb.connect()

    trades = con.execute(
        f"SELECT journal, count(*), sum(net_pnl) FROM '{folder}/tables/trades.parquet' GROUP BY 1"
    ).fetchall()
    events = con.execute(
        f"SELECT journal, date, count(*), min(seq), max(seq), count(DISTINCT id) FROM "
        f"read_parquet('{folder}/events/**/*.parquet', hive_partitioning = true) GROUP BY 1, 2"
    ).fetchall()
    compression = con.execute(
        f"SELECT DISTINCT compression FROM parquet_metadata('{folder}/tables/deals.parquet')"
    ).fetchall()

    from tradejournal.projections import query

    expected = query(journal, "SELECT count(*), sum(net_pnl) FROM trades")[1][0]
    assert trades == [(jid, *expected)]
    assert [(e[0], str(e[1]), *e[2:]) for e in events] == [(jid, "2026-03-02", 528, 1, 528, 528)]
    assert compression == [("ZSTD",)]


def test_the_segments_are_the_log_up_to_the_last_seq_and_sealed_ones_are_linked(
    journal: Path, tmp_path: Path
) -> None:
    folder = export_snapshot(journal, tmp_path, DAY).folder

    for seg in sorted((journal / "segments").glob("*.jsonl")):
        copy = folder / "segments" / seg.name
        assert copy.read_bytes() == seg.read_bytes()
        sealed = seg.with_suffix(".seal").exists()
        assert os.path.samefile(copy, seg) == sealed  # sealed: hard link; active: a copy


def test_the_next_snapshot_links_sealed_segments_from_the_previous_one(
    tmp_path: Path,
) -> None:
    journal = demo_journal(tmp_path / "j")
    first = export_snapshot(journal, tmp_path / "s", "2026-11-29").folder
    sealed = sorted(p.name for p in (journal / "segments").glob("*.seal"))
    with Journal.open(journal, max_segment_bytes=40_000) as j:
        j.append_many(generate_day(dt.date(2026, 3, 3)))

    second = export_snapshot(journal, tmp_path / "s", "2026-11-30")

    assert second.manifest.last_seq > 528
    for name in sealed:
        seg = name.replace(".seal", ".jsonl")
        assert os.path.samefile(first / "segments" / seg, second.folder / "segments" / seg)
    assert verify_snapshot(first)[1] == [] and verify_snapshot(second.folder)[1] == []


def test_re_running_a_date_changes_nothing_and_keeps_the_created_time(
    journal: Path, tmp_path: Path
) -> None:
    first = export_snapshot(journal, tmp_path, DAY)
    before = {p: p.read_bytes() for p in sorted(first.folder.rglob("*")) if p.is_file()}

    from tradejournal.projections import rebuild

    rebuild(journal, full=True)  # the same events give byte-identical Parquet files
    again = export_snapshot(journal, tmp_path, DAY)

    assert again.unchanged and again.manifest == first.manifest
    assert {p: p.read_bytes() for p in sorted(first.folder.rglob("*")) if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".export.lock", DAY]


def test_new_events_replace_the_dates_snapshot(tmp_path: Path) -> None:
    journal = demo_journal(tmp_path / "j")
    first = export_snapshot(journal, tmp_path / "s", DAY)
    with Journal.open(journal) as j:
        j.append_many(generate_day(dt.date(2026, 3, 3)))

    second = export_snapshot(journal, tmp_path / "s", DAY)

    assert not second.unchanged and second.manifest.last_seq > first.manifest.last_seq
    assert read_manifest(tmp_path / "s" / DAY) == second.manifest
    assert verify_snapshot(second.folder)[1] == []
    dates = {Path(f).parts[2] for f in second.manifest.files if f.startswith("events/")}
    assert dates == {"date=2026-03-02", "date=2026-03-03"}


def test_keep_removes_the_oldest_snapshots_of_this_journal_only(
    journal: Path, tmp_path: Path
) -> None:
    other = demo_journal(tmp_path / "other", seed=7)
    export_snapshot(other, tmp_path / "s", "2026-11-01")
    for day in ("2026-11-27", "2026-11-28", "2026-11-29"):
        export_snapshot(journal, tmp_path / "s", day)

    result = export_snapshot(journal, tmp_path / "s", DAY, keep=2)

    assert [p.name for p in result.removed] == ["2026-11-27", "2026-11-28"]
    names = sorted(p.name for p in (tmp_path / "s").iterdir() if not p.name.startswith("."))
    assert names == ["2026-11-01", "2026-11-29", DAY]


def test_leftovers_of_a_crashed_export_are_cleared_and_never_read_as_snapshots(
    journal: Path, tmp_path: Path
) -> None:
    stale = tmp_path / f".{DAY}.tmp-99999"
    (stale / "tables").mkdir(parents=True)
    (stale / "tables" / "trades.parquet").write_bytes(b"half")

    export_snapshot(journal, tmp_path, DAY)

    assert not stale.exists()
    assert verify_snapshot(tmp_path / DAY)[1] == []


def test_bad_arguments_are_refused_before_anything_is_written(
    journal: Path, tmp_path: Path
) -> None:
    with pytest.raises(SnapshotError, match="YYYY-MM-DD"):
        export_snapshot(journal, tmp_path / "s", "30.11.2026")
    with pytest.raises(SnapshotError, match="keep"):
        export_snapshot(journal, tmp_path / "s", DAY, keep=0)
    assert not (tmp_path / "s").exists() or not any(
        p for p in (tmp_path / "s").iterdir() if not p.name.startswith(".")
    )


WRITER = """
import sys, itertools
from tradejournal.events import BotStarted
from tradejournal.store import Journal
import datetime as dt
with Journal.open(sys.argv[1], durability="none", max_segment_bytes=40_000) as j:
    print("ready", flush=True)
    for i in itertools.count():
        j.append(BotStarted(ts=dt.datetime(2026, 3, 4, tzinfo=dt.UTC), producer="t",
                            id=f"w{i}", version="1"))
"""


def test_a_snapshot_taken_while_a_writer_appends_is_consistent(tmp_path: Path) -> None:
    journal = demo_journal(tmp_path / "j")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(journal)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        result = export_snapshot(journal, tmp_path / "s", DAY)
    finally:
        writer.kill()
        writer.wait()

    m, folder = result.manifest, result.folder
    lines = sum(
        len((folder / f).read_bytes().splitlines()) for f in m.files if f.endswith(".jsonl")
    )
    con = duckdb.connect()
    n, top = con.execute(
        f"SELECT count(*), max(seq) FROM read_parquet('{folder}/events/**/*.parquet')"
    ).fetchone() or (0, 0)
    assert m.last_seq > 528  # the writer's events made it in...
    assert lines == n == top == m.last_seq == m.tables["events"]  # ...up to one seq, everywhere
    assert verify_snapshot(folder)[1] == []


def test_an_empty_journal_exports_queries_and_restores(tmp_path: Path) -> None:
    from tradejournal.projections.export import query_snapshots, restore_snapshot
    from tradejournal.store import init_journal, verify

    journal = init_journal(tmp_path / "empty")

    result = export_snapshot(journal, tmp_path / "s", DAY)
    restored = restore_snapshot(result.folder, tmp_path / "r")

    m = result.manifest
    assert (m.first_seq, m.last_seq, m.tables["events"], m.tables["trades"]) == (0, 0, 0, 0)
    assert not [f for f in m.files if not f.startswith("tables/")]  # no events, no segments
    assert verify_snapshot(result.folder)[1] == []
    assert query_snapshots(tmp_path / "s", "SELECT count(*) FROM events")[1] == [(0,)]
    assert query_snapshots(tmp_path / "s", "SELECT count(*) FROM trades")[1] == [(0,)]
    assert verify(restored.journal).ok and restored.last_seq == 0
