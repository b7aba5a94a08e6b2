"""The bot's services, shared by every handler through ``application.bot_data``.

Handlers get them with ``services(context)``: the settings, the journal sink, the model client,
the rebuilt state, and the optional collaborators wired by ``app.build_application`` — the order
executor (MT5 producer), the scanner, the export and the dashboard picture.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from telegram import Update
from telegram.ext import ContextTypes

from tradejournal.events import RecommendationIssued, SignalDetected
from tradejournal.producers.llm import LlmClient

from .settings import BotSettings
from .sink import JournalSink
from .state import BotState

__all__ = [
    "BotServices",
    "CycleFn",
    "Execution",
    "ExportFn",
    "OrderExecutor",
    "PictureFn",
    "ScanFn",
    "services",
]

KEY = "tradejournal"


@dataclass(frozen=True)
class Execution:
    """What placing an order for a recommendation gave: tickets, or an error (and retcode)."""

    ok: bool
    order_ticket: int | None = None
    position_id: int | None = None
    retcode: int | None = None
    error: str = ""


class OrderExecutor(Protocol):
    """Places a market order for an approved recommendation (the MT5 producer's job)."""

    async def execute(
        self, rec: RecommendationIssued, volume: Decimal, *, causation_id: str
    ) -> Execution: ...


ScanFn = Callable[[], Awaitable[Sequence[SignalDetected]]]
"""One scanner pass: journals and returns the signals it detected."""
ExportFn = Callable[[Path, dt.datetime], Awaitable[Path]]
"""The nightly export: (target directory, now) -> the written export."""
PictureFn = Callable[[Path], Awaitable[bytes | None]]
"""The dashboard picture (PNG bytes) of a journal, or None when there is nothing to draw."""
CycleFn = Callable[[], Awaitable[Sequence[Any]]]
"""One MT5 cycle (poll, OCO check, trailing pass): the events written."""


@dataclass
class BotServices:
    """Everything a handler needs."""

    settings: BotSettings
    sink: JournalSink
    llm: LlmClient
    state: BotState
    executor: OrderExecutor | None = None
    scanner: ScanFn | None = None
    exporter: ExportFn | None = None
    picture: PictureFn | None = None
    mt5_cycle: CycleFn | None = None


def services(context: ContextTypes.DEFAULT_TYPE) -> BotServices:
    """The services of the running application."""
    found = context.application.bot_data[KEY]
    assert isinstance(found, BotServices)
    return found


def install(bot_data: dict[Any, Any], svc: BotServices) -> None:
    """Put the services where ``services`` finds them."""
    bot_data[KEY] = svc


def user_chat(update: Update) -> tuple[int, int]:
    """(user id, chat id) of an update from a user (0 when absent)."""
    user = update.effective_user
    chat = update.effective_chat
    return (user.id if user else 0, chat.id if chat else (user.id if user else 0))
