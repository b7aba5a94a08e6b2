"""The bot demo: the real producers write conversations, plans, signals and the trade they led to."""

from __future__ import annotations

from pathlib import Path

from tradejournal.producers.telegram.demo import run_demo
from tradejournal.projections.api import query


def test_bot_demo_story(tmp_path: Path) -> None:
    counts = run_demo(tmp_path / "journal", seed=3)
    assert counts["access.denied"] == 1 and counts["recommendation.invalid"] == 1
    assert counts["conversation.message"] == 4 and counts["bot.stopped"] == 1
    assert counts["signal.detected"] >= 1 and counts["signal.notified"] >= 1
    _, rows = query(
        tmp_path / "journal",
        "SELECT symbol, status, filled, trade_status, won FROM recommendations ORDER BY symbol",
    )
    assert rows == [
        ("EURUSD", "executed", True, "closed", True),
        ("GBPUSD", "dismissed", False, None, None),
        ("XAUUSD", "expired", False, None, None),
    ]
    _, rows = query(
        tmp_path / "journal",
        "SELECT count(*) FILTER (WHERE notifications > 0), count(*) FROM signals",
    )
    assert rows[0][0] == counts["signal.notified"] and rows[0][1] == counts["signal.detected"]
    again = run_demo(tmp_path / "again", seed=3)
    assert again == counts  # same seed, same story
