"""The export, restore and ``sql --snapshots`` commands: exit codes, output, files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from click.testing import CliRunner, Result
from export_helpers import demo_journal

from tradejournal.cli.main import cli
from tradejournal.store import journal_id

ENV = {
    "COLUMNS": "200",
    "NO_COLOR": "1",
    "TRADEJOURNAL_HOME": None,
    "TRADEJOURNAL_EXPORT_DIR": None,
}


def run(*args: str) -> Result:
    return CliRunner(env=ENV).invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_journal(tmp_path_factory.mktemp("cli") / "journal")


def test_export_then_verify_then_tamper(journal: Path, tmp_path: Path) -> None:
    out = run("--journal", str(journal), "export", "--to", str(tmp_path), "--date", "2026-11-30")
    again = run("--journal", str(journal), "export", "--to", str(tmp_path), "--date", "2026-11-30")
    ok = run("export", "verify", str(tmp_path / "2026-11-30"))
    (tmp_path / "2026-11-30" / "manifest.json").chmod(0o644)
    target = tmp_path / "2026-11-30" / "tables" / "signals.parquet"
    target.write_bytes(target.read_bytes()[:-1] + b"\0")
    bad = run("export", "verify", str(tmp_path / "2026-11-30"))

    jid = journal_id(journal)
    assert out.exit_code == 0 and out.stdout.startswith(
        f"exported {tmp_path / '2026-11-30'}: journal {jid}, seq 1..528, "
    )
    assert again.exit_code == 0 and again.stdout.startswith("unchanged ")
    assert ok.exit_code == 0 and ok.stdout.startswith("ok: ")
    assert bad.exit_code == 1
    assert bad.stdout == "tables/signals.parquet: SHA-256 differs from the manifest\n"
    assert "1 file do not match the manifest" in bad.stderr


def test_export_needs_a_folder_and_a_valid_date(journal: Path, tmp_path: Path) -> None:
    missing = run("--journal", str(journal), "export")
    bad_date = run("--journal", str(journal), "export", "--to", str(tmp_path), "--date", "30/11")
    not_a_snapshot = run("export", "verify", str(tmp_path))

    no_journal = run("--journal", str(tmp_path / "nope"), "export", "--to", str(tmp_path / "s"))

    assert missing.exit_code == 2 and "pass --to DIR" in missing.stderr
    assert no_journal.exit_code == 1 and "no journal at" in no_journal.stderr
    assert bad_date.exit_code == 2
    assert not_a_snapshot.exit_code == 1 and "not a snapshot" in not_a_snapshot.stderr
    assert list(tmp_path.iterdir()) == []


def test_restore_from_a_snapshot(journal: Path, tmp_path: Path) -> None:
    run("--journal", str(journal), "export", "--to", str(tmp_path / "s"), "--date", "2026-11-30")

    done = run("restore", "--from", str(tmp_path / "s" / "2026-11-30"), "--to", str(tmp_path / "r"))
    check = run("--journal", str(tmp_path / "r"), "verify")
    again = run(
        "restore", "--from", str(tmp_path / "s" / "2026-11-30"), "--to", str(tmp_path / "r")
    )

    assert done.exit_code == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith(
        f"restored {tmp_path / 'r'}: journal {journal_id(journal)}, 528 events"
    )
    assert check.exit_code == 0 and check.stdout.startswith("ok: 528 events")
    assert again.exit_code == 1 and "not empty" in again.stderr


def test_sql_over_the_snapshots_of_two_journals(journal: Path, tmp_path: Path) -> None:
    other = demo_journal(tmp_path / "other", seed=7)
    run("--journal", str(journal), "export", "--to", str(tmp_path / "lake" / "host-a"))
    run(
        "--journal",
        str(other),
        "export",
        "--to",
        str(tmp_path / "lake" / "host-b"),
        "--date",
        "2026-01-01",
    )
    run(
        "--journal",
        str(other),
        "export",
        "--to",
        str(tmp_path / "lake" / "host-b"),
        "--date",
        "2026-01-02",
    )
    sql = "SELECT journal, count(*) AS trades, sum(net_pnl) AS net FROM trades GROUP BY ALL ORDER BY 1"

    out = run("sql", "--snapshots", str(tmp_path / "lake"), "--format", "json", sql)
    refused = run(
        "sql", "--snapshots", str(tmp_path / "lake"), "SELECT * FROM read_csv('/etc/passwd')"
    )
    writes = run("sql", "--snapshots", str(tmp_path / "lake"), "CREATE TABLE x AS SELECT 1")

    singles = {
        journal_id(j): json.loads(run("--journal", str(j), "sql", "--format", "json",
                                      "SELECT count(*) AS trades, sum(net_pnl) AS net FROM trades").stdout)[0]
        for j in (journal, other)
    }  # fmt: skip
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout) == [{"journal": k, **v} for k, v in sorted(singles.items())]
    assert refused.exit_code == 1 and "disabled" in refused.stderr
    assert writes.exit_code == 1 and "read-only" in writes.stderr


def test_ml_export_as_csv_and_parquet(journal: Path, tmp_path: Path) -> None:
    as_csv = run("--journal", str(journal), "export", "--ml", str(tmp_path / "ml.csv"))
    as_parquet = run("--journal", str(journal), "export", "--ml", str(tmp_path / "ml.parquet"))
    wrong = run("--journal", str(journal), "export", "--ml", str(tmp_path / "ml.xlsx"))

    rows = list(csv.DictReader(io.StringIO((tmp_path / "ml.csv").read_text())))
    expected = json.loads(run("--journal", str(journal), "sql", "--format", "json",
        "SELECT recommendation_id, symbol, direction, executed, net_pnl, r_multiple, model, "
        "prompt_variant, planned_r FROM recommendations ORDER BY ts, recommendation_id").stdout)  # fmt: skip
    assert (
        as_csv.exit_code == 0
        and as_csv.stdout == f"wrote {len(rows)} recommendations to {tmp_path / 'ml.csv'}\n"
    )
    assert len(rows) == len(expected) > 0
    for row, want in zip(rows, expected, strict=True):
        assert (row["recommendation_id"], row["symbol"], row["direction"], row["model"]) == (
            want["recommendation_id"], want["symbol"], want["direction"], want["model"])  # fmt: skip
        assert row["executed"] == str(want["executed"]).lower()
        assert (row["net_pnl"] == "") == (want["net_pnl"] is None)
    assert {
        "confidence",
        "rr",
        "regime",
        "prompt_variant",
        "rsi",
        "adx",
        "atr",
        "r_multiple",
    } <= set(rows[0])
    assert as_parquet.exit_code == 0
    n = duckdb.connect().execute(f"SELECT count(*) FROM '{tmp_path / 'ml.parquet'}'").fetchone()
    assert n == (len(rows),)
    assert wrong.exit_code == 1 and ".parquet or .csv" in wrong.stderr


def test_export_takes_its_folder_zone_retention_and_journal_from_the_config(
    journal: Path, tmp_path: Path
) -> None:
    config = tmp_path / "tj.toml"
    config.write_text(
        f'[journal]\npath = "{journal}"\n\n'
        '[export]\ndir = "snaps"\ntz = "Pacific/Kiritimati"\nkeep = 1\n'
    )

    first = run("export", "--config", str(config), "--date", "2026-11-29")
    second = run("export", "--config", str(config))  # today in UTC+14
    bad = tmp_path / "bad.toml"
    bad.write_text('[export]\nkeep = -1\ntz = "Mars/Olympus"\n')
    refused = run("export", "--config", str(bad))

    today = dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).date().isoformat()
    assert first.exit_code == 0 and first.stdout.startswith(
        f"exported {tmp_path / 'snaps' / '2026-11-29'}"
    )
    assert second.exit_code == 0, second.stderr
    assert f"removed {tmp_path / 'snaps' / '2026-11-29'} (--keep 1)" in second.stdout
    assert sorted(p.name for p in (tmp_path / "snaps").iterdir()) == [".export.lock", today]
    assert refused.exit_code == 2 and "keep" in refused.stderr and "Mars/Olympus" in refused.stderr
