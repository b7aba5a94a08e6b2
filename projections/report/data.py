"""What the HTML report and the dashboard PNGs show: every figure read from the projections.

``collect(journal, since=, until=, account=)`` returns a ``ReportData`` of plain Python values
(the same conventions as ``projections.api``: money ``Decimal``, ratios ``float``, aware UTC
datetimes). Trades are selected by close time (``until`` exclusive), everything else by its own
event time; ``account`` selects one trading account where the rows carry one. Rendering lives in
``html.py`` (+ ``ops_sections.py``, ``blocks.py``) / ``svg.py`` / ``png.py``; nothing here formats.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..api import _run, _ts, stats
from ..engine import connect_readonly

__all__ = ["BREAKDOWNS", "ReportData", "collect"]

PathLike = str | os.PathLike[str]
BREAKDOWNS = ("symbol", "weekday", "hour", "strategy")

# The selection as SQL: $1 since, $2 until (TIMESTAMPTZ or NULL), $3 account.
_SEL_CLOSED = (
    "status = 'closed' AND ($1 IS NULL OR close_ts >= CAST($1 AS TIMESTAMPTZ)) "
    "AND ($2 IS NULL OR close_ts < CAST($2 AS TIMESTAMPTZ)) AND ($3 IS NULL OR account = $3)"
)
_SEL_TS = (
    "($1 IS NULL OR ts >= CAST($1 AS TIMESTAMPTZ)) AND ($2 IS NULL OR ts < CAST($2 AS TIMESTAMPTZ))"
)
_SEL_TS_ACCOUNT = _SEL_TS + " AND ($3 IS NULL OR account = $3)"
# alerts, signals, recommendations without an account (host-wide) stay in an account's report
_SEL_TS_HOST = _SEL_TS + " AND ($3 IS NULL OR account = $3 OR account IS NULL)"


@dataclass
class ReportData:
    """Everything the report shows, section by section (empty lists when there is nothing)."""

    since: dt.datetime | None
    until: dt.datetime | None
    account: str | None
    summary: dict[str, Any]
    equity_source: str  # "equity" (account snapshots) or "realised" (cumulative closed P&L)
    equity_account: str | None
    equity_curve: list[dict[str, Any]]  # ts, equity, drawdown
    daily_pnl: list[dict[str, Any]]  # day, net_pnl, trades
    r_values: list[float]
    trades_without_r: int
    breakdowns: dict[str, list[dict[str, Any]]]
    calibration: dict[str, list[dict[str, Any]]]  # confidence_bucket / model / prompt_variant
    signals: list[dict[str, Any]]
    oco: list[dict[str, Any]]
    trail: list[dict[str, Any]]
    latency: list[dict[str, Any]]
    alerts_by_kind: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def has_trades(self) -> bool:
        """True when the selection holds at least one closed trade."""
        return bool(self.summary.get("trades"))

    @property
    def equity_caption(self) -> str:
        """Which curve the equity chart draws: ``account A1 equity (snapshots)``, ``account B2
        realised balance``, or ``A1 equity (snapshots) + B2 realised, summed``."""
        kinds: dict[str, str] = self.summary.get("curve_by_account") or {}
        if len(kinds) == 1:
            ((acct, kind),) = kinds.items()
            what = "equity (snapshots)" if kind == "equity" else "realised balance (closed trades)"
            return f"account {acct} {what}"
        parts = [f"{a} {'equity (snapshots)' if k == 'equity' else 'realised'}" for a, k in kinds.items()]  # fmt: skip
        return " + ".join(parts) + ", summed" if parts else "no closed trade"


def collect(
    journal_dir: PathLike,
    since: dt.datetime | str | None = None,
    until: dt.datetime | str | None = None,
    account: str | None = None,
    *,
    now: dt.datetime | None = None,
    breakdowns: tuple[str, ...] = BREAKDOWNS,
) -> ReportData:
    """Read every section of the report for the selection (see the module docstring).

    ``breakdowns``: the ``stats --by`` groupings to compute (the costly part; the dashboard PNG
    asks only for the ones it draws)."""
    summary = stats(journal_dir, since=since, until=until, account=account)
    groups = {
        by: [
            {"group": g, **f}
            for g, f in stats(journal_dir, by=by, since=since, until=until, account=account).items()
        ]
        for by in breakdowns
    }
    sel = [_ts(since), _ts(until), account]
    con = connect_readonly(journal_dir)
    try:
        source, eq_account, curve = _equity_curve(con, sel, summary)
        r_rows = _run(con, f"SELECT r_multiple FROM trades WHERE {_SEL_CLOSED} ORDER BY close_ts, trade_id", sel)  # fmt: skip
        data = ReportData(
            since=_aware(since),
            until=_aware(until),
            account=account,
            summary=summary,
            equity_source=source,
            equity_account=eq_account,
            equity_curve=curve,
            daily_pnl=_run(
                con,
                "SELECT CAST(timezone('UTC', close_ts) AS DATE) AS day, sum(net_pnl) AS net_pnl, "
                f"count(*) AS trades FROM trades WHERE {_SEL_CLOSED} GROUP BY 1 ORDER BY 1",
                sel,
            ),
            r_values=[float(r["r_multiple"]) for r in r_rows if r["r_multiple"] is not None],
            trades_without_r=sum(1 for r in r_rows if r["r_multiple"] is None),
            breakdowns=groups,
            calibration={dim: _calibration(con, dim, sel) for dim in _CALIBRATION},
            signals=_run(con, _SIGNALS, sel),
            oco=_run(
                con,
                f"SELECT * FROM oco_pairs WHERE {_SEL_CREATED} ORDER BY created_ts, oco_group_id",
                sel,
            ),  # fmt: skip
            trail=_run(con, _TRAIL, sel),
            latency=_run(con, _LATENCY, sel[:2]),
            alerts_by_kind=_run(con, _ALERTS_BY_KIND, sel),
            alerts=_run(
                con,
                f"SELECT ts, level, kind, symbol, position_id, account, message FROM alerts "
                f"WHERE {_SEL_TS_HOST} ORDER BY ts DESC, seq DESC LIMIT 100",
                sel,
            ),
        )
    finally:
        con.close()
    if now is not None:
        data.generated = now
    return data


def _aware(value: dt.datetime | str | None) -> dt.datetime | None:
    text = _ts(value)
    return None if text is None else dt.datetime.fromisoformat(text)


def _equity_curve(
    con: Any, sel: list[Any], summary: dict[str, Any]
) -> tuple[str, str | None, list[dict[str, Any]]]:
    """The curve ``stats`` measures its max drawdown on (``perf_curve``, docs/statistics.md):
    each selected account's own curve -- its snapshots' equity (2 or more), else its realised
    balance -- summed on one timeline. Per point: ts, equity (the summed value) and drawdown =
    running peak of the P&L (cash flows excluded, the start a peak of 0) - P&L, as
    ``perf_drawdown`` measures it; the source is ``stats``' ``drawdown_source``."""
    rows = _run(
        con,
        "SELECT ts, value AS equity, greatest(0, max(pnl) OVER w) - pnl AS drawdown "
        "FROM perf_curve(since := ?, until := ?, acct := ?) "
        "WINDOW w AS (ORDER BY n ROWS UNBOUNDED PRECEDING) ORDER BY n",
        sel,
    )
    kinds: dict[str, str] = summary.get("curve_by_account") or {}
    account = next(iter(kinds)) if len(kinds) == 1 else None
    return str(summary.get("drawdown_source") or "realised"), account, rows


_SEL_CREATED = _SEL_TS_HOST.replace("ts >=", "created_ts >=").replace("ts <", "created_ts <")
_CALIBRATION = ("confidence_bucket", "model", "prompt_variant")


def _calibration(con: Any, dim: str, sel: list[Any]) -> list[dict[str, Any]]:
    order = "min(confidence)" if dim == "confidence_bucket" else "1"
    return _run(
        con,
        f'SELECT {dim} AS "group", count(*) AS recommendations, '
        "count(*) FILTER (WHERE executed) AS executed, "
        "count(*) FILTER (WHERE executed AND trade_status = 'closed') AS closed, "
        "count(*) FILTER (WHERE executed AND won) AS wins, "
        "count(*) FILTER (WHERE executed AND won) / nullif(count(*) FILTER "
        "(WHERE executed AND trade_status = 'closed'), 0) AS win_rate, "
        "avg(confidence) AS avg_confidence, "
        "avg(r_multiple) FILTER (WHERE executed AND trade_status = 'closed') AS avg_r, "
        "sum(net_pnl) FILTER (WHERE executed AND trade_status = 'closed') AS net_pnl "
        f"FROM recommendations WHERE {_SEL_TS_HOST} GROUP BY 1 ORDER BY {order} NULLS LAST",
        sel,
    )


_SIGNALS = f"""
SELECT symbol, direction, count(*) AS signals, avg(confidence) AS avg_confidence,
    count(*) FILTER (WHERE notified) AS notified, count(*) FILTER (WHERE followed) AS followed,
    count(*) FILTER (WHERE followed AND trade_status = 'closed') AS closed,
    count(*) FILTER (WHERE followed AND trade_status = 'closed' AND trade_net_pnl > 0) AS wins,
    sum(trade_net_pnl) FILTER (WHERE followed AND trade_status = 'closed') AS net_pnl,
    avg(trade_r_multiple) FILTER (WHERE followed AND trade_status = 'closed') AS avg_r
FROM signals WHERE {_SEL_TS_HOST} GROUP BY ALL ORDER BY symbol, direction
"""

_TRAIL = f"""
SELECT trade_id, symbol, side, close_ts, trail_count, initial_sl, final_sl, -1.0 AS initial_stop_r,
    final_stop_r, r_multiple, mfe_r, r_given_back, close_reason
FROM trades WHERE {_SEL_CLOSED} AND initial_sl IS NOT NULL
ORDER BY close_ts, trade_id
"""

_LATENCY = f"""
SELECT name, count(*) AS n, quantile_cont(duration_ms, 0.5) AS p50_ms,
    quantile_cont(duration_ms, 0.95) AS p95_ms, quantile_cont(duration_ms, 0.99) AS p99_ms,
    max(duration_ms) AS max_ms, avg(duration_ms) AS avg_ms
FROM metrics WHERE {_SEL_TS} GROUP BY name ORDER BY name
"""

_ALERTS_BY_KIND = f"""
SELECT kind, count(*) AS alerts, count(*) FILTER (WHERE level = 'critical') AS critical,
    count(*) FILTER (WHERE level = 'warning') AS warning,
    count(*) FILTER (WHERE level = 'info') AS info, max(ts) AS last_ts
FROM alerts WHERE {_SEL_TS_HOST} GROUP BY kind ORDER BY alerts DESC, kind
"""


def as_float(value: Decimal | float | int | None) -> float | None:
    """A number for drawing (None stays None)."""
    return None if value is None else float(value)
