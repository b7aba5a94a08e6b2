"""A writer process for the store's process tests; run as a script: ``python _writer.py MODE ...``.

Modes:

loop JOURNAL NAME ACKS
    Append events with ids ``NAME:0``, ``NAME:1``, ... (single appends and batches, chosen at
    random) until ``--count`` own events are acked, or forever. After each append returns, one
    line ``{"ids": [...], "seqs": [...]}`` is written to ACKS with a single ``os.write`` on an
    O_APPEND descriptor (never before the append returned). A restarted writer resumes after its
    last acked id, so its first append retries ids that a killed writer may already have written.
    Occasionally it re-appends an id it acked before and exits 3 if the store gives another seq.
    ``--shared K`` also appends ``shared:0..K-1`` (one every ``--count // K`` own events), which
    every writer races to add. ``--go PATH``: after opening, touch ``PATH.NAME`` and wait for
    PATH to exist (a start barrier). ``--jitter S``: sometimes sleep up to S seconds between
    appends, so the writers' appends interleave more.

one JOURNAL ID
    Append one event with that id and print its seq.

create JOURNAL GO NAME
    Touch ``GO.NAME``, wait until the file GO exists, then ``Journal.open(JOURNAL, create=True)`` and append one
    event with id NAME; print its seq (or the exception) to stdout.

feed JOURNAL FIRST COUNT
    Append ``m:FIRST`` .. ``m:FIRST+COUNT-1`` one by one, sleeping ``--sleep`` between them.

phase JOURNAL ACKS PHASE
    Crash-in-every-phase (docs/design.md, "How crash safety is tested"): patch one step of the store so that this
    process SIGKILLs itself right there, then append (acking each) until it dies. PHASE is one of
    ``before-seal`` (old segment fsynced, no seal), ``after-seal`` (seal written, segment still
    writable), ``after-chmod`` (sealed and read-only, no new segment), ``after-create`` (new
    segment created, index not moved), ``after-index`` (index moved, nothing written yet) — all
    during the first roll — or ``torn-write`` (half of the third append's bytes written).

fsize JOURNAL ACKS SLACK
    Append once, then limit this process's file size (RLIMIT_FSIZE) to the active segment's size
    + SLACK bytes, ignore SIGXFSZ, and append ~1 KB events until an append fails. Print a JSON
    report: the failing exception's type, the type raised by the next append, and whether
    ``close()`` raised.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_testlib import active, metric, read_acks  # noqa: E402

from tradejournal.events import Event  # noqa: E402
from tradejournal.store import Journal  # noqa: E402


def _ack(fd: int, ids: list[str], seqs: list[int]) -> None:
    os.write(fd, json.dumps({"ids": ids, "seqs": seqs}).encode() + b"\n")


def _open_acks(path: Path) -> int:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    if os.fstat(fd).st_size and not path.read_bytes().endswith(b"\n"):
        os.write(fd, b"\n")  # a line torn by the previous incarnation's SIGKILL stays alone
    return fd


def _append_shared(j: Journal, fd: int, k: int, args: argparse.Namespace) -> None:
    if k < args.shared:
        sid = f"shared:{k}"
        # every writer appends the same event for a shared id: a retry, not a conflict
        _ack(fd, [sid], [j.append(metric(k, id=sid, producer="shared"))])


def loop(args: argparse.Namespace) -> int:
    acks_path = Path(args.acks)
    own = f"{args.name}:"
    start = 0
    for rec in read_acks(acks_path):
        for i in rec["ids"]:
            if i.startswith(own):
                start = max(start, int(i[len(own) :]) + 1)
    rng = random.Random(f"{args.seed}:{args.name}:{start}:{os.getpid()}")
    fd = _open_acks(acks_path)
    acked: dict[str, int] = {}
    sent: dict[str, Event] = {}  # an idempotent retry repeats the very event
    shared_every = max(1, args.count // args.shared) if args.shared else 0
    n = start
    with Journal.open(
        args.journal, durability=args.durability, max_segment_bytes=args.segment_bytes
    ) as j:
        if args.go:  # start together: say we are ready, wait for the word
            Path(f"{args.go}.{args.name}").touch()
            while not os.path.exists(args.go):
                time.sleep(0.002)
        while args.count <= 0 or n < args.count:
            size = 1 if rng.random() < 0.6 else rng.randint(2, args.max_batch)
            if args.count > 0:
                size = min(size, args.count - n)
            ids = [f"{own}{k}" for k in range(n, n + size)]
            events = [  # the pad depends on the id only: a restarted writer repeats the event
                metric(k, id=i, pad=random.Random(f"{args.seed}:{i}").randint(0, args.pad),
                       producer=args.name)
                for k, i in zip(range(n, n + size), ids, strict=True)
            ]  # fmt: skip
            seqs = [j.append(events[0])] if size == 1 else j.append_many(events)
            _ack(fd, ids, seqs)
            acked.update(zip(ids, seqs, strict=True))
            sent.update(zip(ids, events, strict=True))
            if shared_every and (n // shared_every) != ((n + size) // shared_every):
                _append_shared(j, fd, (n + size) // shared_every - 1, args)
            n += size
            if args.jitter and rng.random() < 0.3:  # let the others in now and then
                time.sleep(rng.uniform(0, args.jitter))
            if acked and rng.random() < 0.05:  # an idempotent retry of something acked
                old = rng.choice(list(acked))
                again = j.append(sent[old])
                if again != acked[old]:
                    print(f"re-append of {old} gave {again}, acked {acked[old]}", file=sys.stderr)
                    return 3
    return 0


def one(args: argparse.Namespace) -> int:
    with Journal.open(args.journal, durability="always") as j:
        print(j.append(metric(0, id=args.id, producer="child")))
    return 0


def create(args: argparse.Namespace) -> int:
    Path(f"{args.go}.{args.name}").touch()  # ready
    while not os.path.exists(args.go):
        time.sleep(0.0005)
    try:
        with Journal.open(args.journal, create=True) as j:
            print(j.append(metric(0, id=args.name, producer="child")))
    except Exception as exc:  # noqa: BLE001 - the parent shows it
        print(f"{type(exc).__name__}: {exc}")
    return 0


def feed(args: argparse.Namespace) -> int:
    with Journal.open(args.journal, durability="none", max_segment_bytes=args.segment_bytes) as j:
        for n in range(args.first, args.first + args.count):
            j.append(metric(n, pad=args.pad))
            time.sleep(args.sleep)
    return 0


def _die() -> None:
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def _patch_phase(where: str) -> None:
    """Make this process SIGKILL itself at one step of a roll (or mid-write)."""
    from tradejournal.store import journal as jmod
    from tradejournal.store.layout import Layout

    real_write = jmod.Journal._write
    real_fsync_dir = jmod.fsync_dir
    writes = [0]

    def fsync_dir(path: Path) -> None:
        real_fsync_dir(path)
        if path.name == "segments":
            _die()

    def write(self: jmod.Journal, blob: bytes) -> None:
        writes[0] += 1
        if where == "after-index" and self._cursor.offset == 0 and self._active > 1:
            _die()
        if where == "torn-write" and writes[0] == 3:
            os.write(self._fd, blob[: len(blob) // 2])
            _die()
        real_write(self, blob)

    if where == "before-seal":
        Layout.write_seal = lambda self, seal: _die()  # type: ignore[method-assign]
    elif where == "after-seal":
        jmod.make_read_only = lambda path: _die()  # type: ignore[assignment]
    elif where == "after-chmod":
        jmod.Journal._open_new_active = lambda self, first: _die()  # type: ignore[method-assign]
    elif where == "after-create":
        from tradejournal.store import recovery as rmod  # where _open_new_active lives

        rmod.fsync_dir = fsync_dir  # type: ignore[assignment]
    jmod.Journal._write = write  # type: ignore[method-assign]


def phase(args: argparse.Namespace) -> int:
    _patch_phase(args.phase)
    fd = _open_acks(Path(args.acks))
    with Journal.open(args.journal, durability="always", max_segment_bytes=args.segment_bytes) as j:
        for n in range(1000):
            batch = [metric(n * 10 + k, id=f"child:{n}:{k}", pad=50) for k in range(3)]
            _ack(fd, [e.id for e in batch], j.append_many(batch))
    print("no crash", file=sys.stderr)
    return 4


def fsize(args: argparse.Namespace) -> int:
    import resource
    import signal

    from tradejournal.store import StoreClosedError, WriteFailedError

    report: dict[str, object] = {"acked": []}
    fd = _open_acks(Path(args.acks))
    j = Journal.open(args.journal, durability="always", index_flush_events=args.index_flush)
    seq = j.append(metric(10_000, id="fsize:first", pad=1000))
    _ack(fd, ["fsize:first"], [seq])
    limit = active(Path(args.journal)).stat().st_size + args.slack
    report["limit"] = limit
    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    for n in range(10_001, 12_000):
        eid = f"fsize:{n}"
        try:
            seq = j.append(metric(n, id=eid, pad=args.pad))
        except WriteFailedError as exc:
            report["error"] = "WriteFailedError"
            report["message"] = str(exc)
            report["failed_id"] = eid
            break
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the test
            report["error"] = f"{type(exc).__module__}.{type(exc).__name__}: {exc}"
            report["failed_id"] = eid
            break
        _ack(fd, [eid], [seq])
        report["acked"].append(eid)  # type: ignore[union-attr]
    try:
        j.append(metric(20_000, id="fsize:after"))
        report["after"] = "appended"
    except StoreClosedError:
        report["after"] = "StoreClosedError"
    except Exception as exc:  # noqa: BLE001
        report["after"] = f"{type(exc).__name__}: {exc}"
    try:
        j.close()
        report["close"] = "ok"
    except Exception as exc:  # noqa: BLE001
        report["close"] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(report))
    return 0


def main() -> int:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    lp = sub.add_parser("loop")
    lp.add_argument("journal")
    lp.add_argument("name")
    lp.add_argument("acks")
    lp.add_argument("--count", type=int, default=0)
    lp.add_argument("--durability", default="always")
    lp.add_argument("--max-batch", type=int, default=8)
    lp.add_argument("--pad", type=int, default=0)
    lp.add_argument("--segment-bytes", type=int, default=64 * 1024 * 1024)
    lp.add_argument("--shared", type=int, default=0)
    lp.add_argument("--seed", default="0")
    lp.add_argument("--go", default="")
    lp.add_argument("--jitter", type=float, default=0.0)
    op = sub.add_parser("one")
    op.add_argument("journal")
    op.add_argument("id")
    cp = sub.add_parser("create")
    cp.add_argument("journal")
    cp.add_argument("go")
    cp.add_argument("name")
    fp = sub.add_parser("feed")
    fp.add_argument("journal")
    fp.add_argument("first", type=int)
    fp.add_argument("count", type=int)
    fp.add_argument("--sleep", type=float, default=0.01)
    fp.add_argument("--pad", type=int, default=0)
    fp.add_argument("--segment-bytes", type=int, default=64 * 1024 * 1024)
    pp = sub.add_parser("phase")
    pp.add_argument("journal")
    pp.add_argument("acks")
    pp.add_argument("phase")
    pp.add_argument("--segment-bytes", type=int, default=3000)
    sp = sub.add_parser("fsize")
    sp.add_argument("journal")
    sp.add_argument("acks")
    sp.add_argument("slack", type=int)
    sp.add_argument("--pad", type=int, default=1000, help="bytes of padding per event")
    sp.add_argument("--index-flush", type=int, default=256, help="index_flush_events")
    args = p.parse_args()
    modes = {"loop": loop, "one": one, "create": create, "feed": feed, "phase": phase}
    modes["fsize"] = fsize
    return modes[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
