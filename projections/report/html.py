"""The HTML report: one self-contained page (inline CSS, inline SVG, a few lines of inline JS).

``render_report(journal, since=, until=, account=)`` reads the figures (``data.collect``) and
returns the page as a string; ``render_html(data)`` renders an already collected ``ReportData``.
The page loads nothing (a Content-Security-Policy forbids any external resource), so it opens
offline and can be mailed. Every value from the journal is escaped (symbols, comments, alert
messages may hold markup). A small script records page errors into ``#report-status`` and the
``data-report`` attribute of ``<html>`` ("ok" or "error") so a headless browser can check it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from . import svg
from .data import ReportData, collect
from .defs import CARD_DEFS, SECTION_DEFS

__all__ = ["render_html", "render_report"]

PathLike = str | os.PathLike[str]


def render_report(
    journal_dir: PathLike,
    since: dt.datetime | str | None = None,
    until: dt.datetime | str | None = None,
    account: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> str:
    """Return the HTML report of the journal's selection (closed trades by close time)."""
    return render_html(collect(journal_dir, since, until, account, now=now))


def render_html(data: ReportData) -> str:
    """Return the page for collected figures (an empty journal renders, saying so)."""
    sections = [
        _summary(data),
        _equity(data),
        _calendar(data),
        _r_histogram(data),
        _breakdowns(data),
        _calibration(data),
        _signals(data),
        _oco_trail(data),
        _latency(data),
        _alerts(data),
    ]
    return _PAGE.format(
        title=_e(_title(data)),
        css=_CSS,
        trap=_TRAP,
        heading=_e(_title(data)),
        meta=_e(f"generated {data.generated:%Y-%m-%d %H:%M}Z by tradejournal {_version()}"),
        sections="\n".join(sections),
        done=_DONE,
    )


# --- sections -------------------------------------------------------------------------------------


def _summary(d: ReportData) -> str:
    f = d.summary
    pf = "inf" if f.get("profit_factor_is_inf") else _x(f.get("profit_factor"))
    dd = _m(f.get("max_drawdown"))
    if f.get("max_drawdown_pct") is not None:
        dd += f" ({f['max_drawdown_pct']:.2f}%)"
    cards = [
        ("net_pnl", "Net P&L", _m(f.get("net_pnl")), f"{f.get('trades', 0)} closed trades"),
        ("win_rate", "Win rate", _pct(f.get("win_rate")),
         f"{f.get('wins', 0)} W / {f.get('losses', 0)} L / {f.get('breakevens', 0)} BE"),
        ("profit_factor", "Profit factor", pf, ""),
        ("expectancy", "Expectancy", _m(f.get("expectancy")), "per trade"),
        ("avg_r", "Avg R", _r(f.get("expectancy_r")), f"{f.get('trades_with_r', 0)} trades with R"),
        ("max_drawdown", "Max drawdown", dd, f"from the {f.get('drawdown_source', 'realised')} curve"),
        ("sharpe", "Sharpe", _x(f.get("sharpe")), "daily equity returns, x sqrt(365)"),
    ]  # fmt: skip
    net_cls = _sign(f.get("net_pnl"))
    html = "".join(
        f'<div class="card" title="{_e(CARD_DEFS[key])}"><div class="k">{_e(name)}</div>'
        f'<div class="v {net_cls if key == "net_pnl" else ""}">{_e(value)}</div>'
        f'<div class="s">{_e(sub)}</div></div>'
        for key, name, value, sub in cards
    )
    notes = "".join(f"<dt>{_e(name)}</dt><dd>{_e(CARD_DEFS[key])}</dd>" for key, name, *_ in cards)
    empty = "" if d.has_trades else _empty("No closed trade in this selection.")
    return _section("summary", "Summary", f'<div class="cards">{html}</div>{empty}'
                    f'<dl class="defs">{notes}</dl>', define=False)  # fmt: skip


def _equity(d: ReportData) -> str:
    if len(d.equity_curve) < 2:
        body = _empty("Fewer than two equity points: no curve to draw.")
    else:
        points = [(r["ts"], float(r["equity"]), float(r["drawdown"])) for r in d.equity_curve]
        what = (
            f"account {d.equity_account} equity (snapshots)"
            if d.equity_source == "equity"
            else "cumulative realised P&L"
        )
        body = f'<p class="src">{_e(what)}</p>' + svg.equity_chart(
            points, f"Equity and drawdown: {what}"
        )
    return _section("equity", "Equity curve and drawdown", body)


def _calendar(d: ReportData) -> str:
    if not d.daily_pnl:
        return _section("calendar", "Daily P&L", _empty("No closed trade: no day to colour."))
    days = {r["day"]: (float(r["net_pnl"]), int(r["trades"])) for r in d.daily_pnl}
    table = _table(
        ["day", "trades", "net P&L"],
        [(r["day"].isoformat(), r["trades"], _m(r["net_pnl"])) for r in d.daily_pnl[-31:]],
        money_cols={2},
    )
    return _section(
        "calendar", "Daily P&L", svg.calendar_heatmap(days, "Daily net P&L calendar") + table
    )


def _r_histogram(d: ReportData) -> str:
    if not d.r_values:
        return _section("r_histogram", "R-multiple distribution",
                        _empty("No closed trade with an initial stop: no R multiple."))  # fmt: skip
    note = (
        f'<p class="src">{len(d.r_values)} trades with R'
        + (f", {d.trades_without_r} without an initial stop left out" if d.trades_without_r else "")
        + "</p>"
    )
    return _section("r_histogram", "R-multiple distribution",
                    note + svg.histogram(d.r_values, "R-multiple histogram"))  # fmt: skip


_GROUP_COLS = ["trades", "W / L / BE", "win rate", "net P&L", "PF", "expectancy", "exp. R"]


def _breakdowns(d: ReportData) -> str:
    parts = []
    for by, rows in d.breakdowns.items():
        parts.append(f"<h3>By {_e(by)}</h3>")
        if not rows:
            parts.append(_empty(f"No closed trade to group by {by}."))
            continue
        labels = ["(none)" if r["group"] is None else str(r["group"]) for r in rows]
        nets = [float(r["net_pnl"] or 0) for r in rows]
        tips = [f"{g}: net {n:,.2f} over {r['trades']} trades" for g, n, r in zip(labels, nets, rows, strict=True)]  # fmt: skip
        parts.append(svg.bar_chart(labels, nets, f"Net P&L by {by}", tips))
        parts.append(
            _table(
                [by, *_GROUP_COLS],
                [
                    (
                        g,
                        r["trades"],
                        f"{r['wins']} / {r['losses']} / {r['breakevens']}",
                        _pct(r["win_rate"]),
                        _m(r["net_pnl"]),
                        "inf" if r["profit_factor_is_inf"] else _x(r["profit_factor"]),
                        _m(r["expectancy"]),
                        _r(r["expectancy_r"]),
                    )
                    for g, r in zip(labels, rows, strict=True)
                ],  # fmt: skip
                money_cols={4, 6},
            )
        )
    return _section("breakdowns", "Breakdowns", "".join(parts))


_CAL_COLS = ["recommendations", "executed", "closed", "wins", "win rate", "avg confidence",
             "avg R", "net P&L"]  # fmt: skip


def _calibration(d: ReportData) -> str:
    buckets = d.calibration.get("confidence_bucket", [])
    if not buckets:
        return _section("calibration", "Recommendation calibration",
                        _empty("No AI recommendation in this period."))  # fmt: skip
    chart = svg.calibration_chart(
        [(str(r["group"]), r["win_rate"], r["avg_confidence"], r["closed"]) for r in buckets],
        "Win rate by confidence bucket",
    )
    parts = [chart]
    for dim, title in (("confidence_bucket", "confidence"), ("model", "model"),
                       ("prompt_variant", "prompt variant")):  # fmt: skip
        rows = d.calibration.get(dim, [])
        parts.append(f"<h3>By {_e(title)}</h3>")
        parts.append(
            _table(
                [title, *_CAL_COLS],
                [
                    (
                        "(none)" if r["group"] is None else r["group"],
                        r["recommendations"],
                        r["executed"],
                        r["closed"],
                        r["wins"],
                        _pct(r["win_rate"]),
                        _x(r["avg_confidence"], 1),
                        _r(r["avg_r"]),
                        _m(r["net_pnl"]),
                    )
                    for r in rows
                ],  # fmt: skip
                money_cols={8},
            )
        )
    return _section("calibration", "Recommendation calibration", "".join(parts))


def _signals(d: ReportData) -> str:
    if not d.signals:
        return _section("signals", "Signal outcomes", _empty("No scanner signal in this period."))
    rows = [
        (r["symbol"], r["direction"], r["signals"], _x(r["avg_confidence"], 1), r["notified"],
         r["followed"], r["closed"], r["wins"], _m(r["net_pnl"]), _r(r["avg_r"]))
        for r in d.signals
    ]  # fmt: skip
    cols = ["symbol", "direction", "signals", "avg confidence", "notified", "followed",
            "closed", "wins", "net P&L", "avg R"]  # fmt: skip
    return _section("signals", "Signal outcomes", _table(cols, rows, money_cols={8}))


def _oco_trail(d: ReportData) -> str:
    parts = ["<h3>OCO brackets</h3>"]
    if d.oco:
        parts.append(
            _table(
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
                        _t(r["created_ts"]),
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
            )  # fmt: skip
        )
    else:
        parts.append(_empty("No OCO bracket in this period."))
    parts.append(f'<h3>Trailing stops</h3><p class="def">{_e(SECTION_DEFS["trail"])}</p>')
    if not d.trail:
        parts.append(_empty("No closed trade with an initial stop."))
        return _section("oco", "OCO and trailing-stop audit", "".join(parts))
    chart_rows = [
        (f"{r['symbol']} {r['side']} {_t(r['close_ts'])[5:]}", _f(r["final_stop_r"]),
         _f(r["r_multiple"]), _f(r["mfe_r"]))
        for r in d.trail
    ]  # fmt: skip
    parts.append(
        svg.stop_audit_chart(chart_rows, "Stop audit: initial stop, final stop, exit, MFE in R")
    )
    parts.append(
        _table(
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
                    _r(r["final_stop_r"]),
                    _r(r["r_multiple"]),
                    _r(r["mfe_r"]),
                    _r(r["r_given_back"]),
                    r["close_reason"] or "",
                )
                for r in d.trail
            ],
        )  # fmt: skip
    )
    return _section("oco", "OCO and trailing-stop audit", "".join(parts), define=False)


def _latency(d: ReportData) -> str:
    if not d.latency:
        return _section("latency", "Latency", _empty("No timing measurement in this period."))
    rows = [
        (r["name"], r["n"], *(f"{r[k]:,.1f}" for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms", "avg_ms")))
        for r in d.latency
    ]  # fmt: skip
    return _section("latency", "Latency",
                    _table(["name", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean ms"], rows))  # fmt: skip


def _alerts(d: ReportData) -> str:
    if not d.alerts_by_kind:
        return _section("alerts", "Alerts", _empty("No alert in this period."))
    by_kind = _table(
        ["kind", "alerts", "critical", "warning", "info", "last"],
        [(r["kind"], r["alerts"], r["critical"], r["warning"], r["info"], _t(r["last_ts"]))
         for r in d.alerts_by_kind],
    )  # fmt: skip
    latest = _table(
        ["time", "level", "kind", "symbol", "position", "message"],
        [(_t(r["ts"]), r["level"], r["kind"], r["symbol"] or "", r["position_id"] or "",
          r["message"]) for r in d.alerts],
        row_class=lambda row: f"lvl-{row[1]}",
    )  # fmt: skip
    return _section("alerts", "Alerts", by_kind + "<h3>Latest</h3>" + latest)


# --- building blocks ------------------------------------------------------------------------------


def _section(key: str, title: str, body: str, define: bool = True) -> str:
    definition = f'<p class="def">{_e(SECTION_DEFS[key])}</p>' if define else ""
    return f'<section id="{key}"><h2>{_e(title)}</h2>{definition}{body}</section>'


def _empty(text: str) -> str:
    return f'<p class="empty">{_e(text)}</p>'


def _table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    money_cols: set[int] | frozenset[int] = frozenset(),
    row_class: Callable[[Sequence[Any]], str] | None = None,
) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            cls = ""
            if i in money_cols and isinstance(v, str) and v.startswith("-"):
                cls = ' class="neg"'
            cells.append(f"<td{cls}>{_e(v)}</td>")
        attr = f' class="{_e(row_class(row))}"' if row_class else ""
        body.append(f"<tr{attr}>{''.join(cells)}</tr>")
    return f'<div class="tw"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _title(d: ReportData) -> str:
    parts = [f"account {d.account}" if d.account else "all accounts"]
    if d.since or d.until:
        parts.append(
            f"closed {_t(d.since) if d.since else '…'} to {_t(d.until) if d.until else 'now'}"
        )
    return "Trading journal report: " + ", ".join(parts)


def _version() -> str:
    try:
        return version("tradejournal")
    except PackageNotFoundError:
        return "(source)"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def _m(value: Decimal | float | None) -> str:
    return "n/a" if value is None else f"{Decimal(value).quantize(Decimal('0.01')):,}"


def _x(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _r(value: float | None) -> str:
    return "n/a" if value is None else f"{float(value):+.2f} R"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _sign(value: Decimal | None) -> str:
    return "" if value is None else ("pos" if value >= 0 else "neg")


def _t(value: dt.datetime | None) -> str:
    return "" if value is None else f"{value.astimezone(dt.UTC):%Y-%m-%d %H:%M}Z"


_TRAP = (
    "<script>window.__reportErrors=[];"
    "window.addEventListener('error',function(e){window.__reportErrors.push("
    "e.message||('failed to load '+((e.target&&(e.target.src||e.target.href))||e.type)))},true);"
    "document.addEventListener('securitypolicyviolation',function(e){window.__reportErrors.push("
    "'blocked '+e.blockedURI)});</script>"
)
_DONE = (
    "<script>(function(){var e=window.__reportErrors,s=document.getElementById('report-status');"
    "s.textContent=e.length?'errors: '+e.join(' | '):'ok';"
    "document.documentElement.setAttribute('data-report',e.length?'error':'ok');})();</script>"
)
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;
margin:0 auto;max-width:1100px;padding:16px 24px;background:#fff}
h1{font-size:22px;margin:4px 0}h2{font-size:18px;margin:28px 0 4px;border-bottom:1px solid #d0d7de}
h3{font-size:15px;margin:16px 0 4px}.meta,.src{color:#57606a;font-size:12px;margin:2px 0}
.def{color:#57606a;font-size:12px;margin:2px 0 8px;max-width:900px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(145px,1fr));gap:10px;margin:10px 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:10px 12px;cursor:help}
.card .k{font-size:12px;color:#57606a}.card .v{font-size:20px;font-weight:600}
.card .s{font-size:11px;color:#57606a}.pos{color:#1a7f37}.neg{color:#cf222e}
dl.defs{font-size:12px;color:#57606a;display:grid;grid-template-columns:max-content 1fr;gap:2px 10px}
dl.defs dt{font-weight:600}dl.defs dd{margin:0}
.empty{color:#57606a;font-style:italic;padding:8px;background:#f6f8fa;border-radius:6px}
svg.chart{width:100%;max-width:900px;height:auto;display:block;margin:6px 0}
svg .t{font-size:11px;fill:#57606a}svg .sub{font-style:italic}
svg .grid{stroke:#eaeef2}svg .axis{stroke:#8c959f}svg .hot{fill:transparent}
svg .hot:hover{fill:#0969da}
.tw{overflow-x:auto}table{border-collapse:collapse;font-size:12px;margin:6px 0}
th,td{padding:3px 8px;border-bottom:1px solid #eaeef2;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}th{background:#f6f8fa}
td:last-child{white-space:normal}tr.lvl-critical td{background:#ffebe9}
tr.lvl-warning td{background:#fff8c5}
@media print{section{break-inside:avoid}}
"""
_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>{trap}<style>{css}</style></head>
<body><header><h1>{heading}</h1><p class="meta">{meta}</p></header>
<div id="report-status" hidden></div>
{sections}
<footer><p class="meta">Self-contained page: no external resource. Hover a card or chart element for its definition and value.</p></footer>
{done}</body></html>
"""
