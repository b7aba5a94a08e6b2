"""Readers in other processes never fail and always see a complete state while one rebuilds.

Real processes (spawn): one rebuilds in a loop (full and SQL-only, alternately), two read in a
loop (one only opens read-only, one catches up first as every CLI read does), while this process
keeps appending new positions. Every read must succeed and be internally consistent: one trade
row per position in the same file's events, and every projection state at the same seq.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from pathlib import Path
from typing import Any

from proj_helpers import write
from proj_scenario import deal, two_accounts

from tradejournal import projections as P

CHECK = """
SELECT (SELECT count(DISTINCT (account, position_id)) FROM trades),
       (SELECT count(DISTINCT (account, position_id)) FROM events WHERE type = 'deal.filled'),
       (SELECT count(*) FROM events), (SELECT max(seq) FROM events),
       (SELECT count(DISTINCT last_seq) FROM _projection_state),
       (SELECT min(last_seq) FROM _projection_state)
"""


def _rebuilder(jd: str, stop: Any, out: Any, done: Any) -> None:
    n = 0
    while not stop.is_set():
        P.rebuild(jd, full=n % 2 == 0)
        n += 1
        done.value = n
    out.put(("rebuilder", n, []))


def _reader(jd: str, catch_up_first: bool, stop: Any, out: Any, done: Any) -> None:
    ok, errors = 0, []
    while not stop.is_set():
        try:
            con = P.connect_readonly(jd, catch_up_first=catch_up_first)
            try:
                trades, positions, n_events, last, states, state_seq = con.execute(
                    CHECK
                ).fetchall()[0]
            finally:
                con.close()
            if not (trades == positions and n_events == last == state_seq and states == 1):
                errors.append(
                    f"inconsistent: {trades} {positions} {n_events} {last} {states} {state_seq}"
                )
            ok += 1
            done.value = ok
        except Exception as exc:  # noqa: BLE001 - every failure is the finding
            errors.append(repr(exc))
    out.put(("reader", ok, errors))


def test_readers_never_fail_while_rebuilding(tmp_path: Path) -> None:
    jd = tmp_path / "journal"
    write(jd, two_accounts())
    P.catch_up(jd)
    ctx = mp.get_context("spawn")
    stop, out = ctx.Event(), ctx.Queue()
    rebuilt, plain_reads, reads = ctx.Value("i", 0), ctx.Value("i", 0), ctx.Value("i", 0)
    procs = [
        ctx.Process(target=_rebuilder, args=(str(jd), stop, out, rebuilt)),
        ctx.Process(target=_reader, args=(str(jd), False, stop, out, plain_reads)),
        ctx.Process(target=_reader, args=(str(jd), True, stop, out, reads)),
    ]
    for p in procs:
        p.start()

    # Run for at least 6 s, 3 rebuilds and 10 plain reads (a loaded machine is slower, not
    # wrong); the hard limit only guards against a hang.
    def enough() -> bool:
        return rebuilt.value >= 3 and plain_reads.value >= 10 and reads.value >= 1

    start = time.monotonic()
    ticket = 9000
    while time.monotonic() - start < 6 or (not enough() and time.monotonic() - start < 300):
        pos = ticket
        write(
            jd,
            [
                deal(ticket, pos, "buy", "in", "0.1", "1.1", 12),
                deal(ticket + 1, pos, "sell", "out", "0.1", "1.1", 13),
            ],
        )
        ticket += 2
        time.sleep(0.05)
    stop.set()
    results = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    rebuilds = [r for r in results if r[0] == "rebuilder"][0][1]
    reads = [r for r in results if r[0] == "reader"]
    assert rebuilds >= 3
    for _, ok, errors in reads:
        assert errors == []
        assert ok >= 1
    assert max(r[1] for r in reads) >= 10  # the plain reader is never blocked by builds
    final = P.catch_up(jd)
    assert final.last_seq == len(two_accounts()) + (ticket - 9000)
    cols, rows = P.query(jd, "SELECT count(*) FROM trades WHERE position_id >= 9000")
    assert rows == [((ticket - 9000) // 2,)]
