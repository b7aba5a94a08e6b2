"""The cheap "nothing new" check: a read on current projections skips the engine; any change to
the journal's files or to the code makes the next read take the full check and catch up."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

from proj_helpers import write
from proj_scenario import two_accounts

from tradejournal import projections as P
from tradejournal.projections import _files, _reader


def _count(jd: Path) -> int:
    return int(P.query(jd, "SELECT count(*) FROM events")[1][0][0])


def _fast(jd: Path, sql_dir: Path | None = None) -> bool:
    con = _reader.open_if_current(jd, sql_dir)
    if con is None:
        return False
    _files.release(con)
    return True


def test_a_current_read_loads_neither_engine_nor_store_nor_events(tmp_path: Path) -> None:
    jd = tmp_path / "j"
    events = two_accounts()
    write(jd, events)
    P.catch_up(jd)
    call = f"query({str(jd)!r}, 'SELECT count(*) FROM events')[1][0][0]"
    assert _in_fresh_process(call, "tradejournal.projections.engine") == (str(len(events)), [])


def test_a_catch_up_with_nothing_new_loads_neither_store_nor_events(tmp_path: Path) -> None:
    jd = tmp_path / "j"
    events = two_accounts()
    write(jd, events)
    P.catch_up(jd)
    call = f"catch_up({str(jd)!r}).last_seq"
    assert _in_fresh_process(call, "tradejournal.projections._build") == (str(len(events)), [])


def test_new_events_are_seen_by_the_next_read(tmp_path: Path) -> None:
    jd = tmp_path / "j"
    events = two_accounts()
    write(jd, events[:20])
    assert _count(jd) == 20
    assert _fast(jd)
    write(jd, events[20:30])
    assert not _fast(jd)
    assert _count(jd) == 30  # caught up by the read
    assert _fast(jd)


def test_a_rewritten_segment_is_not_trusted(tmp_path: Path) -> None:
    jd = tmp_path / "j"
    write(jd, two_accounts()[:25])
    assert _count(jd) == 25 and _fast(jd)
    seg = next((jd / "segments").glob("*.jsonl"))
    copy = tmp_path / "copy.jsonl"
    shutil.copy2(seg, copy)
    os.replace(copy, seg)  # same bytes, another file: the full check decides
    assert not _fast(jd)
    assert _count(jd) == 25
    assert _fast(jd)  # that read found them current and recorded it again


def test_changed_code_takes_the_full_check(tmp_path: Path) -> None:
    jd = tmp_path / "j"
    write(jd, two_accounts()[:25])
    sql_dir = tmp_path / "sql"
    shutil.copytree(str(files("tradejournal.projections") / "sql"), sql_dir)
    P.catch_up(jd, sql_dir=sql_dir)
    assert _fast(jd, sql_dir) and not _fast(jd)  # the key names the SQL files used
    trades = sql_dir / "100_trades.sql"
    trades.write_text(trades.read_text() + "\n-- changed\n")
    assert not _fast(jd, sql_dir)
    assert P.catch_up(jd, sql_dir=sql_dir).events_loaded == 0
    assert _fast(jd, sql_dir)


def _in_fresh_process(call: str, builder: str) -> tuple[str, list[str]]:
    """Run ``call`` (on ``tradejournal.projections``) in a new interpreter; return what it
    printed and which of the heavy modules (the builder, the store, the event types) it loaded."""
    code = (
        "import sys\n"
        f"from tradejournal.projections import {call.split('(')[0]}\n"
        f"print({call})\n"
        f"print([m for m in ({builder!r}, 'tradejournal.store', 'tradejournal.events', 'msgspec')"
        " if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    return out[0], eval(out[1])  # noqa: S307 - a list literal printed by the child
