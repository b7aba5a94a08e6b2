"""Issue 12 items 6 and 7: the projections load only intact lines, and notice a changed log.

Before: DuckDB read segment files raw, so a line failing its CRC was loaded as if good; and after
``repair --reindex`` accepted a shorter log and new events reused seqs, the projections kept the
old events (``rebuild`` said nothing was new).
"""

from __future__ import annotations

import os
from pathlib import Path

from cli_testlib import EVENTS, jsonl, make_journal, run, segment

from tradejournal.events import BotStarted
from tradejournal.store import Journal

NEW = [
    {"type": "bot.started", "id": f"new:{i}", "ts": "2026-03-03T06:00:00Z", "producer": "telegram",
     "version": f"2.0.{i}"}
    for i in range(3)
]  # fmt: skip


def _ids(journal: Path) -> list[str]:
    result = run(journal, "sql", "SELECT id FROM events ORDER BY seq", "--format", "csv")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[1:]


def test_a_line_failing_its_crc_is_not_loaded(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    seg = segment(journal)
    data = seg.read_bytes()
    offset = data.index(b'{"type":"account.snapshot"')
    seg.write_bytes(data.replace(b'"currency":"USD"', b'"currency":"USX"'))

    result = run(journal, "sql", "SELECT count(*) FROM events")

    assert result.exit_code == 1
    assert f"{seg.name}:4:{offset}: crc mismatch" in result.stderr
    assert "tradejournal verify" in result.stderr
    assert "Traceback" not in result.output


def test_a_bad_line_after_the_load_cursor_is_not_loaded(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    assert _ids(journal)[-1] == "t:msg:1"  # loaded up to here: the next load starts mid-file
    assert run(journal, "append", input=jsonl(NEW)).exit_code == 0
    seg = segment(journal)
    data = seg.read_bytes()
    offset = data.index(b'"id":"new:1"')
    offset = data.rindex(b"\n", 0, offset) + 1
    seg.write_bytes(data.replace(b'"version":"2.0.1"', b'"version":"2.0.9"'))

    result = run(journal, "sql", "SELECT count(*) FROM events")

    assert result.exit_code == 1
    assert f"{seg.name}:8:{offset}: crc mismatch" in result.stderr
    assert run(journal, "verify").exit_code == 1  # verify agrees


def test_a_changed_sealed_segment_is_not_loaded(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True, max_segment_bytes=400) as j:
        for i in range(6):
            j.append(BotStarted(id=f"b:{i}", ts=j._clock(), producer="t", version="abcdef"))  # type: ignore[attr-defined]
    first = root / "segments" / "00000000000000000001.jsonl"
    assert (root / "segments" / "00000000000000000001.seal").exists()
    os.chmod(first, 0o644)
    first.write_bytes(first.read_bytes().replace(b"abcdef", b"abcdeg", 1))

    result = run(root, "sql", "SELECT count(*) FROM events")

    assert result.exit_code == 1
    assert "00000000000000000001.jsonl" in result.stderr
    assert "seal" in result.stderr


def test_projections_rebuild_when_the_log_was_cut_and_seqs_reused(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    assert _ids(journal) == [e["id"] for e in EVENTS]
    seg = segment(journal)
    lines = seg.read_bytes().splitlines(keepends=True)
    seg.write_bytes(b"".join(lines[:4]))  # e.g. restored from an older backup
    assert run(journal, "repair", "--truncate-tail", "--reindex").exit_code == 0
    assert run(journal, "append", input=jsonl(NEW)).exit_code == 0  # seqs 5, 6, 7 again

    ids = _ids(journal)

    assert ids == [e["id"] for e in EVENTS[:4]] + ["new:0", "new:1", "new:2"]


def test_projections_rebuild_when_the_log_was_cut_without_new_events(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    assert len(_ids(journal)) == 6
    seg = segment(journal)
    seg.write_bytes(b"".join(seg.read_bytes().splitlines(keepends=True)[:4]))
    assert run(journal, "repair", "--truncate-tail", "--reindex").exit_code == 0

    assert _ids(journal) == [e["id"] for e in EVENTS[:4]]


def test_append_refuses_an_id_reused_for_other_content(tmp_path: Path) -> None:
    """Issue 12 item 5 through the CLI: exit 2, both events named, nothing written."""
    journal = make_journal(tmp_path / "j")
    changed = {**EVENTS[2], "volume": 0.2}

    in_journal = run(journal, "append", input=jsonl([NEW[0], changed]))
    in_batch = run(journal, "append", input=jsonl([NEW[0], {**NEW[0], "version": "9"}]))
    same = run(journal, "append", input=jsonl(EVENTS))

    assert in_journal.exit_code == 2
    assert "id 't:deal:1001': event 2 of 2 has different content than the event at seq 3" in (
        in_journal.stderr
    )
    assert "(differs in volume)" in in_journal.stderr
    assert in_batch.exit_code == 2
    assert "event 2 of 2 has different content than event 1 of 2" in in_batch.stderr
    assert (same.exit_code, same.stdout) == (0, "appended 0 events, 6 duplicates skipped\n")
    assert len(_ids(journal)) == 6
