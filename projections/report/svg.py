"""Inline SVG charts drawn in Python for the HTML report: no script, no external resource.

Each function takes plain numbers and labels and returns one ``<svg>`` element as a string.
Every text that reaches the markup (labels, tooltips) is escaped here, so a symbol or a note
holding HTML stays text. Tooltips are SVG ``<title>`` elements (shown on hover by any browser).
Charts scale to the page width (``viewBox`` + CSS ``width: 100%``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from html import escape

__all__ = [
    "GREEN",
    "RED",
    "bar_chart",
    "calendar_heatmap",
    "calibration_chart",
    "equity_chart",
    "histogram",
    "stop_audit_chart",
]

GREEN, RED, BLUE, GREY, AXIS = "#1a7f37", "#cf222e", "#0969da", "#8c959f", "#57606a"
WIDTH = 760


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _n(x: float) -> str:
    return f"{x:.1f}"


def _svg(height: float, body: list[str], label: str, width: float = WIDTH) -> str:
    style = "" if width == WIDTH else f' style="max-width:{_n(width * 1.2)}px"'
    return (
        f'<svg class="chart"{style} viewBox="0 0 {_n(width)} {_n(height)}" role="img" '
        f'aria-label="{_e(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{_e(label)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, text: object, anchor: str = "middle", cls: str = "t") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" class="{cls}">{_e(text)}</text>'


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}".rstrip("0").rstrip(".")


class _Scale:
    def __init__(self, lo: float, hi: float, a: float, b: float) -> None:
        if hi == lo:
            lo, hi = lo - 1, hi + 1
        self.lo, self.hi, self.a, self.b = lo, hi, a, b

    def __call__(self, v: float) -> float:
        return self.a + (v - self.lo) / (self.hi - self.lo) * (self.b - self.a)


def _y_axis(scale: _Scale, ticks: list[float], left: float, right: float) -> list[str]:
    out = []
    for t in ticks:
        y = scale(t)
        out.append(
            f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{_n(y)}" y2="{_n(y)}" class="grid"/>'
        )
        out.append(_text(left - 6, y + 4, _fmt(t), "end"))
    return out


def equity_chart(
    points: Sequence[tuple[dt.datetime, float, float]], label: str, unit: str = ""
) -> str:
    """An equity line over time with its drawdown (peak - equity) as a red area underneath.

    ``points``: (time, equity, drawdown >= 0) in time order, at least two.
    """
    left, right, top, mid, bottom = 70.0, WIDTH - 20.0, 15.0, 215.0, 330.0
    t0, t1 = points[0][0].timestamp(), points[-1][0].timestamp()
    xs = _Scale(t0, t1, left, right)
    eq = [p[1] for p in points]
    pad = (max(eq) - min(eq)) * 0.05 or 1.0
    ys = _Scale(min(eq) - pad, max(eq) + pad, mid, top)
    dd_max = max(p[2] for p in points) or 1.0
    ds = _Scale(0, dd_max, mid + 25, bottom)
    body = _y_axis(ys, _ticks(ys.lo, ys.hi), left, right)
    body += _y_axis(ds, _ticks(0, dd_max, 3), left, right)
    line = " ".join(f"{_n(xs(p[0].timestamp()))},{_n(ys(p[1]))}" for p in points)
    body.append(f'<polyline points="{line}" fill="none" stroke="{BLUE}" stroke-width="1.8"/>')
    area = " ".join(f"{_n(xs(p[0].timestamp()))},{_n(ds(p[2]))}" for p in points)
    base = ds(0)
    body.append(
        f'<polygon points="{_n(left)},{_n(base)} {area} {_n(xs(t1))},{_n(base)}" '
        f'fill="{RED}" fill-opacity="0.35" stroke="{RED}" stroke-width="1"/>'
    )
    for ts, e, d in _sample(points, 80):  # hover points
        body.append(
            f'<circle cx="{_n(xs(ts.timestamp()))}" cy="{_n(ys(e))}" r="3" class="hot">'
            f"<title>{_e(f'{ts:%Y-%m-%d %H:%M}Z equity {e:,.2f}{unit}, drawdown {d:,.2f}')}"
            "</title></circle>"
        )
    body.append(_text(left, mid + 19, "drawdown (peak - equity)", "start", "t sub"))
    ticks = _time_ticks(points[0][0], points[-1][0])
    for i, t in enumerate(ticks):
        anchor = "start" if i == 0 else "end" if i == len(ticks) - 1 else "middle"
        body.append(_text(xs(t.timestamp()), bottom + 16, _time_label(t, t1 - t0), anchor))
    return _svg(bottom + 22, body, label)


def _sample(
    points: Sequence[tuple[dt.datetime, float, float]], n: int
) -> list[tuple[dt.datetime, float, float]]:
    step = max(1, math.ceil(len(points) / n))
    picked = list(points[::step])
    if picked[-1] is not points[-1]:
        picked.append(points[-1])
    return picked


def _time_ticks(t0: dt.datetime, t1: dt.datetime, count: int = 6) -> list[dt.datetime]:
    span = (t1 - t0).total_seconds()
    if span <= 0:
        return [t0]
    return [t0 + dt.timedelta(seconds=span * i / (count - 1)) for i in range(count)]


def _time_label(t: dt.datetime, span: float) -> str:
    t = t.astimezone(dt.UTC)
    return (
        f"{t:%H:%M}"
        if span <= 86400
        else f"{t:%m-%d %H:%M}"
        if span <= 7 * 86400
        else f"{t:%Y-%m-%d}"
    )


def bar_chart(
    labels: Sequence[str], values: Sequence[float], label: str, tips: Sequence[str] | None = None
) -> str:
    """Vertical bars around zero: green above, red below; ``tips`` are the hover texts."""
    left, right, top, bottom = 70.0, WIDTH - 10.0, 12.0, 150.0
    lo, hi = min(0.0, *values), max(0.0, *values)
    ys = _Scale(lo, hi, bottom, top)
    body = _y_axis(ys, _ticks(ys.lo, ys.hi, 4), left, right)
    slot = (right - left) / len(values)
    width = min(60.0, slot * 0.7)
    for i, (name, v) in enumerate(zip(labels, values, strict=True)):
        x = left + slot * i + (slot - width) / 2
        y0, y1 = sorted((ys(0), ys(v)))
        tip = tips[i] if tips else f"{name}: {_fmt(v)}"
        body.append(
            f'<rect x="{_n(x)}" y="{_n(y0)}" width="{_n(width)}" height="{_n(max(y1 - y0, 0.5))}" '
            f'fill="{GREEN if v >= 0 else RED}"><title>{_e(tip)}</title></rect>'
        )
        short = name if len(name) <= 14 else name[:13] + "…"
        body.append(_text(x + width / 2, bottom + 15, short))
    body.append(f'<line x1="{left}" x2="{right}" y1="{_n(ys(0))}" y2="{_n(ys(0))}" class="axis"/>')
    return _svg(bottom + 22, body, label)


def histogram(values: Sequence[float], label: str, width: float = 0.5) -> str:
    """Counts of ``values`` in bins of ``width`` (R multiples: red bins below 0, green above)."""
    lo = math.floor(min(values) / width) * width
    hi = max(math.floor(max(values) / width) * width + width, lo + width)
    bins = round((hi - lo) / width)
    counts = [0] * bins
    for v in values:
        counts[min(int((v - lo) // width), bins - 1)] += 1
    left, right, top, bottom = 50.0, WIDTH - 10.0, 12.0, 190.0
    ys = _Scale(0, max(counts), bottom, top)
    body = _y_axis(ys, [t for t in _ticks(0, max(counts), 4) if t == int(t)], left, right)
    slot = (right - left) / bins
    for i, c in enumerate(counts):
        a = lo + i * width
        x = left + slot * i
        fill = RED if a + width <= 0 else GREEN if a >= 0 else GREY
        body.append(
            f'<rect x="{_n(x + 1)}" y="{_n(ys(c))}" width="{_n(slot - 2)}" '
            f'height="{_n(bottom - ys(c))}" fill="{fill}">'
            f"<title>{_e(f'[{a:+.1f} R, {a + width:+.1f} R): {c} trades')}</title></rect>"
        )
        if bins <= 24 or i % 2 == 0:
            body.append(_text(x, bottom + 15, f"{a:+.1f}"))
    body.append(_text(right, bottom + 15, f"{hi:+.1f} R", "end"))
    return _svg(bottom + 22, body, label)


def calendar_heatmap(days: dict[dt.date, tuple[float, int]], label: str) -> str:
    """One square per day from the first to the last day (weeks as columns, Monday on top),
    coloured by net P&L: green for gains, red for losses, darker for larger; grey: no trade."""
    first, last = min(days), max(days)
    start = first - dt.timedelta(days=first.weekday())
    weeks = (last - start).days // 7 + 1
    cell = min(22.0, (WIDTH - 60) / max(weeks, 1))
    top, left = 22.0, 40.0
    peak = max(abs(v) for v, _ in days.values()) or 1.0
    body = [_text(left - 6, top + cell * (r + 0.7), n, "end") for r, n in enumerate("MTWTFSS")]
    day, month = start, None
    while day <= last:
        col, row = (day - start).days // 7, day.weekday()
        x, y = left + col * cell, top + row * cell
        if day.day <= 7 and day.month != month and row == 0 or (col == 0 and row == 0):
            month = day.month
            body.append(_text(x, top - 8, f"{day:%b %Y}", "start"))
        if first <= day <= last:
            value, trades = days.get(day, (0.0, 0))
            if trades:
                shade = 0.2 + 0.8 * min(abs(value) / peak, 1.0)
                colour = GREEN if value >= 0 else RED
                tip = f"{day:%a %Y-%m-%d}: net {value:,.2f} over {trades} trade(s)"
                fill = f'fill="{colour}" fill-opacity="{shade:.2f}"'
            else:
                tip, fill = f"{day:%a %Y-%m-%d}: no closed trade", 'fill="#eaeef2"'
            body.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(cell - 2)}" height="{_n(cell - 2)}" '
                f'rx="2" {fill}><title>{_e(tip)}</title></rect>'
            )
        day += dt.timedelta(days=1)
    return _svg(top + 7 * cell + 6, body, label, max(left + weeks * cell + 60, 160))


def calibration_chart(
    rows: Sequence[tuple[str, float | None, float | None, int]], label: str
) -> str:
    """Per confidence bucket: the realised win rate (bar) against the stated confidence (dot).

    ``rows``: (bucket, win rate 0-1 or None, average confidence 0-100 or None, closed trades).
    A calibrated model's bars reach its dots.
    """
    left, right, top, bottom = 50.0, WIDTH - 10.0, 12.0, 190.0
    ys = _Scale(0, 100, bottom, top)
    body = _y_axis(ys, [0, 25, 50, 75, 100], left, right)
    slot = (right - left) / len(rows)
    width = min(70.0, slot * 0.6)
    for i, (bucket, rate, conf, closed) in enumerate(rows):
        x = left + slot * i + (slot - width) / 2
        if rate is not None:
            y = ys(100 * rate)
            body.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(bottom - y)}" '
                f'fill="{BLUE}" fill-opacity="0.75"><title>'
                f"{_e(f'{bucket}: win rate {100 * rate:.1f}% over {closed} closed trade(s)')}"
                "</title></rect>"
            )
        if conf is not None:
            body.append(
                f'<circle cx="{_n(x + width / 2)}" cy="{_n(ys(conf))}" r="5" fill="{AXIS}">'
                f"<title>{_e(f'{bucket}: average stated confidence {conf:.1f}%')}</title></circle>"
            )
        body.append(_text(x + width / 2, bottom + 15, f"{bucket} (n={closed})"))
    return _svg(bottom + 22, body, label)


def stop_audit_chart(
    rows: Sequence[tuple[str, float | None, float | None, float | None]], label: str
) -> str:
    """One line per trade on an R axis: initial stop (-1 R), final stop (square), exit (dot,
    green/red) and the best favourable excursion (MFE, open circle); the gap from MFE back to
    the exit is the R given back. ``rows``: (trade label, final stop R, exit R, MFE R)."""
    values = [-1.0] + [v for r in rows for v in r[1:] if v is not None]
    left, right, top, row_h = 190.0, WIDTH - 20.0, 10.0, 18.0
    xs = _Scale(min(values) - 0.2, max(values) + 0.2, left, right)
    bottom = top + row_h * len(rows)
    body = []
    for t in _ticks(xs.lo, xs.hi, 6):
        x = xs(t)
        body.append(f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{top}" y2="{_n(bottom)}" class="grid"/>')
        body.append(_text(x, bottom + 15, f"{_fmt(t)} R"))
    for i, (name, stop, exit_r, mfe) in enumerate(rows):
        y = top + row_h * (i + 0.5)
        known = [v for v in (-1.0, stop, exit_r, mfe) if v is not None]
        body.append(_text(left - 8, y + 4, name if len(name) <= 26 else name[:25] + "…", "end"))
        body.append(
            f'<line x1="{_n(xs(min(known)))}" x2="{_n(xs(max(known)))}" y1="{_n(y)}" '
            f'y2="{_n(y)}" stroke="{GREY}"/>'
        )
        body.append(f'<circle cx="{_n(xs(-1))}" cy="{_n(y)}" r="3" fill="{RED}"><title>initial stop: -1 R</title></circle>')  # fmt: skip
        if stop is not None:
            body.append(
                f'<rect x="{_n(xs(stop) - 4)}" y="{_n(y - 4)}" width="8" height="8" fill="{AXIS}">'
                f"<title>{_e(f'{name}: final stop {stop:+.2f} R')}</title></rect>"
            )
        if mfe is not None:
            body.append(
                f'<circle cx="{_n(xs(mfe))}" cy="{_n(y)}" r="5" fill="none" stroke="{BLUE}" '
                f'stroke-width="2"><title>{_e(f"{name}: MFE {mfe:+.2f} R")}</title></circle>'
            )
        if exit_r is not None:
            body.append(
                f'<circle cx="{_n(xs(exit_r))}" cy="{_n(y)}" r="5" '
                f'fill="{GREEN if exit_r >= 0 else RED}"><title>'
                f"{_e(f'{name}: exit {exit_r:+.2f} R')}</title></circle>"
            )
    y = bottom + 34
    body += [
        f'<circle cx="{_n(left)}" cy="{_n(y - 4)}" r="3" fill="{RED}"/>',
        _text(left + 8, y, "initial stop (-1 R)", "start"),
        f'<rect x="{_n(left + 126)}" y="{_n(y - 8)}" width="8" height="8" fill="{AXIS}"/>',
        _text(left + 140, y, "final stop", "start"),
        f'<circle cx="{_n(left + 214)}" cy="{_n(y - 4)}" r="5" fill="{GREEN}"/>',
        _text(left + 224, y, "exit (green win, red loss)", "start"),
        f'<circle cx="{_n(left + 390)}" cy="{_n(y - 4)}" r="5" fill="none" stroke="{BLUE}" stroke-width="2"/>',
        _text(left + 400, y, "MFE (best excursion)", "start"),
    ]
    return _svg(bottom + 42, body, label)
