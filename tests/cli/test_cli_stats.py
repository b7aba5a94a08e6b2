"""``tradejournal stats`` on the demo day: the journal statistics, --defs, --mt5.

The demo's eight positions (seed 42): EURUSD +129.00 profit (trailed), GBPUSD -50.00 (stop),
XAUUSD sell +120.00 (TP), XAUUSD buy with a partial close, EURUSD breakeven (0.00 profit, only
commission), GBPUSD OCO -14.80, EURUSD +17.00, XAUUSD OCO TP +60.00; commission 3.50 per lot
per side. The checks below are recomputed by hand from that story.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cli_testlib import assert_golden, demo_journal, run

from tradejournal.projections import MT5_EQUITY_COLUMNS, MT5_SUMMARY_COLUMNS


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_journal(tmp_path_factory.mktemp("stats") / "demo-journal")


def _json(journal: Path, *args: str) -> Any:
    result = run(journal, "stats", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout, parse_float=Decimal)


def test_stats_json_matches_the_golden_file(journal: Path) -> None:
    result = run(journal, "stats", "--format", "json")

    assert result.exit_code == 0, result.output
    assert_golden("demo_stats.json", result.stdout)


def test_the_figures_agree_with_the_demo_story(journal: Path) -> None:
    f = _json(journal)

    # net per position = profit - commission (3.50 per lot per side, both sides)
    nets = [Decimal(x) for x in ("125.50", "-51.40", "119.30", "140.50", "-2.10", "-15.50",
                                 "16.30", "59.64")]  # fmt: skip
    wins = [n for n in nets if n > 0]
    losses = [n for n in nets if n < 0]
    assert (f["trades"], f["wins"], f["losses"], f["breakevens"]) == (8, 5, 3, 0)
    assert f["net_pnl"] == sum(nets) == Decimal("392.24")
    assert (f["gross_win"], f["gross_loss"]) == (sum(wins), sum(losses))
    assert float(f["profit_factor"]) == pytest.approx(float(sum(wins) / -sum(losses)))
    assert f["profit_factor_is_inf"] is False
    assert f["win_rate"] == Decimal("0.625") and f["win_rate_incl_be"] == Decimal("0.625")
    assert float(f["payoff_ratio"]) == pytest.approx(float((sum(wins) / 5) / (-sum(losses) / 3)))
    assert f["expectancy"] == sum(nets) / 8
    assert (f["best_trade"], f["worst_trade"]) == (Decimal("140.5"), Decimal("-51.4"))
    # by close time: GBP L, XAU W, EUR W, GBP-OCO L, EUR-BE L, XAU W, XAU-OCO W, EUR W
    assert (f["longest_win_streak"], f["longest_loss_streak"], f["current_streak"]) == (3, 2, 3)
    assert f["sqn_warning"] is True and f["sqn_basis"] == "R"
    assert f["drawdown_source"] == "equity"  # the demo writes account snapshots


def test_a_tolerance_turns_the_commission_only_breakeven_into_a_breakeven(journal: Path) -> None:
    strict, tolerant = _json(journal), _json(journal, "--tol", "2.10")

    assert (strict["wins"], strict["losses"], strict["breakevens"]) == (5, 3, 0)
    assert (tolerant["wins"], tolerant["losses"], tolerant["breakevens"]) == (5, 2, 1)
    assert float(tolerant["win_rate"]) == pytest.approx(5 / 7)


def test_stats_by_symbol(journal: Path) -> None:
    groups = _json(journal, "--by", "symbol")

    assert [(g["group"], g["trades"], g["net_pnl"]) for g in groups] == [
        ("EURUSD", 3, Decimal("139.7")),
        ("GBPUSD", 2, Decimal("-66.9")),
        ("XAUUSD", 3, Decimal("319.44")),
    ]
    xau = groups[2]
    assert xau["profit_factor"] is None and xau["profit_factor_is_inf"] is True  # no loss: inf


def test_the_table_shows_the_figures_flags_and_conventions(journal: Path) -> None:
    result = run(journal, "stats")

    out = result.stdout
    assert result.exit_code == 0, result.output
    assert out.startswith("Journal statistics (all accounts; breakeven tolerance 0, tz UTC)\n")
    for expected in (
        "│ closed trades           │ 8: 5 W / 3 L / 0 BE",
        "│ win rate (excl. BE)     │ 62.5%  W / (W + L)",
        "│ net P&L                 │ 392.24",
        "│ profit factor           │ 6.68  sum W / |sum L|",
        "│ SQN / SQN100            │ 1.71 / 1.71  N = 8 < 30: indicative only",
        "│ max drawdown            │ 137.65 (1.12% time-weighted)  from the equity curve",
        "│ streaks                 │ longest 3 W / 2 L, current 3 W",
    ):
        assert expected in out, expected
    assert out.endswith("Definitions and conventions: tradejournal stats --defs\n")


def test_the_breakdown_table_flags_inf_and_small_samples(journal: Path) -> None:
    out = run(journal, "stats", "--by", "symbol").stdout

    assert "│ XAUUSD │      3 │ 3 │ 0 │  0 │ 100.0%   │ 319.44 │ inf" in out
    assert "* SQN over fewer than 30 trades: indicative only" in out


def test_defs_name_the_conventions_without_needing_a_journal(tmp_path: Path) -> None:
    result = run(tmp_path / "nowhere", "stats", "--defs", "--tol", "1.5")

    text = " ".join(result.stdout.split())
    assert result.exit_code == 0, result.output
    for term in ("tolerance", "breakeven", "R basis", "drawdown source", "annualisation", "SQN"):
        assert term in text
    assert "--tol 1.5 (money): win = net > +tol, loss = net < -tol, otherwise breakeven" in text
    assert "initial SL" in text and "sqrt(365)" in text


def test_stats_mt5_json_has_the_33_keys_as_numbers(journal: Path) -> None:
    result = run(journal, "stats", "--mt5", "--format", "json")

    figures = json.loads(result.stdout, parse_float=Decimal)
    # the demo writes account snapshots: the equity drawdown follows the 33 figures
    assert list(figures) == [*MT5_SUMMARY_COLUMNS, *MT5_EQUITY_COLUMNS]
    assert all(isinstance(v, int | Decimal) for v in figures.values())
    # nine closing deals (the partial close is a trade of its own); the breakeven's closing
    # deal is -1.05 (exit commission): a loss trade in MT5's sense
    assert (figures["total_trades"], figures["profit_trades"], figures["loss_trades"]) == (9, 6, 3)
    assert figures["total_net_profit"] == Decimal("392.24")
    assert figures["largest_loss_trade"] == Decimal("-50.7")
    assert_golden("demo_mt5_summary.json", result.stdout)


def test_stats_mt5_table(journal: Path) -> None:
    out = run(journal, "stats", "--mt5").stdout

    assert out.startswith("MT5 report summary (all accounts)\n")
    assert "│ Total Trades                       │ 9 " in out
    assert "│ Profit Trades (% of total)         │ 6 (66.67%)" in out
    assert "│ Maximum consecutive wins ($)       │ 3 (306.65)" in out
    assert "│ Average consecutive wins           │ 3 " in out
    assert "│ Equity Drawdown Maximal            │ 137.65 (1.12%)" in out  # from the snapshots


def test_mt5_summary_of_an_empty_journal_prints_nulls(tmp_path: Path) -> None:
    journal = tmp_path / "j"
    run(journal, "init")

    figures = _json(journal, "--mt5")

    assert figures["total_trades"] == 0 and figures["profit_factor"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mt5", "--by", "symbol"], "--mt5 takes only --account and --format"),
        (["--tol", "-1"], "the tolerance is a money amount >= 0"),
        (["--tol", "abc"], "is not an amount of money"),
        (["--since", "yesterday"], "'yesterday' is not an RFC 3339 timestamp"),
        (["--by", "planet"], "'planet' is not one of"),
    ],
)
def test_bad_options_are_usage_errors(journal: Path, args: list[str], message: str) -> None:
    result = run(journal, "stats", *args)

    assert result.exit_code == 2
    assert message in result.stderr


def test_an_unknown_time_zone_is_a_usage_error(journal: Path) -> None:
    result = run(journal, "stats", "--by", "hour", "--tz", "Mars/Olympus")

    assert result.exit_code == 2
    assert "'Mars/Olympus' is not an IANA time zone" in result.stderr


def test_no_journal_is_a_clear_error(tmp_path: Path) -> None:
    result = run(tmp_path / "nope", "stats")

    assert result.exit_code == 1
    assert "no journal at" in result.stderr


def test_an_infinite_profit_factor_is_null_in_every_machine_format(journal: Path) -> None:
    # the demo's XAUUSD trades are all wins (+119.30, +140.50, +59.64): no losing trade
    result = run(journal, "stats", "--by", "symbol", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = {r["group"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert (rows["XAUUSD"]["profit_factor"], rows["XAUUSD"]["profit_factor_is_inf"]) == ("", "True")
    assert float(rows["EURUSD"]["profit_factor"]) > 0  # a finite one is written as a number
    records = {r["group"]: r for r in _json(journal, "--by", "symbol")}
    assert records["XAUUSD"]["profit_factor"] is None
    assert records["XAUUSD"]["profit_factor_is_inf"] is True
    lines = run(journal, "stats", "--by", "symbol", "--format", "jsonl").stdout.splitlines()
    xau = next(json.loads(line) for line in lines if '"XAUUSD"' in line)
    assert xau["profit_factor"] is None and xau["profit_factor_is_inf"] is True
