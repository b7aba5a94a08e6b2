"""The MT5 report parser reads real reports, and MT5's summary recomputed from their deals matches.

Reports are read from ``../shared/data/mt5-reports/`` next to the repository (third-party files,
never copied into the project); the report tests are skipped when that folder is absent.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import pytest
from mt5_summary_ref import mt5_summary
from openpyxl import Workbook

from tradejournal.producers.mt5.report import ParsedReport, ReportError, parse_report

REPORTS_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "mt5-reports"
REPORTS = {
    "rodofheart2222_1__ReportTester-10007209416.html": ("tester", 1737),
    "didinska21_didinska-MT5__ReportTester.html": ("tester", 291),
    "didinska21_didinska-MT5__ReportTester-v4.0.0.html": ("tester", 2003),
    "geraked_metatrader5__Test_CEZLSMA_report.xlsx": ("tester", 2021),
    "geraked_metatrader5__Test_BBRSI_report.xlsx": ("tester", 803),
    "Fsaintvil_PROPFIRM__ReportHistory-1513621052.xlsx": ("history", 762),
    "Fsaintvil_PROPFIRM__ReportHistory-1512498604.xlsx": ("history", 2909),
}
SUMMARY_KEYS = frozenset(
    "total_net_profit gross_profit gross_loss profit_factor expected_payoff total_trades"
    " profit_trades profit_trades_pct loss_trades loss_trades_pct short_trades short_won_pct"
    " long_trades long_won_pct largest_profit_trade largest_loss_trade average_profit_trade"
    " average_loss_trade max_consecutive_wins max_consecutive_wins_money max_consecutive_losses"
    " max_consecutive_losses_money maximal_consecutive_profit maximal_consecutive_profit_count"
    " maximal_consecutive_loss maximal_consecutive_loss_count balance_drawdown_absolute"
    " balance_drawdown_maximal balance_drawdown_maximal_pct balance_drawdown_relative_pct"
    " balance_drawdown_relative".split()
)
CLOSING = ("out", "inout", "out_by")


@cache
def _report(name: str) -> ParsedReport:
    if not REPORTS_DIR.is_dir():
        pytest.skip(f"real MT5 reports not available: {REPORTS_DIR} is absent")
    return parse_report(REPORTS_DIR / name)


def _at_printed_precision(computed: Decimal | int, printed: Decimal) -> Decimal:
    exponent = printed.as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal(computed).quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)


# --- real reports -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", REPORTS)
def test_report_parses_into_its_deals(name: str) -> None:
    report = _report(name)
    kind, rows = REPORTS[name]

    assert report.kind == kind
    assert len(report.deals) == rows  # the totals row is not a deal
    assert report.deals[-1].deal > 0 and report.deals[-1].time is not None
    assert report.deals[0].type == "balance" and report.deals[0].entry is None
    assert report.currency == "USD"
    assert report.server_name
    assert {d.entry for d in report.deals} <= {None, "in", "out", "inout", "out_by"}


@pytest.mark.parametrize("name", REPORTS)
def test_report_prints_every_summary_figure(name: str) -> None:
    assert set(_report(name).summary) == SUMMARY_KEYS


@pytest.mark.parametrize("name", REPORTS)
def test_summary_recomputed_from_deals_matches_every_printed_figure(name: str) -> None:
    report = _report(name)

    computed = mt5_summary(report.deals, kind=report.kind)

    mismatches = {}
    for key, printed in report.summary.items():
        value = computed[key]
        if isinstance(printed, int):
            ok = value == printed
        else:
            ok = _at_printed_precision(value, printed) == printed
        if not ok:
            mismatches[key] = (printed, value)
    assert mismatches == {}


def test_history_report_header_and_french_labels() -> None:
    report = _report("Fsaintvil_PROPFIRM__ReportHistory-1513621052.xlsx")

    assert (report.account, report.currency, report.server_name) == (
        "1513621052",
        "USD",
        "FTMO-Demo",
    )
    assert report.summary["total_net_profit"] == Decimal("772.80")
    assert report.summary["profit_factor"] == Decimal("1.169324")
    assert report.summary["balance_drawdown_maximal"] == Decimal("1145.00")
    assert report.summary["balance_drawdown_maximal_pct"] == Decimal("0.57")
    assert report.summary["max_consecutive_losses"] == 19
    assert report.deals[1].fee == Decimal("0.00") and report.deals[1].commission == Decimal("-2.50")


def test_html_tester_figures_keep_their_printed_precision() -> None:
    summary = _report("rodofheart2222_1__ReportTester-10007209416.html").summary

    assert summary["max_consecutive_wins"] == 84
    assert summary["max_consecutive_wins_money"] == Decimal("62.46")
    assert summary["balance_drawdown_maximal"] == Decimal("318.96")
    assert summary["balance_drawdown_relative_pct"] == Decimal("5.81")
    assert summary["profit_trades"] == 670 and summary["profit_trades_pct"] == Decimal("77.19")
    assert summary["short_trades"] == 430


def test_xlsx_tester_garbled_labels_are_read_by_their_row_partner() -> None:
    summary = _report("geraked_metatrader5__Test_BBRSI_report.xlsx").summary

    # printed under "Maximum :" / "Maximal :" next to the intact losses labels
    assert (summary["max_consecutive_wins"], summary["max_consecutive_wins_money"]) == (
        11,
        Decimal("3389.91"),
    )
    assert summary["maximal_consecutive_profit"] == Decimal("3389.91")
    assert summary["maximal_consecutive_profit_count"] == 11
    assert summary["balance_drawdown_relative"] == Decimal("2694.44")


def test_xlsx_deal_values_are_exact_decimals() -> None:
    deal = _report("geraked_metatrader5__Test_CEZLSMA_report.xlsx").deals[1]

    assert deal.time.isoformat() == "2019-01-03T03:15:00"  # naive broker server time
    assert (deal.type, deal.entry, deal.volume, deal.price) == (
        "buy",
        "in",
        Decimal("0.37"),
        Decimal("0.69398"),
    )
    assert (deal.commission, deal.balance, deal.position_id) == (
        Decimal("-1.30"),
        Decimal("9998.70"),
        2,
    )


def test_history_closing_deals_reconcile_with_the_positions_table() -> None:
    report = _report("Fsaintvil_PROPFIRM__ReportHistory-1513621052.xlsx")
    closes = [d for d in report.deals if d.entry in CLOSING]
    entries = {d.order: d for d in report.deals if d.entry == "in"}

    assert closes and all(d.position_id is not None for d in closes)
    assert all(d.position_id == d.order for d in entries.values())
    totals: dict[int | None, Decimal] = defaultdict(Decimal)
    for d in closes:
        entry = entries[d.position_id]
        assert (entry.symbol, entry.type != d.type, entry.time <= d.time) == (d.symbol, True, True)
        totals[d.position_id] += d.profit
    # partially closed position 467109745: 0.5 lot PARTIAL_TP then 0.5 lot at its stop
    assert totals[467109745] == Decimal("318.55") and totals[467003522] == Decimal("109.10")


@pytest.mark.parametrize("name", [n for n, (kind, _) in REPORTS.items() if kind == "tester"])
def test_tester_closing_deals_get_an_earlier_entry_order_on_the_same_symbol(name: str) -> None:
    report = _report(name)
    seen: dict[int, str] = {}

    for d in report.deals:
        if d.entry == "in":
            assert d.position_id == d.order
            seen[d.order] = d.symbol
        elif d.entry in CLOSING:
            assert d.position_id in seen and seen[d.position_id] == d.symbol


# --- not reports ------------------------------------------------------------------------------


def test_html_page_without_deals_is_not_a_report(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><table><tr><td>Hello</td></tr></table></body></html>")

    with pytest.raises(ReportError, match="page.html"):
        parse_report(page)


def test_random_workbook_is_not_a_report(tmp_path: Path) -> None:
    book = tmp_path / "numbers.xlsx"
    workbook = Workbook()
    workbook.active.append(["Name", "Value"])  # type: ignore[union-attr]
    workbook.active.append(["a", 1.5])  # type: ignore[union-attr]
    workbook.save(book)

    with pytest.raises(ReportError, match="numbers.xlsx"):
        parse_report(book)


def test_empty_file_is_not_a_report(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")

    with pytest.raises(ReportError, match="empty.html"):
        parse_report(empty)


def test_text_file_and_damaged_xlsx_are_not_reports(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("Deals: none today\n")
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")

    with pytest.raises(ReportError, match="notes.txt"):
        parse_report(text)
    with pytest.raises(ReportError, match="damaged.xlsx"):
        parse_report(damaged)


def test_report_with_an_empty_deals_table_has_no_deals(tmp_path: Path) -> None:
    page = tmp_path / "nodeals.html"
    page.write_text(
        "<table><tr><td colspan=13>Strategy Tester Report</td></tr>"
        "<tr><th colspan=13>Deals</th></tr>"
        "<tr><td>Time</td><td>Deal</td><td>Symbol</td><td>Type</td><td>Direction</td>"
        "<td>Volume</td><td>Price</td><td>Order</td><td>Commission</td><td>Swap</td>"
        "<td>Profit</td><td>Balance</td><td>Comment</td></tr>"
        "<tr><td colspan=8></td><td>0.00</td><td>0.00</td><td>0.00</td><td>0.00</td></tr>"
        "</table>",
        encoding="utf-16",
    )

    with pytest.raises(ReportError, match="nodeals.html.*no deals"):
        parse_report(page)


def test_minimal_html_report_in_utf8_with_no_break_space_thousands(tmp_path: Path) -> None:
    page = tmp_path / "mini.html"
    page.write_text(
        "<table><tr><td colspan=13>Strategy Tester Report</td></tr>"
        "<tr><td colspan=13>Results</td></tr>"
        "<tr><td colspan=3>Total Net Profit:</td><td><b>1&nbsp;010.00</b></td></tr>"
        "<tr><th colspan=13>Deals</th></tr>"
        "<tr><td>Time</td><td>Deal</td><td>Symbol</td><td>Type</td><td>Direction</td>"
        "<td>Volume</td><td>Price</td><td>Order</td><td>Commission</td><td>Swap</td>"
        "<td>Profit</td><td>Balance</td><td>Comment</td></tr>"
        "<tr><td>2025.01.01 00:00:00</td><td>1</td><td></td><td>balance</td><td></td><td></td>"
        "<td></td><td></td><td>0.00</td><td>0.00</td><td>5 000.00</td><td>5 000.00</td><td></td>"
        "<tr><td>2025.01.02 10:00</td><td>2</td><td>EURUSD</td><td>sell</td><td>in</td>"
        "<td>1</td><td>1.03000</td><td>7</td><td>0.00</td><td>0.00</td><td>0.00</td>"
        "<td>5 000.00</td><td></td></tr>"
        "<tr><td>2025.01.02 11:00</td><td>3</td><td>EURUSD</td><td>buy</td><td>out</td>"
        "<td>1</td><td>1.02000</td><td>8</td><td>0.00</td><td>0.00</td><td>1 010.00</td>"
        "<td>6 010.00</td><td>tp 1.02</td></tr>"
        "<tr><td colspan=8></td><td>0.00</td><td>0.00</td><td>1 010.00</td><td>6 010.00</td></tr>"
        "</table>",
        encoding="utf-8",
    )

    report = parse_report(page)

    assert report.kind == "tester"
    assert [d.deal for d in report.deals] == [1, 2, 3]
    assert report.deals[2].position_id == 7 and report.deals[2].profit == Decimal("1010.00")
    assert report.summary == {"total_net_profit": Decimal("1010.00")}
    assert mt5_summary(report.deals, kind="tester")["short_trades"] == 1
