"""Every command documents itself: ``--help`` works and ends with a runnable-looking example."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from click.testing import CliRunner

from tradejournal.cli.main import cli

COMMANDS = sorted(cli.commands)


def _help(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    return result.stdout


def test_the_expected_commands_exist() -> None:
    assert COMMANDS == ["append", "demo", "init", "repair", "tail", "verify"]


@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_help_has_a_description_and_an_example(name: str) -> None:
    text = _help(*([name] if name else []))

    summary, _, example = text.partition("Example:")
    assert example, f"`tradejournal {name} --help` has no Example: block"
    example_lines = [line.strip() for line in example.splitlines() if line.strip()]
    assert example_lines and "tradejournal" in example_lines[0]
    if name:
        assert f"tradejournal {name}" in example or f" {name}" in example
        assert cli.commands[name].help and len(cli.commands[name].help.split()) >= 5


def test_group_help_lists_every_command_and_the_journal_option() -> None:
    text = _help()

    for name in COMMANDS:
        assert f"  {name} " in text
    assert "--journal DIRECTORY" in text
    assert "[default: $TRADEJOURNAL_HOME, else ./journal]" in " ".join(text.split())


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"], catch_exceptions=False)

    assert result.stdout == f"tradejournal, version {version('tradejournal')}\n"


def test_append_help_says_which_envelope_fields_are_ignored() -> None:
    text = " ".join(_help("append").split())

    assert "`seq`, `recorded_ts` and `crc` belong to the store and are ignored when present" in text
