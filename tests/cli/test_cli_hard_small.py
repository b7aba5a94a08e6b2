"""Issue 12, the small but visible items: each reproduced, then fixed.

Control characters reached the terminal in ``sql`` tables; markdown broke on newlines;
``journal.json`` with an unknown format was accepted and a missing one gave contradicting advice;
UTF-16 or pretty-printed JSON got one error per line with no hint; ``PIVOT`` was refused as
"MULTI" and ``INSTALL`` as "LOAD".
"""

from __future__ import annotations

import json
from pathlib import Path

from cli_testlib import EVENTS, jsonl, make_journal, run

NASTY = {"type": "bot.started", "id": "t:nasty", "ts": "2026-03-02T06:00:00Z",
         "producer": "telegram", "version": "1.0\x1b[31mRED\x1b[0m\nline2\r\u202eevil|x"}  # fmt: skip


def test_control_characters_never_reach_the_terminal_in_tables(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", [NASTY])
    query = "SELECT version FROM events WHERE id = 't:nasty'"

    table = run(journal, "sql", query)
    markdown = run(journal, "sql", query, "--format", "markdown")
    csv = run(journal, "sql", query, "--format", "csv")
    tail = run(journal, "tail", "--format", "table")

    for out in (table.stdout, markdown.stdout, tail.stdout):
        assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert "1.0\\x1b[31mRED\\x1b[0m\\nline2\\r\\u202eevil" in table.stdout
    assert (
        markdown.stdout.splitlines()[2] == "| 1.0\\x1b[31mRED\\x1b[0m\\nline2\\r\\u202eevil\\|x |"
    )
    assert "\x1b[31m" in csv.stdout  # data formats keep the value as it is


def test_a_journal_of_an_unknown_format_is_refused(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    (journal / "journal.json").write_text(json.dumps({"format": 99}))

    for args in (["verify"], ["tail"], ["append"], ["sql", "SELECT 1"]):
        result = run(journal, *args, input=jsonl(EVENTS[:1]))
        assert result.exit_code == 1, (args, result.output)
        assert "says format 99; this version of tradejournal reads format 1" in result.stderr


def test_a_missing_marker_gets_advice_that_works(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    (journal / "journal.json").unlink()

    result = run(journal, "verify")
    init = run(journal, "init")

    assert result.exit_code == 1
    assert "has segments/ but no journal.json" in result.stderr
    assert "tradejournal init" not in result.stderr  # init refuses a non-empty directory
    assert init.exit_code == 1
    (journal / "journal.json").write_text('{"format": 1}')  # what the message says to do
    assert run(journal, "verify").exit_code == 0


def test_utf16_input_gets_one_clear_error(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", [])

    result = run(journal, "append", input=jsonl(EVENTS).encode("utf-16"))

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "UTF-16" in result.stderr and "input must be UTF-8 JSON Lines" in result.stderr


def test_pretty_printed_json_gets_the_hint(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", [])

    result = run(journal, "append", input=json.dumps(EVENTS[0], indent=2) + "\n")

    assert result.exit_code == 2
    assert result.stderr.rstrip().endswith("`jq -c .`)")
    assert "input must be UTF-8 JSON Lines: one complete JSON object per line" in result.stderr


def test_refused_statements_are_named_as_written(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")

    pivot = run(journal, "sql", "PIVOT deals ON symbol USING sum(volume)")
    install = run(journal, "sql", "/* x */ INSTALL httpfs")
    listed = run(journal, "sql", "SELECT * FROM (PIVOT deals ON side IN ('buy', 'sell') "
                 "USING sum(volume) GROUP BY symbol)", "--format", "csv")  # fmt: skip

    assert "PIVOT statements are refused" in pivot.stderr and "MULTI" not in pivot.stderr
    assert "INSTALL statements are refused" in install.stderr and "LOAD" not in install.stderr
    assert listed.stdout == "symbol,buy,sell\nEURUSD,0.1,0.1\n"


def _wide_result(journal: Path, columns: str) -> str:
    runner_env = {"COLUMNS": columns}
    from click.testing import CliRunner

    from tradejournal.cli.main import cli

    result = CliRunner(env={"NO_COLOR": "1", "TRADEJOURNAL_HOME": None, **runner_env}).invoke(
        cli, ["--journal", str(journal), "sql", "SELECT * FROM deals ORDER BY seq"]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_wide_table_falls_back_to_records_and_never_cuts_a_number(tmp_path: Path) -> None:
    """Issue 12 item 11: ``SELECT * FROM trades`` printed an empty grid; numbers were cut."""
    journal = make_journal(tmp_path / "j")

    narrow = _wide_result(journal, "60")
    wide = _wide_result(journal, "1000")

    assert "…" not in narrow and "…" not in wide
    assert narrow.startswith("-[ row 1 ]")
    assert "price           1.085\n" in narrow and "net             39.65\n" in narrow
    assert wide.splitlines()[0].startswith("┏")  # fits: a table
    assert "39.65" in wide


def test_not_a_journal_reads_the_same_everywhere(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    expected = f"Error: no journal at {missing} (create one with `tradejournal init`)\n"

    for args in (["verify"], ["tail"], ["sql", "SELECT 1"], ["rebuild"], ["trades"]):
        result = run(missing, *args)
        assert (result.exit_code, result.stderr) == (1, expected), args


def test_journal_is_accepted_after_the_subcommand(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    from click.testing import CliRunner

    from tradejournal.cli.main import cli

    runner = CliRunner(env={"TRADEJOURNAL_HOME": None})
    after = runner.invoke(cli, ["verify", "--journal", str(journal)])
    after_eq = runner.invoke(cli, ["tail", "-n", "1", f"--journal={journal}"])

    assert after.exit_code == 0 and after.stdout.startswith("ok: 6 events")
    assert after_eq.exit_code == 0 and '"id":"t:msg:1"' in after_eq.stdout


def test_timestamps_of_year_1_or_9999_are_refused(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")

    for value in ("0001-01-01", "9999-12-31T00:00:00Z"):
        result = run(journal, "tail", "--since", value)
        assert result.exit_code == 2
        assert "the year must be between 1970 and 2100" in result.stderr
