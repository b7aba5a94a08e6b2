"""The Telegram producer: the bot that journals every message, button, plan and signal.

``build_application(services)`` gives a python-telegram-bot Application with the access guard
(group -2), the journaling handler (group -1) and the commands; ``BotRunner`` starts and stops
it; ``open_services`` builds the services from settings and an open journal.
"""

from __future__ import annotations

from .app import BotRunner, build_application, run_bot
from .assemble import open_services
from .ids import update_event_id
from .services import BotServices, Execution, OrderExecutor
from .settings import DEFAULT_VARIANTS, BotSettings, assign_variant
from .sink import JournalSink
from .state import BotState
from .text import split_text

__all__ = [
    "DEFAULT_VARIANTS",
    "BotRunner",
    "BotServices",
    "BotSettings",
    "BotState",
    "Execution",
    "JournalSink",
    "OrderExecutor",
    "assign_variant",
    "build_application",
    "open_services",
    "run_bot",
    "split_text",
    "update_event_id",
]
