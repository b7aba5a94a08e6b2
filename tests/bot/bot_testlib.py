"""Shared helpers for the bot tests: settings, a running bot against the loopback fakes.

``BotHarness`` owns a journal, the fake Bot API and fake OpenAI servers, and an Application
built by the real ``build_application``; ``send`` feeds an update through ``process_update``
(handlers run inline), ``restart`` builds a fresh Application and state from the same journal.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from telegram import Update

from tradejournal.events import Event
from tradejournal.producers.fakes import FakeBotApi, FakeLlmApi
from tradejournal.producers.llm import LlmSettings, Price
from tradejournal.producers.mt5 import Mt5Poller, PaperTerminal
from tradejournal.producers.telegram import (
    BotRunner,
    BotServices,
    BotSettings,
    OrderExecutor,
    build_application,
    open_services,
)
from tradejournal.producers.telegram.mt5link import Mt5Link
from tradejournal.store import Journal, read_events

TOKEN = "123456:SECRET-bot-token-do-not-leak"
API_KEY = "sk-test-SECRET-api-key-do-not-leak"
OWNER = 1001
FRIEND = 1002
STRANGER = 6666
MODEL = "gpt-4o-mini"
PRICES = {MODEL: Price(Decimal("0.15"), Decimal("0.60"), Decimal("0.075"))}


def plan_json(**over: Any) -> str:
    """A valid BUY plan for EURUSD as the model would send it."""
    plan: dict[str, Any] = {
        "symbol": "EURUSD", "direction": "BUY", "entry_price": 1.1000, "sl": 1.0950,
        "tp": 1.1100, "confidence": 72, "reasoning": "Higher lows above the 50 EMA.",
        "timeframe": "H1", "regime": "trend",
    }  # fmt: skip
    plan.update(over)
    return json.dumps(plan)


def bot_settings(journal: Path, api: FakeBotApi, **over: Any) -> BotSettings:
    """Settings pointing at the fake Bot API, owner + friend allowed."""
    values: dict[str, Any] = {
        "journal": journal,
        "token": TOKEN,
        "allowed_users": frozenset({OWNER, FRIEND}),
        "owner_chat_id": OWNER,
        "base_url": api.base_url,
        "base_file_url": api.base_file_url,
        "plan_expiry": dt.timedelta(minutes=15),
        "mt5_interval_s": 3600.0,
    }
    values.update(over)
    return BotSettings(**values)


def llm_settings(llm: FakeLlmApi, **over: Any) -> LlmSettings:
    """Settings pointing at the fake OpenAI server; no retries unless asked."""
    values: dict[str, Any] = {
        "api_key": API_KEY,
        "model": MODEL,
        "base_url": llm.base_url,
        "timeout_s": 2.0,
        "max_retries": 0,
        "prices": PRICES,
    }
    values.update(over)
    return LlmSettings(**values)


class BotHarness:
    """A journal, the fakes and a built (initialized) Application."""

    def __init__(
        self,
        root: Path,
        api: FakeBotApi,
        llm: FakeLlmApi,
        *,
        executor: OrderExecutor | None = None,
        paper: bool = False,
        settings: dict[str, Any] | None = None,
        llm_over: dict[str, Any] | None = None,
        **collaborators: Any,
    ) -> None:
        self.path = root / "journal"
        self.api = api
        self.llm = llm
        self.executor = executor
        self.terminal: PaperTerminal | None = None
        if paper:
            self.terminal = PaperTerminal()
            assert self.terminal.initialize()
        self.link: Mt5Link | None = None
        self.settings_over = settings or {}
        self.llm_over = llm_over or {}
        self.collaborators = collaborators
        self.journal: Journal | None = None
        self.app: Any = None
        self.runner: BotRunner | None = None

    @property
    def svc(self) -> BotServices:
        svc = self.app.bot_data["tradejournal"]
        assert isinstance(svc, BotServices)
        return svc

    async def start(self, *, poll: bool = False) -> BotHarness:
        """Open the journal, build the services and app, start it (without polling)."""
        self.journal = Journal.open(self.path, create=True)
        parts = dict(self.collaborators)
        executor = self.executor
        if self.terminal is not None:
            self.link = Mt5Link(Mt5Poller(self.terminal, self.journal))
            executor = self.link
            parts["mt5_cycle"] = self.link.run_once
        svc = open_services(
            bot_settings(self.path, self.api, **self.settings_over),
            llm_settings(self.llm, **self.llm_over),
            self.journal,
            executor=executor,
            **parts,
        )
        self.app = build_application(svc)
        self.runner = BotRunner(self.app, poll=poll)
        await self.runner.start()
        return self

    async def stop(self) -> None:
        """Stop the app and close the journal."""
        if self.runner is not None:
            await self.runner.stop("test")
            self.runner = None
        if self.journal is not None:
            self.journal.close()
            self.journal = None

    async def restart(self) -> None:
        """Stop, then start a new Application from the same journal."""
        await self.stop()
        await self.start()

    async def send(self, update: dict[str, Any]) -> None:
        """Process one update (as the fake would deliver it) to completion."""
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def say(self, user: int, text: str) -> None:
        """A text message (command or not) from ``user``."""
        await self.send(self.api.message_update(user, text))

    async def press(self, user: int, data: str, message_id: int = 1) -> None:
        """A button press by ``user``."""
        await self.send(self.api.callback_update(user, data, message_id=message_id))

    def events(self, *types: str) -> list[Event]:
        """Journal events of the given types (all if none)."""
        return list(read_events(self.path, types=set(types) or None))

    def texts(self, chat_id: int) -> list[str]:
        """Texts the bot sent to a chat (messages and edits), in order."""
        return [
            c.text
            for c in self.api.sent(chat_id=chat_id)
            if c.method in ("sendMessage", "editMessageText", "sendPhoto")
        ]
