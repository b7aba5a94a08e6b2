"""Issue 12, small items about options: a time window given backwards and an unknown ``--tz``
were accepted silently; each is now a usage error (exit 2) naming the values, and nothing is
written or computed from them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_testlib import make_journal, run


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_journal(tmp_path_factory.mktemp("options") / "j")


@pytest.mark.parametrize("command", [["stats"], ["stats", "--by", "symbol"], ["report", "--out", "-"], ["audit"]])  # fmt: skip
def test_since_after_until_is_a_usage_error_naming_both(journal: Path, command: list[str]) -> None:
    result = run(journal, *command, "--since", "2026-03-05", "--until", "2026-03-01")

    assert result.exit_code == 2, result.output
    assert "--since 2026-03-05T00:00:00Z is after --until 2026-03-01T00:00:00Z" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["stats"], ["report", "--out", "-"], ["audit"]])
def test_since_equal_to_until_is_an_empty_window(journal: Path, command: list[str]) -> None:
    result = run(journal, *command, "--since", "2026-03-01T10:00:00Z", "--until", "2026-03-01T10:00:00Z")  # fmt: skip

    assert result.exit_code == 2, result.output
    assert (
        "--since 2026-03-01T10:00:00Z is not before --until 2026-03-01T10:00:00Z" in result.stderr
    )


def test_a_window_in_order_still_works(journal: Path) -> None:
    for command in (["stats"], ["report", "--out", "-"], ["audit"]):
        result = run(journal, *command, "--since", "2026-03-01", "--until", "2026-03-05")
        assert result.exit_code == 0, (command, result.output)


@pytest.mark.parametrize(
    "command",
    [["stats"], ["stats", "--by", "hour"], ["stats", "--defs"], ["export", "--to", "snapshots"]],
)
def test_an_unknown_time_zone_is_a_usage_error(
    journal: Path, command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # export's --to is relative: keep it in this test's folder

    for zone in ("Mars/Olympus", "Europe", "../etc/passwd"):  # Europe: a folder of the database
        result = run(journal, *command, "--tz", zone)

        assert result.exit_code == 2, result.output
        assert f"{zone!r} is not an IANA time zone" in result.stderr
        assert '"Europe/Paris"' in result.stderr
    assert not (tmp_path / "snapshots").exists()


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/New_York", "Etc/GMT-2"])
def test_iana_time_zones_are_accepted(journal: Path, zone: str) -> None:
    result = run(journal, "stats", "--by", "hour", "--tz", zone)

    assert result.exit_code == 0, result.output
    assert f"tz {zone}" in result.stdout


# --- --format: one vocabulary -----------------------------------------------------------------

ROW_FORMATS = ("table", "csv", "json", "jsonl", "markdown")
"""Tabular output offers every one of these."""
SUBSETS = {
    "audit": ("table", "json"),  # one review of a session: a report for people, or one object
    "tail": ("table", "jsonl"),  # events: JSON Lines is what `append` reads back (and --follow)
}
"""The commands that keep a subset, and why; every other `--format` offers ROW_FORMATS."""


def _format_choices() -> dict[str, tuple[str, ...]]:
    import click

    from tradejournal.cli.main import cli

    found: dict[str, tuple[str, ...]] = {}

    def walk(command: click.Command, path: str) -> None:
        for param in command.params:
            if "--format" in param.opts:
                assert isinstance(param.type, click.Choice), path
                found[path] = tuple(str(c) for c in param.type.choices)
                assert param.default in found[path], path
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}".strip())

    walk(cli, "")
    return found


def test_every_format_option_follows_the_rule() -> None:
    choices = _format_choices()

    assert {"sql", "trades", "trade", "stats", "tail", "audit"} <= set(choices)
    for command, offered in choices.items():
        expected = SUBSETS.get(command, ROW_FORMATS)
        assert offered == expected, f"{command}: --format {'|'.join(offered)}"


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "markdown"])
def test_stats_offers_the_row_formats(journal: Path, fmt: str) -> None:
    overall = run(journal, "stats", "--format", fmt)
    by_symbol = run(journal, "stats", "--by", "symbol", "--format", fmt)
    mt5 = run(journal, "stats", "--mt5", "--format", fmt)

    assert overall.exit_code == by_symbol.exit_code == mt5.exit_code == 0, overall.output
    if fmt == "csv":
        header, row = overall.stdout.splitlines()
        assert header.startswith("trades,wins,losses,") and row.startswith("1,1,0,")
        assert by_symbol.stdout.splitlines()[0].startswith("group,trades,")
        assert by_symbol.stdout.splitlines()[1].startswith("EURUSD,1,")
        assert "total_net_profit" in mt5.stdout.splitlines()[0]
    elif fmt == "jsonl":
        import json

        (record,) = [json.loads(line) for line in overall.stdout.splitlines()]
        assert record["trades"] == 1 and record["net_pnl"] == 39.3
        groups = [json.loads(line) for line in by_symbol.stdout.splitlines()]
        assert [g["group"] for g in groups] == ["EURUSD"]
        assert len(mt5.stdout.splitlines()) == 1
    else:
        assert overall.stdout.startswith("| figure | value |")
        assert "| closed trades | 1: 1 W / 0 L / 0 BE |" in overall.stdout
        assert (
            by_symbol.stdout.startswith("| symbol | trades |")
            and "| EURUSD | 1 |" in by_symbol.stdout
        )
        assert mt5.stdout.startswith("| figure | value |")
