"""trades.r_multiple values a price move with the symbol's contract spec when one is journaled.

USDJPY on a USD account: tick size 0.001, tick value 0.6667 USD per lot -> 666.7 USD per 1.0 of
price per lot (r_basis 'contract'); the deals alone say 666 (r_basis 'money'). The spec in force at
the close wins; a spec journaled only after the close (a backfill) is used too. A spec arriving in
a later catch-up recomputes the trade exactly as a full rebuild does.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from proj_helpers import hash_tables, write
from proj_scenario import A, at, deal, order

from tradejournal import projections as P
from tradejournal.events import Event, SymbolSpecChanged


def _spec(tick_value: str, h: float, account: str = A) -> SymbolSpecChanged:
    return SymbolSpecChanged(
        ts=at(h), producer="mt5", account=account, symbol="USDJPY", digits=3,
        point=D("0.001"), tick_size=D("0.001"), tick_value=D(tick_value),
        contract_size=D("100000"), volume_min=D("0.01"), volume_step=D("0.01"),
        volume_max=D("100"),
    )  # fmt: skip


def _trade() -> list[Event]:
    return [
        order(501, "buy", "1", "150.000", 0, symbol="USDJPY", sl="149.000"),
        deal(1501, 5, "buy", "in", "1", "150.000", 0, symbol="USDJPY", order=501, comm="-3"),
        deal(1502, 5, "sell", "out", "1", "151.000", 2, symbol="USDJPY", profit="666", comm="-3"),
    ]


def _row(jd: Path) -> dict[str, object]:
    (row,) = [t for t in P.trades(jd) if t["position_id"] == 5]
    return row


def test_without_a_spec_r_is_estimated_from_the_deals(tmp_path: Path) -> None:
    write(tmp_path / "j", _trade())
    t = _row(tmp_path / "j")
    assert t["r_basis"] == "money"
    assert t["r_multiple"] == pytest.approx(660 / 666)


def test_the_spec_in_force_at_the_close_values_r(tmp_path: Path) -> None:
    write(tmp_path / "j", [_spec("0.6500", -1), _spec("0.6667", 1), *_trade(), _spec("0.7", 3)])
    t = _row(tmp_path / "j")
    assert t["r_basis"] == "contract"
    assert t["value_per_point"] == pytest.approx(666.7)
    assert t["r_multiple"] == pytest.approx(660 / 666.7)
    assert t["initial_risk_money"] == D("666.7")


def test_a_spec_journaled_after_the_close_is_used(tmp_path: Path) -> None:
    write(tmp_path / "j", [*_trade(), _spec("0.6667", 30), _spec("0.9", 31)])
    t = _row(tmp_path / "j")
    assert t["r_basis"] == "contract"
    assert t["r_multiple"] == pytest.approx(660 / 666.7)


def test_a_late_spec_recomputes_the_trade_in_a_catch_up(tmp_path: Path) -> None:
    jd = tmp_path / "j"
    write(jd, _trade())
    P.catch_up(jd)
    assert _row(jd)["r_basis"] == "money"
    write(jd, [_spec("0.6667", 5)])
    P.catch_up(jd)
    db = jd / "projections.duckdb"
    incremental = hash_tables(db)
    assert _row(jd)["r_basis"] == "contract"
    P.rebuild(jd, full=True)
    assert hash_tables(db) == incremental
