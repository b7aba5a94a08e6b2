"""Trades and trade stories as people read them: which columns, what rounding, the story's title.

Shared by the CLI's ``trades`` / ``trade``, the bot's ``/trades`` and the HTML report: functions of
the plain dicts ``trades()``, ``trade_legs()`` and ``trade_story()`` return, returning plain cells.
Pure Python: importing it loads neither DuckDB nor rich.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .formats import money, plain_decimal, two_decimals

__all__ = [
    "STORY_COLUMNS",
    "TRADE_COLUMNS",
    "story_rows",
    "story_title",
    "trade_cells",
    "trade_line",
]

TRADE_COLUMNS = {
    "position_id": "position", "symbol": "symbol", "side": "side", "status": "status",
    "open_ts": "opened (UTC)", "close_ts": "closed", "volume_in": "volume", "entry_vwap": "entry",
    "exit_vwap": "exit", "initial_sl": "initial SL", "net_pnl": "net", "r_multiple": "R",
    "close_reason": "exit by", "strategy": "strategy",
}  # fmt: skip
"""The main columns of a trade list (and their headers); exports carry every column."""
STORY_COLUMNS = ("time", "seq", "event", "what", "net", "R")
"""The columns of a trade's story timeline."""


def trade_cells(trade: dict[str, Any]) -> tuple[Any, ...]:
    """Return one trade's cells for ``TRADE_COLUMNS``: times to the minute (the close time
    alone when on the open's day), net to the cent, R to two decimals, None as ''."""
    return tuple(_trade_cell(name, trade) for name in TRADE_COLUMNS)


def _trade_cell(name: str, trade: dict[str, Any]) -> Any:
    value = trade[name]
    if value is None:
        return ""
    if name == "close_ts" and trade["open_ts"] is not None:
        opened, closed = (trade[k].astimezone(dt.UTC) for k in ("open_ts", "close_ts"))
        return closed.strftime("%H:%M" if closed.date() == opened.date() else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")
    if name == "r_multiple":
        return two_decimals(value)
    if name == "net_pnl":
        return Decimal(money(value))
    return value


def trade_line(trade: dict[str, Any]) -> str:
    """Return a trade in one short line: ``#3001 EURUSD buy 18.60`` (``open`` for the net while
    the trade is open)."""
    net = money(trade["net_pnl"]) if trade["status"] == "closed" else "open"
    return f"#{trade['position_id']} {trade['symbol']} {trade['side'] or ''} {net}"


def story_rows(story: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Return the story's timeline rows for ``STORY_COLUMNS``."""
    return [
        (
            row["ts"].astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S") if row["ts"] else "",
            "" if row["seq"] is None else str(row["seq"]),
            row["type"],
            row["summary"] or "",
            "" if row["net"] is None else Decimal(money(row["net"])),
            "" if row["r_multiple"] is None else two_decimals(row["r_multiple"]),
        )
        for row in story
    ]


def story_title(position_id: int, legs: list[dict[str, Any]]) -> str:
    """Return the story's title: account, symbol, side, volume, status, net and R when closed."""
    if not legs:
        return f"position {position_id}"
    first = legs[0]
    volume = first["volume_in"]
    title = (
        f"position {position_id} ({first['account']}): {first['symbol']} {first['side']} "
        f"{plain_decimal(volume) if isinstance(volume, Decimal) else volume}, {first['status']}"
    )
    closed = [t for t in legs if t["status"] == "closed"]
    if closed:
        net = sum((t["net_pnl"] for t in closed), Decimal(0))
        rs = [t["r_multiple"] for t in closed]
        r = f", R {rs[0]:.2f}" if len(rs) == 1 and rs[0] is not None else ""
        title += f", net {money(net)}{r}"
    return title
