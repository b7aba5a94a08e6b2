"""``tradejournal bot`` as a real process: real getUpdates polling against the fake Bot API,
stopped with SIGTERM; no secret in the journal, the logs or an export."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot_testlib import API_KEY, FRIEND, OWNER, STRANGER, TOKEN

from tradejournal.producers.fakes import FakeBotApi, FakeLlmApi, LlmReply
from tradejournal.projections.export import export_snapshot
from tradejournal.store import read_events

CONFIG = """\
[journal]
path = "journal"
[telegram]
base_url = "{bot}"
base_file_url = "{files}"
allowed_users = [{owner}, {friend}]
owner_chat_id = {owner}
poll_timeout_s = 0.5
[openai]
base_url = "{llm}"
model = "gpt-4o-mini"
timeout_s = 5
max_retries = 0
[scanner]
enabled = false
[logging]
console = false
"""


def _start(tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi) -> subprocess.Popen[bytes]:
    config = tmp_path / "tj.toml"
    config.write_text(
        CONFIG.format(
            bot=api.base_url, files=api.base_file_url, llm=llm.base_url, owner=OWNER, friend=FRIEND
        )  # fmt: skip
    )
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "OPENAI_API_KEY": API_KEY}
    return subprocess.Popen(
        [sys.executable, "-m", "tradejournal.cli", "bot", "--config", str(config)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _types(journal: Path) -> list[str]:
    return [e.__struct_config__.tag for e in read_events(journal)]  # type: ignore[attr-defined]


def test_bot_process_polls_journals_and_stops_on_sigterm(tmp_path: Path) -> None:
    with FakeBotApi() as api, FakeLlmApi() as llm:
        llm.script(LlmReply(content="Hello trader."))
        proc = _start(tmp_path, api, llm)
        try:
            api.wait_for("getMe", timeout=30)
            api.push_message(OWNER, "/start")
            api.push_message(STRANGER, "/stats")
            api.push_message(OWNER, "/chatgpt hi there")
            api.wait_for("sendMessage", 3, timeout=30)
            answered = {c.params["chat_id"]: c.text for c in api.sent("sendMessage")}
            assert answered[str(OWNER)] == "Hello trader."
            assert "private" in answered[str(STRANGER)]
            # Let the poller confirm the last offset, then stop
            time.sleep(0.3)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, err.decode()
    journal = tmp_path / "journal"
    types = _types(journal)
    assert types[0] == "bot.started" and types[-1] == "bot.stopped"
    assert types.count("user.action") == 2 and types.count("access.denied") == 1
    assert types.count("conversation.message") == 2 and types.count("llm.called") == 1
    stopped = list(read_events(journal, types={"bot.stopped"}))[0]
    assert getattr(stopped, "reason", None) == "signal"
    logs = journal / "logs"
    assert (logs / "bot.log").read_text().count("bot started as @") == 1
    assert (logs / "errors.log").exists()
    export = export_snapshot(journal, tmp_path / "exports").folder
    _assert_no_secret([journal, export], (TOKEN, API_KEY, TOKEN.split(":")[1]))
    assert TOKEN not in (out + err).decode() and API_KEY not in (out + err).decode()


def _assert_no_secret(roots: list[Path], secrets: tuple[str, ...]) -> None:
    checked = 0
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                checked += 1
                for secret in secrets:
                    assert secret.encode() not in data, f"{secret[:6]}… found in {path}"
    assert checked > 5


def test_bot_refuses_a_missing_secret_and_a_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "tj.toml"
    config.write_text("[telegram]\nallowed_users = [1]\n")
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN",)}
    run = subprocess.run(
        [sys.executable, "-m", "tradejournal.cli", "bot", "--config", str(config)],
        cwd=tmp_path, env=env, capture_output=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2
    assert b"TELEGRAM_BOT_TOKEN" in run.stderr and b"Traceback" not in run.stderr
    assert not (tmp_path / "journal").exists()
    config.write_text("[telegram]\nallowed_users = [1]\ntoken = 'x'\n[openai]\ntimeout_s = -1\n")
    run = subprocess.run(
        [sys.executable, "-m", "tradejournal.cli", "bot", "--config", str(config)],
        cwd=tmp_path, env=env, capture_output=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2 and b"Traceback" not in run.stderr
    assert b"telegram.token" in run.stderr and b"openai.timeout_s" in run.stderr


def test_bot_stops_with_a_message_when_the_terminal_cannot_be_opened(tmp_path: Path) -> None:
    config = tmp_path / "tj.toml"
    config.write_text('[mt5]\nbackend = "metatrader5"\n[logging]\nconsole = false\n')
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "OPENAI_API_KEY": API_KEY}
    run = subprocess.run(
        [sys.executable, "-m", "tradejournal.cli", "bot", "--config", str(config)],
        cwd=tmp_path, env=env, capture_output=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 1 and b"Traceback" not in run.stderr
    assert b"mt5.backend = metatrader5: the MetaTrader5 package is not installed" in run.stderr
    assert list(read_events(tmp_path / "journal")) == []  # nothing started, journal closed
