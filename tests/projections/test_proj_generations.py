"""``Generations``: which file a build runs in, what a failed build leaves, which file a reader holds.

Real files and real DuckDB; the build function is the test's own (what the engine passes in).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from proj_helpers import write
from proj_scenario import two_accounts

from tradejournal import projections as P
from tradejournal.projections import _files
from tradejournal.projections._generations import Generations, Target


def _journal(tmp_path: Path) -> Path:
    jd = tmp_path / "j"
    write(jd, two_accounts()[:20])
    P.rebuild(jd, full=True)
    return jd


def _max_seq(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return int(con.execute("SELECT max(seq) FROM events").fetchall()[0][0])
    finally:
        con.close()


def _ok(con: duckdb.DuckDBPyConnection) -> bool:
    return True


def test_a_catch_up_runs_in_the_spare_and_a_full_build_in_an_empty_file(tmp_path: Path) -> None:
    if not _files.HAVE_FLOCK:
        pytest.skip("no flock: no spare")
    gens = Generations(_journal(tmp_path))
    seen: list[tuple[Path, Target, bool]] = []

    def work(path: Path, target: Target) -> int:
        seen.append((path, target, path.exists()))
        con = duckdb.connect(str(path))
        con.execute("CREATE OR REPLACE TABLE marker AS SELECT 1 AS x")
        con.close()
        return len(seen)

    assert gens.build(work, full=False, reusable=_ok) == 1
    assert seen[0][:2] == (gens.spare, Target.SPARE)
    gens.build(work, full=True, reusable=_ok)
    assert seen[1][1] is Target.EMPTY and seen[1][2] is False  # starts from no file at all
    gens.build(work, full=False, reusable=lambda con: False)  # the published file cannot be used
    assert seen[2][1] is Target.EMPTY
    assert sorted(p.name for p in gens.journal_dir.glob("projections.duckdb*")) == [
        "projections.duckdb",
        "projections.duckdb.spare",
    ]


def test_a_failed_build_leaves_the_published_file_and_no_temp_file(tmp_path: Path) -> None:
    jd = _journal(tmp_path)
    gens = Generations(jd)
    before = _files.file_id(gens.published)
    targets: list[Target] = []

    def fail(path: Path, target: Target) -> None:
        targets.append(target)
        raise P.ProjectionError("boom")

    with pytest.raises(P.ProjectionError, match="boom"):
        gens.build(fail, full=False, reusable=_ok)
    # in the spare first (where flock exists), then in a copy: both failed
    assert targets == ([Target.SPARE, Target.COPY] if _files.HAVE_FLOCK else [Target.COPY])
    assert _files.file_id(gens.published) == before
    assert gens.temp_files() == []
    assert _max_seq(gens.published) == 20
    with pytest.raises(KeyboardInterrupt):  # an interrupt is not a reason to try a copy
        gens.build(lambda p, t: (_ for _ in ()).throw(KeyboardInterrupt()), full=True,
                   reusable=_ok)  # fmt: skip
    assert _files.file_id(gens.published) == before
    assert gens.temp_files() == []


def test_a_reader_knows_whether_it_still_holds_the_published_generation(tmp_path: Path) -> None:
    jd = _journal(tmp_path)
    gens = Generations(jd)
    con = gens.attach()
    try:
        assert gens.is_published(con)
        write(jd, two_accounts()[20:30])
        P.catch_up(jd)  # publishes a new generation
        assert gens.is_published(con) is (not _files.HAVE_FLOCK)
        assert con.execute("SELECT max(seq) FROM events").fetchall() == [(20,)]
    finally:
        _files.release(con)
    fresh = gens.attach()
    try:
        assert gens.is_published(fresh)
        assert fresh.execute("SELECT max(seq) FROM events").fetchall() == [(30,)]
    finally:
        _files.release(fresh)
