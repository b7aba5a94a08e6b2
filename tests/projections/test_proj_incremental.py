"""Incremental catch-ups (``-- mode: incremental`` files, the spare file) equal a full rebuild.

Demo days cut at random points, with events arriving late (old timestamps: a snapshot before
the curve's end, a message in an old conversation, a deal for an old position), a new account,
and a catch-up after every piece; the tables must hash the same as a full rebuild. Then the
spare generation: a catch-up rewrites it in place instead of copying, and falls back to the copy
while a reader still holds it.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal as D
from pathlib import Path

import msgspec
import pytest
from proj_helpers import hash_tables, rows_of, write
from proj_scenario import deal, two_accounts

from tradejournal import projections as P
from tradejournal.events import AccountSnapshot, ConversationMessage, Event
from tradejournal.producers.demo import generate_day
from tradejournal.projections import _files
from tradejournal.projections._fetch import fetch
from tradejournal.projections.runner import sql_files


def _late(events: list[Event]) -> list[Event]:
    """Events that arrive after the days they belong to (old ts, new seq)."""
    first = events[0].ts
    snaps = [e for e in events if isinstance(e, AccountSnapshot)]
    msgs = [e for e in events if isinstance(e, ConversationMessage)]
    return [
        msgspec.structs.replace(snaps[3], id="late-snap", ts=snaps[3].ts + dt.timedelta(seconds=1),
                                equity=snaps[3].equity + D("999")),  # a new peak, in the past
        msgspec.structs.replace(msgs[2], id="late-msg", ts=msgs[2].ts - dt.timedelta(seconds=5)),
        AccountSnapshot(ts=first, producer="mt5", account="9009", balance=D(5), equity=D(7),
                        margin=D(0), free_margin=D(7), currency="USD"),  # a new account
        deal(99001, 11, "sell", "out", "0.1", "1.2", 0.1),
    ]  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_catch_ups_equal_full_rebuild(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    events = [e for d in range(2) for e in generate_day(dt.date(2024, 5, 6 + d), seed=seed)]
    events += _late(events) + two_accounts()
    jd = tmp_path / "j"
    i = 0
    while i < len(events):
        n = rng.choice([1, 2, 5, 40, 150])
        write(jd, events[i : i + n])
        i += n
        P.catch_up(jd)
    db = jd / "projections.duckdb"
    incremental = hash_tables(db)
    rows = {name: rows_of(db, name) for name in incremental}
    P.rebuild(jd, full=True)
    full = hash_tables(db)
    for name in sorted(set(full) | set(incremental)):
        if full.get(name) != incremental.get(name):  # tables exact; views may differ by float
            assert P.describe_tables()[name].kind == "view", name  # noise (order of summing)
            _close(rows[name], rows_of(db, name), name)


def _close(a: list[tuple], b: list[tuple], name: str) -> None:
    assert len(a) == len(b), name
    for x, y in zip(a, b, strict=True):
        for p, q in zip(x, y, strict=True):
            if isinstance(p, float) and isinstance(q, float):
                assert p == pytest.approx(q, rel=1e-12), name
            else:
                assert p == q, name


def test_incremental_files_take_the_incremental_path(tmp_path: Path) -> None:
    assert {f.name for f in sql_files() if f.incremental} >= {"130_conversations", "160_equity"}
    jd = tmp_path / "j"
    events = generate_day(dt.date(2024, 5, 6), seed=5)
    write(jd, events[:-50])
    P.catch_up(jd)
    write(jd, events[-50:])
    con = P.connect_readonly(jd)  # catches up
    try:
        assert con.execute("SELECT count(*) FROM equity").fetchall() == [
            (sum(isinstance(e, AccountSnapshot) for e in events),)
        ]
    finally:
        con.close()


def _ino(path: Path) -> int:
    return path.stat().st_ino


def test_catch_up_rewrites_the_spare_instead_of_copying(tmp_path: Path) -> None:
    if not _files.HAVE_FLOCK:
        pytest.skip("no flock: every catch-up copies")
    jd = tmp_path / "j"
    db, spare = jd / "projections.duckdb", jd / "projections.duckdb.spare"
    events = two_accounts()
    write(jd, events[:20])
    P.rebuild(jd, full=True)
    gen_a, gen_b = _ino(db), _ino(spare)  # a full rebuild copies its result as the spare
    assert gen_a != gen_b
    write(jd, events[20:30])
    P.catch_up(jd)  # built in the spare, in place, and published: the two files swap roles
    assert (_ino(db), _ino(spare)) == (gen_b, gen_a)
    write(jd, events[30:40])
    assert P.catch_up(jd).events_loaded == 10  # new to the published file (the spare: 20)
    assert (_ino(db), _ino(spare)) == (gen_a, gen_b)
    # a reader holding the previous generation keeps it: the next catch-up copies instead
    old = P.connect_readonly(jd, catch_up_first=False)
    try:
        write(jd, events[40:50])
        P.catch_up(jd)  # publishes: the reader's file becomes the spare
        assert (_ino(db), _ino(spare)) == (gen_b, gen_a)
        write(jd, events[50:])
        P.catch_up(jd)  # the spare is held: a copy of the published file is built
        assert _ino(db) not in (gen_a, gen_b)
        assert _ino(spare) == gen_b  # the generation published before the copy
        n_old = old.execute("SELECT max(seq) FROM events").fetchall()[0][0]
        assert n_old == 40  # the reader still sees its complete, older state
    finally:
        old.close()
    del old
    assert P.catch_up(jd).last_seq == len(events)
    snapshot = hash_tables(db)
    P.rebuild(jd, full=True)
    assert hash_tables(db) == snapshot


def test_an_unusable_spare_falls_back_to_a_copy(tmp_path: Path) -> None:
    if not _files.HAVE_FLOCK:
        pytest.skip("no flock: no spare")
    jd = tmp_path / "j"
    db, spare = jd / "projections.duckdb", jd / "projections.duckdb.spare"
    events = two_accounts()
    write(jd, events[:30])
    P.rebuild(jd, full=True)
    published = _ino(db)
    spare.write_bytes(b"not a database" * 100)  # e.g. damaged, or from another DuckDB
    write(jd, events[30:])
    assert P.catch_up(jd).last_seq == len(events)
    assert _ino(db) != published  # a copy was built and published
    assert _ino(spare) == published  # ... and the previous generation is the spare again
    snapshot = hash_tables(db)
    P.rebuild(jd, full=True)
    assert hash_tables(db) == snapshot


def test_stats_cache_equals_trade_stats(tmp_path: Path) -> None:
    jd = tmp_path / "j"
    events = two_accounts()
    for i in range(0, len(events), 9):
        write(jd, events[i : i + 9])
        con = P.connect_readonly(jd)
        try:
            cached = fetch(con, "SELECT * FROM _stats_overall")
            assert cached == fetch(con, "SELECT * FROM trade_stats()")
        finally:
            con.close()
