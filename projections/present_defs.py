"""Every figure's definition, in one place: the statistics and the report's charts and tables.

``DEFINITIONS`` (term, text) are the conventions of the journal statistics (docs/statistics.md),
printed by ``tradejournal stats --defs``, the bot's ``/defs`` and the HTML report's summary;
``CHART_DEFINITIONS`` define what each section of the HTML report draws (docs/report.md). Every
renderer takes its wording from here; none keeps a copy. Pure Python, no import beyond the
standard library.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = [
    "CHART_DEFINITIONS",
    "DEFINITIONS",
    "DRAWDOWN_SOURCES",
    "definition",
    "definitions",
]

DEFINITIONS = (
    ("unit", "One closed position, partial closes folded in. Net P&L = sum of profit + "
     "commission + swap + fee over all its deals."),
    ("tolerance", "--tol {tol} (money): win = net > +tol, loss = net < -tol, otherwise breakeven."),
    ("breakeven", "Counted separately (B). Win rate = W / (W + L), breakevens excluded; "
     "'win rate incl. BE' = W / N. A breakeven breaks a streak."),
    ("profit factor", "Sum of wins / |sum of losses|. No losing trade: inf, flagged "
     "(JSON: null, CSV: an empty cell, with profit_factor_is_inf true), never 0."),
    ("payoff ratio", "Average win / |average loss| - neither R nor profit factor."),
    ("expectancy", "Mean net P&L per trade (money); in R: the mean R-multiple (Van Tharp)."),
    ("R basis", "R = net P&L / initial risk; initial risk = |entry - initial SL| x volume x "
     "value of a price unit, from the FIRST stop (before any trail); the value of a price "
     "unit is estimated from the deals' own profit. No initial SL: no R - excluded from the R "
     "figures and counted as 'without R'."),
    ("planned R", "|TP - entry| / |entry - SL| with the TP and SL known at entry: from the "
     "recommendation, the opening order, or a stop set at entry. A TP or SL added later is "
     "not planned: no planned R."),
    ("SQN", "sqrt(N) x mean(R) / stdev(R) (sample, ddof 1) over trades with R; flagged when "
     "N < 30; SQN100 uses sqrt(min(N, 100)); fewer than 2 R values: money-based, flagged."),
    ("cash flows", "Deposits, withdrawals and every other non-trading balance change are not "
     "performance: never a gain, a loss, a drawdown or a return. Every curve is adjusted for them."),
    ("drawdown source", "Each account's own curve: its equity from account snapshots when it has "
     "2 or more in the selection ('equity'), else its realised balance from the balance before "
     "the first trade ('realised'); several accounts are summed on one timeline, each account's "
     "last value carried forward ('mixed' when they differ; the table names each account's "
     "curve). With --by, every group uses realised P&L."),
    ("max drawdown", "In money: the largest fall of the P&L curve (value - start - cash flows "
     "so far) from its running peak. In %: the largest fall of the time-weighted index, the "
     "product of 1 + r over the curve's points. Peak and trough times; current drawdown."),
    ("annualisation", "Sharpe and Sortino from end-of-day returns (days in --tz {tz}), cash-flow "
     "adjusted: r = (close - the day's cash flows) / previous close - 1; mean / stdev (ddof 1) "
     "x sqrt(365); Sortino uses the downside deviation sqrt(sum(min(r, 0)^2) / n). Only when "
     "every account has an equity curve; n/a with fewer than 2 days."),
    ("streaks", "Longest win and loss runs by close time; current streak (+ wins, - losses)."),
    ("MAE / MFE", "Worst and best price reached while the position was open (from its first "
     "entry fill to its last exit fill), from the recorded excursions and the position's own "
     "fills; in price, money and R. Efficiency = realised move / MFE move (at most 1)."),
    ("trail audit", "Stop moves while open (the initial stop excluded), time to a breakeven stop, "
     "R locked by the final stop, R given back from the MFE to the exit."),
    ("netting reversal", "A deal that reverses a netting position closes one leg and opens the "
     "next: its profit belongs to the closing leg, its commission, swap and fee are split "
     "between the legs by volume."),
    ("time zone", "--tz {tz}: weekday and hour of the open time, month of the close time; "
     "sessions by UTC open hour (asia 0-7, london 7-13, new_york 13-21, late 21-24)."),
    ("selection", "--since / --until select by close time (until exclusive); --account one account."),
    ("MT5 summary", "stats --mt5: MetaTrader 5's own report definitions, per closing deal (a "
     "partial close is a trade, a zero result a profit trade, entry costs count in gross loss; "
     "deposits move the balance curve as MT5 counts them); the equity drawdown only from "
     "account snapshots."),
)  # fmt: skip
"""(term, definition) of every statistic; ``{tol}`` and ``{tz}`` are filled by ``definitions``."""


DRAWDOWN_SOURCES = {
    "equity": "equity curve (account snapshots)",
    "realised": "realised P&L",
    "mixed": "accounts' own curves, summed",
}
"""The curves a drawdown is measured on (``stats()``'s ``drawdown_source``), named."""


def definitions(tol: Decimal | int = 0, tz: str = "UTC") -> list[tuple[str, str]]:
    """Return (term, definition) with the tolerance and the time zone in use filled in."""
    return [(term, text.format(tol=tol, tz=tz)) for term, text in DEFINITIONS]


def definition(term: str, tol: Decimal | int = 0, tz: str = "UTC") -> str:
    """Return the definition of one term of ``DEFINITIONS`` (KeyError for an unknown term)."""
    return dict(definitions(tol, tz))[term]


CHART_DEFINITIONS: dict[str, str] = {
    "equity": "Top: the curve the max drawdown is measured on: each account's own curve (its "
    "equity from snapshots, at least two; else its realised balance from closed trades) summed "
    "on one timeline. Bottom, in red: the drawdown at each point = running peak - current "
    "value of the P&L (deposits and withdrawals excluded).",
    "calendar": "One square per day from the first to the last close: net P&L of the trades "
    "closed that UTC day; green gains, red losses, the deeper the colour the larger relative to "
    "the biggest day; grey: no closed trade.",
    "r_histogram": "Closed trades counted by R multiple in bins of 0.5 R (lower bound "
    "inclusive). Red bins lie wholly below 0 R, green from 0 R up. Trades without an initial "
    "stop have no R and are left out (their count is given).",
    "breakdowns": "Closed trades grouped by symbol, weekday and hour of the open time (UTC), and "
    "strategy (trade annotations). Bars: net P&L per group. The tables are those of "
    "'tradejournal stats --by': W / L / BE, win rate, PF = profit factor, payoff, expectancy "
    "in money and R, SQN, max drawdown on realised P&L, streaks (see the definitions above).",
    "calibration": "AI recommendations grouped by stated confidence (buckets 0-49, 50-69, "
    "70-84, 85-100), by model and by prompt variant. Win rate = executed recommendations whose "
    "position closed with net > 0 / executed ones that closed. The chart sets each bucket's "
    "realised win rate (bar) against its mean stated confidence (dot): calibrated when they meet.",
    "signals": "Scanner signals by symbol and direction: notified = sent to at least one chat; "
    "followed = a trade carries the signal id, or a trade on the same symbol and side opened "
    "within 30 minutes; wins, net P&L and mean R of the followed trades that closed.",
    "oco": "OCO brackets created in the period: which leg filled, whether the sibling was "
    "cancelled and how fast (the oco.triggered latency, else sibling cancel time - fill time), "
    "and failures (both legs filled, cancel refused).",
    "trail": "Closed trades with an initial stop. Every trade risks -1 R at its initial stop; "
    "final stop R = where the last stop sat, in R (0 = breakeven, > 0 = profit locked); "
    "exit R = the realised R multiple; MFE R = the best favourable excursion; R given back = "
    "MFE R - exit R in price units (positive: profit handed back before the exit).",
    "latency": "metric.timing measurements by name, in milliseconds: count, median (p50), p95, "
    "p99 (continuous quantiles), maximum and mean.",
    "alerts": "alert.raised events by kind and level, then the latest 100 in reverse time "
    "order. Alerts without an account are kept in an account's report (they concern the host).",
}
