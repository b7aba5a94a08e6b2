"""The post-run audit over the session scenario (report_scenario.py), window [T0, T0 + 6 h):
every figure hand-counted from the scenario's event list."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_scenario import XSS_MESSAGE, at

from tradejournal.cli.main import cli
from tradejournal.projections import ProjectionError
from tradejournal.projections.audit import audit, audit_text

UTC = dt.UTC


def h(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 3, 4, hour, minute, tzinfo=UTC)


def test_alerts_by_kind_and_hour(session_dir: Path) -> None:
    a = audit(session_dir, at(0), at(6))
    assert a.events == 39  # the info heartbeat at -1 h and bot.stopped at 6.5 h are outside
    assert [(r["kind"], r["alerts"], r["critical"], r["warning"], r["info"]) for r in a.alerts_by_kind] == [
        ("api_errors", 1, 0, 1, 0),
        ("emergency_close", 1, 1, 0, 0),
        ("terminal_disconnected", 1, 1, 0, 0),
        ("unprotected_position", 1, 0, 1, 0),
    ]  # fmt: skip
    assert [(r["hour"], r["alerts"], r["critical"], r["kinds"]) for r in a.alerts_by_hour] == [
        (h(10), 1, 0, ["unprotected_position"]),
        (h(11), 2, 1, ["api_errors", "emergency_close"]),
        (h(14), 1, 1, ["terminal_disconnected"]),
    ]


def test_unprotected_and_aged_positions_at_the_end(session_dir: Path) -> None:
    a = audit(session_dir, at(0), at(6))
    assert [(r["trade_id"], r["symbol"], r["volume"], r["hours_open"]) for r in a.unprotected] == [
        ("A1:4", "USDJPY", Decimal("0.1"), 5.0)
    ]  # fmt: skip
    assert [r["trade_id"] for r in a.aged] == ["A1:4"]  # A1:5 is 1 h old
    assert audit(session_dir, at(0), at(6), aged_after=dt.timedelta(hours=5, seconds=1)).aged == []
    # at 3.5 h the '<b>X</b>' position (no stop, closed at 4 h) was open too; A1:5 not yet
    mid = audit(session_dir, at(0), at(3.5))
    assert [r["trade_id"] for r in mid.unprotected] == ["A1:4", "A1:3"]
    assert [r["trade_id"] for r in mid.aged] == []


def test_emergency_closes_and_api_errors(session_dir: Path) -> None:
    a = audit(session_dir, at(0), at(6))
    assert [(r["ts"], r["source"], r["what"], r["detail"]) for r in a.emergency_closes] == [
        (h(11, 30), "deal", "close reason so", "deal 4, net -200.00"),
        (h(11, 36), "alert", "emergency_close", XSS_MESSAGE),
    ]
    assert [(r["ts"], r["source"], r["what"], r["detail"]) for r in a.api_errors] == [
        (h(11, 42), "alert", "api_errors", "OpenAI returned 429"),
        (h(11, 42), "llm", "llm.called error", "m1: 429 rate limit"),
        (h(12, 30), "mt5", "order.rejected", "order 99 EURUSD retcode 10019: No money"),
    ]


def test_latency_quantiles(session_dir: Path) -> None:
    rows = {r["name"]: r for r in audit(session_dir, at(0), at(6)).latency}
    send = rows["mt5.order_send"]  # 10, 20, 30, 40, 50 ms: linear interpolation
    assert (send["n"], send["p50_ms"], send["max_ms"]) == (5, 30.0, 50.0)
    assert send["p95_ms"] == pytest.approx(48.0) and send["p99_ms"] == pytest.approx(49.6)
    assert (rows["openai"]["n"], rows["openai"]["p99_ms"]) == (1, 100.0)
    early = {r["name"]: r for r in audit(session_dir, at(0), at(2.5)).latency}
    assert (early["mt5.order_send"]["n"], early["mt5.order_send"]["p50_ms"]) == (2, 15.0)


def test_activity_per_hour(session_dir: Path) -> None:
    rows = audit(session_dir, at(0), at(6)).activity
    assert [(r["hour"], r["events"]) for r in rows] == [
        (h(9), 8), (h(10), 11), (h(11), 10), (h(12), 4), (h(13), 2), (h(14), 4)
    ]  # fmt: skip
    assert rows[0]["by_family"] == {"recommendation": 3, "account": 1, "bot": 1, "deal": 1,
                                    "order": 1, "signal": 1}  # fmt: skip
    assert rows[3]["by_family"] == {"account": 1, "deal": 1, "metric": 1, "order": 1}


def test_timeline_of_critical_events(session_dir: Path) -> None:
    rows = audit(session_dir, at(0), at(7)).timeline
    assert [(r["ts"], r["what"], r["detail"]) for r in rows] == [
        (h(9), "bot.started", "telegram v2.0"),
        (h(11, 30), "deal so", "GBPUSD position 2 closed, net -200.00"),
        (h(11, 36), "alert critical", f"emergency_close GBPUSD: {XSS_MESSAGE}"),
        (h(14, 30), "alert critical", "terminal_disconnected: no heartbeat for 30 s"),
        (h(15, 30), "bot.stopped", "telegram (restart)"),
    ]


def test_quiet_window_and_bad_windows(session_dir: Path) -> None:
    quiet = audit(session_dir, at(10), at(12))
    assert quiet.events == 0 and quiet.timeline == [] and quiet.latency == []
    assert "Alerts by kind:\n  none" in audit_text(quiet)
    with pytest.raises(ProjectionError, match="empty"):
        audit(session_dir, at(2), at(1))
    with pytest.raises(ProjectionError, match="naive"):
        audit(session_dir, at(0).replace(tzinfo=None), at(1))


def test_text_rendering(session_dir: Path) -> None:
    text = audit_text(audit(session_dir, at(0), at(6)))
    assert text.startswith(
        "Session audit 2024-03-04 09:00:00Z -> 2024-03-04 15:00:00Z (39 events)\n"
    )
    assert "  mt5.order_send: n 5, p50 30.0, p95 48.0, p99 49.6, max 50.0\n" in text
    assert (
        "  A1:4 USDJPY buy 0.1 lots, open since 2024-03-04 10:00:00Z (5.0 h), stop none\n" in text
    )
    assert "  10:00  11 events: 4 deal, 2 recommendation, 1 account, 1 alert, 1 metric, 1 order, 1 trade\n" in text  # fmt: skip


def _cli(journal: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--journal", str(journal), "audit", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_json_and_text(session_dir: Path) -> None:
    code, out, _ = _cli(session_dir, "--since", "6h", "--until", "2024-03-04T15:00:00Z", "--format", "json")  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    assert (doc["start"], doc["end"], doc["events"]) == ("2024-03-04T09:00:00Z", "2024-03-04T15:00:00Z", 39)  # fmt: skip
    assert [r["trade_id"] for r in doc["unprotected"]] == ["A1:4"]
    assert doc["latency"][0]["p99_ms"] == pytest.approx(49.6)
    code, out, _ = _cli(session_dir, "--since", "2024-03-04T09:00:00Z", "--until", "2024-03-04T15:00:00Z")  # fmt: skip
    assert code == 0 and out == audit_text(audit(session_dir, at(0), at(6)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "8x"], "neither a duration"),
        (["--since", "0h"], "not a positive duration"),
        (["--aged-after", "soon"], "not a positive duration"),
        (["--since", "2024-03-05", "--until", "2024-03-04"], "the window is empty"),
    ],
)
def test_cli_bad_input_exits_2(session_dir: Path, args: list[str], message: str) -> None:
    code, _, err = _cli(session_dir, *args)
    assert code == 2 and message in err
