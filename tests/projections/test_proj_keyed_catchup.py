"""Per-key catch-ups (orders, stop moves, OCO pairs, recommendations, signals, experiments, ...)
equal a full build, whatever the points at which the events arrive.

The story below touches every key through every path a catch-up must follow: an order modified
after its fill, an OCO leg cancelled (and the trigger journaled) later, both legs of a group
filled in different batches, a rejection that a placement of the same ticket supersedes, a
rejection without a ticket, a recommendation scored when its position closes later, executed on a
position afterwards, its producing LLM call journaled after it, a conversation's cost growing
later, a signal followed by a trade opened later (by the time window, by a link), a signal
notified later, stop moves across batches (one late, renumbering the position), late equity
snapshots, experiment assignments, two accounts with the same position id.

The journal is loaded once; each build replays its events into a fresh in-memory database in
pieces and runs the real runner after each piece (the incremental sections run exactly as in a
catch-up), then compares every table with a build that saw all events at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from proj_helpers import write
from proj_scenario import A, B, at, deal, order

from tradejournal import projections as P
from tradejournal.events import (
    AccountSnapshot,
    ConversationMessage,
    ConversationStarted,
    Event,
    ExperimentAssigned,
    ExperimentStarted,
    LlmCalled,
    OcoCreated,
    OcoFailed,
    OcoTriggered,
    OrderCancelled,
    OrderModified,
    OrderRejected,
    PositionStopMoved,
    RecommendationApproved,
    RecommendationExecuted,
    RecommendationIssued,
    SignalDetected,
    SignalNotified,
)
from tradejournal.projections.loader import ensure_events
from tradejournal.projections.runner import ensure_state, run_projections, sql_files

# the files of the keyed tables and their inputs (conversations, equity, views, the stats cache:
# test_proj_incremental.py, test_proj_catchup.py)
SQLS = [
    f for f in sql_files() if f.name[:3] in {"010", "020", "030", "040", "100", "110", "120", "180"}
]

KEYED = {
    "020_orders",
    "030_stop_moves",
    "040_oco_pairs",
    "110_recommendations",
    "120_signals",
    "130_conversations",
    "160_equity",
    "180_experiments",
}


def _signal(sid: str, h: float, direction: str, account: str | None = A) -> Event:
    return SignalDetected(
        ts=at(h), producer="scanner", account=account, signal_id=sid, symbol="EURUSD",
        timeframe="M15", direction=direction, confidence=70,
    )  # fmt: skip


def _rec(rid: str, h: float, **kw: object) -> Event:
    return RecommendationIssued(
        ts=at(h), producer="llm", account=kw.pop("account", A), recommendation_id=rid,
        symbol="EURUSD", direction="BUY", confidence=75, model="m1", entry_price=D("1.1000"),
        sl=D("1.0950"), tp=D("1.1100"), **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def _call(
    cid: str, h: float, cost: str, cause: str | None = None, conv: str | None = None
) -> Event:
    return LlmCalled(
        id=cid, ts=at(h), producer="llm", account=A, causation_id=cause, model="m1",
        purpose="recommend", cost_usd=D(cost), latency_ms=100, status="ok", conversation_id=conv,
    )  # fmt: skip


def _stop(pos: int, old: str | None, new: str, h: float, account: str = A) -> Event:
    return PositionStopMoved(
        ts=at(h), producer="mt5", account=account, position_id=pos,
        old_sl=D(old) if old else None, new_sl=D(new), method="trailing" if old else "initial",
    )  # fmt: skip


def _snap(h: float, equity: str, account: str = A) -> Event:
    return AccountSnapshot(
        ts=at(h), producer="mt5", account=account, balance=D("1000"), equity=D(equity),
        margin=D(0), free_margin=D(equity), currency="USD",
    )  # fmt: skip


def story() -> list[Event]:
    """The events in journal order (see the module docstring)."""
    mt5 = {"producer": "mt5", "account": A}
    return [
        _signal("S1", 0.5, "BUY"),
        _signal("S2", 0.55, "SELL", account=None),  # any account
        ConversationStarted(
            ts=at(0.5), producer="telegram", account=A, conversation_id="C1", user_id=7, chat_id=7
        ),  # fmt: skip
        _call("llm-0", 0.51, "0.01", cause="req-1", conv="C1"),  # a retry of the same request
        _rec("R1", 0.52, causation_id="llm-1", conversation_id="C1", signal_id="S1"),
        _snap(0.5, "1000"),
        RecommendationApproved(ts=at(0.53), producer="telegram", account=A, recommendation_id="R1"),
        OcoCreated(
            ts=at(0.54),
            oco_group_id="G1",
            symbol="EURUSD",
            leg_a_ticket=101,
            leg_b_ticket=102,
            **mt5,
        ),  # fmt: skip
        order(
            101,
            "buy_stop",
            "1",
            "1.1000",
            0.54,
            sl="1.0950",
            recommendation_id="R1",
            oco_group_id="G1",
        ),  # fmt: skip
        order(102, "sell_stop", "1", "1.0900", 0.54, oco_group_id="G1"),
        _call("llm-1", 0.515, "0.02", cause="req-1"),  # the producing call, late
        deal(1001, 11, "buy", "in", "1", "1.1000", 0.7, order=101),  # S1 followed (window)
        OrderModified(ts=at(0.75), order_ticket=101, sl=D("1.0960"), **mt5),  # after its fill
        _stop(11, None, "1.0950", 0.71),
        ExperimentStarted(ts=at(0.8), producer="cli", experiment_id="E1", variants=["a", "b"]),
        ExperimentAssigned(ts=at(0.8), producer="cli", experiment_id="E1", user_id=7, variant="a"),
        OrderCancelled(ts=at(0.9), order_ticket=102, reason="oco", **mt5),  # the OCO sibling
        _stop(11, "1.0950", "1.1000", 1.0),
        OcoTriggered(
            ts=at(0.9),
            oco_group_id="G1",
            filled_ticket=101,
            cancel_ticket=102,
            cancel_latency_ms=150,
            **mt5,
        ),  # fmt: skip
        _snap(1.0, "1050"),
        _stop(11, "1.0950", "1.0980", 0.8),  # late: renumbers position 11's moves
        deal(1002, 11, "sell", "out", "1", "1.1100", 2.0, order=110, profit="1000"),  # R1 scored
        _rec("R2", 0.56),
        deal(1003, 12, "sell", "in", "1", "1.0990", 0.6, order=201),  # S2 followed (window)
        SignalNotified(ts=at(0.6), producer="telegram", signal_id="S1", chat_id=7),
        RecommendationExecuted(ts=at(0.61), recommendation_id="R2", position_id=12, **mt5),
        OrderRejected(ts=at(0.62), symbol="EURUSD", retcode=10006, **mt5),  # without a ticket
        OrderRejected(
            ts=at(0.63),
            order_ticket=105,
            symbol="EURUSD",
            retcode=10004,
            recommendation_id="R4",
            **mt5,
        ),  # fmt: skip
        _rec("R3", 0.62, conversation_id="C2"),
        ConversationMessage(
            ts=at(0.64),
            producer="telegram",
            account=A,
            conversation_id="C2",
            role="assistant",
            content="hi",
            cost_usd=D("0.5"),
        ),  # fmt: skip
        order(105, "buy_limit", "1", "1.0950", 0.64, recommendation_id="R3"),  # after rejection
        OcoCreated(
            ts=at(3.0),
            oco_group_id="G2",
            symbol="EURUSD",
            leg_a_ticket=103,
            leg_b_ticket=104,
            **mt5,
        ),  # fmt: skip
        order(103, "buy_stop", "1", "1.1200", 3.0),
        order(104, "sell_stop", "1", "1.0800", 3.0),
        _signal("S5", 3.0, "BUY"),
        deal(1004, 13, "buy", "in", "1", "1.1200", 3.1, order=103),  # S5 followed (window)
        _call("llm-2", 3.2, "0.25", conv="C2"),  # R3's conversation costs more
        _snap(0.7, "990"),  # late: the curve before the last snapshot
        deal(1005, 14, "sell", "in", "1", "1.0800", 3.3, order=104),  # G2's other leg
        OcoFailed(ts=at(3.4), oco_group_id="G3", kind="cancel_refused", **mt5),  # no group
        order(106, "buy", "1", "1.1000", 4.0, signal_id="S3"),
        _signal("S3", 3.9, "BUY"),
        deal(1006, 15, "buy", "in", "1", "1.1000", 4.0, order=106),  # S3 followed by link
        _rec("R5", 4.05),
        order(107, "buy", "1", "1.0950", 4.05, recommendation_id="R5", position_id=12),  # a close
        _rec("R6", 4.06),
        RecommendationExecuted(
            ts=at(4.07), producer="mt5", recommendation_id="R6", order_ticket=108
        ),  # without an account: only R6's row links 108
        order(108, "buy", "1", "1.1000", 4.07),
        deal(1007, 12, "buy", "out", "1", "1.0950", 4.1, order=202, profit="400"),  # R2, R5 scored
        _signal("S6", 3.05, "BUY"),
        _rec("R7", 3.05, signal_id="S6"),
        RecommendationExecuted(ts=at(3.2), recommendation_id="R7", position_id=13, **mt5),
        # trade 13 now carries S6: S5 loses its follower
        deal(2001, 11, "buy", "in", "1", "1.2000", 0.7, account=B, order=901),  # same position id
        _signal("S4", 4.5, "BUY", account=B),
        ExperimentAssigned(ts=at(5), producer="cli", experiment_id="E1", user_id=7, variant="b"),
        ExperimentAssigned(ts=at(5), producer="cli", experiment_id="E1", user_id=8, variant="b"),
        deal(2002, 16, "buy", "in", "1", "1.2010", 4.6, account=B, order=902),  # S4 followed
        RecommendationExecuted(ts=at(4.7), recommendation_id="R4", order_ticket=105, **mt5),
        deal(1008, 17, "buy", "in", "1", "1.0950", 4.8, order=105),  # R3's and R4's order fills
        deal(1009, 18, "buy", "in", "1", "1.1000", 5.0, order=108),  # R6's order fills
    ]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The story's journal loaded once into a projections file; (its path, last seq)."""
    jd = tmp_path_factory.mktemp("keyed") / "j"
    last = write(jd, story())
    P.rebuild(jd, full=True)
    return jd / "projections.duckdb", last


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND table_name <> '_projection_state' ORDER BY 1"
        ).fetchall()
    ]
    return {
        n: con.execute(
            f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::VARCHAR, '|' "
            f"ORDER BY t::VARCHAR)), '') FROM {n} t"
        ).fetchall()[0][0]
        for n in names
    }


def _open(path: str, src: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"ATTACH '{src}' AS src (READ_ONLY)")
    ensure_state(con)
    ensure_events(con)
    return con


def _catch_up(con: duckdb.DuckDBPyConnection, after: int, upto: int) -> None:
    """Load events after..upto and run the runner, as a catch-up does."""
    con.execute(
        "INSERT INTO events SELECT * FROM src.events WHERE seq > ? AND seq <= ?", [after, upto]
    )
    run_projections(con, upto, SQLS)


def build(src: Path, cuts: Sequence[int], last: int) -> dict[str, str]:
    """Replay events 1..last into a fresh database, running the projections after each piece
    ending at a cut (and at ``last``); return table name -> hash of its rows."""
    con = _open(":memory:", src)
    try:
        prev = 0
        for cut in [*sorted(set(cuts) - {0, last}), last]:
            _catch_up(con, prev, cut)
            prev = cut
        con.execute("DETACH src")
        return _tables(con)
    finally:
        con.close()


def test_keyed_files_are_incremental() -> None:
    assert {f.name for f in sql_files() if f.incremental} >= KEYED


@pytest.fixture(scope="module")
def full(source: tuple[Path, int]) -> dict[str, str]:
    src, last = source
    tables = build(src, [], last)
    assert {"orders", "oco_pairs", "recommendations", "signals", "stop_moves"} <= set(tables)
    return tables


def test_story_values(source: tuple[Path, int]) -> None:
    """The story reaches the states it is meant to (so the equivalence tests compare them)."""
    src, _ = source
    con = duckdb.connect(str(src), read_only=True)
    try:
        q = con.execute
        assert q("SELECT oco_group_id, status, cancel_latency_ms FROM oco_pairs ORDER BY 1")\
            .fetchall() == [("G1", "FILLED_A", 150.0), ("G2", "BOTH_FILLED", None)]  # fmt: skip
        assert q("SELECT order_ticket, status, current_sl FROM orders WHERE order_ticket IN "
                 "(101, 102, 105) ORDER BY 1").fetchall() == [
            (101, "filled", D("1.0960")), (102, "cancelled", None), (105, "filled", None)]  # fmt: skip
        assert q("SELECT count(*) FROM orders WHERE order_ticket IS NULL").fetchall() == [(1,)]
        recs = q("SELECT recommendation_id, position_id, executed, won, cost_usd "
                 "FROM recommendations ORDER BY 1").fetchall()  # fmt: skip
        assert recs == [
            ("R1", 11, True, True, D("0.03")),  # the producing call and the retry before it
            ("R2", 12, True, True, None),
            ("R3", 17, False, None, D("0.25")),  # its conversation's llm calls
            ("R5", 12, False, True, None),  # by its order's position
            ("R6", 18, True, None, None),  # by the executed order's fill
            ("R7", 13, True, None, None),
        ]
        sig = q("SELECT signal_id, followed_trade_id, followed_by_link, notified "
                "FROM signals ORDER BY 1").fetchall()  # fmt: skip
        assert sig == [
            ("S1", f"{A}:11", True, True),  # R1 carries S1 to its trade
            ("S2", f"{A}:12", False, False),
            ("S3", f"{A}:15", True, False),
            ("S4", f"{B}:16", False, False),
            ("S5", None, None, False),  # its trade was linked to S6 later
            ("S6", f"{A}:13", True, False),
        ]
        assert q(
            "SELECT new_sl, move_no FROM stop_moves WHERE position_id = 11 ORDER BY ts"
        ).fetchall() == [(D("1.095"), 1), (D("1.098"), 2), (D("1.1"), 3)]  # the late one 2nd
        assert q("SELECT users FROM experiments").fetchall() == [(2,)]
    finally:
        con.close()


def test_every_split_and_one_event_per_catch_up_equal_full_build(
    source: tuple[Path, int], full: dict[str, str]
) -> None:
    """A chain of catch-ups of one event each, equal to a full build of the same events at every
    seq k; and at every k, a copy of the chain that catches up on all the events after k at once
    equals the full build of all of them."""
    src, last = source
    con = _open(":memory:", src)
    try:
        for k in range(1, last):
            _catch_up(con, k - 1, k)
            assert _tables(con) == build(src, [], k), f"one event per catch-up, up to {k}"
            con.execute("ATTACH ':memory:' AS fork")
            con.execute("COPY FROM DATABASE memory TO fork")
            con.execute("USE fork")
            _catch_up(con, k, last)
            assert _tables(con) == full, f"catch-up of {k + 1}..{last} after a chain to {k}"
            con.execute("USE memory")
            con.execute("DETACH fork")
        _catch_up(con, last - 1, last)
        assert _tables(con) == full, "one event per catch-up"
    finally:
        con.close()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_sequence_of_catch_ups_equals_full_build(
    source: tuple[Path, int], full: dict[str, str], data: st.DataObject
) -> None:
    src, last = source
    cuts = data.draw(st.lists(st.integers(1, last - 1), max_size=6), label="cuts")
    assert build(src, cuts, last) == full


def test_catch_ups_through_the_journal_equal_full_rebuild(tmp_path: Path) -> None:
    """The same through the engine: the journal, the spare file, publish."""
    jd = tmp_path / "j"
    events = story()
    for i in range(0, len(events), 7):
        write(jd, events[i : i + 7])
        P.catch_up(jd)
    con = duckdb.connect(str(jd / "projections.duckdb"), read_only=True)
    try:
        incremental = _tables(con)
    finally:
        con.close()
    P.rebuild(jd, full=True)
    con = duckdb.connect(str(jd / "projections.duckdb"), read_only=True)
    try:
        assert _tables(con) == incremental
    finally:
        con.close()
