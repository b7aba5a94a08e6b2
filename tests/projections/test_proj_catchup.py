"""Catch-up and rebuild: incremental loading, identical results, SQL changes, torn lines, gaps."""

from __future__ import annotations

import random
import shutil
from decimal import Decimal as D
from importlib.resources import files
from pathlib import Path

import duckdb
import msgspec
import pytest
from proj_helpers import hash_tables, write
from proj_scenario import A, at, deal, two_accounts

from tradejournal import projections as P
from tradejournal.events import ENCODER, MetricTiming, UserAction
from tradejournal.projections._journal import JournalSnapshot, Segment
from tradejournal.projections.loader import _plan
from tradejournal.store.framing import frame


def _state(jd: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(jd / "projections.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT name, last_seq, sql_hash, built_at::VARCHAR FROM _projection_state"
        ).fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


def test_catch_ups_equal_full_rebuild(tmp_path: Path) -> None:
    events = two_accounts()
    jd = tmp_path / "j"
    rng = random.Random(7)
    i = 0
    while i < len(events):
        n = rng.randint(3, 14)
        write(jd, events[i : i + n], max_segment_bytes=3000)  # many segments
        i += n
        res = P.catch_up(jd)
        assert res.last_seq == min(i, len(events)) and res.events_loaded > 0
    assert len(list((jd / "segments").glob("*.jsonl"))) > 3
    incremental = hash_tables(jd / "projections.duckdb")
    assert P.catch_up(jd).events_loaded == 0
    full = P.rebuild(jd, full=True)
    assert full.events_loaded == len(events)
    assert hash_tables(jd / "projections.duckdb") == incremental
    P.rebuild(jd, full=False)  # re-runs every SQL file on the loaded events
    assert hash_tables(jd / "projections.duckdb") == incremental


def test_only_stale_projections_rerun(tmp_path: Path) -> None:
    jd = tmp_path / "j"
    write(jd, two_accounts())
    P.catch_up(jd)
    before = _state(jd)
    write(
        jd,
        [
            UserAction(
                ts=at(12), producer="telegram", user_id=7, chat_id=7, kind="command", data="/stats"
            )
        ],
    )
    assert P.catch_up(jd).events_loaded == 1
    after = _state(jd)
    assert all(v[0] == before["events"][0] + 1 for v in after.values())  # every state advanced
    assert after["100_trades"][2] == before["100_trades"][2]  # trades not recomputed
    assert after["140_user_actions"][2] != before["140_user_actions"][2]


def test_changed_sql_file_rebuilds_that_projection(tmp_path: Path) -> None:
    jd = tmp_path / "j"
    write(jd, two_accounts())
    P.catch_up(jd)
    sql_dir = tmp_path / "sql"
    shutil.copytree(Path(str(files("tradejournal.projections") / "sql")), sql_dir)
    deals_sql = sql_dir / "010_deals.sql"
    deals_sql.write_text(
        deals_sql.read_text().replace("reason, magic,", "reason, 1 AS marker, magic,")
    )
    res = P.catch_up(jd, sql_dir=sql_dir)
    assert res.events_loaded == 0
    con = P.connect_readonly(jd, sql_dir=sql_dir)
    try:
        assert con.execute("SELECT DISTINCT marker FROM deals").fetchall() == [(1,)]
        assert con.execute("SELECT count(*) FROM trades").fetchall() == [(6,)]
    finally:
        con.close()
    state = _state(jd)
    assert state["010_deals"][1] != _state_hash_of_packaged("010_deals")
    # removing a file rebuilds from scratch: its outputs disappear
    (sql_dir / "180_experiments.sql").unlink()
    P.catch_up(jd, sql_dir=sql_dir)
    tables = hash_tables(jd / "projections.duckdb")
    assert "experiments" not in tables and "trades" in tables
    # back to the packaged SQL: everything as before
    P.catch_up(jd)
    assert "experiments" in hash_tables(jd / "projections.duckdb")


def _state_hash_of_packaged(name: str) -> str:
    from tradejournal.projections.runner import sql_files

    return next(f.sql_hash for f in sql_files() if f.name == name)


def _framed(event: object, seq: int) -> bytes:
    body = ENCODER.encode(msgspec.structs.replace(event, seq=seq, recorded_ts=event.ts))  # type: ignore[type-var]
    return frame(body)


def test_partial_last_line_is_never_read(journal_dir: Path) -> None:
    last = write(journal_dir, two_accounts()[:10])
    line = _framed(deal(5001, 51, "buy", "in", "0.1", "1.1", 1), last + 1)
    active = sorted((journal_dir / "segments").glob("*.jsonl"))[-1]
    with open(active, "ab") as f:
        f.write(line[:40])  # a writer is mid-append
    assert P.catch_up(journal_dir).last_seq == last
    with open(active, "ab") as f:
        f.write(line[40:])
    res = P.catch_up(journal_dir)
    assert (res.events_loaded, res.last_seq) == (1, last + 1)
    cols, rows = P.query(journal_dir, "SELECT deal_ticket FROM deals WHERE deal_ticket = 5001")
    assert rows == [(5001,)]


def test_old_schema_version_is_upcast(journal_dir: Path) -> None:
    last = write(journal_dir, [MetricTiming(ts=at(0), producer="mt5", name="rt", duration_ms=12.5)])
    v1 = {
        "type": "metric.timing", "seq": last + 1, "id": "m-v1", "v": 1,
        "ts": "2024-03-04T09:00:01Z", "recorded_ts": "2024-03-04T09:00:01Z", "producer": "mt5",
        "account": None, "correlation_id": None, "causation_id": None, "name": "rt",
        "duration_s": 1.5,
    }  # fmt: skip
    active = sorted((journal_dir / "segments").glob("*.jsonl"))[-1]
    with open(active, "ab") as f:
        f.write(frame(msgspec.json.encode(v1)))
    P.catch_up(journal_dir)
    cols, rows = P.query(
        journal_dir, "SELECT duration_ms, schema_version FROM metrics ORDER BY seq"
    )
    assert rows == [(12.5, 2), (1500.0, 2)]  # upcast on load, as events/upcast.py does


def test_decimals_are_exact(journal_dir: Path) -> None:
    write(
        journal_dir,
        [
            deal(
                7001, 71, "buy", "in", "0.01", "98686170.96", 1, profit="-12345678.91", comm="-0.07"
            )
        ],
    )
    P.catch_up(journal_dir)
    cols, rows = P.query(journal_dir, "SELECT price, profit, commission, net FROM deals")
    assert rows == [(D("98686170.96"), D("-12345678.91"), D("-0.07"), D("-12345678.98"))]


def test_gap_in_seqs_fails_loudly(tmp_path: Path) -> None:
    jd = tmp_path / "j"
    events = two_accounts()
    for i in range(0, len(events), 10):
        write(jd, events[i : i + 10], max_segment_bytes=3000)
    segs = sorted((jd / "segments").glob("*.jsonl"))
    assert len(segs) >= 3
    content = segs[1].read_bytes()
    segs[1].chmod(0o644)
    segs[1].write_bytes(content[: content.index(b"\n") + 1])  # drop lines in a sealed segment
    with pytest.raises(P.ProjectionError, match="SHA-256 differs from its seal"):
        P.catch_up(jd)  # the seal check (issue 12 item 6) sees it before the seq check
    assert not (jd / "projections.duckdb").exists()  # nothing half-built was published


def test_plan_reads_only_segments_after_last_seq() -> None:
    firsts = [1, 11, 21, 31]
    segs = [Segment(Path(f"{i}.jsonl"), first, 100, first < 31) for i, first in enumerate(firsts)]
    snap = JournalSnapshot(35, segs)
    assert [(s.first_seq, start) for s, start in _plan(snap, 0, None)] == [
        (1, 0),
        (11, 0),
        (21, 0),
        (31, 0),
    ]
    assert [(s.first_seq, start) for s, start in _plan(snap, 20, None)] == [(21, 0), (31, 0)]
    assert [(s.first_seq, start) for s, start in _plan(snap, 25, (21, 60))] == [(21, 60), (31, 0)]
    assert [(s.first_seq, start) for s, start in _plan(snap, 32, (31, 40))] == [(31, 40)]


def test_not_a_journal(tmp_path: Path) -> None:
    with pytest.raises(P.ProjectionError, match="no journal at"):
        P.catch_up(tmp_path)


def test_empty_journal(journal_dir: Path) -> None:
    assert P.catch_up(journal_dir) == P.CatchUpResult(0, pytest.approx(0, abs=60), 0)
    assert P.trades(journal_dir) == []
    assert P.stats(journal_dir)["trades"] == 0


def test_account_filter_and_open_trades(journal_dir: Path) -> None:
    write(
        journal_dir,
        [
            deal(8001, 81, "buy", "in", "0.2", "1.1", 1),
            deal(8002, 81, "sell", "out", "0.1", "1.101", 2, profit="10"),
        ],
    )
    assert [t["status"] for t in P.trades(journal_dir, open=True)] == ["open"]
    assert P.trades(journal_dir, open=False) == []
    t = P.trades(journal_dir, symbol="EURUSD", account=A)[0]
    assert (t["volume_in"], t["volume_out"], t["net_pnl"], t["close_ts"], t["r_multiple"]) == (
        D("0.2"),
        D("0.1"),
        10,
        None,
        None,
    )
    assert P.stats(journal_dir)["trades"] == 0  # open trades are not in the statistics


def test_unreadable_database_is_rebuilt(journal_dir: Path) -> None:
    write(journal_dir, two_accounts()[:20])
    P.catch_up(journal_dir)
    (journal_dir / "projections.duckdb").write_bytes(b"not a duckdb file" * 100)
    assert len(P.trades(journal_dir)) == 1  # connect_readonly rebuilt it (one open trade)
    assert P.catch_up(journal_dir).events_loaded == 0


def test_load_progress_counts_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradejournal.projections import loader
    from tradejournal.projections.runner import sql_files

    events = two_accounts()
    jd = tmp_path / "j"
    for i in range(0, 40, 4):  # a segment rolls between appends: many segments
        write(jd, events[i : i + 4], max_segment_bytes=3000)
    assert len(list((jd / "segments").glob("*.jsonl"))) > 5
    monkeypatch.setattr(loader, "BATCH_BYTES", 2000)  # one or two segments per read_json
    calls: list[tuple[str, int, int]] = []
    assert P.rebuild(jd, progress=lambda *a: calls.append(a)).events_loaded == 40
    load = [(done, total) for stage, done, total in calls if stage == "load"]
    assert load[0] == (0, 40) and load[-1] == (40, 40) and len(load) > 3
    assert [d for d, _ in load] == sorted(d for d, _ in load) and {t for _, t in load} == {40}
    sql = [(done, total) for stage, done, total in calls if stage == "sql"]
    assert sql[-1][0] == sql[-1][1] == len(sql_files())
    quiet = hash_tables(jd / "projections.duckdb")
    P.rebuild(jd)  # without a callback: one read_json call, the same tables
    assert hash_tables(jd / "projections.duckdb") == quiet

    write(jd, events[40:], max_segment_bytes=3000)
    calls.clear()
    assert P.catch_up(jd, progress=lambda *a: calls.append(a)).events_loaded == len(events) - 40
    load = [(done, total) for stage, done, total in calls if stage == "load"]
    new = len(events) - 40
    assert load[0] == (0, new) and load[-1] == (new, new)


def test_batches_never_end_with_a_small_one() -> None:
    from tradejournal.projections.loader import BATCH_BYTES, _batches

    big, small = BATCH_BYTES, BATCH_BYTES // 4
    assert _batches([]) == []
    assert _batches([("a", small)]) == [["a"]]
    assert _batches([("a", big), ("b", big), ("c", small)]) == [["a"], ["b", "c"]]
    assert _batches([("a", small)] * 4 + [("b", small)]) == [["a"] * 4 + ["b"]]
    assert _batches([("a", small)] * 8 + [("b", big)]) == [["a"] * 4, ["a"] * 4, ["b"]]
