"""Reference computation of MetaTrader 5's report summary from a report's deals, in pure Python.

Test-only: the executable statement of the MT5-compatible summary (docs/statistics.md), used to
cross-check the DuckDB SQL. Invariant: each figure uses MT5's own definition, so rounding a result
to the printed precision gives exactly the figure MT5 prints for the same deals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from tradejournal.producers.mt5.report import ReportDeal

__all__ = ["mt5_summary"]

TRADE_TYPES = frozenset({"buy", "sell"})
CLOSING_ENTRIES = frozenset({"out", "inout", "out_by"})
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def mt5_summary(
    deals: Sequence[ReportDeal], *, kind: Literal["tester", "history"] = "history"
) -> dict[str, Decimal | int]:
    """Return MT5's summary figures computed from ``deals`` (in report order).

    Keys are those of ``ParsedReport.summary``. Money is exact; percentages and ratios are
    unrounded. ``profit_factor`` is left out when there is no loss (MT5 has no finite value).
    ``kind`` picks the one figure on which MT5's two reports disagree: "Average loss trade" is
    Gross Loss / loss trades in the terminal's Trade History Report ("history", which includes
    entry-deal costs) but the mean of the losing trade results in the Strategy Tester ("tester").
    """
    trades = [d for d in deals if d.type in TRADE_TYPES and d.entry in CLOSING_ENTRIES]
    entry_costs = sum(
        (_result(d) for d in deals if d.type in TRADE_TYPES and d.entry not in CLOSING_ENTRIES),
        ZERO,
    )
    summary: dict[str, Decimal | int] = {}
    summary.update(_totals(trades, entry_costs, with_entry_costs=kind == "history"))
    summary.update(_sides(trades))
    summary.update(_runs(sorted(trades, key=lambda d: (d.time, d.deal))))
    summary.update(_balance_drawdown(deals))
    return summary


def _result(deal: ReportDeal) -> Decimal:
    return deal.profit + deal.commission + deal.swap + deal.fee


def _pct(part: Decimal | int, whole: Decimal | int) -> Decimal:
    if not whole:
        return ZERO
    share: Decimal = Decimal(part) * HUNDRED / Decimal(whole)
    return share


def _totals(
    trades: list[ReportDeal], entry_costs: Decimal, *, with_entry_costs: bool
) -> dict[str, Decimal | int]:
    results = [_result(d) for d in trades]
    wins = [r for r in results if r >= 0]  # a zero result counts as a profit trade
    losses = [r for r in results if r < 0]
    gross_profit = sum(wins, ZERO)
    gross_loss = sum(losses, ZERO) + entry_costs
    net = gross_profit + gross_loss
    loss_total = gross_loss if with_entry_costs else sum(losses, ZERO)
    out: dict[str, Decimal | int] = {
        "total_net_profit": net,
        "gross_profit": gross_profit,
        "gross_loss": gross_loss,
        "expected_payoff": net / len(results) if results else ZERO,
        "total_trades": len(results),
        "profit_trades": len(wins),
        "profit_trades_pct": _pct(len(wins), len(results)),
        "loss_trades": len(losses),
        "loss_trades_pct": _pct(len(losses), len(results)),
        "largest_profit_trade": max(wins, default=ZERO),
        "largest_loss_trade": min(losses, default=ZERO),
        "average_profit_trade": gross_profit / len(wins) if wins else ZERO,
        "average_loss_trade": loss_total / len(losses) if losses else ZERO,
    }
    if gross_loss:
        out["profit_factor"] = gross_profit / -gross_loss
    return out


def _sides(trades: list[ReportDeal]) -> dict[str, Decimal | int]:
    # a closing buy deal closes a short position, a closing sell deal a long one
    shorts = [_result(d) for d in trades if d.type == "buy"]
    longs = [_result(d) for d in trades if d.type == "sell"]
    return {
        "short_trades": len(shorts),
        "short_won_pct": _pct(sum(r >= 0 for r in shorts), len(shorts)),
        "long_trades": len(longs),
        "long_won_pct": _pct(sum(r >= 0 for r in longs), len(longs)),
    }


@dataclass(slots=True)
class _Run:
    win: bool
    count: int
    total: Decimal


def _runs(trades: list[ReportDeal]) -> dict[str, Decimal | int]:
    runs: list[_Run] = []
    for deal in trades:
        result = _result(deal)
        win = result >= 0
        if runs and runs[-1].win == win:
            runs[-1].count += 1
            runs[-1].total += result
        else:
            runs.append(_Run(win, 1, result))
    wins = [r for r in runs if r.win] or [_Run(True, 0, ZERO)]
    losses = [r for r in runs if not r.win] or [_Run(False, 0, ZERO)]
    # max(): the first run wins a tie of the key, i.e. the earliest run
    longest_win = max(wins, key=lambda r: (r.count, abs(r.total)))
    longest_loss = max(losses, key=lambda r: (r.count, abs(r.total)))
    richest = max(wins, key=lambda r: (abs(r.total), r.count))
    poorest = max(losses, key=lambda r: (abs(r.total), r.count))
    return {
        "max_consecutive_wins": longest_win.count,
        "max_consecutive_wins_money": longest_win.total,
        "max_consecutive_losses": longest_loss.count,
        "max_consecutive_losses_money": longest_loss.total,
        "maximal_consecutive_profit": richest.total,
        "maximal_consecutive_profit_count": richest.count,
        "maximal_consecutive_loss": poorest.total,
        "maximal_consecutive_loss_count": poorest.count,
    }


def _balance_drawdown(deals: Sequence[ReportDeal]) -> dict[str, Decimal | int]:
    start = next((i for i, d in enumerate(deals) if d.type == "balance"), 0)
    balances = [d.balance for d in deals[start:] if d.balance is not None]
    if not balances:
        return {}
    deposit = peak = balances[0]
    max_dd = max_dd_pct = rel_dd = rel_dd_pct = ZERO
    for balance in balances[1:]:
        if balance > peak:
            peak = balance
            continue
        drop = peak - balance
        drop_pct = _pct(drop, peak)
        if drop > max_dd:
            max_dd, max_dd_pct = drop, drop_pct
        if drop_pct > rel_dd_pct:
            rel_dd, rel_dd_pct = drop, drop_pct
    return {
        "balance_drawdown_absolute": max(deposit - min(balances), ZERO),
        "balance_drawdown_maximal": max_dd,
        "balance_drawdown_maximal_pct": max_dd_pct,
        "balance_drawdown_relative": rel_dd,
        "balance_drawdown_relative_pct": rel_dd_pct,
    }
