"""``tradejournal rebuild [--full]``: catch up or rebuild the projections, with a closing line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_testlib import demo_journal, run

from tradejournal.cli import output

LINE = re.compile(
    r"(?P<verb>rebuilt|caught up) (?P<n>\d+) (new )?events? in (?P<s>\d+\.\d\d) s "
    r"\((?P<rate>[\d,]+) events/s\); projections at seq (?P<seq>\d+)\n"
)


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_journal(tmp_path_factory.mktemp("rebuild") / "demo-journal")


def _line(journal: Path, *args: str) -> re.Match[str]:
    result = run(journal, "rebuild", *args)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    match = LINE.fullmatch(result.stdout)
    assert match, result.stdout
    return match


def test_a_first_catch_up_loads_every_event(journal: Path) -> None:
    first = _line(journal)

    assert (first["verb"], first["n"], first["seq"]) == ("caught up", "528", "528")
    assert int(first["rate"].replace(",", "")) > 0


def test_catching_up_again_loads_nothing(journal: Path) -> None:
    _line(journal)

    again = _line(journal)

    assert again.group("verb", "n", "rate", "seq") == ("caught up", "0", "0", "528")


def test_full_rebuild_reloads_every_event_and_reads_are_unchanged(journal: Path) -> None:
    before = run(journal, "trades", "--format", "csv").stdout

    full = _line(journal, "--full")

    assert full.group("verb", "n", "seq") == ("rebuilt", "528", "528")
    assert full.string.startswith("rebuilt 528 events in ")
    assert run(journal, "trades", "--format", "csv").stdout == before


def test_a_catch_up_after_an_append_loads_only_the_new_event(tmp_path: Path) -> None:
    journal = demo_journal(tmp_path / "j")
    _line(journal)
    run(journal, "append", input='{"type": "bot.stopped", "ts": "2026-03-02T23:59:00Z"}\n')

    one = _line(journal)

    assert one.string.startswith("caught up 1 new event in ")
    assert one["seq"] == "529"


def test_a_directory_that_is_not_a_journal_is_an_error(tmp_path: Path) -> None:
    result = run(tmp_path / "nope", "rebuild")

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no journal at {tmp_path / 'nope'} (create one with `tradejournal init`)\n"
    )


def test_the_stage_progress_bar_takes_the_librarys_callbacks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with output.stage_progress(enabled=True) as progress:
        for stage, total in (("load", 2), ("sql", 18)):
            for done in range(total + 1):
                progress(stage, done, total)
    with output.stage_progress(enabled=False) as quiet:
        quiet("load", 0, 1)

    assert capsys.readouterr().out == ""
