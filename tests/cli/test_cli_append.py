"""``tradejournal init`` and ``append``: create once, append JSON lines all or nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from cli_testlib import EVENTS, jsonl, make_journal, run, segment

from tradejournal.events import DealFilled
from tradejournal.store import read_events


def test_init_creates_a_journal_once(tmp_path: Path) -> None:
    journal = tmp_path / "j"

    first = run(journal, "init")
    second = run(journal, "init")

    assert (first.exit_code, first.stdout, first.stderr) == (
        0,
        f"created journal at {journal}\n",
        "",
    )
    assert second.exit_code == 1
    assert second.stdout == ""
    assert second.stderr == f"Error: a journal already exists at {journal}\n"


def test_append_from_a_file(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", [])
    source = tmp_path / "events.jsonl"
    source.write_text(jsonl(EVENTS))

    result = run(journal, "append", str(source))

    assert (result.exit_code, result.stdout) == (
        0,
        "appended 6 events (seq 1..6), 0 duplicates skipped\n",
    )
    assert [e.id for e in read_events(journal)] == [e["id"] for e in EVENTS]


def test_append_from_stdin_keeps_exact_decimals_and_defaults_producer(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", [])
    line = {k: v for k, v in EVENTS[2].items() if k not in ("producer", "id")}

    result = run(journal, "append", "-", input=jsonl([line]).replace("1.085", "1.08500"))

    assert result.exit_code == 0, result.output
    assert result.stdout == "appended 1 event (seq 1..1), 0 duplicates skipped\n"
    (deal,) = read_events(journal)
    assert isinstance(deal, DealFilled)
    assert (deal.producer, deal.price, str(deal.price)) == ("cli", Decimal("1.085"), "1.08500")
    assert deal.id  # generated
    assert b'"price":1.08500,' in segment(journal).read_bytes()


def test_append_ignores_the_store_owned_envelope_fields(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", [])
    line = dict(EVENTS[0], seq=77, crc=123, recorded_ts="2001-01-01T00:00:00Z")

    result = run(journal, "append", input=jsonl([line]))

    assert result.exit_code == 0, result.output
    (event,) = read_events(journal)
    assert event.seq == 1
    assert event.recorded_ts is not None and event.recorded_ts.year > 2001


def test_a_bad_line_writes_nothing_and_names_line_field_and_reason(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", EVENTS[:1])
    before = segment(journal).read_bytes()
    bad = dict(EVENTS[2], volume=0)
    lines = jsonl([EVENTS[1]]) + "\n" + jsonl([bad, EVENTS[3]])  # line 2 is blank

    result = run(journal, "append", input=lines)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "line 3: volume: must be > 0, was 0\n"
    assert segment(journal).read_bytes() == before


def test_every_bad_line_is_reported(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", [])
    lines = [
        json.dumps(EVENTS[0]),
        "{not json",
        "[1, 2]",
        json.dumps({"ts": "2026-03-02T06:00:00Z"}),
        json.dumps(dict(EVENTS[0], type="bot.exploded")),
        json.dumps(dict(EVENTS[0], ts="2026-03-02T06:00:00")),
        json.dumps(dict(EVENTS[0], colour="red")),
    ]

    result = run(journal, "append", input="\n".join(lines) + "\n")

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "line 2: not valid JSON: JSON is malformed: object keys must be strings (byte 1)",
        "line 3: expected a JSON object, found an array",
        "line 4: type: Object missing required field `type`",
        "line 5: type: Invalid value 'bot.exploded'",
        "line 6: ts: Expected `datetime` with a timezone component",
        "line 7: colour: Object contains unknown field `colour`",
    ]
    assert list(read_events(journal)) == []


def test_duplicate_ids_are_skipped_and_counted(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", EVENTS[:4])
    again = EVENTS[2:] + [EVENTS[5]]  # 2 already in the log, 2 new, 1 repeated in the batch

    result = run(journal, "append", input=jsonl(again))

    assert result.exit_code == 0, result.output
    assert result.stdout == "appended 2 events (seq 5..6), 3 duplicates skipped\n"
    assert [e.seq for e in read_events(journal)] == [1, 2, 3, 4, 5, 6]


def test_blank_input_appends_nothing(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", [])

    result = run(journal, "append", "--durability", "none", input="\n  \n")

    assert (result.exit_code, result.stdout) == (0, "appended 0 events, 0 duplicates skipped\n")


def test_append_to_a_missing_journal_is_an_error(tmp_path: Path) -> None:
    result = run(tmp_path / "nowhere", "append", input=jsonl(EVENTS[:1]))

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no journal at {tmp_path / 'nowhere'} (create one with `tradejournal init`)\n"
    )


def test_journal_defaults_to_the_environment_variable(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tradejournal.cli.main import cli

    home = tmp_path / "home-journal"
    runner = CliRunner(env={"TRADEJOURNAL_HOME": str(home)})

    result = runner.invoke(cli, ["init"], catch_exceptions=False)

    assert result.stdout == f"created journal at {home}\n"
