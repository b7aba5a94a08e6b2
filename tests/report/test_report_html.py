"""The HTML report over the session scenario: figures, selection, escaping, empty journal, no
external resource. Expected figures are the hand-computed ones of report_scenario.py."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

from report_scenario import XSS_MESSAGE, XSS_STRATEGY, XSS_SYMBOL, at

from tradejournal.projections.report import collect, render_html, render_report

NOW = dt.datetime(2024, 3, 5, tzinfo=dt.UTC)
SECTIONS = ["summary", "equity", "calendar", "r_histogram", "breakdowns", "calibration",
            "signals", "oco", "latency", "alerts"]  # fmt: skip


class _Page(HTMLParser):
    """Collects the page's tags, section ids, card texts, scripts and every URL-ish attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.sections: list[str] = []
        self.urls: list[str] = []
        self.scripts = 0
        self.cards: dict[str, str] = {}
        self._stack: list[str] = []
        self._card: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "section":
            self.sections.append(a["id"] or "")
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href", "action", "xlink:href"):
            if a.get(key):
                self.urls.append(a[key] or "")
        if tag == "div" and a.get("class") == "card":
            self._card = []
        if tag not in ("meta", "br", "line", "circle", "rect", "polyline", "polygon"):
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()
        if tag == "div" and self._card is not None and len(self._card) >= 2:
            self.cards[self._card[0]] = self._card[1]
            self._card = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._card is not None and data.strip():
            self._card.append(data.strip())


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def test_summary_cards_of_all_accounts(session_dir: Path) -> None:
    page = _parse(render_report(session_dir, now=NOW))
    assert page.cards == {
        "Net P&L": "450.00",
        "Win rate": "75.0%",
        "Profit factor": "3.25",
        "Expectancy": "112.50",
        "Expectancy (R)": "+0.67 R",
        # the accounts' own curves summed (stats, "mixed"): A1 equity + B2 realised,
        # peak 10150 (1.8 h) -> 10080 (2 h) = 70, 70 / 10150 = 0.69 %
        "Max drawdown": "70.00 (0.69%)",
        "Sharpe": "n/a",
    }
    assert page.sections == SECTIONS
    assert "A1 equity (snapshots) + B2 realised, summed" in "".join(page.text)


def test_one_account_uses_its_equity_curve(session_dir: Path) -> None:
    data = collect(session_dir, account="A1")
    assert data.equity_source == "equity"
    assert [(r["ts"], float(r["equity"]), float(r["drawdown"])) for r in data.equity_curve] == [
        (at(0), 10000.0, 0.0), (at(1), 10050.0, 0.0), (at(2), 9980.0, 70.0), (at(3), 10100.0, 0.0)
    ]  # fmt: skip
    page = _parse(render_html(data))
    assert page.cards["Net P&L"] == "350.00"
    assert page.cards["Win rate"] == "66.7%"
    assert page.cards["Profit factor"] == "2.75"
    assert page.cards["Expectancy"] == "116.67"
    assert page.cards["Expectancy (R)"] == "+0.00 R"
    assert page.cards["Max drawdown"] == "70.00 (0.70%)"


def test_several_accounts_chart_the_curve_of_the_drawdown_card(session_dir: Path) -> None:
    # A1's snapshots + B2's realised balance (0 from the first open at 0.5 h, +100 at 1.8 h),
    # summed on one timeline: the chart's deepest drawdown is the card's 10150 -> 10080 = 70
    data = collect(session_dir)
    curve = [(r["ts"], float(r["equity"]), float(r["drawdown"])) for r in data.equity_curve]
    assert curve == [
        (at(0), 10000.0, 0.0), (at(0.5), 10000.0, 0.0), (at(1), 10050.0, 0.0),
        (at(1.8), 10150.0, 0.0), (at(2), 10080.0, 70.0), (at(3), 10200.0, 0.0),
    ]  # fmt: skip
    assert max(dd for _, _, dd in curve) == float(data.summary["max_drawdown"]) == 70.0
    assert data.equity_source == data.summary["drawdown_source"] == "mixed"
    text = "".join(_parse(render_html(data)).text)
    assert "A1 equity (snapshots) + B2 realised, summed" in text


def test_selection_by_close_time(session_dir: Path) -> None:
    data = collect(session_dir, since=at(1.6), until=at(3))
    assert data.summary["trades"] == 2  # B2's +100 at 1.8 h and A1's -200 at 2.5 h
    assert data.r_values == [2.0, -1.0]
    assert [(r["day"].isoformat(), r["net_pnl"], r["trades"]) for r in data.daily_pnl] == [
        ("2024-03-04", -100, 2)
    ]
    assert [r["kind"] for r in data.alerts_by_kind] == ["api_errors", "emergency_close"]
    assert [r["name"] for r in data.latency] == ["mt5.order_send", "openai"]


def test_sections_hold_the_scenario(session_dir: Path) -> None:
    data = collect(session_dir)
    assert [(r["group"], r["net_pnl"]) for r in data.breakdowns["symbol"]] == [
        (XSS_SYMBOL, 50),
        ("EURUSD", 500),
        ("GBPUSD", -200),
        ("USDJPY", 100),
    ]
    assert [(r["group"], r["closed"], r["wins"], r["win_rate"]) for r in data.calibration["confidence_bucket"]] == [
        ("70-84", 1, 1, 1.0), ("85-100", 1, 0, 0.0)
    ]  # fmt: skip
    assert [(r["group"], r["recommendations"]) for r in data.calibration["model"]] == [("m1", 1), ("m2", 1)]  # fmt: skip
    assert [(r["symbol"], r["signals"], r["followed"], r["wins"]) for r in data.signals] == [
        ("EURUSD", 1, 1, 1)
    ]
    assert [(r["trade_id"], r["initial_stop_r"], r["final_stop_r"], r["r_multiple"]) for r in data.trail] == [
        ("A1:1", -1, -1.0, 1.0), ("B2:21", -1, -1.0, 2.0), ("A1:2", -1, -1.0, -1.0)
    ]  # fmt: skip
    lat = {r["name"]: r for r in data.latency}
    assert (lat["mt5.order_send"]["n"], lat["mt5.order_send"]["p50_ms"]) == (5, 30.0)
    assert abs(lat["mt5.order_send"]["p95_ms"] - 48.0) < 1e-9
    assert abs(lat["mt5.order_send"]["p99_ms"] - 49.6) < 1e-9
    assert len(data.alerts) == 5


def test_user_strings_are_escaped(session_dir: Path) -> None:
    html = render_report(session_dir, now=NOW)
    for raw in (XSS_SYMBOL, XSS_STRATEGY, XSS_MESSAGE, "<i>note</i>"):
        assert raw not in html
    assert "&lt;b&gt;X&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    page = _parse(html)
    assert page.scripts == 2  # the error trap and the status line: nothing from the journal
    assert "b" not in page.tags and "img" not in page.tags


def test_self_contained(session_dir: Path) -> None:
    html = render_report(session_dir, now=NOW)
    page = _parse(html)
    assert page.urls == []
    assert re.findall(r"https?://[^\s\"'<>]+", html) == ["http://www.w3.org/2000/svg"] * html.count("<svg")  # fmt: skip
    assert "default-src 'none'" in html
    assert html.count("<svg") >= 9  # equity, calendar, histogram, 4 breakdowns, calibration, stops


def test_every_section_states_its_definition(session_dir: Path) -> None:
    html = render_report(session_dir, now=NOW)
    for section in re.findall(r"<section id=\"(\w+)\">(.*?)</section>", html, re.S):
        assert 'class="def' in section[1], section[0]
    assert html.count('<div class="card" title="') == 7


def test_empty_journal_renders_and_says_so(empty_dir: Path) -> None:
    html = render_report(empty_dir, now=NOW)
    page = _parse(html)
    assert page.sections == SECTIONS
    assert page.cards["Net P&L"] == "n/a"
    text = " ".join(page.text)
    for message in ("No closed trade in this selection.", "Fewer than two equity points",
                    "No AI recommendation in this period.", "No scanner signal in this period.",
                    "No OCO bracket in this period.", "No timing measurement in this period.",
                    "No alert in this period."):  # fmt: skip
        assert message in text
    assert "<svg" not in html
