"""The demo day through the projections: every trade's whole story, the AI figures, two days.

The default day (seed 42) has eight positions: four from scanner signals reviewed by the model
(P1 P3 P5 P7), two from ``/analyze`` asked during a chat (P2 by alex, P4 by maria, whose first
call hits a rate limit) and two OCO news brackets (P6 P8). alex and sam have the ``concise``
prompt, maria ``detailed``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from proj_helpers import write

from tradejournal import projections as P
from tradejournal.events import LlmCalled, RecommendationIssued, UserAction
from tradejournal.producers.demo import DEFAULT_DATE, generate_day


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    jd = tmp_path_factory.mktemp("demo") / "journal"
    write(jd, generate_day(DEFAULT_DATE))
    return jd


def _rows(jd: Path, sql: str) -> list[dict[str, Any]]:
    cols, rows = P.query(jd, sql)
    return [dict(zip(cols, r, strict=True)) for r in rows]


def _position(jd: Path, where: str) -> int:
    (row,) = _rows(jd, f"SELECT position_id FROM trades WHERE {where}")
    return int(row["position_id"])


def _types(story: list[dict[str, Any]]) -> list[str]:
    return [s["type"] for s in story]


def _subsequence(types: list[str], *wanted: str) -> bool:
    it = iter(types)
    return all(any(t == w for t in it) for w in wanted)


def test_the_analysis_story_runs_from_the_chat_to_the_exit(demo: Path) -> None:
    pid = _position(demo, "symbol = 'EURUSD' AND side = 'sell'")  # P4, maria
    story = P.trade_story(demo, pid)
    types = _types(story)
    assert _subsequence(
        types,
        "conversation.started", "conversation.message", "user.action", "llm.called",
        "alert.raised", "llm.called", "recommendation.issued", "user.action",
        "recommendation.approved", "order.placed", "deal.filled", "recommendation.executed",
        "position.stop_moved", "deal.filled", "trade.result",
    ), types  # fmt: skip
    summaries = [s["summary"] for s in story]
    assert "maria command: /analyze EURUSD" in summaries
    assert any(s.startswith("maria button: approve:rec-") for s in summaries)
    calls = [s for s in summaries if s.startswith("LLM analysis call to gpt-4o")]
    assert len(calls) == 2 and "error (429 Too Many Requests" in calls[0]
    assert " tokens, " in calls[1] and " USD, " in calls[1]
    assert types.count("user.action") == 2  # not the chat's own messages (they are shown once)
    assert [s["ts"] for s in story] == sorted(s["ts"] for s in story)


def test_the_signal_story_starts_at_the_signal(demo: Path) -> None:
    pid = _position(demo, "symbol = 'EURUSD' AND side = 'buy' AND trail_count > 1")  # P1
    types = _types(P.trade_story(demo, pid))
    assert _subsequence(
        types,
        "signal.detected", "signal.notified", "llm.called", "recommendation.issued",
        "user.action", "recommendation.approved", "order.placed", "deal.filled",
        "position.stop_moved", "position.stop_moved", "deal.filled", "trade.result",
    ), types  # fmt: skip
    assert "conversation.started" not in types  # no chat behind a scanner signal


def test_the_oco_story_starts_at_the_command_and_shows_the_sibling(demo: Path) -> None:
    pid = _position(demo, "symbol = 'XAUUSD' AND strategy = 'news_breakout_oco'")  # P8
    story = P.trade_story(demo, pid)
    types = _types(story)
    assert _subsequence(
        types,
        "user.action", "order.placed", "order.placed", "oco.created", "deal.filled",
        "oco.failed", "alert.raised", "order.cancelled", "deal.filled", "trade.result",
    ), types  # fmt: skip
    assert story[0]["summary"] == "alex command: /oco XAUUSD 0.05"
    assert any("oco_cancel_failed" in s["summary"] for s in story)


def test_chat_recommendations_carry_conversation_and_variant(demo: Path) -> None:
    recs = {
        r["recommendation_id"]: r
        for r in _rows(
            demo,
            "SELECT r.*, c.user_id AS conv_user FROM recommendations r "
            "LEFT JOIN conversations c USING (conversation_id) ORDER BY r.ts",
        )
    }
    in_chat = [r for r in recs.values() if r["conversation_id"] is not None]
    # P2 (alex, 08:48 chat), P4 (maria, 12:40 chat), the expired GBPUSD (sam, 15:20 chat)
    assert [(r["symbol"], r["status"], r["prompt_variant"], r["conv_user"]) for r in in_chat] == [
        ("XAUUSD", "executed", "concise", 1001),
        ("EURUSD", "executed", "detailed", 1002),
        ("GBPUSD", "expired", "concise", 1003),
    ]
    convs = _rows(demo, "SELECT recommendations FROM conversations ORDER BY started_ts")
    assert [c["recommendations"] for c in convs] == [1, 1, 1, 0, 0]
    variants = {
        (r["conversation_id"] is None, r["prompt_variant"]) for r in recs.values()
    }  # scanner reviews: no chat, no variant; alex's 16:40 /analyze: no chat, his variant
    assert variants == {(False, "concise"), (False, "detailed"), (True, None), (True, "concise")}
    trades = _rows(demo, "SELECT prompt_variant, count(*) AS n FROM trades GROUP BY ALL")
    assert {t["prompt_variant"]: t["n"] for t in trades} == {"concise": 1, "detailed": 1, None: 6}
    by_variant = P.stats(demo, by="prompt_variant")
    assert {k: v["trades"] for k, v in by_variant.items()} == {"concise": 1, "detailed": 1, None: 6}


@pytest.mark.parametrize("dim", P.STAT_DIMENSIONS)
def test_every_breakdown_covers_every_trade(demo: Path, dim: str) -> None:
    groups = P.stats(demo, by=dim)
    assert sum(g["trades"] for g in groups.values()) == 8  # trades without a value: group None
    if dim in ("model", "prompt_variant"):  # the OCO brackets had no recommendation
        assert groups[None]["trades"] >= 2 and groups[None]["drawdown_source"] == "realised"


def test_recommendation_cost_is_the_llm_cost_behind_it(demo: Path) -> None:
    events = generate_day(DEFAULT_DATE)
    by_id = {e.id: e for e in events}
    expected = {}
    for e in events:
        if isinstance(e, RecommendationIssued):
            call = by_id[e.causation_id]  # type: ignore[index]
            assert isinstance(call, LlmCalled)
            same_request = [
                c for c in events
                if isinstance(c, LlmCalled) and c.causation_id == call.causation_id
                and c.ts <= call.ts
            ]  # fmt: skip
            expected[e.recommendation_id] = sum(c.cost_usd or 0 for c in same_request)
    got = {
        r["recommendation_id"]: r["cost_usd"] for r in _rows(demo, "SELECT * FROM recommendations")
    }
    assert got == expected and all(v > 0 for v in got.values())
    (stats,) = _rows(demo, "SELECT * FROM recommendation_stats WHERE grouping = 'all'")
    assert stats["cost_usd"] == sum(expected.values())
    assert stats["cost_per_trade"] == round(stats["cost_usd"] / stats["executed"], 10)


def test_a_retried_call_counts_in_the_recommendation_cost(journal_dir: Path) -> None:
    t = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    cmd = UserAction(id="u1", ts=t, producer="telegram", user_id=1, chat_id=1, kind="command",
                     data="/analyze EURUSD")  # fmt: skip
    call = {"producer": "llm", "model": "m", "purpose": "analysis", "causation_id": "u1"}
    failed = LlmCalled(id="c1", ts=t, latency_ms=1.0, status="error", error="timeout",
                       cost_usd=D("0.001"), **call)  # fmt: skip
    ok = LlmCalled(id="c2", ts=t, latency_ms=1.0, status="ok", cost_usd=D("0.004"), **call)
    later = LlmCalled(id="c3", ts=t, latency_ms=1.0, status="ok", cost_usd=D("0.5"), **call)
    rec = RecommendationIssued(id="r", ts=t, producer="llm", causation_id="c2",
                               recommendation_id="R", symbol="EURUSD", direction="HOLD",
                               confidence=50, model="m")  # fmt: skip
    write(journal_dir, [cmd, failed, ok, rec, later])
    (row,) = _rows(journal_dir, "SELECT cost_usd FROM recommendations")
    assert row["cost_usd"] == D("0.005")  # the failed try and the call that produced it


def test_two_demo_days_in_one_journal_keep_their_trades_apart(tmp_path: Path) -> None:
    jd = tmp_path / "j"
    write(jd, generate_day(DEFAULT_DATE) + generate_day(DEFAULT_DATE + dt.timedelta(days=1)))
    trades = _rows(jd, "SELECT position_id, open_ts, close_ts FROM trades")
    assert len(trades) == 16 and len({t["position_id"] for t in trades}) == 16
    assert all(t["open_ts"].date() == t["close_ts"].date() for t in trades)
    first = {t["position_id"] for t in P.trades(jd) if t["open_ts"].date() == DEFAULT_DATE}
    assert 1903291000 in first  # the default day keeps its tickets


KEYED_TABLES = (
    "orders",
    "stop_moves",
    "oco_pairs",
    "recommendations",
    "signals",
    "experiment_assignments",
    "experiments",
)


def test_full_rebuilds_store_the_keyed_tables_in_one_order(demo: Path) -> None:
    # A view's floating-point average depends on the order it reads its table's rows in, and the
    # snapshot export promises byte-identical files for the same events: a full build stores
    # these tables sorted, whatever order DuckDB's threads produced the rows in.
    def physical_order() -> dict[str, list[tuple[Any, ...]]]:
        return {t: P.query(demo, f"SELECT * FROM {t}")[1] for t in KEYED_TABLES}  # noqa: S608

    P.rebuild(demo, full=True)
    first = physical_order()
    assert first["signals"] and first["orders"] and first["recommendations"]
    for _ in range(4):
        P.rebuild(demo, full=True)
        assert physical_order() == first
