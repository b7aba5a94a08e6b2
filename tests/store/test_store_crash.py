"""Real processes, real SIGKILL, real write failures (docs/design.md, "How crash safety is tested").

* kill harness: writers append in a loop and ack (id, seq) only after append returned; the test
  SIGKILLs random writers at random moments and restarts them; every acked id must be in the log
  exactly once, at its acked seq, with seqs gapless and every line valid.
* crash in every phase of a roll (and mid-write), with and without a second writer still alive.
* concurrency: several processes append at once; seqs are 1..N, batches contiguous, each
  writer's own order kept, racing appends of one id give one event.
* out of space: RLIMIT_FSIZE makes a write fail part-way; the writer raises WriteFailedError,
  is closed for good, and leaves no partial record.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_testlib import (
    active,
    assert_head_crc,
    line_spans,
    log_pairs,
    metric,
    read_acks,
    run_writer,
    segments,
    writer_cmd,
)

from tradejournal.store import Journal, read_events, verify

pytestmark = pytest.mark.skipif(
    os.name != "posix", reason="SIGKILL, RLIMIT_FSIZE and SIGXFSZ are POSIX-only"
)


def _acked(acks: list[Path]) -> dict[str, int]:
    out: dict[str, int] = {}
    for path in acks:
        for rec in read_acks(path):
            for i, s in zip(rec["ids"], rec["seqs"], strict=True):
                assert out.setdefault(i, s) == s, f"{i} acked at {out[i]} and at {s}"
    return out


def _check_log(root: Path, acked: dict[str, int]) -> dict[str, int]:
    """Recover, then check the log against the acks; return id -> seq of the whole log."""
    if (root / "index.sqlite").exists():
        assert_head_crc(root)  # as the writers left it (a torn tail lies beyond the head)
    Journal.open(root).close()  # recovery: cut a torn tail, index what a dead writer wrote
    assert_head_crc(root)
    pairs = log_pairs(root)
    seqs = [s for _, s in pairs]
    assert seqs == list(range(1, len(pairs) + 1)), "seqs are not gapless 1..N"
    log = dict(pairs)
    assert len(log) == len(pairs), "an id is in the log twice"
    missing = {i: s for i, s in acked.items() if log.get(i) != s}
    assert not missing, f"acked but not in the log at the acked seq: {list(missing.items())[:5]}"
    report = verify(root)
    assert report.ok, [str(p) for p in report.problems][:10]
    recorded = [e.recorded_ts for e in read_events(root)]
    assert all(a <= b for a, b in zip(recorded, recorded[1:], strict=False))  # type: ignore[operator]
    for seg in segments(root)[:-1]:
        assert seg.with_suffix(".seal").exists()
        assert seg.stat().st_mode & 0o222 == 0
    with Journal.open(root) as j:
        assert j.recovery.messages() == []
        assert j.append(metric(0, id="after-the-storm")) == len(pairs) + 1
    return log


def _own_order_kept(log: dict[str, int], names: list[str]) -> None:
    for name in names:
        mine = sorted(
            (int(i.split(":", 1)[1]), s) for i, s in log.items() if i.startswith(f"{name}:")
        )
        assert [s for _, s in mine] == sorted(s for _, s in mine), f"{name}'s order changed"


# --- the kill harness ----------------------------------------------------------------------------


@pytest.mark.slow
def test_sigkill_random_writers_at_random_moments(tmp_path: Path) -> None:
    root = tmp_path / "j"
    Journal.open(root, create=True).close()
    names = ["w0", "w1", "w2"]
    acks = {n: tmp_path / f"{n}.acks" for n in names}
    logs = {n: tmp_path / f"{n}.stderr" for n in names}
    seed = int(os.environ.get("TJ_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)

    opts = ["--durability", "always", "--max-batch", 12, "--pad", 1500]
    opts += ["--segment-bytes", 32_000, "--seed", seed]

    def start(name: str) -> subprocess.Popen[bytes]:
        with logs[name].open("ab") as err:
            return subprocess.Popen(writer_cmd("loop", root, name, acks[name], *opts), stderr=err)

    procs = {n: start(n) for n in names}
    kills, deadline = 0, time.monotonic() + 45
    try:
        while kills < 30 and time.monotonic() < deadline:
            time.sleep(rng.uniform(0.05, 0.9))
            name = rng.choice(names)
            p = procs[name]
            if p.poll() is not None:
                pytest.fail(f"{name} exited {p.returncode}: {logs[name].read_text()[-3000:]}")
            p.send_signal(signal.SIGKILL)
            p.wait()
            kills += 1
            procs[name] = start(name)
    finally:
        exited = {n: p.returncode for n, p in procs.items() if p.poll() is not None}
        for p in procs.values():
            p.kill()
            p.wait()
    assert not exited, f"writers exited by themselves: {exited}"
    for name in names:  # a writer only ever stops by SIGKILL: it never says anything
        assert logs[name].read_text() == "", logs[name].read_text()[-3000:]

    acked = _acked(list(acks.values()))
    assert kills >= 20, f"only {kills} kills (seed {seed})"
    assert len(acked) > 100, f"only {len(acked)} acked events (seed {seed})"
    log = _check_log(root, acked)
    _own_order_kept(log, names)
    torn = len(list((root / "quarantine").iterdir()))
    print(
        f"kill harness (TJ_KILL_SEED={seed}): {kills} kills, {len(acked)} acked, "
        f"{len(log)} in the log, {len(segments(root))} segments, {torn} torn tails cut"
    )
    assert len(segments(root)) > 3, "the writers should have rolled segments too"


# --- a crash in every phase of a roll ------------------------------------------------------------

PHASES = ["before-seal", "after-seal", "after-chmod", "after-create", "after-index", "torn-write"]


@pytest.mark.parametrize("live", [True, False], ids=["other-writer-alive", "restart"])
@pytest.mark.parametrize("phase", PHASES)
def test_crash_in_every_phase_of_a_roll(tmp_path: Path, phase: str, live: bool) -> None:
    root = tmp_path / "j"
    acks = tmp_path / "child.acks"
    other = Journal.open(root, create=True)
    try:
        mine = {e.id: other.append(e) for e in (metric(n, id=f"live:{n}") for n in range(3))}
        if not live:
            other.close()
        child = subprocess.run(
            writer_cmd("phase", root, acks, phase), capture_output=True, text=True, timeout=60
        )
        assert child.returncode == -signal.SIGKILL, (child.returncode, child.stderr)
        if not live:
            other = Journal.open(root)
        for n in range(3, 12):  # this writer must catch up on whatever the dead one left
            e = metric(n, id=f"live:{n}", pad=200)
            mine[e.id] = other.append(e)
        assert sorted(mine.values()) == sorted(set(mine.values()))
    finally:
        other.close()
    acked = _acked([acks])
    assert acked, "the child should have acked something before the roll"
    log = _check_log(root, {**acked, **mine})
    assert [s for i, s in sorted(log.items(), key=lambda x: x[1]) if i.startswith("live:")] == [
        mine[f"live:{n}"] for n in range(12)
    ]
    if phase not in ("before-seal", "torn-write"):
        assert len(segments(root)) >= 2


# --- concurrency -----------------------------------------------------------------------------------


def _run_concurrently(
    root: Path,
    tmp_path: Path,
    n_procs: int,
    count: int,
    durability: str,
    shared: int,
    jitter: float = 0.0005,
) -> None:
    Journal.open(root, create=True).close()
    names = [f"c{k}" for k in range(n_procs)]
    acks = {n: tmp_path / f"{n}.acks" for n in names}
    go = tmp_path / "go"
    opts = {
        "--count": count,
        "--durability": durability,
        "--max-batch": 10,
        "--segment-bytes": 256 * 1024,
        "--shared": shared,
        "--go": go,
        "--jitter": jitter,
    }
    flat = [x for kv in opts.items() for x in kv]
    procs = [
        subprocess.Popen(writer_cmd("loop", root, n, acks[n], *flat), stderr=subprocess.PIPE)
        for n in names
    ]
    deadline = time.monotonic() + 60
    while not all(Path(f"{go}.{n}").exists() for n in names):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.01)
    go.touch()  # every writer has the journal open: start together
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()[-3000:]

    total = n_procs * count + shared
    records = {n: read_acks(acks[n]) for n in names}
    acked = _acked(list(acks.values()))
    log = _check_log(root, acked)
    assert len(log) == total
    for name in names:
        assert sum(1 for i in log if i.startswith(f"{name}:")) == count
        for rec in records[name]:  # a batch is contiguous: nobody interleaved with it
            first = rec["seqs"][0]
            if len(set(rec["ids"])) == len(rec["ids"]) and rec["ids"][0].startswith(name):
                assert rec["seqs"] == list(range(first, first + len(rec["seqs"])))
    _own_order_kept(log, names)
    # racing appends of the same id by every writer made one event, and all got its seq
    for k in range(shared):
        got = {rec["seqs"][0] for n in names for rec in records[n] if rec["ids"] == [f"shared:{k}"]}
        assert got == {log[f"shared:{k}"]}, (k, got)
    # the writers really ran at the same time: their appends alternate in the log
    by_seq = sorted((s, i) for i, s in log.items() if not i.startswith("shared:"))
    producer = [i.split(":", 1)[0] for _, i in by_seq]
    switches = sum(1 for a, b in zip(producer, producer[1:], strict=False) if a != b)
    assert switches > n_procs, f"only {switches} switches between writers: they ran one by one"
    # every line is one whole record
    for seg in segments(root):
        for _, line in line_spans(seg.read_bytes()):
            assert line.count(b'"crc":') == 1


@pytest.mark.slow
def test_four_processes_append_20000_events(tmp_path: Path) -> None:
    _run_concurrently(tmp_path / "j", tmp_path, 4, 5000, "none", shared=100)


def test_four_processes_append_with_fsync_always(tmp_path: Path) -> None:
    _run_concurrently(tmp_path / "j", tmp_path, 4, 400, "always", shared=20, jitter=0.003)


def test_four_processes_append_with_group_commit(tmp_path: Path) -> None:
    _run_concurrently(tmp_path / "j", tmp_path, 4, 400, "batch", shared=20, jitter=0.003)


def test_processes_creating_the_same_journal_at_once(tmp_path: Path) -> None:
    # Every process of the bot may start with create=True on a fresh install, all at once.
    for trial in range(3):
        root, go = tmp_path / f"j{trial}", tmp_path / f"go{trial}"
        procs = [
            subprocess.Popen(
                writer_cmd("create", root, go, f"p{k}"), stdout=subprocess.PIPE, text=True
            )
            for k in range(4)
        ]
        deadline = time.monotonic() + 60
        while not all(Path(f"{go}.p{k}").exists() for k in range(4)):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        go.touch()  # all four are at the start line
        outs = [p.communicate(timeout=60)[0].strip() for p in procs]
        assert sorted(outs) == ["1", "2", "3", "4"], outs
        assert verify(root).ok


def test_deleting_only_the_index_after_a_crash_leaves_a_stale_wal(tmp_path: Path) -> None:
    # A SIGKILLed writer leaves index.sqlite-wal/-shm behind; "index.sqlite is safe to delete"
    # must still hold when someone deletes just that file.
    root, acks = tmp_path / "j", tmp_path / "w.acks"
    Journal.open(root, create=True).close()
    p = subprocess.Popen(writer_cmd("loop", root, "w", acks, "--durability", "none"))
    deadline = time.monotonic() + 30
    while len(read_acks(acks)) < 3000 and time.monotonic() < deadline:
        time.sleep(0.05)
    p.kill()
    p.wait()
    assert (root / "index.sqlite-wal").exists()
    (root / "index.sqlite").unlink()
    acked = _acked([acks])
    assert len(acked) >= 3000
    with Journal.open(root) as j:
        assert any("rebuilt the id index" in m for m in j.recovery.messages())
        last = j.last_seq
        logged = {e.id: e for e in read_events(root)}  # a retry repeats the very event
        for i, s in acked.items():  # every retry finds its event: no duplicates
            assert j.append(logged[i]) == s
        assert j.last_seq == last
    _check_log(root, acked)


# --- out of space ----------------------------------------------------------------------------------


def _fsize_child(
    root: Path, acks: Path, slack: int, pad: int = 1000, index_flush: int = 256
) -> dict[str, object]:
    proc = run_writer("fsize", root, acks, slack, f"--pad={pad}", f"--index-flush={index_flush}")
    report: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return report


def test_a_write_that_runs_out_of_space_fails_whole_and_closes_the_writer(
    tmp_path: Path,
) -> None:
    root = tmp_path / "j"
    acks = tmp_path / "fsize.acks"
    with Journal.open(root, create=True, durability="none") as j:
        # a big segment, so the segment (not the index) is the first file to hit the limit
        j.append_many([metric(n, pad=1000) for n in range(300)])
    report = _fsize_child(root, acks, slack=2500)
    assert report["error"] == "WriteFailedError", report
    assert "File too large" in str(report["message"]) or "27" in str(report["message"])
    assert report["after"] == "StoreClosedError", report
    assert report["close"] == "ok", report
    assert len(report["acked"]) >= 1  # type: ignore[arg-type]

    seg = active(root)
    assert seg.read_bytes().endswith(b"\n")  # no partial record, before any recovery ran
    assert verify(root).ok
    with Journal.open(root) as j:
        assert j.recovery.messages() == []  # nothing to cut: the writer removed its partial write
    acked = _acked([acks])
    log = _check_log(root, acked)
    assert report["failed_id"] not in log
    assert len(log) == 300 + len(acked)


def test_an_index_that_runs_out_of_space_fails_the_append_and_closes_the_writer(
    tmp_path: Path,
) -> None:
    # The id index (SQLite WAL) grows faster than a segment of small events: it hits the limit
    # first, after the event was written (the writer indexes every append: index_flush_events=1). The append must still fail as a write failure (not a
    # raw sqlite3 error), the writer must be closed, and the log stays the truth.
    root = tmp_path / "j"
    acks = tmp_path / "fsize.acks"
    with Journal.open(root, create=True, durability="none") as j:
        j.append_many([metric(n) for n in range(3)])
    report = _fsize_child(root, acks, slack=200_000, pad=0, index_flush=1)
    assert report["error"] == "WriteFailedError", report
    assert "id index" in str(report["message"]), report
    assert report["after"] == "StoreClosedError", report
    assert report["close"] == "ok", report
    acked = _acked([acks])
    log = _check_log(root, acked)
    # the failed append was not acked; a retry of its id finds it if it reached the log
    failed = str(report["failed_id"])
    with Journal.open(root) as j:  # the retry repeats the very event (pad 0, as the child)
        again = j.append(metric(int(failed.split(":")[1]), id=failed))
    assert again == log.get(failed, len(log) + 2)


def test_the_kill_harness_child_script_runs() -> None:
    # keeps the child script importable and its CLI sane, with a clear error if not
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("_writer.py")), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and "loop" in proc.stdout
