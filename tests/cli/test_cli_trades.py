"""``tradejournal trades`` and ``trade POSITION_ID`` on the demo day."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cli_testlib import assert_golden, demo_journal, run

from tradejournal.projections import trades as list_trades


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_journal(tmp_path_factory.mktemp("trades") / "demo-journal")


def _one_id(journal: Path, sql: str) -> str:
    result = run(journal, "sql", sql, "--format", "csv")
    assert result.exit_code == 0, result.output
    ids = result.stdout.splitlines()[1:]
    assert len(ids) == 1, result.stdout
    return ids[0]


def _in_order(text: str, *parts: str) -> None:
    positions = [text.find(p) for p in parts]
    assert -1 not in positions, [p for p, i in zip(parts, positions, strict=True) if i < 0]
    assert positions == sorted(positions), parts


def test_trades_csv_matches_the_golden_file(journal: Path) -> None:
    result = run(journal, "trades", "--format", "csv")

    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 9
    assert_golden("demo_trades.csv", result.stdout)


def test_the_table_lists_the_eight_positions_in_opening_order(journal: Path) -> None:
    result = run(journal, "trades")

    lines = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert result.stdout.startswith("8 trades\n")
    assert [line.split("│")[2].strip() for line in lines] == [
        "EURUSD", "GBPUSD", "XAUUSD", "XAUUSD", "EURUSD", "GBPUSD", "EURUSD", "XAUUSD",
    ]  # fmt: skip
    assert "│ 1903291000 │ EURUSD │ buy  │ closed │ 2026-03-02 08:05 │ 11:38  │" in result.stdout
    assert [line.split("│")[11].strip() for line in lines] == [
        "125.50", "-51.40", "119.30", "140.50", "-2.10", "-15.50", "16.30", "59.64",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "count"),
    [(["--closed"], 8), (["--open"], 0), (["--symbol", "XAUUSD"], 3),
     (["--since", "2026-03-02T16:00:00Z"], 3), (["--account", "nobody"], 0),
     (["--until", "2026-03-02T13:10:00Z"], 4), (["--until", "2026-03-02"], 0)],
)  # fmt: skip
def test_filters(journal: Path, args: list[str], count: int) -> None:
    result = run(journal, "trades", *args, "--format", "json")

    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == count


def test_no_trades_still_prints_the_header(journal: Path) -> None:
    csv = run(journal, "trades", "--open", "--format", "csv").stdout
    table = run(journal, "trades", "--open").stdout

    assert (
        csv.startswith("account,position_id,leg,trade_id,symbol,side,status,")
        and csv.count("\n") == 1
    )
    assert table.startswith("0 trades\n") and "position" in table


def test_the_partial_close_story_in_time_order(journal: Path) -> None:
    position = _one_id(journal, "SELECT position_id FROM trades WHERE closing_deals > 1")

    result = run(journal, "trade", position)

    out = result.stdout
    assert result.exit_code == 0, result.output
    assert out.startswith(
        f"position {position} (demo-51234567): XAUUSD buy 0.2, closed, net 140.50"
    )
    _in_order(
        out,
        "signal.detected",
        "recommendation.issued",
        "recommendation.approved",
        "order.placed",
        "buy in 0.2 @ 2640.17",
        "sell out 0.1 @ 2646.18",  # the partial close
        "stop 2634.17 -> 2640.17 (partial)",  # the stop to breakeven after it
        "stop 2640.17 -> 2643.35 (trailing)",
        "sell out 0.1 @ 2648.35",  # the exit
        "trade.result",
    )
    assert "net 140.5, R 1.17 [expert]" in out
    assert "│ 140.50 │ 1.17 │" in out


def test_the_story_as_json_is_ordered_by_time(journal: Path) -> None:
    position = _one_id(journal, "SELECT position_id FROM trades WHERE closing_deals > 1")

    story = json.loads(run(journal, "trade", position, "--format", "json").stdout)

    times = [dt.datetime.fromisoformat(row["ts"]) for row in story]
    assert times == sorted(times)
    assert [row["type"] for row in story].count("deal.filled") == 3
    assert story[-1]["type"] == "trade.result" and story[-1]["seq"] is None


def test_the_oco_story_shows_the_siblings_cancel(journal: Path) -> None:
    position = _one_id(
        journal,
        "SELECT t.position_id FROM trades t JOIN oco_pairs o ON o.filled_ticket = t.opening_order "
        "WHERE t.net_pnl < 0",
    )

    out = run(journal, "trade", position).stdout

    _in_order(out, "oco.created", "deal.filled", "oco.triggered", "cancelled (oco)", "trade.result")
    assert "net -15.5, R -0.62 [client]" in out


def test_an_unknown_position_is_an_error(journal: Path) -> None:
    result = run(journal, "trade", "42")

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Error: no trade with position id 42\n"


def test_a_position_id_is_a_number(journal: Path) -> None:
    result = run(journal, "trade", "EURUSD")

    assert result.exit_code == 2
    assert "'EURUSD' is not a valid integer" in result.stderr


def test_until_is_exclusive_and_a_window_keeps_the_trades_live_in_it(journal: Path) -> None:
    # opened 08:05, 08:40, then 09:20:00.25 exactly: --until is exclusive, like stats'
    ids = [t["position_id"] for t in _trades(journal, "--until", "2026-03-02T09:20:00.250Z")]
    assert ids == [1903291000, 1903312000]
    # last activity at or after 14:20 (not 1903480023, closed 14:16) and first before 16:40
    # (not 1903642020, opened 18:10): the trades whose open-to-close span meets the window
    window = _trades(journal, "--since", "2026-03-02T14:20:00Z", "--until", "2026-03-02T16:40Z")
    assert [t["position_id"] for t in window] == [1903396000, 1903474000, 1903597000]
    assert list_trades(journal, until=dt.datetime(2026, 3, 2, 9, 20, tzinfo=dt.UTC)) == list_trades(
        journal, until="2026-03-02T09:20:00Z"
    )
    assert len(list_trades(journal, until=dt.datetime(2026, 3, 2, 9, 20, tzinfo=dt.UTC))) == 2


def test_a_backwards_window_is_a_usage_error(journal: Path) -> None:
    result = run(journal, "trades", "--since", "2026-03-02T12:00Z", "--until", "2026-03-02T11:00Z")
    assert result.exit_code == 2
    assert "the window is empty" in result.output and "Traceback" not in result.output


def test_help_explains_until(journal: Path) -> None:
    out = run(journal, "trades", "--help").stdout
    assert "--until TS" in out and "before TS" in out


def _trades(journal: Path, *args: str) -> list[dict[str, object]]:
    result = run(journal, "trades", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows
