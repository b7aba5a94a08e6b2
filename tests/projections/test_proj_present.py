"""The read-side library every renderer shares: rows, labels, rounding, definitions, exact JSON.

On the two_accounts scenario (proj_scenario.py), whose figures test_proj_golden.py derives by
hand: the rows must carry those figures at the stated rounding.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

from tradejournal import projections as P
from tradejournal.projections import formats, present, present_trades


def test_present_and_formats_import_without_duckdb() -> None:
    code = (
        "import sys; import tradejournal.projections.present, tradejournal.projections.formats, "
        "tradejournal.projections.present_trades; "
        "print(sorted(m for m in ('duckdb', 'rich', 'tradejournal.projections.api') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr


def test_overall_rows_of_account_1001(scenario_dir: Path) -> None:
    rows = dict(present.overall_rows(P.stats(scenario_dir, account="1001")))
    assert rows["closed trades"] == "5: 2 W / 2 L / 1 BE"
    assert rows["win rate (excl. BE)"] == "50.0%  W / (W + L)"
    assert rows["net P&L"] == "575.00"
    assert rows["gross win / gross loss"] == "630.00 / -55.00"
    assert rows["profit factor"] == "11.45  sum W / |sum L|"  # 630 / 55
    assert rows["expectancy"] == "115.00 per trade"
    # 55 of P&L; 0.43 % time-weighted (-25 on 10 590, -30 on 15 565)
    assert rows["max drawdown"] == "55.00 (0.43% time-weighted)  from the realised P&L"
    assert "curve per account" not in rows  # one account
    assert rows["current drawdown"] == "15.00"
    assert rows["streaks"] == "longest 1 W / 2 L, current 1 W"
    assert "Sharpe / Sortino" not in rows  # realised curve: no equity returns


def test_overall_rows_name_each_accounts_curve(scenario_dir: Path) -> None:
    rows = dict(present.overall_rows(P.stats(scenario_dir)))
    assert rows["curve per account"] == "1001: realised P&L, 2002: equity curve"
    assert rows["max drawdown"].endswith("from the accounts' own curves, summed")


def test_group_table_keeps_counts_as_numbers(scenario_dir: Path) -> None:
    table = present.group_table("side", P.stats(scenario_dir, by="side", account="1001"))
    assert table.columns[:5] == ["side", "trades", "W", "L", "BE"]
    buy, sell = table.rows
    assert buy[:5] == ("buy", 3, 1, 2, 0) and sell[:5] == ("sell", 2, 1, 0, 1)
    assert sell[7] == "inf"  # no losing short: profit factor inf, never 0
    assert table.notes[0] == "* SQN over fewer than 30 trades: indicative only"


def test_mt5_rows_print_as_the_report_does(scenario_dir: Path) -> None:
    rows = dict(present.mt5_rows(P.mt5_summary(scenario_dir, account="2002")))
    assert rows["Total Net Profit"] == "32.84"
    assert rows["Profit Trades (% of total)"] == "1 (100.00%)"
    assert rows["Profit Factor"] == "110.47"  # 33.14 / 0.30: the entry commission is a loss
    assert rows["Average consecutive wins"] == "1"
    assert rows["Equity Drawdown Maximal"] == "60.00 (2.93%)"  # 2050 -> 1990
    no_snapshots = dict(present.mt5_rows(P.mt5_summary(scenario_dir, account="1001")))
    assert "Equity Drawdown Maximal" not in no_snapshots
    assert no_snapshots["Balance Drawdown Relative"] == "0.24% (25.00)"  # 25 of 10 590


def test_definitions_fill_in_the_conventions() -> None:
    defs = dict(present.definitions(D("2.5"), "Europe/Paris"))
    assert defs["tolerance"].startswith("--tol 2.5 (money)")
    assert "days in --tz Europe/Paris" in defs["annualisation"]
    for term in ("cash flows", "planned R", "MAE / MFE", "netting reversal", "max drawdown"):
        assert term in defs
    assert not any("{" in text for text in defs.values())


def test_selection_and_titles() -> None:
    since = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    assert present.selection("1001", since) == "account 1001, closed 2024-03-01 00:00:00Z to now"
    assert present.overall_title("all accounts", 0, "UTC", by="symbol") == (
        "Journal statistics by symbol (all accounts; breakeven tolerance 0, tz UTC)"
    )
    assert present.mt5_title(None) == "MT5 report summary (all accounts)"


def test_formats() -> None:
    assert formats.money(D("-30")) == "-30.00" and formats.money(None) == "n/a"
    assert formats.plain_decimal(D("11998.2500000000")) == D("11998.25")
    assert str(formats.plain_decimal(D("1E+2"))) == "100"
    assert formats.duration(3900) == "1h 05m" and formats.duration(720) == "12m"
    assert formats.pct(0.5) == "50.0%" and formats.r_value(-0.5) == "-0.50 R"
    text = formats.json_text(
        {"a": D("129.00"), "b": float("inf"), "c": dt.datetime(2024, 3, 4, 9, tzinfo=dt.UTC),
         None: [D("1E+2")]}
    )  # fmt: skip
    assert text == '{"a":129.00,"b":null,"c":"2024-03-04T09:00:00Z","null":[100]}'
    assert json.loads(text, parse_float=D)["a"] == D("129.00")


def test_trade_legs_is_one_query_per_position(scenario_dir: Path) -> None:
    legs = P.trade_legs(scenario_dir, 14)
    assert [t["trade_id"] for t in legs] == ["1001:14", "1001:14/2"]
    assert P.trade_legs(scenario_dir, 14, account="2002") == []
    assert P.trade_legs(scenario_dir, 999) == []
    # the story title sums the legs: -30 + 40
    title = present_trades.story_title(14, legs)
    assert title == "position 14 (1001): EURUSD buy 0.3, closed, net 10.00"
    single = present_trades.story_title(11, P.trade_legs(scenario_dir, 11))
    assert single == "position 11 (1001): EURUSD buy 1, closed, net 590.00, R 1.18"


def test_trade_cells_round_for_reading(scenario_dir: Path) -> None:
    (t,) = P.trade_legs(scenario_dir, 11)
    cells = dict(zip(present_trades.TRADE_COLUMNS, present_trades.trade_cells(t), strict=True))
    assert cells["open_ts"] == "2024-03-04 10:00" and cells["close_ts"] == "12:00"
    assert cells["net_pnl"] == D("590.00") and cells["r_multiple"] == D("1.18")
    story = present_trades.story_rows(P.trade_story(scenario_dir, 11))
    assert story[-1][2] == "trade.result" and story[-1][4:] == (D("590.00"), D("1.18"))
