"""Properties of the page and the charts, without a journal: any user text stays text, and the
charts draw any numbers (constant, negative, one point, far apart) with counts that add up."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from tradejournal.projections.report import ReportData, render_html, svg

T0 = dt.datetime(2024, 3, 4, 9, tzinfo=dt.UTC)
PAGE_TAGS = {"html", "head", "meta", "title", "script", "style", "body", "header", "h1", "h2",
             "h3", "p", "div", "section", "dl", "dt", "dd", "table", "thead", "tbody", "tr",
             "th", "td", "footer", "details", "summary", "svg"}  # fmt: skip
SVG_TAGS = {"line", "text", "rect", "circle", "polyline", "polygon"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.attrs: set[str] = set()
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attrs |= {k for k, _ in attrs}

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def _data(text: str) -> ReportData:
    group = {"group": text, "trades": 1, "wins": 1, "losses": 0, "breakevens": 0,
             "win_rate": 1.0, "net_pnl": Decimal("5"), "profit_factor": None,
             "profit_factor_is_inf": True, "expectancy": Decimal("5"), "expectancy_r": 0.5,
             "payoff_ratio": None, "sqn": None, "sqn_warning": True, "max_drawdown": Decimal("0"),
             "longest_win_streak": 1, "longest_loss_streak": 0}  # fmt: skip
    return ReportData(
        since=None, until=None, account=text,
        summary={"trades": 1, "wins": 1, "losses": 0, "breakevens": 0, "net_pnl": Decimal("5")},
        equity_source="equity", equity_account=text,
        equity_curve=[{"ts": T0, "equity": 1, "drawdown": 0}, {"ts": T0 + dt.timedelta(hours=1), "equity": 2, "drawdown": 0}],
        daily_pnl=[{"day": T0.date(), "net_pnl": Decimal("5"), "trades": 1}],
        r_values=[0.5], trades_without_r=0,
        breakdowns={"symbol": [group], "strategy": [group]},
        calibration={"confidence_bucket": [{"group": text, "recommendations": 1, "executed": 1,
                     "closed": 1, "wins": 1, "win_rate": 1.0, "avg_confidence": 70.0,
                     "avg_r": 0.5, "net_pnl": Decimal("5")}]},
        signals=[{"symbol": text, "direction": text, "signals": 1, "avg_confidence": 50.0,
                  "notified": 1, "followed": 0, "closed": 0, "wins": 0, "net_pnl": None, "avg_r": None}],
        oco=[{"oco_group_id": text, "symbol": text, "created_ts": T0, "status": text,
              "filled_ticket": None, "cancel_ticket": None, "cancel_latency_ms": None,
              "failure": text, "failure_retcode": None, "failure_error": text}],
        trail=[{"trade_id": text, "symbol": text, "side": text, "close_ts": T0, "trail_count": 0,
                "initial_sl": text, "final_sl": text, "final_stop_r": 0.0, "r_multiple": 0.5,
                "mfe_r": 1.0, "r_given_back": 0.5, "close_reason": text}],
        latency=[{"name": text, "n": 1, "p50_ms": 1.0, "p95_ms": 1.0, "p99_ms": 1.0, "max_ms": 1.0, "avg_ms": 1.0}],
        alerts_by_kind=[{"kind": text, "alerts": 1, "critical": 1, "warning": 0, "info": 0, "last_ts": T0}],
        alerts=[{"ts": T0, "level": text, "kind": text, "symbol": text, "position_id": None,
                 "account": text, "message": text}],
        generated=T0,
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("<>&\"'/=abc sx-;()"), min_size=1, max_size=30))
def test_any_user_text_stays_text(text: str) -> None:
    page = _Tags()
    page.feed(render_html(_data(text)))
    assert set(page.tags) <= PAGE_TAGS | SVG_TAGS, set(page.tags) - PAGE_TAGS - SVG_TAGS
    assert page.tags["script"] == 2
    assert not {a for a in page.attrs if a.startswith("on")}
    assert any(text.strip() and text.strip() in d for d in page.data) or not text.strip()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(-50, 50, allow_nan=False), min_size=1, max_size=200))
def test_histogram_counts_add_up(values: list[float]) -> None:
    chart = svg.histogram(values, "R")
    counts = [int(n) for n in re.findall(r"\): (\d+) trades</title>", chart)]
    assert sum(counts) == len(values)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=120),
    st.integers(1, 10**7),
)
def test_equity_chart_draws_any_curve(equity: list[float], span_s: int) -> None:
    step = dt.timedelta(seconds=span_s / len(equity))
    peak, points = float("-inf"), []
    for i, e in enumerate(equity):
        peak = max(peak, e)
        points.append((T0 + i * step, e, peak - e))
    chart = svg.equity_chart(points, "equity")
    assert chart.startswith("<svg") and chart.endswith("</svg>")
    assert "nan" not in chart and "inf" not in chart


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31)),
                       st.tuples(st.floats(-1e5, 1e5, allow_nan=False), st.integers(0, 50)),
                       min_size=1, max_size=60))  # fmt: skip
def test_calendar_has_one_square_per_day(days: dict[dt.date, tuple[float, int]]) -> None:
    chart = svg.calendar_heatmap(days, "calendar")
    assert chart.count('rx="2"') == (max(days) - min(days)).days + 1
