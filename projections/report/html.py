"""The HTML report: one self-contained page (inline CSS, inline SVG, a few lines of inline JS).

``render_report(journal, since=, until=, account=)`` reads the figures (``data.collect``) and
returns the page as a string; ``render_html(data)`` renders an already collected ``ReportData``.
The page loads nothing (a Content-Security-Policy forbids any external resource), so it opens
offline and can be mailed. Every value from the journal is escaped (symbols, comments, alert
messages may hold markup). A small script records page errors (script errors, failed loads, blocked
resources) into ``#report-status`` and the ``data-report`` attribute of ``<html>`` ("ok" or
"error"), kept current as errors arrive, so a headless browser can check it.
"""

from __future__ import annotations

import datetime as dt
import os
from importlib.metadata import PackageNotFoundError, version

from ..formats import minute
from ..present import definitions, group_table, key_figures
from . import blocks as b
from . import ops_sections as ops
from . import svg
from .data import ReportData, collect

__all__ = ["CARD_KEYS", "render_html", "render_report"]

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
        ops.calibration(data),
        ops.signals(data),
        ops.oco_trail(data),
        ops.latency(data),
        ops.alerts(data),
    ]
    return b.PAGE.format(
        title=b.esc(_title(data)),
        css=b.CSS,
        trap=b.TRAP,
        heading=b.esc(_title(data)),
        meta=b.esc(f"generated {data.generated:%Y-%m-%d %H:%M}Z by tradejournal {_version()}"),
        sections="\n".join(sections),
        done=b.DONE,
    )


# --- sections -------------------------------------------------------------------------------------


CARD_KEYS = ("net_pnl", "win_rate", "profit_factor", "expectancy", "expectancy_r", "max_drawdown",
             "sharpe")  # fmt: skip
"""The headline figures (``present.KEY_FIGURES``) shown as summary cards."""


def _summary(d: ReportData) -> str:
    defs = dict(definitions())
    net_cls = b.sign(d.summary.get("net_pnl"))
    html = "".join(
        f'<div class="card" title="{b.esc(defs[k.term])}"><div class="k">{b.esc(k.label)}</div>'
        f'<div class="v {net_cls if k.key == "net_pnl" else ""}">{b.esc(k.value)}</div>'
        f'<div class="s">{b.esc(k.note)}</div></div>'
        for k in key_figures(d.summary, CARD_KEYS, grouped=True)
    )
    notes = "".join(f"<dt>{b.esc(term)}</dt><dd>{b.esc(text)}</dd>" for term, text in defs.items())
    empty = "" if d.has_trades else b.empty("No closed trade in this selection.")
    return b.section("summary", "Summary", f'<div class="cards">{html}</div>{empty}'
                    f'<h3>Definitions</h3><dl class="defs">{notes}</dl>', define=False)  # fmt: skip


def _equity(d: ReportData) -> str:
    if len(d.equity_curve) < 2:
        body = b.empty("Fewer than two equity points: no curve to draw.")
    else:
        points = [(r["ts"], float(r["equity"]), float(r["drawdown"])) for r in d.equity_curve]
        what = d.equity_caption
        body = f'<p class="src">{b.esc(what)}</p>' + svg.equity_chart(
            points, f"Equity and drawdown: {what}"
        )
    return b.section("equity", "Equity curve and drawdown", body)


def _calendar(d: ReportData) -> str:
    if not d.daily_pnl:
        return b.section("calendar", "Daily P&L", b.empty("No closed trade: no day to colour."))
    days = {r["day"]: (float(r["net_pnl"]), int(r["trades"])) for r in d.daily_pnl}
    table = b.table(
        ["day", "trades", "net P&L"],
        [(r["day"].isoformat(), r["trades"], b.money(r["net_pnl"])) for r in d.daily_pnl[-31:]],
        money_cols={2},
    )
    listing = (
        f"<details><summary>The last {_days(min(len(d.daily_pnl), 31))}</summary>{table}</details>"
    )
    return b.section(
        "calendar", "Daily P&L", svg.calendar_heatmap(days, "Daily net P&L calendar") + listing
    )


def _r_histogram(d: ReportData) -> str:
    if not d.r_values:
        return b.section("r_histogram", "R-multiple distribution",
                        b.empty("No closed trade with an initial stop: no R multiple."))  # fmt: skip
    note = (
        f'<p class="src">{len(d.r_values)} trades with R'
        + (f", {d.trades_without_r} without an initial stop left out" if d.trades_without_r else "")
        + "</p>"
    )
    return b.section("r_histogram", "R-multiple distribution",
                    note + svg.histogram(d.r_values, "R-multiple histogram"))  # fmt: skip


def _breakdowns(d: ReportData) -> str:
    parts = []
    for by, rows in d.breakdowns.items():
        parts.append(f"<h3>By {b.esc(by)}</h3>")
        if not rows:
            parts.append(b.empty(f"No closed trade to group by {by}."))
            continue
        labels = ["(none)" if r["group"] is None else str(r["group"]) for r in rows]
        nets = [float(r["net_pnl"] or 0) for r in rows]
        tips = [f"{g}: net {n:,.2f} over {r['trades']} trades" for g, n, r in zip(labels, nets, rows, strict=True)]  # fmt: skip
        parts.append(svg.bar_chart(labels, nets, f"Net P&L by {by}", tips))
        table = group_table(by, {r["group"]: r for r in rows}, grouped=True)
        parts.append(b.table(table.columns, table.rows, money_cols={6, 9, 12}))
        parts.append("".join(f'<p class="src">{b.esc(note)}</p>' for note in table.notes))
    return b.section("breakdowns", "Breakdowns", "".join(parts))


def _days(n: int) -> str:
    return "day" if n == 1 else f"{n} days"


def _title(d: ReportData) -> str:
    parts = [f"account {d.account}" if d.account else "all accounts"]
    if d.since or d.until:
        parts.append(
            f"closed {minute(d.since) if d.since else '…'} to {minute(d.until) if d.until else 'now'}"
        )
    return "Trading journal report: " + ", ".join(parts)


def _version() -> str:
    try:
        return version("tradejournal")
    except PackageNotFoundError:
        return "(source)"
