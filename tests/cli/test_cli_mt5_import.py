"""``import mt5-report`` then ``stats --mt5``: MetaTrader 5's own summary, figure for figure.

The bar: for every real report in ../shared/data/mt5-reports/, the 31 figures printed by
``stats --mt5 --format json`` equal the report's own printed summary at the printed precision.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import pytest
from cli_testlib import make_journal, run

from tradejournal.producers.mt5.report import parse_report
from tradejournal.projections import MT5_SUMMARY_COLUMNS
from tradejournal.store import read_events

REPORTS_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "mt5-reports"
REPORTS = sorted(
    p
    for p in (REPORTS_DIR.iterdir() if REPORTS_DIR.is_dir() else [])
    if p.suffix in (".html", ".xlsx")
)
SKIP_REASON = f"no MT5 reports in {REPORTS_DIR} (the shared test data is not present here)"
IMPORTED = re.compile(
    r"imported (\d+) deals? and (\d+) balance operations? from (.+) into account (\S+): "
    r"(\d+) new events?, (\d+) duplicates?\n"
)


def _report(path: Path | None) -> Path:
    if path is None:
        pytest.skip(SKIP_REASON)
    return path


def _import(journal: Path, report: Path, *extra: str) -> re.Match[str]:
    result = run(journal, "import", "mt5-report", str(report), *extra)
    assert result.exit_code == 0, result.output
    match = IMPORTED.fullmatch(result.stdout)
    assert match, result.stdout
    return match


def _mt5_json(journal: Path, account: str) -> dict[str, Any]:
    result = run(journal, "stats", "--mt5", "--account", account, "--format", "json")
    assert result.exit_code == 0, result.output
    figures: dict[str, Any] = json.loads(result.stdout, parse_float=Decimal)
    return figures


def _at_printed_precision(value: Decimal, printed: Decimal) -> Decimal:
    return value.quantize(Decimal(1).scaleb(printed.as_tuple().exponent), ROUND_HALF_EVEN)  # type: ignore[arg-type]


@pytest.mark.parametrize("report", REPORTS or [None], ids=lambda p: p.stem if p else "absent")
def test_stats_mt5_equals_the_reports_own_summary(report: Path | None, tmp_path: Path) -> None:
    path = _report(report)
    parsed = parse_report(path)
    journal = make_journal(tmp_path / "j", [])

    match = _import(journal, path, "--account", "A")
    figures = _mt5_json(journal, "A")

    deals, balance_ops, _file, account, new, duplicates = match.groups()
    assert (int(deals) + int(balance_ops), account) == (len(parsed.deals), "A")
    assert (int(new), int(duplicates)) == (len(parsed.deals), 0)
    assert list(figures) == list(MT5_SUMMARY_COLUMNS)
    for key, value in figures.items():
        assert isinstance(value, int | Decimal) and not isinstance(value, bool), (key, value)
    mismatches = {}
    for key, printed in parsed.summary.items():
        value = figures[key]
        if isinstance(printed, int):
            ok = isinstance(value, int) and value == printed
        else:
            ok = _at_printed_precision(Decimal(value), printed) == printed
        if not ok:
            mismatches[key] = (value, printed)
    assert mismatches == {}, f"{path.name}: (computed, printed)"
    assert set(parsed.summary) == set(MT5_SUMMARY_COLUMNS), "the report prints every figure"


SMALL = [p for p in REPORTS if p.name.startswith(("didinska21_didinska-MT5__ReportTester.", "Fsaintvil_PROPFIRM__ReportHistory-1513621052"))]  # fmt: skip


@pytest.mark.parametrize("report", SMALL or [None], ids=lambda p: p.stem if p else "absent")
def test_importing_a_report_twice_adds_nothing(report: Path | None, tmp_path: Path) -> None:
    path = _report(report)
    journal = make_journal(tmp_path / "j", [])
    first = _import(journal, path, "--account", "A")
    events = [e.id for e in read_events(journal)]
    before = _mt5_json(journal, "A")

    again = _import(journal, path, "--account", "A")

    assert again.group(5, 6) == ("0", first.group(5))
    assert [e.id for e in read_events(journal)] == events
    assert _mt5_json(journal, "A") == before


def test_the_account_defaults_to_the_reports_login(tmp_path: Path) -> None:
    history = [p for p in SMALL if "ReportHistory" in p.name]
    path = _report(history[0] if history else None)
    journal = make_journal(tmp_path / "j", [])

    match = _import(journal, path)

    assert match.group(4) == parse_report(path).account


def test_the_mt5_table_prints_mt5s_labels(tmp_path: Path) -> None:
    tester = [p for p in SMALL if "ReportTester" in p.name]
    path = _report(tester[0] if tester else None)
    journal = make_journal(tmp_path / "j", [])
    _import(journal, path, "--account", "T")

    table = run(journal, "stats", "--mt5", "--account", "T").stdout

    # the figures README.md lists for didinska ReportTester
    assert "│ Total Net Profit                   │ 12.48" in table
    assert "│ Profit Factor                      │ 1.02" in table
    assert "│ Profit Trades (% of total)         │ 100 (68.97%)" in table
    assert "│ Maximum consecutive losses ($)     │ 6 (-145.14)" in table
    assert "│ Balance Drawdown Maximal           │ 152.73 (5.06%)" in table


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("notes.html", "<html><body><p>hello</p></body></html>", "not an MT5 report"),
        ("empty.xlsx", "", "not an MT5 report"),
        (
            "no-deals.html",
            "<table><tr><td>Deals</td></tr><tr><td>Time</td><td>Deal</td><td>Symbol</td>"
            "<td>Type</td><td>Direction</td><td>Volume</td><td>Price</td><td>Order</td>"
            "<td>Commission</td><td>Swap</td><td>Profit</td><td>Balance</td><td>Comment</td>"
            "</tr></table>",
            "holds no deals",
        ),
    ],
)
def test_a_file_that_is_not_a_report_is_refused_and_nothing_is_written(
    tmp_path: Path, name: str, content: str, reason: str
) -> None:
    journal = make_journal(tmp_path / "j")
    before = [e.id for e in read_events(journal)]
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")

    result = run(journal, "import", "mt5-report", str(bad), "--account", "A")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {bad}: ")
    assert reason in result.stderr
    assert [e.id for e in read_events(journal)] == before


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", [])

    result = run(journal, "import", "mt5-report", str(tmp_path / "nope.html"))

    assert result.exit_code == 2
    assert "does not exist" in result.stderr
