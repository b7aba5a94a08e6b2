"""/start (the menu with inline buttons), /help, and the menu buttons' router."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from . import chat, recommend, reports
from .reply import answer

__all__ = ["HELP", "MENU", "help_cmd", "on_menu", "start"]

HELP = """Commands:
/plan SYMBOL - a trade plan from the model, with Execute / Dismiss
/chatgpt [question] - talk to the assistant; /end finishes the conversation
/stats [today|week|month|year|all|Nd] - key figures of closed trades
/trades - the last trades
/signals - the last scanner signals
/dashboard - key figures and the equity curve
/defs - how each figure is defined
/export - write a snapshot export now (owner only)
/help - this list"""

MENU = (
    ("Get trade plan", "menu:plan"),
    ("Chat with the assistant", "menu:chat"),
    ("Statistics", "menu:stats"),
    ("Dashboard", "menu:dashboard"),
    ("Trades", "menu:trades"),
    ("Signals", "menu:signals"),
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: greet and show the menu."""
    rows = [[InlineKeyboardButton(label, callback_data=data)] for label, data in MENU]
    await answer(
        update, context, "Trade journal bot. What would you like?", InlineKeyboardMarkup(rows)
    )


async def help_cmd(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: the commands."""
    await answer(update, context, HELP)


_ROUTES = {
    "plan": recommend.ask_symbol,
    "chat": chat.start_chat,
    "stats": reports.stats,
    "dashboard": reports.dashboard,
    "trades": reports.trades,
    "signals": reports.signals,
}


async def on_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A menu button: run the command it stands for."""
    query = update.callback_query
    assert query is not None
    route = _ROUTES.get((query.data or "").removeprefix("menu:"))
    if route is None:
        await query.answer("Unknown button")
        return
    await route(update, context)
