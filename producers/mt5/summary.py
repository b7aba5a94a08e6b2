"""Read the summary figures an MT5 report prints in its Results section, exactly as printed.

Owns the label tables (English and French, including the labels xlsx testers garble to
"Maximum :") and the splitting of combined figures such as "278 (69.33%)" into their keys; figures
are never recomputed (the tests' ``mt5_summary_ref`` recomputes them from the deals, for cross-checks).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .cells import CENT, Cell, ReportError, Row, _blank, _decimal, _norm, _text

# Summary labels (normalised, English and French) -> keys of the figure(s) printed.
SUMMARY_LABELS: dict[str, tuple[str, ...]] = {
    "total net profit": ("total_net_profit",),
    "profit total net": ("total_net_profit",),
    "gross profit": ("gross_profit",),
    "profit brut": ("gross_profit",),
    "gross loss": ("gross_loss",),
    "perte brut": ("gross_loss",),
    "perte brute": ("gross_loss",),
    "profit factor": ("profit_factor",),
    "facteur de profit": ("profit_factor",),
    "expected payoff": ("expected_payoff",),
    "remboursement attendu": ("expected_payoff",),
    "total trades": ("total_trades",),
    "nb trades": ("total_trades",),
    "profit trades (% of total)": ("profit_trades", "profit_trades_pct"),
    "positions gagnantes (% du total)": ("profit_trades", "profit_trades_pct"),
    "loss trades (% of total)": ("loss_trades", "loss_trades_pct"),
    "positions perdantes (% du total)": ("loss_trades", "loss_trades_pct"),
    "short trades (won %)": ("short_trades", "short_won_pct"),
    "positions courtes (gagnees %)": ("short_trades", "short_won_pct"),
    "long trades (won %)": ("long_trades", "long_won_pct"),
    "positions longues (gagnees %)": ("long_trades", "long_won_pct"),
    "largest profit trade": ("largest_profit_trade",),
    "plus large position gagnante": ("largest_profit_trade",),
    "largest loss trade": ("largest_loss_trade",),
    "plus large position perdante": ("largest_loss_trade",),
    "average profit trade": ("average_profit_trade",),
    "moyenne position gagnante": ("average_profit_trade",),
    "average loss trade": ("average_loss_trade",),
    "moyenne position perdante": ("average_loss_trade",),
    "maximum consecutive wins ($)": ("max_consecutive_wins", "max_consecutive_wins_money"),
    "maximum realisations consecutives ($)": ("max_consecutive_wins", "max_consecutive_wins_money"),
    "maximum consecutive losses ($)": ("max_consecutive_losses", "max_consecutive_losses_money"),
    "maximum pertes consecutives ($)": ("max_consecutive_losses", "max_consecutive_losses_money"),
    "maximal consecutive profit (count)": (
        "maximal_consecutive_profit",
        "maximal_consecutive_profit_count",
    ),
    "maximum gains consecutifs (nombre)": (
        "maximal_consecutive_profit",
        "maximal_consecutive_profit_count",
    ),
    "maximal consecutive loss (count)": (
        "maximal_consecutive_loss",
        "maximal_consecutive_loss_count",
    ),
    "maximum pertes consecutives (nombre)": (
        "maximal_consecutive_loss",
        "maximal_consecutive_loss_count",
    ),
    "balance drawdown absolute": ("balance_drawdown_absolute",),
    "solde drawdown absolu": ("balance_drawdown_absolute",),
    "balance drawdown maximal": ("balance_drawdown_maximal", "balance_drawdown_maximal_pct"),
    "solde drawdown maximal": ("balance_drawdown_maximal", "balance_drawdown_maximal_pct"),
    "balance drawdown relative": ("balance_drawdown_relative_pct", "balance_drawdown_relative"),
    "solde drawdown relatif": ("balance_drawdown_relative_pct", "balance_drawdown_relative"),
}
# xlsx testers garble some labels to "Maximum :"; the intact label of the pair sits in the same row.
GARBLED_LABELS = {
    "maximum": ("maximum consecutive wins ($)", "maximum consecutive losses ($)"),
    "maximal": ("maximal consecutive profit (count)", "maximal consecutive loss (count)"),
    "average": ("average consecutive wins", "average consecutive losses"),
}
INT_KEYS = frozenset({
    "total_trades", "profit_trades", "loss_trades", "short_trades", "long_trades",
    "max_consecutive_wins", "max_consecutive_losses", "maximal_consecutive_profit_count",
    "maximal_consecutive_loss_count",
})  # fmt: skip
MONEY_KEYS = frozenset({
    "total_net_profit", "gross_profit", "gross_loss", "largest_profit_trade",
    "largest_loss_trade", "max_consecutive_wins_money", "max_consecutive_losses_money",
    "maximal_consecutive_profit", "maximal_consecutive_loss", "balance_drawdown_absolute",
    "balance_drawdown_maximal", "balance_drawdown_relative",
})  # fmt: skip

_FIGURE = re.compile(r"^(?P<a>[^()%]*?)\s*%?\s*(?:\((?P<b>[^()%]*?)\s*%?\s*\))?$")


def _summary(path: Path, rows: list[Row], sections: dict[str, int]) -> dict[str, Decimal | int]:
    start = sections.get("results")
    if start is None:
        return {}
    later = [i for name, i in sections.items() if name != "results" and i > start]
    summary: dict[str, Decimal | int] = {}
    for row in rows[start + 1 : min(later, default=len(rows))]:
        for label, value in _resolve_garbled(list(_pairs(row))):
            keys = SUMMARY_LABELS.get(label)
            if keys and not _blank(value):
                summary.update(_figures(path, label, keys, value))
    return summary


def _pairs(row: Row) -> Iterator[tuple[str, Cell]]:
    # (normalised label, value) for each "Label:" cell followed by its value cell
    label: str | None = None
    for cell in row:
        if isinstance(cell, str) and cell.strip().endswith(":"):
            if label is not None:
                yield label, None
            label = _norm(cell.strip()[:-1])
        elif label is not None and not _blank(cell):
            yield label, cell
            label = None
    if label is not None:
        yield label, None


def _resolve_garbled(pairs: list[tuple[str, Cell]]) -> list[tuple[str, Cell]]:
    present = {label for label, _ in pairs}
    resolved = []
    for label, value in pairs:
        if label in GARBLED_LABELS:
            free = [name for name in GARBLED_LABELS[label] if name not in present]
            if not free:
                continue
            label = free[0]
            present.add(label)
        resolved.append((label, value))
    return resolved


def _figures(
    path: Path, label: str, keys: tuple[str, ...], value: Cell
) -> dict[str, Decimal | int]:
    raw = [value] if isinstance(value, int | float) else _split_figure(value)
    if raw is None or len(raw) < len(keys):
        raise ReportError(f"{path}: summary figure {label!r} has an unexpected value {value!r}")
    out: dict[str, Decimal | int] = {}
    for key, item in zip(keys, raw, strict=False):
        try:
            number = _decimal(item)
        except (ValueError, InvalidOperation):
            number = None
        if number is None:
            raise ReportError(f"{path}: summary figure {label!r} has an unexpected value {value!r}")
        if key in INT_KEYS:
            out[key] = int(number)
        elif key in MONEY_KEYS and isinstance(item, float):
            out[key] = number.quantize(CENT)
        else:
            out[key] = number
    return out


def _split_figure(value: Cell) -> list[Cell] | None:
    # "278 (69.33%)" -> ["278", "69.33"]; "20.82% (2 694.44)" -> ["20.82", "2 694.44"]
    match = _FIGURE.match(_text(value))
    if match is None:
        return None
    return [part for part in (match["a"], match["b"]) if part]
