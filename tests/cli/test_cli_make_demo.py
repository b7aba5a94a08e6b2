"""The ``demo:`` target of the Makefile: every tradejournal command it runs or suggests works."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from cli_testlib import demo_journal, run

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def _demo_recipe() -> list[str]:
    lines = MAKEFILE.read_text(encoding="utf-8").splitlines()
    start = lines.index(next(line for line in lines if line.startswith("demo:")))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def _tradejournal_args(line: str) -> list[str] | None:
    """The arguments after ``--journal demo-journal`` of a recipe or echoed command line."""
    line = line.removeprefix("@echo ").strip()
    if line.startswith('"') and line.endswith('"'):
        line = line[1:-1].replace('\\"', '"')
    words = shlex.split(line.split("#")[0])
    if (
        not words
        or not words[0].endswith("/tradejournal")
        or words[1:3] != ["--journal", "demo-journal"]
    ):
        return None
    return words[3:]


RECIPE = _demo_recipe()
RUN = [args for line in RECIPE if not line.startswith("@") and (args := _tradejournal_args(line))]
SUGGESTED = [
    args for line in RECIPE if line.startswith("@echo") and (args := _tradejournal_args(line))
]


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_journal(tmp_path_factory.mktemp("make") / "demo-journal")


def test_the_demo_target_runs_stats_and_sql_and_suggests_next_commands() -> None:
    assert [args[0] for args in RUN] == ["demo", "verify", "tail", "stats", "sql", "sql", "sql"]
    assert {args[0] for args in SUGGESTED} >= {"trades", "trade", "stats", "sql"}


@pytest.mark.parametrize("args", [a for a in RUN if a[0] != "demo"] + SUGGESTED, ids=" ".join)
def test_every_command_of_the_target_succeeds(journal: Path, args: list[str]) -> None:
    result = run(journal, *args)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip()


def test_the_suggested_trade_is_the_partial_close(journal: Path) -> None:
    (position,) = [args[1] for args in SUGGESTED if args[0] == "trade"]

    result = run(journal, "sql", "SELECT position_id FROM trades WHERE closing_deals > 1",
                 "--format", "csv")  # fmt: skip

    assert result.stdout == f"position_id\n{position}\n"
    assert re.fullmatch(r"\d+", position)
