"""Store benchmarks (issue: foundation), all in one run, reported as ratios.

1. durable single appends (``always``) vs a raw ``write`` + ``fdatasync`` loop of the same lines;
2. batched appends (``append_many``, 1,000 per batch, ``batch`` durability) in events/s;
3. the bot's old pattern: ``sqlite3`` connect / insert / commit / close per event;
4. opening a 1,000,000-event journal, against the same open checking the active segment line by
   line (and rebuilding its id index from scratch).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from tradejournal.events import encode_event
from tradejournal.store import Journal

from .mix import batches, realistic_events


def bench_durable(root: Path, n: int) -> dict[str, float]:
    """Time n single durable appends against the raw fsync loop and sqlite-per-event."""
    events = list(realistic_events(n))
    jdir = root / "durable"
    segment = jdir / "segments" / "00000000000000000001.jsonl"
    fd = os.open(root / "raw.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    journal_s = raw_s = 0.0
    done = 0  # bytes of the segment replayed by the raw loop
    with Journal.open(jdir, durability="always", create=True) as j:
        for k in range(0, n, 100):  # alternate chunks: load on the machine hits both alike
            t = time.perf_counter()
            for event in events[k : k + 100]:
                j.append(event)
            journal_s += time.perf_counter() - t
            with open(segment, "rb") as f:  # the very lines the journal wrote
                f.seek(done)
                lines = f.read().splitlines(True)
            done += sum(len(line) for line in lines)
            t = time.perf_counter()
            for line in lines:
                os.write(fd, line)
                os.fdatasync(fd)
            raw_s += time.perf_counter() - t
    os.close(fd)
    db = root / "old-bot.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE events (id TEXT PRIMARY KEY, body TEXT)")
    con.commit()
    con.close()
    bodies = [(e.id, encode_event(e).decode()) for e in events]
    t = time.perf_counter()
    for row in bodies:
        con = sqlite3.connect(db)
        con.execute("INSERT INTO events VALUES (?, ?)", row)
        con.commit()
        con.close()
    sqlite_s = time.perf_counter() - t
    return {"n": n, "journal": n / journal_s, "raw": n / raw_s, "sqlite": n / sqlite_s}


def bench_batched(root: Path, n: int, size: int = 1000) -> dict[str, float]:
    """Time append_many of n events in batches of ``size`` (group commit per batch) against a
    raw loop over the same events: msgspec-encode each, one ``write`` + ``fdatasync`` per batch.
    The two alternate batch by batch so load on the machine hits both alike."""
    all_batches = list(batches(n, size))
    fd = os.open(root / "raw-batched.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    journal_s = raw_s = 0.0
    with Journal.open(root / "batched", durability="batch", create=True) as j:
        for batch in all_batches:
            t = time.perf_counter()
            j.append_many(batch)
            t2 = time.perf_counter()
            os.write(fd, b"".join([encode_event(e) + b"\n" for e in batch]))
            os.fdatasync(fd)
            raw_s += time.perf_counter() - t2
            journal_s += t2 - t
    os.close(fd)
    return {"n": n, "size": size, "rate": n / journal_s, "raw": n / raw_s}


def bench_open(root: Path, n: int) -> dict[str, float]:
    """Build an n-event journal, then time open+close (warm) and an index rebuild.

    Opens with the head's CRC (one ``crc32`` over the active segment's acknowledged bytes)
    alternate with opens whose CRC was cleared first, as an index written before the CRC: those
    check every line of the active segment, as every open did before, and record the CRC again.
    """
    jdir = root / "big"
    t = time.perf_counter()
    with Journal.open(jdir, durability="none", create=True) as j:
        for batch in batches(n, 10_000):
            j.append_many(batch)
    build_s = time.perf_counter() - t
    Journal.open(jdir).close()
    times, scans = [], []
    for _ in range(5):
        t = time.perf_counter()
        Journal.open(jdir).close()
        times.append(time.perf_counter() - t)
        con = sqlite3.connect(jdir / "index.sqlite")
        con.execute("UPDATE head SET crc = NULL")
        con.commit()
        con.close()
        t = time.perf_counter()
        Journal.open(jdir).close()
        scans.append(time.perf_counter() - t)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{jdir / 'index.sqlite'}{suffix}").unlink(missing_ok=True)
    t = time.perf_counter()
    Journal.open(jdir).close()
    reindex_s = time.perf_counter() - t
    segs = sorted((jdir / "segments").glob("*.jsonl"))
    return {
        "n": n,
        "build_rate": n / build_s,
        "open_median": statistics.median(times),
        "scan_median": statistics.median(scans),
        "reindex": reindex_s,
        "bytes": sum(p.stat().st_size for p in segs),
        "active_bytes": segs[-1].stat().st_size,
        "segments": len(segs),
    }


def run(
    workdir: Path | None = None,
    n_durable: int = 2000,
    n_batch: int = 200_000,
    n_open: int = 1_000_000,
) -> str:
    """Run every store benchmark and return a markdown report."""
    root = Path(tempfile.mkdtemp(prefix="tj-bench-", dir=workdir))
    try:
        d = bench_durable(root, n_durable)
        b = bench_batched(root, n_batch)
        o = bench_open(root, n_open)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rows = [
        "| measure | result | baseline (same run) | ratio |",
        "|---|---|---|---|",
        f"| durable single appends (`always`), {d['n']:,} events | {d['journal']:,.0f} ev/s "
        f"| raw `write`+`fdatasync` loop: {d['raw']:,.0f} ev/s "
        f"| {d['journal'] / d['raw']:.2f}× (goal ≥ 0.8×) |",
        f"| old bot pattern: sqlite3 connect/insert/commit/close per event | "
        f"{d['sqlite']:,.0f} ev/s | journal `always`: {d['journal']:,.0f} ev/s "
        f"| journal is {d['journal'] / d['sqlite']:.1f}× faster |",
        f"| batched appends (`append_many` ×{b['size']}, `batch`), {b['n']:,} events | "
        f"{b['rate']:,.0f} ev/s | raw loop (msgspec-encode + `write` + `fdatasync` per "
        f"{b['size']:,}): {b['raw']:,.0f} ev/s | {b['rate'] / b['raw']:.2f}× (goal ≥ 0.5×) |",
        f"| open a {o['n']:,}-event journal ({o['bytes'] / 2**20:,.0f} MiB in {o['segments']} "
        f"segments, the active one {o['active_bytes'] / 2**20:,.0f} MiB), median of 5 | "
        f"{o['open_median'] * 1000:.1f} ms (goal < 100 ms) | the same open checking the "
        f"active segment line by line (its CRC cleared): {o['scan_median'] * 1000:.1f} ms "
        f"| {o['open_median'] / o['scan_median']:.2f}× |",
        f"| open after deleting `index.sqlite` (full id-index rebuild) | {o['reindex']:.1f} s | | |",
        f"| building that journal (generating the demo mix + `append_many` ×10,000, `none`) | {o['build_rate']:,.0f} ev/s "
        "| | |",
    ]
    return "\n".join(rows)
