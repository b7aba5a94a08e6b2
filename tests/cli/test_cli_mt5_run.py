"""``tradejournal mt5 run`` / ``mt5 backfill`` on the paper broker: the loop journals, SIGTERM stops
it cleanly (a real process), bad config is a usage error, and the MT5 password never leaks."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_testlib import run
from click.testing import CliRunner

from tradejournal.cli.main import cli
from tradejournal.events import event_tag
from tradejournal.producers.config import parse_config
from tradejournal.producers.mt5 import Mt5Error, PaperTerminal
from tradejournal.producers.mt5.runner import connect
from tradejournal.store import read_events

SECRET = "s3cr3t-Pw!-do-not-log"


def _config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "tj.toml"
    path.write_text(
        f'[journal]\npath = "journal"\ndurability = "none"\n'
        f'[mt5]\nbackend = "paper"\npoll_interval_s = 0.1\n{extra}\n'
        f"[paper]\ntick_interval_s = 30\n"
        f'[scanner]\nsymbols = ["EURUSD"]\ntimeframes = ["M1"]\ninterval_s = 60\n',
        encoding="utf-8",
    )
    return path


def _tags(journal: Path) -> list[str]:
    return [event_tag(e) for e in read_events(journal)]


def test_run_cycles_journal_the_paper_account(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    result = CliRunner().invoke(cli, ["mt5", "run", "--config", str(cfg), "--cycles", "6"])
    assert result.exit_code == 0, result.output
    tags = _tags(tmp_path / "journal")  # journal.path of the config, relative to the file
    assert tags[:4] == ["bot.started", "terminal.connected", "account.balance_changed",
                        "account.snapshot"]  # fmt: skip
    assert tags[-1] == "bot.stopped"
    assert "events journaled" in result.output
    again = CliRunner().invoke(cli, ["mt5", "run", "--config", str(cfg), "--cycles", "1"])
    assert again.exit_code == 0
    tags2 = _tags(tmp_path / "journal")
    assert tags2.count("account.balance_changed") == 1  # restart: nothing journaled twice
    assert tags2.count("terminal.connected") == 1


def test_bad_config_is_a_usage_error_naming_the_key(tmp_path: Path) -> None:
    cfg = _config(tmp_path, extra="poll_interval_s_typo = 3")
    result = run(tmp_path / "j", "mt5", "run", "--config", str(cfg))
    assert result.exit_code == 2
    assert "poll_interval_s_typo" in result.output
    assert not (tmp_path / "j").exists()


def test_missing_password_variable_is_a_clear_error(tmp_path: Path) -> None:
    cfg = _config(tmp_path, extra='login = 5000001\npassword_env = "TJ_TEST_MT5_PW"')
    result = CliRunner(env={"TJ_TEST_MT5_PW": None}).invoke(
        cli, ["mt5", "run", "--config", str(cfg), "--cycles", "1"]
    )
    assert result.exit_code == 2
    assert "TJ_TEST_MT5_PW" in result.output and "not set" in result.output


def test_the_password_reaches_the_terminal_and_nothing_else(tmp_path: Path) -> None:
    cfg = _config(tmp_path, extra='login = 5000001\npassword_env = "TJ_TEST_MT5_PW"')
    result = CliRunner(env={"TJ_TEST_MT5_PW": SECRET}).invoke(
        cli, ["mt5", "run", "--config", str(cfg), "--cycles", "3"]
    )
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    for file in (tmp_path / "journal").rglob("*"):
        if file.is_file():
            assert SECRET.encode() not in file.read_bytes(), file
    # the library: the right password logs in, a wrong one fails without echoing it
    config = parse_config('[mt5]\nlogin = 5000001\npassword_env = "PW"\n')
    terminal = PaperTerminal(password=SECRET)
    connect(terminal, config, environ={"PW": SECRET})
    with pytest.raises(Mt5Error) as err:
        connect(PaperTerminal(password=SECRET), config, environ={"PW": "wrong-" + SECRET})
    assert SECRET not in str(err.value) and "Authorization failed" in str(err.value)


def test_sigterm_stops_a_running_loop_cleanly(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tradejournal.cli", "mt5", "run", "--config", str(cfg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    journal = tmp_path / "journal"
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if (journal / "segments").exists() and "account.snapshot" in _tags(journal):
                break
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err.decode()
    assert b"stopped:" in out
    events = list(read_events(journal))
    assert event_tag(events[-1]) == "bot.stopped"
    assert events[-1].reason == "stop requested"  # type: ignore[attr-defined]


def test_backfill_is_idempotent(tmp_path: Path) -> None:
    j = tmp_path / "j"
    args = ["mt5", "backfill", "--from", "2026-01-01", "--to", "2026-01-31"]
    first = run(j, *args)
    assert first.exit_code == 0, first.output
    assert "1 new event" in first.output  # the paper broker's initial deposit
    second = run(j, *args)
    assert "0 new events" in second.output
    bad = run(j, "mt5", "backfill", "--from", "2026-02-01", "--to", "2026-01-01")
    assert bad.exit_code == 2 and "must be after --from" in bad.output


def test_paper_replay_of_a_csv_starts_at_its_first_bar(tmp_path: Path) -> None:
    bars = tmp_path / "bars.csv"
    rows = [f"{1709251200 + 60 * i},1.08,1.0805,1.0795,1.0801" for i in range(20)]
    bars.write_text("time,open,high,low,close\n" + "\n".join(rows) + "\n", encoding="utf-8")
    cfg = tmp_path / "tj.toml"
    cfg.write_text(
        '[journal]\npath = "journal"\ndurability = "none"\n[mt5]\npoll_interval_s = 0.1\n'
        '[paper]\nfeed = "csv"\ncsv_path = "bars.csv"\nsymbols = ["EURUSD"]\n'
        "[scanner]\nenabled = false\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["mt5", "run", "--config", str(cfg), "--cycles", "5"])
    assert result.exit_code == 0, result.output
    events = list(read_events(tmp_path / "journal"))
    assert events[0].ts.isoformat() == "2024-03-01T00:00:00+00:00"
    assert events[-1].ts.isoformat() == "2024-03-01T00:01:00+00:00"  # quotes at 0, 15 … 60 s
    cfg.write_text(cfg.read_text().replace("bars.csv", "missing.csv"), encoding="utf-8")
    missing = CliRunner().invoke(cli, ["mt5", "run", "--config", str(cfg), "--cycles", "1"])
    assert missing.exit_code == 1 and "paper.csv_path" in missing.output
