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
