"""The headline figures of the statistics (the bot's ``/stats`` and ``/dashboard``, the HTML
report's summary cards): label, value to read, a short note and the defining term.

A renderer picks the keys it shows and draws the ``KeyFigure``s; labels, rounding and the link
to each figure's definition (``present_defs.DEFINITIONS``) are here. Pure Python.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .formats import money, pct, r_value, ratio
from .present_defs import DRAWDOWN_SOURCES

__all__ = ["KEY_FIGURES", "KeyFigure", "key_figures"]

KEY_FIGURES = {
    "trades": ("Trades", "unit"), "wins": ("Wins", "tolerance"), "losses": ("Losses", "tolerance"),
    "win_rate": ("Win rate", "breakeven"), "net_pnl": ("Net P&L", "unit"),
    "profit_factor": ("Profit factor", "profit factor"), "expectancy": ("Expectancy", "expectancy"),
    "expectancy_r": ("Expectancy (R)", "R basis"), "max_drawdown": ("Max drawdown", "max drawdown"),
    "sqn": ("SQN", "SQN"), "sharpe": ("Sharpe", "annualisation"),
}  # fmt: skip
"""The headline figures of ``stats()``: key -> (label, the ``DEFINITIONS`` term defining it)."""


class KeyFigure(NamedTuple):
    """One headline figure as people read it (a bot line, a report card)."""

    key: str
    label: str
    value: str
    note: str
    term: str


def key_figures(
    f: dict[str, Any], keys: tuple[str, ...] | None = None, *, grouped: bool = False
) -> list[KeyFigure]:
    """Return the headline figures ``keys`` (all of ``KEY_FIGURES`` by default) of ``stats()``
    without a breakdown: label, value, a short note and the term that defines it. ``grouped``:
    money with thousands separators."""
    wins, losses, bes = f.get("wins", 0), f.get("losses", 0), f.get("breakevens", 0)
    dd = money(f.get("max_drawdown"), grouped=grouped)
    if f.get("max_drawdown_pct") is not None:
        dd += f" ({f['max_drawdown_pct']:.2f}%)"
    sqn_note = "fewer than 30 trades: indicative only" if f.get("sqn_warning") else ""
    curve = f.get("drawdown_source") or "realised"
    source = DRAWDOWN_SOURCES.get(curve, curve)
    shown = {
        "trades": (str(f.get("trades", 0)), f"{wins} W / {losses} L / {bes} BE"),
        "wins": (str(wins), ""),
        "losses": (str(losses), ""),
        "win_rate": (pct(f.get("win_rate")), f"{wins} W / {losses} L / {bes} BE"),
        "net_pnl": (money(f.get("net_pnl"), grouped=grouped), f"{f.get('trades', 0)} closed trades"),
        "profit_factor": ("inf" if f.get("profit_factor_is_inf") else ratio(f.get("profit_factor")), ""),
        "expectancy": (money(f.get("expectancy"), grouped=grouped), "per trade"),
        "expectancy_r": (r_value(f.get("expectancy_r"), signed=True),
                         f"{f.get('trades_with_r', 0)} trades with R"),
        "max_drawdown": (dd, f"from the {source}"),
        "sqn": (ratio(f.get("sqn")), sqn_note),
        "sharpe": (ratio(f.get("sharpe")), "daily equity returns, x sqrt(365)"),
    }  # fmt: skip
    return [
        KeyFigure(key, KEY_FIGURES[key][0], *shown[key], KEY_FIGURES[key][1])
        for key in (tuple(KEY_FIGURES) if keys is None else keys)
    ]
