"""The journal answered in the chat: /stats, /trades, /signals, /dashboard, /defs, /export.

Every answer comes from the projections (caught up first, so it is current) and runs in a worker
thread: DuckDB and the store are synchronous. Labels, rounding and definitions come from the
projections' presentation layer (``present``, ``present_trades``), the same the CLI and the HTML
report render: this module only lays them out as chat text.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from tradejournal.projections import api
from tradejournal.projections.present import definitions, key_figures
from tradejournal.projections.present_trades import trade_line

from .reply import answer, args_of
from .services import services, user_chat

__all__ = [
    "PERIODS",
    "STATS_KEYS",
    "dashboard",
    "defs",
    "defs_text",
    "export_now",
    "period_since",
    "signals",
    "stats",
    "stats_text",
    "trades",
]

PERIODS = {"today": 0, "week": 7, "month": 30, "year": 365, "all": None}
STATS_KEYS = ("trades", "wins", "losses", "win_rate", "net_pnl", "profit_factor", "expectancy",
              "expectancy_r", "max_drawdown", "sqn")  # fmt: skip
"""The headline figures (``present.KEY_FIGURES``) /stats and /dashboard show."""


def period_since(period: str | None, now: dt.datetime) -> dt.datetime | None:
    """Start of a period: today / week / month / year / all, or Nd (N days); ValueError."""
    p = (period or "all").lower()
    days: int | None
    if p in PERIODS:
        days = PERIODS[p]
    elif p.endswith("d") and p[:-1].isdigit():
        days = int(p[:-1])
    else:
        raise ValueError(f"unknown period {period!r}: use today, week, month, year, all or Nd")
    if days is None:
        return None
    midnight = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - dt.timedelta(days=days)


def stats_text(figures: dict[str, Any], title: str) -> str:
    """The key figures as lines of text: ``Label: value``."""
    rows = key_figures(figures, tuple(k for k in STATS_KEYS if k in figures))
    return "\n".join([title, *(f"{k.label}: {k.value}" for k in rows)])


def defs_text(tol: Decimal | int = 0, tz: str = "UTC") -> str:
    """Every statistic's definition (``present.definitions``), one paragraph each."""
    return "\n\n".join(
        ["Definitions (breakeven tolerance and time zone as /stats uses them):"]
        + [f"{term}: {text}" for term, text in definitions(tol, tz)]
    )


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats [period]: the key figures of closed trades."""
    svc = services(context)
    args = args_of(update, context)
    try:
        since = period_since(args[0] if args else None, svc.sink.now())
    except ValueError as exc:
        await answer(update, context, str(exc))
        return
    async with svc.sink.timed("report.stats"):
        figures = await asyncio.to_thread(api.stats, svc.settings.journal, since=since)
    title = f"Statistics ({args[0] if args else 'all'})"
    await answer(update, context, stats_text(figures, title))


async def trades(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/trades: the last ten trades."""
    svc = services(context)
    rows = await asyncio.to_thread(api.trades, svc.settings.journal)
    if not rows:
        await answer(update, context, "No trades yet.")
        return
    await answer(update, context, "\n".join(["Last trades:", *map(trade_line, rows[-10:])]))


async def signals(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/signals: the last ten scanner signals."""
    svc = services(context)
    sql = (
        "SELECT symbol, timeframe, direction, confidence, ts FROM signals "
        "ORDER BY ts DESC, seq DESC LIMIT 10"
    )
    _, rows = await asyncio.to_thread(api.query, svc.settings.journal, sql)
    if not rows:
        await answer(update, context, "No signals yet.")
        return
    lines = ["Last signals:"]
    for symbol, tf, direction, conf, ts in rows:
        lines.append(f"{ts:%m-%d %H:%M} {symbol} {tf} {direction} {conf:g}%")
    await answer(update, context, "\n".join(lines))


async def defs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/defs: how each figure is defined."""
    await answer(update, context, defs_text())


async def dashboard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/dashboard: the key figures, then the equity picture when there is one."""
    svc = services(context)
    async with svc.sink.timed("report.dashboard"):
        figures = await asyncio.to_thread(api.stats, svc.settings.journal)
        picture = await svc.picture(svc.settings.journal) if svc.picture else None
    text = stats_text(figures, "Dashboard")
    await answer(update, context, text)
    if picture:
        _, chat_id = user_chat(update)
        await context.bot.send_photo(chat_id, io.BytesIO(picture), caption="Equity")


async def export_now(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export (owner only): write a snapshot export now."""
    svc = services(context)
    user_id, _ = user_chat(update)
    if svc.settings.owner_chat_id is None or user_id != svc.settings.owner_chat_id:
        await answer(update, context, "Only the owner can export.")
        return
    if svc.exporter is None or svc.settings.export_dir is None:
        await answer(update, context, "Export is not configured.")
        return
    async with svc.sink.timed("export.run"):
        path = await svc.exporter(svc.settings.export_dir, svc.sink.now())
    await answer(update, context, f"Export written: {path.name}")
