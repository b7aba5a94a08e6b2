"""Every command documents itself: ``--help`` works and ends with a runnable-looking example."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import click
import pytest
from click.testing import CliRunner

from tradejournal.cli.main import cli

COMMANDS = sorted(cli.commands)
SUBCOMMANDS = sorted(
    (name, sub)
    for name, command in cli.commands.items()
    if isinstance(command, click.Group)
    for sub in command.commands
)


def _help(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    return result.stdout


def test_the_expected_commands_exist() -> None:
    assert COMMANDS == [
        "append", "audit", "bot", "demo", "export", "import", "init", "mt5", "rebuild",
        "repair", "report", "restore", "sql", "stats", "tail", "trade", "trades", "verify",
    ]  # fmt: skip
    assert SUBCOMMANDS == [
        ("export", "verify"),
        ("import", "legacy-sqlite"),
        ("import", "mt5-report"),
        ("mt5", "backfill"),
        ("mt5", "run"),
    ]


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


@pytest.mark.parametrize(("group", "name"), SUBCOMMANDS)
def test_subcommand_help_has_a_description_and_an_example(group: str, name: str) -> None:
    text = _help(group, name)

    summary, _, example = text.partition("Example:")
    assert example, f"`tradejournal {group} {name} --help` has no Example: block"
    assert f"tradejournal {group} {name} " in example
    command = cli.commands[group].commands[name]  # type: ignore[attr-defined]
    assert command.help and len(command.help.split()) >= 5


def test_help_does_not_import_duckdb() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from tradejournal.cli import cli; "
        "[CliRunner().invoke(cli, [*c, '--help']) for c in "
        "(['stats'], ['sql'], ['trades'], ['trade'], ['rebuild'], ['import', 'mt5-report'], "
        "['export'], ['export', 'verify'], ['restore'])]; "
        "print(sorted(m for m in ('duckdb', 'tradejournal.projections.engine', "
        "'tradejournal.projections.api', 'openpyxl') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr


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
