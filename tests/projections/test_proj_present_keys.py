"""The headline figures (bot /stats, report cards) and the shared definitions and formats.

On the two_accounts scenario (proj_scenario.py), account 1001, whose figures test_proj_golden.py
derives by hand: 5 trades, 2 W / 2 L / 1 BE, net 575, profit factor 630 / 55.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

from tradejournal import projections as P
from tradejournal.projections import formats, present, present_defs, present_trades


def test_key_figures_of_account_1001(scenario_dir: Path) -> None:
    figures = {k.key: k for k in present.key_figures(P.stats(scenario_dir, account="1001"))}
    assert list(figures) == list(present.KEY_FIGURES)
    assert (figures["trades"].value, figures["trades"].note) == ("5", "2 W / 2 L / 1 BE")
    assert (figures["win_rate"].label, figures["win_rate"].value) == ("Win rate", "50.0%")
    assert figures["net_pnl"].value == "575.00"
    assert figures["profit_factor"].value == "11.45"  # 630 / 55
    assert figures["expectancy"].value == "115.00"
    assert figures["max_drawdown"].value == "55.00 (0.43%)"
    assert figures["max_drawdown"].note == "from the realised P&L"
    assert figures["sharpe"].value == "n/a"  # realised curve: no equity returns


def test_key_figures_pick_keys_and_group_thousands() -> None:
    f = {"trades": 2, "wins": 2, "losses": 0, "breakevens": 0, "net_pnl": D("12345.5"),
         "profit_factor": None, "profit_factor_is_inf": True, "expectancy_r": 0.5}  # fmt: skip
    shown = present.key_figures(f, ("net_pnl", "profit_factor", "expectancy_r"), grouped=True)
    assert [(k.label, k.value) for k in shown] == [
        ("Net P&L", "12,345.50"), ("Profit factor", "inf"), ("Expectancy (R)", "+0.50 R")
    ]  # fmt: skip
    assert present.key_figures(f, ()) == []


def test_every_key_figure_and_chart_has_one_definition() -> None:
    terms = [term for term, _ in present.definitions()]
    assert len(terms) == len(set(terms))
    assert {term for _, term in present.KEY_FIGURES.values()} <= set(terms)
    assert present.definitions(D("0.5"), "Europe/Berlin")[1][1].startswith("--tol 0.5 (money)")
    assert present_defs.definition("SQN").startswith("sqrt(N) x mean(R)")
    assert "breakdowns" in present_defs.CHART_DEFINITIONS


def test_shared_formats() -> None:
    assert formats.money(D("1234.5"), grouped=True) == "1,234.50"
    assert formats.money(D("1234.5")) == "1234.50" and formats.money(None, "-") == "-"
    assert formats.r_value(0.5, signed=True) == "+0.50 R" and formats.r_value(None) == "n/a"
    assert formats.ratio(71.25, 1) == "71.2" and formats.ratio(None, 1) == "n/a"
    assert formats.minute(dt.datetime(2024, 3, 4, 10, 5, 59, tzinfo=dt.UTC)) == "2024-03-04 10:05Z"
    assert formats.minute(None) == ""


def test_trade_line(scenario_dir: Path) -> None:
    (t,) = P.trade_legs(scenario_dir, 11)
    assert present_trades.trade_line(t) == "#11 EURUSD buy 590.00"
    assert present_trades.trade_line({**t, "status": "open"}) == "#11 EURUSD buy open"
