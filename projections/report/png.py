"""The report's charts as PNG images for the bot's ``/dashboard`` (matplotlib, Agg backend).

``dashboard_png(journal, ...)`` returns PNG bytes: by default the equity curve with its drawdown
underneath; ``panels`` adds the daily P&L, the R-multiple histogram and the net P&L by symbol,
stacked in one image. ``render_png(data, panels)`` draws already collected ``ReportData``. The
same inputs give the same bytes (no timestamp in the file, fixed fonts and size). An empty
selection still gives a valid image that says there is nothing to draw. matplotlib is imported
only here and only when called; pyplot (and its global state) is never used.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Sequence
from typing import Any

from .data import ReportData, collect

__all__ = ["PANELS", "dashboard_png", "render_png"]

PathLike = str | os.PathLike[str]
PANELS = ("equity", "daily_pnl", "r_histogram", "by_symbol")
GREEN, RED, BLUE, GREY = "#1a7f37", "#cf222e", "#0969da", "#8c959f"


def dashboard_png(
    journal_dir: PathLike,
    since: dt.datetime | str | None = None,
    until: dt.datetime | str | None = None,
    account: str | None = None,
    *,
    panels: Sequence[str] = ("equity",),
    width: float = 8.0,
    dpi: int = 100,
) -> bytes:
    """Return the dashboard image (PNG bytes) of the journal's selection."""
    _check_panels(panels)
    groups = ("symbol",) if "by_symbol" in panels else ()
    data = collect(journal_dir, since, until, account, breakdowns=groups)
    return render_png(data, panels, width=width, dpi=dpi)


def render_png(
    data: ReportData, panels: Sequence[str] = ("equity",), *, width: float = 8.0, dpi: int = 100
) -> bytes:
    """Draw ``panels`` (names from ``PANELS``) of collected figures into one PNG."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    _check_panels(panels)
    heights = [4.4 if p == "equity" else 2.4 for p in panels]
    with rc_context({"font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 10}):
        fig = Figure(figsize=(width, sum(heights) + 0.4 * len(panels)), dpi=dpi)
        FigureCanvasAgg(fig)
        grid = fig.add_gridspec(len(heights), 1, height_ratios=heights, hspace=0.45)
        for row, panel in enumerate(panels):
            if panel == "equity":
                sub = grid[row].subgridspec(2, 1, height_ratios=(3, 1.2), hspace=0.3)
                _equity(fig.add_subplot(sub[0]), fig.add_subplot(sub[1]), data)
            else:
                _DRAW[panel](fig.add_subplot(grid[row]), data)
        out = io.BytesIO()
        fig.savefig(out, format="png", metadata={"Software": None}, bbox_inches="tight")
    return out.getvalue()


def _check_panels(panels: Sequence[str]) -> None:
    unknown = [p for p in panels if p not in PANELS]
    if unknown or not panels:
        raise ValueError(f"unknown panel(s) {unknown}; choose from {', '.join(PANELS)}")


def _nothing(ax: Any, title: str, text: str) -> None:
    ax.set_title(title, loc="left")
    ax.text(0.5, 0.5, text, ha="center", va="center", color=GREY, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _equity(ax: Any, dd_ax: Any, data: ReportData) -> None:
    what = f"Equity: {data.equity_caption}"
    if len(data.equity_curve) < 2:
        _nothing(ax, what, "fewer than two equity points")
        _nothing(dd_ax, "Drawdown", "no drawdown to draw")
        return
    ts = [r["ts"].astimezone(dt.UTC).replace(tzinfo=None) for r in data.equity_curve]
    eq = [float(r["equity"]) for r in data.equity_curve]
    dd = [-float(r["drawdown"]) for r in data.equity_curve]
    ax.plot(ts, eq, color=BLUE, linewidth=1.4)
    ax.set_title(what, loc="left")
    ax.grid(True, color="#eaeef2")
    ax.tick_params(labelbottom=False)
    dd_ax.fill_between(ts, dd, 0, color=RED, alpha=0.35, linewidth=0)
    dd_ax.plot(ts, dd, color=RED, linewidth=0.8)
    dd_ax.set_title("Drawdown (equity - running peak)", loc="left")
    dd_ax.grid(True, color="#eaeef2")
    dd_ax.sharex(ax)
    _time_axis(dd_ax, ts)


def _time_axis(ax: Any, ts: list[dt.datetime]) -> None:
    from matplotlib.dates import AutoDateLocator, DateFormatter

    span = (ts[-1] - ts[0]).total_seconds()
    ax.xaxis.set_major_locator(AutoDateLocator(maxticks=8))  # type: ignore[no-untyped-call]
    fmt = "%H:%M" if span <= 86400 else "%m-%d"
    ax.xaxis.set_major_formatter(DateFormatter(fmt))  # type: ignore[no-untyped-call]


def _daily(ax: Any, data: ReportData) -> None:
    if not data.daily_pnl:
        _nothing(ax, "Daily net P&L", "no closed trade")
        return
    days = [r["day"].isoformat() for r in data.daily_pnl]
    nets = [float(r["net_pnl"]) for r in data.daily_pnl]
    ax.bar(days, nets, color=[GREEN if v >= 0 else RED for v in nets])
    ax.axhline(0, color=GREY, linewidth=0.8)
    ax.set_title("Daily net P&L (UTC days, closed trades)", loc="left")
    if len(days) > 10:
        ax.set_xticks(days[:: max(1, len(days) // 10)])


def _r_hist(ax: Any, data: ReportData) -> None:
    if not data.r_values:
        _nothing(ax, "R multiples", "no closed trade with an initial stop")
        return
    lo = min(-1.0, *data.r_values)
    hi = max(1.0, *data.r_values)
    edges = [x / 2 for x in range(int(lo * 2) - 1, int(hi * 2) + 2)]
    _, bins, patches = ax.hist(data.r_values, bins=edges, color=GREEN, edgecolor="white")
    for left, patch in zip(bins[:-1], patches, strict=True):
        if left + 0.5 <= 0:
            patch.set_facecolor(RED)
    ax.axvline(0, color=GREY, linewidth=0.8)
    ax.set_title(f"R multiples, bins of 0.5 R ({len(data.r_values)} trades)", loc="left")


def _by_symbol(ax: Any, data: ReportData) -> None:
    rows = data.breakdowns.get("symbol", [])
    if not rows:
        _nothing(ax, "Net P&L by symbol", "no closed trade")
        return
    names = ["(none)" if r["group"] is None else str(r["group"]) for r in rows]
    nets = [float(r["net_pnl"] or 0) for r in rows]
    ax.bar(names, nets, color=[GREEN if v >= 0 else RED for v in nets])
    ax.axhline(0, color=GREY, linewidth=0.8)
    ax.set_title("Net P&L by symbol", loc="left")


_DRAW = {"daily_pnl": _daily, "r_histogram": _r_hist, "by_symbol": _by_symbol}
