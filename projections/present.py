"""The statistics as people read them: definitions, MT5 labels, which figure goes in which row.

Shared by every renderer (the CLI's ``stats``, the bot's ``/stats`` and ``/defs``, the HTML
report): each function takes the plain dicts of ``stats()`` / ``mt5_summary()`` and returns plain
rows of text, so the renderers only draw them. The definitions' wording is in ``present_defs``,
the headline figures in ``present_keys`` (both re-exported here), trades in ``present_trades``;
they follow docs/statistics.md. Pure Python: importing it loads neither DuckDB nor rich (the
CLI's ``--help`` stays fast).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .formats import duration, money, pct, r_value, ratio, timestamp
from .present_defs import DEFINITIONS, DRAWDOWN_SOURCES, definitions
from .present_keys import KEY_FIGURES, KeyFigure, key_figures

__all__ = [
    "DEFINITIONS",
    "MT5_EQUITY_COLUMNS",
    "MT5_LABELS",
    "MT5_SUMMARY_COLUMNS",
    "STAT_DIMENSIONS",
    "KEY_FIGURES",
    "GroupTable",
    "KeyFigure",
    "definitions",
    "group_table",
    "key_figures",
    "mt5_rows",
    "mt5_title",
    "overall_rows",
    "overall_title",
    "selection",
]

STAT_DIMENSIONS = (
    "symbol", "side", "strategy", "regime", "weekday", "hour", "session", "month",
    "model", "prompt_variant", "close_reason", "account",
)  # fmt: skip
"""The breakdowns of ``stats(by=...)``."""
MT5_SUMMARY_COLUMNS = (
    "total_net_profit", "gross_profit", "gross_loss", "profit_factor", "expected_payoff",
    "total_trades", "profit_trades", "profit_trades_pct", "loss_trades", "loss_trades_pct",
    "short_trades", "short_won_pct", "long_trades", "long_won_pct", "largest_profit_trade",
    "largest_loss_trade", "average_profit_trade", "average_loss_trade", "max_consecutive_wins",
    "max_consecutive_wins_money", "max_consecutive_losses", "max_consecutive_losses_money",
    "maximal_consecutive_profit", "maximal_consecutive_profit_count", "maximal_consecutive_loss",
    "maximal_consecutive_loss_count", "average_consecutive_wins", "average_consecutive_losses",
    "balance_drawdown_absolute", "balance_drawdown_maximal", "balance_drawdown_maximal_pct",
    "balance_drawdown_relative_pct", "balance_drawdown_relative",
)  # fmt: skip
"""The keys of ``mt5_summary()``, in MetaTrader 5's order."""
MT5_EQUITY_COLUMNS = (
    "equity_drawdown_absolute", "equity_drawdown_maximal", "equity_drawdown_maximal_pct",
    "equity_drawdown_relative_pct", "equity_drawdown_relative",
)  # fmt: skip
"""The equity drawdown figures, in ``mt5_summary`` only when ``account.snapshot`` events exist."""

MT5_LABELS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Total Net Profit", ("total_net_profit",), "{}"),
    ("Gross Profit", ("gross_profit",), "{}"),
    ("Gross Loss", ("gross_loss",), "{}"),
    ("Profit Factor", ("profit_factor",), "{}"),
    ("Expected Payoff", ("expected_payoff",), "{}"),
    ("Total Trades", ("total_trades",), "{}"),
    ("Profit Trades (% of total)", ("profit_trades", "profit_trades_pct"), "{} ({}%)"),
    ("Loss Trades (% of total)", ("loss_trades", "loss_trades_pct"), "{} ({}%)"),
    ("Short Trades (won %)", ("short_trades", "short_won_pct"), "{} ({}%)"),
    ("Long Trades (won %)", ("long_trades", "long_won_pct"), "{} ({}%)"),
    ("Largest profit trade", ("largest_profit_trade",), "{}"),
    ("Largest loss trade", ("largest_loss_trade",), "{}"),
    ("Average profit trade", ("average_profit_trade",), "{}"),
    ("Average loss trade", ("average_loss_trade",), "{}"),
    ("Maximum consecutive wins ($)", ("max_consecutive_wins", "max_consecutive_wins_money"), "{} ({})"),
    ("Maximum consecutive losses ($)", ("max_consecutive_losses", "max_consecutive_losses_money"), "{} ({})"),
    ("Maximal consecutive profit (count)", ("maximal_consecutive_profit", "maximal_consecutive_profit_count"), "{} ({})"),
    ("Maximal consecutive loss (count)", ("maximal_consecutive_loss", "maximal_consecutive_loss_count"), "{} ({})"),
    ("Average consecutive wins", ("average_consecutive_wins",), "{}"),
    ("Average consecutive losses", ("average_consecutive_losses",), "{}"),
    ("Balance Drawdown Absolute", ("balance_drawdown_absolute",), "{}"),
    ("Balance Drawdown Maximal", ("balance_drawdown_maximal", "balance_drawdown_maximal_pct"), "{} ({}%)"),
    ("Balance Drawdown Relative", ("balance_drawdown_relative_pct", "balance_drawdown_relative"), "{}% ({})"),
    ("Equity Drawdown Absolute", ("equity_drawdown_absolute",), "{}"),
    ("Equity Drawdown Maximal", ("equity_drawdown_maximal", "equity_drawdown_maximal_pct"), "{} ({}%)"),
    ("Equity Drawdown Relative", ("equity_drawdown_relative_pct", "equity_drawdown_relative"), "{}% ({})"),
)  # fmt: skip
"""MetaTrader 5's report rows: label, the summary keys it prints, and how it prints them."""

_CURVES = {"equity": "equity curve", "realised": "realised P&L"}


def selection(
    account: str | None, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> str:
    """Describe the selection: ``account 1001, closed 2024-03-01 00:00:00Z to now``."""
    parts = [f"account {account}" if account else "all accounts"]
    if since or until:
        start = timestamp(since) if since else "..."
        parts.append(f"closed {start} to {timestamp(until) if until else 'now'}")
    return ", ".join(parts)


def overall_title(selected: str, tol: Decimal | int, tz: str, by: str | None = None) -> str:
    """The title of the statistics table."""
    what = f"Journal statistics by {by}" if by else "Journal statistics"
    return f"{what} ({selected}; breakeven tolerance {tol}, tz {tz})"


def overall_rows(f: dict[str, Any]) -> list[tuple[str, str]]:
    """Return the (figure, value) rows of ``stats()`` without a breakdown, rounded to read."""
    rows: list[tuple[str, str]] = [
        ("closed trades", f"{f['trades']}: {f['wins']} W / {f['losses']} L / {f['breakevens']} BE"),
        ("win rate (excl. BE)", pct(f["win_rate"]) + "  W / (W + L)"),
        ("win rate (incl. BE)", pct(f["win_rate_incl_be"]) + "  W / N"),
        ("net P&L", money(f["net_pnl"])),
        ("gross win / gross loss", f"{money(f['gross_win'])} / {money(f['gross_loss'])}"),
        ("costs", money(f["costs"]) + "  commission + swap + fee"),
        ("profit factor", _profit_factor(f)),
        ("payoff ratio", ratio(f["payoff_ratio"])
         + f"  avg win {money(f['avg_win'])} / avg loss {money(f['avg_loss'])}"),
        ("expectancy", money(f["expectancy"]) + " per trade"),
        ("expectancy R", r_value(f["expectancy_r"]) + f" per trade, {f['trades_with_r']} trades with R"
         + (f", {f['trades_without_r']} without an initial stop" if f["trades_without_r"] else "")),
        ("SQN / SQN100", f"{ratio(f['sqn'])} / {ratio(f['sqn100'])}" + _sqn_flag(f)),
        ("max drawdown", _drawdown(f)),
        *_curves(f),
        ("drawdown peak -> trough",
         f"{timestamp(f['drawdown_peak_ts'])} -> {timestamp(f['drawdown_trough_ts'])}"),
        ("current drawdown", money(f["current_drawdown"])),
    ]  # fmt: skip
    if "sharpe" in f:
        ratios = f"{ratio(f['sharpe'])} / {ratio(f['sortino'])}  daily equity returns x sqrt(365)"
        if f["sharpe"] is None and f["sortino"] is None:
            ratios = "n/a  (needs daily equity returns of 2 days or more)"
        rows.append(("Sharpe / Sortino", ratios))
    rows += [
        ("streaks", f"longest {f['longest_win_streak']} W / {f['longest_loss_streak']} L, "
         f"current {_streak(f['current_streak'])}"),
        ("best / worst trade", f"{money(f['best_trade'])} / {money(f['worst_trade'])}"),
        ("average duration", duration(f["avg_duration_s"])),
        ("avg MAE / MFE", f"{r_value(f['avg_mae_r'])} / {r_value(f['avg_mfe_r'])}"),
        ("avg efficiency", ratio(f["avg_efficiency"]) + "  realised / MFE"),
        ("trail audit", f"{ratio(f['avg_trail_count'])} stop moves per trade, breakeven stop after "
         f"{duration(f['avg_time_to_breakeven_s'])}, {r_value(f['avg_r_given_back'])} given back "
         "from MFE"),
        ("period", f"{timestamp(f['first_open_ts'])} -> {timestamp(f['last_close_ts'])}"),
    ]  # fmt: skip
    return rows


class GroupTable:
    """The breakdown table: column headers, one row of text per group, and footnotes."""

    __slots__ = ("columns", "notes", "rows")

    def __init__(self, columns: list[str], rows: list[tuple[Any, ...]], notes: list[str]) -> None:
        self.columns = columns
        self.rows = rows
        self.notes = notes


def group_table(by: str, groups: dict[Any, dict[str, Any]], *, grouped: bool = False) -> GroupTable:
    """Return the table of ``stats(by=...)``: one row per group, in the library's order (counts
    stay ints so a renderer can align them); ``grouped``: money with thousands separators."""
    columns = [by, "trades", "W", "L", "BE", "win rate", "net", "PF", "payoff", "expectancy",
               "exp. R", "SQN", "max DD", "streaks W/L"]  # fmt: skip
    rows = [
        (
            "(none)" if g is None else str(g), f["trades"], f["wins"], f["losses"],
            f["breakevens"], pct(f["win_rate"]), money(f["net_pnl"], grouped=grouped),
            _profit_factor(f, short=True), ratio(f["payoff_ratio"]),
            money(f["expectancy"], grouped=grouped),
            r_value(f["expectancy_r"]),
            ratio(f["sqn"]) + ("*" if f["sqn_warning"] and f["sqn"] is not None else ""),
            money(f["max_drawdown"], grouped=grouped),
            f"{f['longest_win_streak']}/{f['longest_loss_streak']}",
        )
        for g, f in groups.items()
    ]  # fmt: skip
    notes = []
    if any(f["sqn_warning"] and f["sqn"] is not None for f in groups.values()):
        notes.append("* SQN over fewer than 30 trades: indicative only")
    notes.append("Max DD per group: realised P&L. Definitions: tradejournal stats --defs")
    return GroupTable(columns, rows, notes)


def mt5_title(account: str | None) -> str:
    """The title of the MT5 summary table."""
    return f"MT5 report summary ({f'account {account}' if account else 'all accounts'})"


def mt5_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """Return MT5's (label, value) rows as its report prints them (money to the cent)."""
    rows = []
    for label, keys, template in MT5_LABELS:
        if not all(k in summary for k in keys):
            continue  # the equity drawdown: only from account snapshots
        values = [summary[k] for k in keys]
        if all(v is None for v in values):
            rows.append((label, "n/a"))
        else:
            rows.append((label, template.format(*(_mt5_value(v) for v in values))))
    return rows


def _mt5_value(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int):
        return str(value)
    return money(value)


def _profit_factor(f: dict[str, Any], short: bool = False) -> str:
    if f["profit_factor_is_inf"]:
        return "inf" if short else "inf (no losing trade)"
    return ratio(f["profit_factor"]) + ("" if short else "  sum W / |sum L|")


def _sqn_flag(f: dict[str, Any]) -> str:
    if f["sqn"] is None:
        return ""
    n = f["trades_with_r"] if f["sqn_basis"] == "R" else f["trades"]
    flags = [] if f["sqn_basis"] == "R" else ["money-based fallback (fewer than 2 trades with R)"]
    if f["sqn_warning"]:
        flags.append(f"N = {n} < 30: indicative only")
    return ("  " + "; ".join(flags)) if flags else ""


def _drawdown(f: dict[str, Any]) -> str:
    if f["max_drawdown"] is None:
        return "n/a"
    pct_text = (
        "" if f["max_drawdown_pct"] is None else f" ({f['max_drawdown_pct']:.2f}% time-weighted)"
    )
    source = DRAWDOWN_SOURCES.get(f["drawdown_source"], f["drawdown_source"])
    return f"{money(f['max_drawdown'])}{pct_text}  from the {source}"


def _curves(f: dict[str, Any]) -> list[tuple[str, str]]:
    curves = f.get("curve_by_account") or {}
    if len(curves) < 2:
        return []
    return [("curve per account", ", ".join(f"{a}: {_CURVES[c]}" for a, c in curves.items()))]


def _streak(n: int | None) -> str:
    if not n:
        return "none" if n is None else "breakeven"
    return f"{n} W" if n > 0 else f"{-n} L"
