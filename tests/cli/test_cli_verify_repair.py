"""``tradejournal verify`` and ``repair``: every problem located; only a torn tail is ever cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_testlib import EVENTS, SEGMENT, jsonl, make_journal, run, segment


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return make_journal(tmp_path / "j")


def _line_offset(data: bytes, line: int) -> int:
    return sum(len(x) + 1 for x in data.split(b"\n")[: line - 1])


def test_verify_a_clean_journal(journal: Path) -> None:
    result = run(journal, "verify")

    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "ok: 6 events in 1 segment, last seq 6\n",
        "",
    )


def test_verify_an_empty_journal(tmp_path: Path) -> None:
    result = run(make_journal(tmp_path / "j", []), "verify")

    assert (result.exit_code, result.stdout) == (0, "ok: 0 events in 1 segment, last seq 0\n")


def test_verify_locates_a_corrupt_middle_line(journal: Path) -> None:
    path = segment(journal)
    data = path.read_bytes()
    offset = _line_offset(data, 3)
    path.write_bytes(
        data.replace(b'"symbol":"EURUSD","side":"buy"', b'"symbol":"EURUSD","side":"BUY"')
    )

    result = run(journal, "verify")

    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"{SEGMENT}:3:{offset}: crc mismatch: line says ")
    assert result.stderr == (
        "Error: 1 problem in 1 segment (6 lines checked)\nto cut the log at the first problem: "
        f"`tradejournal repair --truncate-at {SEGMENT}:{offset}` moves that line and everything "
        "after it to quarantine/ (append the good events again from there), or restore the "
        "segment from a backup\n"
    )


def test_a_corrupt_middle_line_is_not_repaired_and_blocks_writes(journal: Path) -> None:
    path = segment(journal)
    data = path.read_bytes()
    path.write_bytes(data.replace(b'"version":"1.4.2"', b'"version":"1.4.3"'))
    offset = _line_offset(data, 1)

    repaired = run(journal, "repair", "--truncate-tail")
    appended = run(journal, "append", input=jsonl([dict(EVENTS[0], id="new")]))

    assert repaired.exit_code == appended.exit_code == 1
    where = f"Error: {SEGMENT}:1:{offset}: crc mismatch"
    assert repaired.stderr.startswith(where)
    assert "this is not a torn tail, so --truncate-tail will not cut it" in repaired.stderr
    assert appended.stderr.startswith(where)
    assert f"`tradejournal repair --truncate-at {SEGMENT}:{offset}`" in appended.stderr
    assert path.read_bytes() == data.replace(b'"version":"1.4.2"', b'"version":"1.4.3"')


def test_repair_cuts_a_torn_tail_to_quarantine(journal: Path) -> None:
    # Arrange: a writer died mid-line
    path = segment(journal)
    good = path.read_bytes()
    torn = b'{"type":"deal.filled","seq":7,"id":"t:de'
    path.write_bytes(good + torn)

    # Act
    verified = run(journal, "verify")
    repaired = run(journal, "repair", "--truncate-tail")
    again = run(journal, "repair", "--truncate-tail")

    # Assert
    assert verified.exit_code == 1
    assert verified.stdout == (
        f"{SEGMENT}:7:{len(good)}: torn tail: {len(torn)} bytes without a newline "
        "(run `tradejournal repair --truncate-tail`)\n"
    )
    (quarantined,) = (journal / "quarantine").iterdir()
    assert repaired.exit_code == 0
    assert repaired.stdout == (
        f"cut torn tail of {SEGMENT} at line 7, offset {len(good)} "
        f"({len(torn)} bytes: partial line without a newline); kept in {quarantined}\n"
    )
    assert repaired.stderr == ""
    assert quarantined.read_bytes() == torn
    assert path.read_bytes() == good
    assert (again.exit_code, again.stdout) == (0, "nothing to repair\n")
    assert run(journal, "verify").stdout == "ok: 6 events in 1 segment, last seq 6\n"


def test_repair_with_reindex_rebuilds_the_id_index(journal: Path) -> None:
    result = run(journal, "repair", "--truncate-tail", "--reindex")

    assert (result.exit_code, result.stdout) == (
        0,
        "rebuilt the id index from the log (6 events)\n",
    )
    again = run(journal, "append", input=jsonl(EVENTS))
    assert again.stdout == "appended 0 events, 6 duplicates skipped\n"


def test_repair_needs_the_explicit_flag(journal: Path) -> None:
    result = run(journal, "repair")

    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: repair changes the journal only when asked: pass --truncate-tail, "
        "--truncate-at SEGMENT:OFFSET or --reindex\n"
    )


def test_append_after_a_torn_tail_recovers_and_says_so(journal: Path) -> None:
    path = segment(journal)
    path.write_bytes(path.read_bytes() + b'{"type":')

    result = run(journal, "append", input=jsonl([dict(EVENTS[0], id="after-crash")]))

    assert result.exit_code == 0, result.output
    assert result.stdout == "appended 1 event (seq 7..7), 0 duplicates skipped\n"
    assert result.stderr.startswith(f"warning: {journal}: cut torn tail of {SEGMENT} at line 7")
