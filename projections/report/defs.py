"""The definition of every figure and chart of the report, shown next to it (tooltip + footnote).

One place for the wording so the HTML page, the PNG captions and ``docs/report.md`` agree; the
conventions are those of ``projections.stats`` (closed positions, breakevens apart, R from the
first stop).
"""

from __future__ import annotations

__all__ = ["CARD_DEFS", "SECTION_DEFS"]

CARD_DEFS: dict[str, str] = {
    "net_pnl": "Sum of net P&L (profit + commission + swap + fee) of the closed positions "
    "selected by close time.",
    "win_rate": "Wins / (wins + losses); breakevens (net exactly 0) are excluded.",
    "profit_factor": "Sum of winning trades / |sum of losing trades|; 'inf' with no loss.",
    "expectancy": "Mean net P&L per closed trade, in account money.",
    "avg_r": "Mean R multiple (expectancy in R) over the trades with an initial stop; "
    "R = net P&L / initial risk, the risk taken from the first stop before any trail.",
    "max_drawdown": "Largest peak-to-trough fall, in money and in % of the peak: of the account "
    "equity (snapshots) when the selection is one account with snapshots, else of the "
    "cumulative realised P&L from the starting balance.",
    "sharpe": "Mean / standard deviation (ddof 1) of daily end-of-day equity returns x sqrt(365); "
    "n/a with fewer than 2 days of equity or several accounts.",
}

SECTION_DEFS: dict[str, str] = {
    "equity": "Top: the equity curve (account snapshots, or cumulative realised P&L of closed "
    "trades when the selection spans several accounts or has no snapshots). Bottom, in red: "
    "the drawdown at each point = running peak - current value.",
    "calendar": "One square per day from the first to the last close: net P&L of the trades "
    "closed that UTC day; green gains, red losses, the deeper the colour the larger relative to "
    "the biggest day; grey: no closed trade.",
    "r_histogram": "Closed trades counted by R multiple in bins of 0.5 R (lower bound "
    "inclusive). Red bins lie wholly below 0 R, green from 0 R up. Trades without an initial "
    "stop have no R and are left out (their count is given).",
    "breakdowns": "Closed trades grouped by symbol, weekday and hour of the open time (UTC), and "
    "strategy (trade annotations). Bars: net P&L per group. Win rate excludes breakevens; "
    "PF = profit factor; expectancy per trade in money and R.",
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
