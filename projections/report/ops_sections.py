"""The report's AI and operations sections: recommendation calibration, signal outcomes, the OCO
and trailing-stop audit, latency and alerts (the trading sections are in ``html.py``).

Each function takes the collected ``ReportData`` and returns one ``<section>``; every value
passes through ``blocks.esc`` (directly or through ``blocks.table``).
"""

from __future__ import annotations

from ..formats import duration, minute, pct, ratio
from ..present_defs import CHART_DEFINITIONS
from . import blocks as b
from . import svg
from .data import ReportData

__all__ = ["alerts", "calibration", "latency", "oco_trail", "signals"]


_CAL_COLS = ["recommendations", "executed", "closed", "wins", "win rate", "avg confidence",
             "avg R", "net P&L"]  # fmt: skip


def calibration(d: ReportData) -> str:
    buckets = d.calibration.get("confidence_bucket", [])
    if not buckets:
        return b.section("calibration", "Recommendation calibration",
                        b.empty("No AI recommendation in this period."))  # fmt: skip
    chart = svg.calibration_chart(
        [(str(r["group"]), r["win_rate"], r["avg_confidence"], r["closed"]) for r in buckets],
        "Win rate by confidence bucket",
    )
    parts = [chart]
    for dim, title in (("confidence_bucket", "confidence"), ("model", "model"),
                       ("prompt_variant", "prompt variant")):  # fmt: skip
        rows = d.calibration.get(dim, [])
        parts.append(f"<h3>By {b.esc(title)}</h3>")
        parts.append(
            b.table(
                [title, *_CAL_COLS],
                [
                    (
                        "(none)" if r["group"] is None else r["group"],
                        r["recommendations"],
                        r["executed"],
                        r["closed"],
                        r["wins"],
                        pct(r["win_rate"]),
                        ratio(r["avg_confidence"], 1),
                        b.rmult(r["avg_r"]),
                        b.money(r["net_pnl"]),
                    )
                    for r in rows
                ],  # fmt: skip
                money_cols={8},
            )
        )
    return b.section("calibration", "Recommendation calibration", "".join(parts))


def signals(d: ReportData) -> str:
    if not d.signals:
        return b.section("signals", "Signal outcomes", b.empty("No scanner signal in this period."))
    rows = [
        (r["symbol"], r["direction"], r["signals"], ratio(r["avg_confidence"], 1), r["notified"],
         r["followed"], r["closed"], r["wins"], b.money(r["net_pnl"]), b.rmult(r["avg_r"]))
        for r in d.signals
    ]  # fmt: skip
    cols = ["symbol", "direction", "signals", "avg confidence", "notified", "followed",
            "closed", "wins", "net P&L", "avg R"]  # fmt: skip
    return b.section("signals", "Signal outcomes", b.table(cols, rows, money_cols={8}))


def oco_trail(d: ReportData) -> str:
    parts = ["<h3>OCO brackets</h3>"]
    if d.oco:
        parts.append(
            b.table(
                [
                    "group",
                    "symbol",
                    "created",
                    "status",
                    "filled",
                    "cancelled",
                    "cancel latency",
                    "failure",
                ],
                [
                    (
                        r["oco_group_id"],
                        r["symbol"],
                        minute(r["created_ts"]),
                        r["status"],
                        r["filled_ticket"] or "",
                        r["cancel_ticket"] or "",
                        ""
                        if r["cancel_latency_ms"] is None
                        else f"{r['cancel_latency_ms']:,.0f} ms",
                        " ".join(
                            str(x)
                            for x in (r["failure"], r["failure_retcode"], r["failure_error"])
                            if x
                        ),
                    )
                    for r in d.oco
                ],
                text_cols={7},
            )  # fmt: skip
        )
    else:
        parts.append(b.empty("No OCO bracket in this period."))
    parts.append(f'<h3>Trailing stops</h3><p class="def">{b.esc(CHART_DEFINITIONS["trail"])}</p>')
    f = d.summary
    if f.get("trades"):
        parts.append(
            f'<p class="src">{b.esc(ratio(f.get("avg_trail_count")))} stop moves per closed trade on '
            f"average; {b.esc(b.rmult(f.get('avg_r_given_back')))} given back from the MFE on average; "
            f"breakeven stop reached after {b.esc(duration(f.get('avg_time_to_breakeven_s')))} on "
            "average.</p>"
        )
    if not d.trail:
        parts.append(b.empty("No closed trade with an initial stop."))
        return b.section("oco", "OCO and trailing-stop audit", "".join(parts))
    chart_rows = [
        (f"{r['symbol']} {r['side']} {minute(r['close_ts'])[5:]}", b.num(r["final_stop_r"]),
         b.num(r["r_multiple"]), b.num(r["mfe_r"]))
        for r in d.trail
    ]  # fmt: skip
    parts.append(
        svg.stop_audit_chart(chart_rows, "Stop audit: initial stop, final stop, exit, MFE in R")
    )
    parts.append(
        b.table(
            [
                "trade",
                "symbol",
                "stop moves",
                "initial stop",
                "final stop",
                "final stop R",
                "exit R",
                "MFE R",
                "R given back",
                "close reason",
            ],
            [
                (
                    r["trade_id"],
                    r["symbol"],
                    r["trail_count"],
                    r["initial_sl"],
                    r["final_sl"],
                    b.rmult(r["final_stop_r"]),
                    b.rmult(r["r_multiple"]),
                    b.rmult(r["mfe_r"]),
                    b.rmult(r["r_given_back"]),
                    r["close_reason"] or "",
                )
                for r in d.trail
            ],
        )  # fmt: skip
    )
    return b.section("oco", "OCO and trailing-stop audit", "".join(parts), define=False)


def latency(d: ReportData) -> str:
    if not d.latency:
        return b.section("latency", "Latency", b.empty("No timing measurement in this period."))
    rows = [
        (r["name"], r["n"], *(f"{r[k]:,.1f}" for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms", "avg_ms")))
        for r in d.latency
    ]  # fmt: skip
    return b.section("latency", "Latency",
                    b.table(["name", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean ms"], rows))  # fmt: skip


def alerts(d: ReportData) -> str:
    if not d.alerts_by_kind:
        return b.section("alerts", "Alerts", b.empty("No alert in this period."))
    by_kind = b.table(
        ["kind", "alerts", "critical", "warning", "info", "last"],
        [(r["kind"], r["alerts"], r["critical"], r["warning"], r["info"], minute(r["last_ts"]))
         for r in d.alerts_by_kind],
    )  # fmt: skip
    latest = b.table(
        ["time", "level", "kind", "symbol", "position", "message"],
        [(minute(r["ts"]), r["level"], r["kind"], r["symbol"] or "", r["position_id"] or "",
          r["message"]) for r in d.alerts],
        row_class=lambda row: f"lvl-{row[1]}",
        text_cols={5},
    )  # fmt: skip
    return b.section("alerts", "Alerts", by_kind + "<h3>Latest</h3>" + latest)
