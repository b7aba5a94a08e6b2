"""The loader's segment checks on a full rebuild: a damaged line is named (file, line, offset).

The checks run in a thread while DuckDB loads the segments; whatever DuckDB makes of a damaged
line, the build fails with the check's message and the published projections stay as they were.
A sealed segment is checked by its seal (one SHA-256); when that differs, the line is named.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from proj_helpers import hash_tables, write
from proj_scenario import two_accounts

from tradejournal.projections import ProjectionError, rebuild

DB = "projections.duckdb"


def _journal(tmp_path: Path) -> tuple[Path, list[Path]]:
    """The two_accounts scenario in small segments (several sealed, one active), built once."""
    jd = tmp_path / "journal"
    events = list(two_accounts())
    for i in range(0, len(events), 5):  # a batch never spans segments: small batches
        write(jd, events[i : i + 5], max_segment_bytes=4_000)
    rebuild(jd, full=True)
    segs = sorted((jd / "segments").glob("*.jsonl"))
    assert len(segs) >= 3 and (jd / "segments" / (segs[0].stem + ".seal")).exists()
    assert not (jd / "segments" / (segs[-1].stem + ".seal")).exists()
    return jd, segs


def _damage(seg: Path, line_no: int, old: bytes, new: bytes) -> int:
    """Replace ``old`` by ``new`` in line ``line_no`` (1-based) of ``seg``; return its offset."""
    os.chmod(seg, 0o644)  # sealed segments are read-only
    lines = seg.read_bytes().splitlines(keepends=True)
    assert old in lines[line_no - 1]
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    seg.write_bytes(b"".join(lines))
    return sum(len(x) for x in lines[: line_no - 1])


def _expect_named(jd: Path, seg: Path, line_no: int, offset: int) -> None:
    before = hash_tables(jd / DB)
    with pytest.raises(ProjectionError) as err:
        rebuild(jd, full=True)
    assert f"{seg.name}:{line_no}:{offset}:" in str(err.value)
    assert "tradejournal verify" in str(err.value)
    assert hash_tables(jd / DB) == before  # the published projections were left as they were
    assert not [p for p in jd.iterdir() if ".tmp-" in p.name or ".load-" in p.name]


@pytest.mark.parametrize("which", ["sealed", "active"])
def test_a_flipped_byte_is_named_on_a_full_rebuild(tmp_path: Path, which: str) -> None:
    jd, segs = _journal(tmp_path)
    seg = segs[0] if which == "sealed" else segs[-1]
    offset = _damage(seg, 2, b'"seq":', b'"seq": ')  # valid JSON, fails its CRC
    _expect_named(jd, seg, 2, offset)


@pytest.mark.parametrize("which", ["sealed", "active"])
def test_broken_json_is_named_by_the_check_not_by_duckdb(tmp_path: Path, which: str) -> None:
    # DuckDB fails on this line too; the error must still be the check's (line and offset)
    jd, segs = _journal(tmp_path)
    seg = segs[1] if which == "sealed" else segs[-1]
    offset = _damage(seg, 1, b'"id":"', b'"id":')
    _expect_named(jd, seg, 1, offset)


def test_a_changed_sealed_segment_without_a_bad_line_names_the_seal(tmp_path: Path) -> None:
    jd, segs = _journal(tmp_path)
    seal = jd / "segments" / (segs[0].stem + ".seal")
    record = json.loads(seal.read_text())
    record["sha256"] = "0" * 64  # the seal no longer matches, yet every line is intact
    os.chmod(seal, 0o644)
    seal.write_text(json.dumps(record))
    with pytest.raises(ProjectionError, match="seal"):
        rebuild(jd, full=True)


def test_an_intact_journal_in_many_segments_loads_every_event(tmp_path: Path) -> None:
    jd, segs = _journal(tmp_path)
    lines = sum(len(s.read_bytes().splitlines()) for s in segs)
    result = rebuild(jd, full=True)
    assert result.events_loaded == result.last_seq == lines


def test_the_load_lowers_duckdbs_memory_limit_and_restores_it(tmp_path: Path) -> None:
    import duckdb

    from tradejournal.projections._journal import take_snapshot
    from tradejournal.projections.loader import ensure_events, load_events

    jd, _ = _journal(tmp_path)
    for limit, after in (("4.0 GiB", "4.0 GiB"), ("256.0 MiB", "256.0 MiB")):
        con = duckdb.connect(str(tmp_path / f"x{after[0]}.duckdb"))
        con.execute(f"SET memory_limit = '{limit}'")
        ensure_events(con)
        loaded, last = load_events(con, jd, take_snapshot(jd))
        assert loaded == last == con.execute("SELECT count(*) FROM events").fetchall()[0][0]
        assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == after
        con.close()
