"""The trades projection's incremental catch-up equals a full rebuild.

Catch-ups that each bring one piece: a late stop move for an old position, a partial close and
its final close in a later catch-up (the position gains its own money-per-point estimate, which
changes the pooled estimate of a trade in the same symbol), a reversal split across catch-ups, a
new symbol, a new account, a late opening-order change, a recommendation executed then issued
late, and a late annotation without an account. After each, every table must hash the same as a
full rebuild. The journal runs only the SQL files the trades table reads (deals, orders,
stop_moves, trades): the other files would only slow every rebuild down.
"""

from __future__ import annotations

import shutil
from decimal import Decimal as D
from importlib.resources import as_file, files
from pathlib import Path

import pytest
from proj_helpers import hash_tables, write
from proj_scenario import A, B, at, deal, order

from tradejournal import projections as P
from tradejournal.events import (
    Event,
    OrderModified,
    PositionExcursion,
    PositionStopMoved,
    RecommendationExecuted,
    RecommendationIssued,
    TradeAnnotated,
)
from tradejournal.projections.runner import sql_files


def _stop(pos: int, old: str | None, new: str, h: float, account: str | None = A) -> Event:
    return PositionStopMoved(
        ts=at(h), producer="mt5", account=account, position_id=pos,
        old_sl=D(old) if old else None, new_sl=D(new), method="trailing" if old else "initial",
    )  # fmt: skip


def _batches() -> list[list[Event]]:
    return [
        [  # position 1 closed with profit (own estimate); 2 open; 3 closed without profit
            order(101, "buy", "1", "1.1000", 0, sl="1.0950"),
            deal(1001, 1, "buy", "in", "1", "1.1000", 0, order=101),
            deal(1002, 1, "sell", "out", "1", "1.1100", 1, profit="1000"),
            deal(1003, 2, "buy", "in", "2", "1.1200", 2),
            _stop(2, None, "1.1150", 2.1),
            deal(1004, 3, "sell", "in", "1", "1.1300", 3),
            _stop(3, None, "1.1350", 3.1),
            deal(1005, 3, "buy", "out", "1", "1.1250", 4),  # profit 0: the pooled estimate
        ],
        [_stop(1, "1.0950", "1.0980", 0.5)],  # a late stop move for the old position 1
        [deal(1006, 2, "sell", "out", "1", "1.1300", 5, profit="500")],  # partial close
        [  # the rest: position 2 now has its own estimate, the pool of EURUSD changes
            deal(1007, 2, "sell", "out", "1", "1.1260", 6, profit="300"),
            PositionExcursion(
                ts=at(5.5),
                producer="mt5",
                account=A,
                position_id=2,
                excursion="mfe",
                price=D("1.1320"),
            ),
        ],  # fmt: skip
        [  # a reversal split across catch-ups: long 1, then an inout of 1.5 ...
            deal(1008, 4, "buy", "in", "1", "1.1000", 7),
            _stop(4, None, "1.0900", 7.1),
        ],
        [deal(1009, 4, "sell", "inout", "1.5", "1.1100", 8, profit="1000")],
        [  # ... then the short leg closes
            _stop(4, None, "1.1200", 8.1),
            deal(1010, 4, "buy", "out", "0.5", "1.1000", 9, profit="500"),
        ],
        [  # a new symbol
            deal(1011, 5, "buy", "in", "1", "150.00", 10, symbol="USDJPY"),
            _stop(5, None, "149.00", 10.1),
            deal(1012, 5, "sell", "out", "1", "151.00", 11, symbol="USDJPY", profit="666"),
        ],
        [  # a new account with the same position id as account A's
            deal(2001, 1, "buy", "in", "1", "1.2000", 12, account=B),
            _stop(1, None, "1.1900", 12.1, account=B),
            deal(2002, 1, "sell", "out", "1", "1.2100", 13, account=B, profit="900"),
        ],
        [  # a late change of position 1's opening order, a recommendation executed on 5
            OrderModified(ts=at(0.1), producer="mt5", account=A, order_ticket=101, sl=D("1.0940")),
            RecommendationExecuted(
                ts=at(10.2), producer="mt5", account=A, recommendation_id="R9", position_id=5
            ),
        ],
        [  # ... issued late; an annotation without an account (position 1 of both accounts)
            RecommendationIssued(
                ts=at(0.05),
                producer="llm",
                account=A,
                recommendation_id="R9",
                symbol="USDJPY",
                direction="BUY",
                confidence=70,
                model="m",
                tp=D("1.1200"),
            ),
            TradeAnnotated(ts=at(13.5), producer="cli", position_id=1, strategy="breakout"),
        ],  # fmt: skip
    ]


TRADES_SQL = ("010_deals.sql", "020_orders.sql", "030_stop_moves.sql", "100_trades.sql")


@pytest.fixture(scope="module")
def trades_sql(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQL directory with only the files the trades table needs."""
    out = tmp_path_factory.mktemp("sql")
    for name in TRADES_SQL:
        with as_file(files("tradejournal.projections") / "sql" / name) as src:
            shutil.copy(src, out / name)
    return out


def test_trades_file_is_incremental() -> None:
    assert any(f.name == "100_trades" and f.incremental for f in sql_files())


@pytest.mark.parametrize("split", [False, True])
def test_trades_catch_ups_equal_full_rebuild(tmp_path: Path, split: bool, trades_sql: Path) -> None:
    jd = tmp_path / "j"
    seen: list[int] = []
    for batch in _batches():
        pieces = [[e] for e in batch] if split else [batch]
        for piece in pieces:
            write(jd, piece)
            ran = P.catch_up(jd, sql_dir=trades_sql)
            seen.append(ran.last_seq)
            db = jd / "projections.duckdb"
            incremental = hash_tables(db)
            P.rebuild(jd, full=True, sql_dir=trades_sql)
            assert hash_tables(db) == incremental, seen
    con = P.connect_readonly(jd, catch_up_first=False, sql_dir=trades_sql)
    try:
        rows = con.execute(
            "SELECT trade_id, r_basis FROM trades WHERE status = 'closed' ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    basis = dict(rows)
    assert basis[f"{A}:3"] == "money_symbol_estimate"
    assert basis[f"{A}:2"] == "money"
    assert f"{A}:4/2" in basis and f"{B}:1" in basis
