"""Issue 12 item 9: every recovery message names a command that works on that state.

Before: ``verify`` recommended ``repair --truncate-tail``, which refused; ``append`` recommended
``repair --reindex``, a usage error; "move the damaged segment aside" left the journal unwritable.
Each test follows the advice printed, literally, and checks that the journal works afterwards.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from cli_testlib import EVENTS, jsonl, make_journal, run, segment

from tradejournal.events import BotStarted
from tradejournal.store import Journal

MORE = [{"type": "bot.started", "id": f"more:{i}", "ts": "2026-03-03T06:00:00Z",
         "producer": "telegram", "version": "2"} for i in range(2)]  # fmt: skip


def _advised(text: str, command: str = "repair") -> list[str]:
    """The first `tradejournal repair ...` command quoted in a message, as arguments."""
    m = re.search(rf"`tradejournal ({command}[^`]*)`", text)
    assert m, text
    return shlex.split(m.group(1))


def _damage_middle_line(journal: Path) -> tuple[Path, int]:
    seg = segment(journal)
    data = seg.read_bytes()
    offset = data.index(b'{"type":"account.snapshot"')
    seg.write_bytes(data.replace(b'"currency":"USD"', b'"currency":"USX"'))
    return seg, offset


def test_append_on_mid_file_damage_advises_truncate_at_which_works(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    seg, offset = _damage_middle_line(journal)

    refused = run(journal, "append", input=jsonl(MORE))
    assert refused.exit_code == 1
    args = _advised(refused.stderr)
    assert args == ["repair", "--truncate-at", f"{seg.name}:{offset}"]

    repaired = run(journal, *args)

    assert repaired.exit_code == 0, repaired.output
    assert "moved" in repaired.stdout and "from seq 4 on" in repaired.stdout
    assert run(journal, "verify").exit_code == 0
    assert run(journal, "append", input=jsonl(MORE)).stdout.startswith("appended 2 events (seq 4")
    kept = list((journal / "quarantine").glob("*.cut"))
    assert len(kept) == 1 and b'"currency":"USX"' in kept[0].read_bytes()


def test_verify_advice_works_on_mid_file_damage(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    _damage_middle_line(journal)

    report = run(journal, "verify")

    assert report.exit_code == 1
    repaired = run(journal, *_advised(report.stderr))
    assert repaired.exit_code == 0, repaired.output
    assert run(journal, "verify").exit_code == 0


def test_repair_truncate_tail_on_mid_file_damage_names_what_works(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    _damage_middle_line(journal)

    refused = run(journal, "repair", "--truncate-tail")

    assert refused.exit_code == 1
    assert run(journal, *_advised(refused.stderr.split("will not cut it")[1])).exit_code == 0
    assert run(journal, "verify").exit_code == 0


def test_a_torn_tail_in_a_sealed_segment_gets_advice_that_works(tmp_path: Path) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True, max_segment_bytes=400) as j:
        for i in range(6):
            j.append(BotStarted(id=f"b:{i}", ts=j._clock(), producer="t", version="v"))  # type: ignore[attr-defined]
    first = root / "segments" / "00000000000000000001.jsonl"
    os.chmod(first, 0o644)
    first.write_bytes(first.read_bytes()[:-5])  # the sealed segment lost its end

    report = run(root, "verify")
    args = _advised(report.stdout + report.stderr)

    assert "--truncate-tail" not in args
    assert run(root, *args).exit_code == 0
    assert run(root, "verify").exit_code == 0
    assert run(root, "append", input=jsonl(MORE)).exit_code == 0


def test_repair_reindex_alone_works(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")

    result = run(journal, "repair", "--reindex")

    assert result.exit_code == 0, result.output
    assert "rebuilt the id index from the log (6 events)" in result.stdout
    assert run(journal, "append", input=jsonl(EVENTS)).stdout.endswith("6 duplicates skipped\n")


def test_truncate_at_refuses_an_offset_inside_a_line(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    before = segment(journal).read_bytes()

    inside = run(journal, "repair", "--truncate-at", "00000000000000000001.jsonl:5")
    garbage = run(journal, "repair", "--truncate-at", "nonsense")

    assert inside.exit_code == 1 and "not the start of a line" in inside.stderr
    assert garbage.exit_code == 2 and "SEGMENT:OFFSET" in garbage.stderr
    assert segment(journal).read_bytes() == before
