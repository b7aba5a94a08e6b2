"""Assemble and run the bot: the Application, its handlers and jobs, start and clean stop.

``build_application`` wires the handlers (guard in group -2, journaling in -1, commands and
buttons in 0) onto a PTB Application pointed at ``settings.base_url``. ``BotRunner`` starts it
with real ``getUpdates`` polling (journaling ``bot.started``, re-arming the expiry of plans still
pending in the journal) and stops it (``bot.stopped``); ``run_bot`` runs until an event is set —
the CLI sets it on SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from tradejournal.events import BotStarted, BotStopped

from . import chat, menu, recommend, reports
from .guard import guard, record
from .jobs import schedule_jobs
from .services import BotServices, install, user_chat

__all__ = ["BotRunner", "build_application", "run_bot"]

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong. The error was logged."
COMMANDS = {
    "start": menu.start,
    "help": menu.help_cmd,
    "chatgpt": chat.start_chat,
    "end": chat.end_chat,
    "plan": recommend.plan,
    "stats": reports.stats,
    "trades": reports.trades,
    "signals": reports.signals,
    "dashboard": reports.dashboard,
    "defs": reports.defs,
    "export": reports.export_now,
}


def build_application(svc: BotServices) -> Any:
    """A PTB Application with every handler; ``svc`` is installed in ``bot_data``."""
    s = svc.settings
    builder = Application.builder().token(s.token)
    if s.base_url:
        builder = builder.base_url(s.base_url)
    if s.base_file_url:
        builder = builder.base_file_url(s.base_file_url)
    app = builder.build()
    install(app.bot_data, svc)
    app.add_handler(TypeHandler(Update, guard), group=-2)
    app.add_handler(TypeHandler(Update, record), group=-1)
    for name, callback in COMMANDS.items():
        app.add_handler(CommandHandler(name, callback))
    app.add_handler(CallbackQueryHandler(menu.on_menu, pattern=r"^menu:"))
    app.add_handler(CallbackQueryHandler(recommend.plan, pattern=r"^plan:ask:"))
    app.add_handler(CallbackQueryHandler(recommend.on_decision, pattern=r"^rec:[xd]:"))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, chat.on_text))
    app.add_error_handler(_on_error)
    return app


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("handler failed", exc_info=context.error)
    if isinstance(update, Update) and update.effective_user is not None:
        _, chat_id = user_chat(update)
        try:
            await context.bot.send_message(chat_id, SORRY)
        except Exception:  # the chat may be unreachable; the error is logged above
            log.warning("could not tell chat %s about the error", chat_id)


class BotRunner:
    """Start (initialize, jobs, polling) and stop the bot around ``async with``."""

    def __init__(self, app: Any, *, poll: bool = True) -> None:
        self.app = app
        self.poll = poll
        self.svc: BotServices = app.bot_data["tradejournal"]

    async def start(self) -> None:
        """Initialize, journal ``bot.started``, re-arm pending expiries, start jobs and polling."""
        await self.app.initialize()
        sink = self.svc.sink
        await sink.record(BotStarted, pid=sink.stamps.pid())
        for rec in list(self.svc.state.pending.values()):
            recommend.schedule_expiry(self.app, rec)
        schedule_jobs(self.app)
        if self.poll:
            await self.app.updater.start_polling(
                poll_interval=self.svc.settings.poll_interval_s,
                timeout=dt.timedelta(seconds=self.svc.settings.poll_timeout_s),
            )
        await self.app.start()
        log.info("bot started as @%s", self.app.bot.username)

    async def stop(self, reason: str = "stopped") -> None:
        """Stop polling and jobs, journal ``bot.stopped``, shut down, close the model client."""
        try:
            if self.app.updater is not None and self.app.updater.running:
                await self.app.updater.stop()
            if self.app.running:
                await self.app.stop()
            sink = self.svc.sink
            await sink.record(BotStopped, pid=sink.stamps.pid(), reason=reason)
        finally:
            await self.app.shutdown()
            await self.svc.llm.close()
        log.info("bot stopped (%s)", reason)

    async def __aenter__(self) -> BotRunner:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


async def run_bot(app: Any, stop: asyncio.Event, *, reason: str = "signal") -> None:
    """Run the bot with polling until ``stop`` is set, then stop it cleanly."""
    runner = BotRunner(app)
    await runner.start()
    try:
        await stop.wait()
    finally:
        await runner.stop(reason)
