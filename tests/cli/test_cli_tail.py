"""``tradejournal tail``: the last N selected events as JSON lines or a table; ``--follow``."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_testlib import EVENTS, jsonl, make_journal, run


def _ids(stdout: str) -> list[str]:
    return [json.loads(line)["id"] for line in stdout.splitlines()]


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return make_journal(tmp_path / "j")


def test_jsonl_prints_each_event_as_its_json(journal: Path) -> None:
    result = run(journal, "tail", "-n", "1")

    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    recorded = record.pop("recorded_ts")
    assert recorded.endswith("Z")
    assert record == {
        "type": "conversation.message",
        "seq": 6,
        "id": "t:msg:1",
        "v": 1,
        "ts": "2026-03-02T11:00:00Z",
        "producer": "llm",
        "account": None,
        "correlation_id": None,
        "causation_id": None,
        "conversation_id": "conv-1",
        "role": "assistant",
        "content": "Target hit on EURUSD: +40.00 USD.",
        "model": "gpt-4o-mini",
        "prompt_tokens": None,
        "completion_tokens": None,
        "cost_usd": None,
        "latency_ms": None,
        "response_id": None,
        "user_id": None,
        "chat_id": None,
        "message_id": None,
    }


def test_n_picks_the_last_events(journal: Path) -> None:
    assert _ids(run(journal, "tail", "-n", "2").stdout) == ["t:deal:1002", "t:msg:1"]
    assert _ids(run(journal, "tail").stdout) == [e["id"] for e in EVENTS]  # default 10
    assert run(journal, "tail", "-n", "0").stdout == ""


def test_type_selects_a_tag_or_a_family(journal: Path) -> None:
    deals = ["t:deal:1001", "t:deal:1002"]

    assert _ids(run(journal, "tail", "--type", "deal.filled").stdout) == deals
    assert _ids(run(journal, "tail", "--type", "deal").stdout) == deals
    assert _ids(run(journal, "tail", "-n", "1", "--type", "deal").stdout) == ["t:deal:1002"]
    both = run(journal, "tail", "--type", "order", "--type", "bot.started").stdout
    assert _ids(both) == ["t:bot:1", "t:order:2001"]


def test_from_seq_and_since_select_before_n_counts(journal: Path) -> None:
    assert _ids(run(journal, "tail", "--from-seq", "5").stdout) == ["t:deal:1002", "t:msg:1"]
    assert _ids(run(journal, "tail", "--from-seq", "2", "-n", "1").stdout) == ["t:msg:1"]
    since = run(journal, "tail", "--since", "2026-03-02T09:00:00Z").stdout
    assert _ids(since) == ["t:snap:1", "t:deal:1002", "t:msg:1"]
    naive_is_utc = run(journal, "tail", "--since", "2026-03-02T10:00", "--type", "deal").stdout
    assert _ids(naive_is_utc) == ["t:deal:1002"]
    assert run(journal, "tail", "--since", "2026-03-03").stdout == ""


def test_table_shows_seq_ts_type_producer_account_and_a_summary(journal: Path) -> None:
    result = run(journal, "tail", "--format", "table")

    assert result.exit_code == 0
    rule = "─" * 160
    pad = " " * 73
    assert result.stdout == (
        "seq   ts                    type                   producer   account    summary\n"
        f"{rule}\n"
        "  1   2026-03-02 06:00:00   bot.started            telegram              version=1.4.2\n"
        "  2   2026-03-02 08:05:00   order.placed           mt5        51234567   order_ticket=2001"
        " symbol=EURUSD order_type=buy volume=0.1 price=1.085 sl=1.083 tp=1.089\n"
        "  3   2026-03-02 08:05:01   deal.filled            mt5        51234567   deal_ticket=1001"
        " order_ticket=2001 position_id=2001 symbol=EURUSD side=buy entry=in\n"
        f"{pad}volume=0.1 price=1.085 commission=-0.35\n"
        "  4   2026-03-02 09:00:00   account.snapshot       mt5        51234567   balance=9999.65"
        " equity=10011.65 margin=108.5 free_margin=9903.15 currency=USD\n"
        "  5   2026-03-02 10:30:00   deal.filled            mt5        51234567   deal_ticket=1002"
        " order_ticket=2002 position_id=2001 symbol=EURUSD side=sell entry=out\n"
        f"{pad}volume=0.1 price=1.089 commission=-0.35 profit=40.0 reason=tp\n"
        "  6   2026-03-02 11:00:00   conversation.message   llm                   conversation_id=conv-1"
        ' role=assistant content="Target hit on EURUSD: +40.00 USD."\n'
        f"{pad}model=gpt-4o-mini\n"
    )


def test_unknown_type_and_bad_since_are_usage_errors(journal: Path) -> None:
    bad_type = run(journal, "tail", "--type", "deals")
    bad_since = run(journal, "tail", "--since", "yesterday")

    assert bad_type.exit_code == bad_since.exit_code == 2
    assert "Invalid value for '--type': 'deals' is neither an event type nor a family" in (
        bad_type.stderr
    )
    assert "'yesterday' is not an RFC 3339 timestamp or a YYYY-MM-DD date" in bad_since.stderr


def test_tail_of_an_empty_journal_prints_nothing(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", [])

    result = run(journal, "tail", "--format", "table")

    assert result.exit_code == 0
    assert "seq" in result.stdout and "summary" in result.stdout  # just the header


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and select on pipes")
def test_follow_prints_new_events_and_ctrl_c_exits_0(journal: Path) -> None:
    # Arrange: a follower started with SIGINT at its default (a background shell ignores it)
    code = (
        "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler);"
        "from tradejournal.cli.main import main; sys.argv[0] = 'tradejournal'; main()"
    )
    args = ["--journal", str(journal), "tail", "-n", "1", "--type", "deal", "--follow"]
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        # Act: it prints the last deal, then one appended later (a non-deal is filtered out)
        first = _read_line(proc)
        new_deal = dict(EVENTS[4], id="t:deal:1003", deal_ticket=1003)
        appended = run(journal, "append", input=jsonl([EVENTS[0] | {"id": "x"}, new_deal]))
        assert appended.exit_code == 0
        second = _read_line(proc)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=10)
    finally:
        proc.kill()
    # Assert
    assert [json.loads(first)["id"], json.loads(second)["id"]] == ["t:deal:1002", "t:deal:1003"]
    assert proc.returncode == 0, stderr
    assert stderr == b""


def _read_line(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> bytes:
    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sel.select(timeout=0.1):
            return proc.stdout.readline()
    raise AssertionError("no line from the follower within the timeout")


def test_table_text_is_never_read_as_rich_markup(tmp_path: Path) -> None:
    text = "[sl 1.08300] hit; [bold]not bold[/bold]"
    journal = make_journal(tmp_path / "j", [dict(EVENTS[5], content=text)])

    result = run(journal, "tail", "--format", "table")

    assert 'content="[sl 1.08300] hit; [bold]not bold[/bold]"' in result.stdout
