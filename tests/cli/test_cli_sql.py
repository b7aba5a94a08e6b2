"""``tradejournal sql``: one read-only query over the projections, in every output format."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from cli_testlib import demo_journal, run

QUERY = (
    "SELECT position_id, symbol, open_ts, net_pnl, r_multiple, tags FROM trades "
    "ORDER BY position_id LIMIT 2"
)
EXPECTED = {
    "table": """\
┏━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┓
┃ position_id ┃ symbol ┃ open_ts                     ┃ net_pnl ┃ r_multiple ┃ tags                 ┃
┡━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━┩
│  1903291000 │ EURUSD │ 2026-03-02T08:05:00.250000Z │   125.5 │      1.255 │ ["signal","trailed"] │
│  1903312000 │ GBPUSD │ 2026-03-02T08:40:00.250000Z │   -51.4 │     -1.028 │ ["signal"]           │
└─────────────┴────────┴─────────────────────────────┴─────────┴────────────┴──────────────────────┘
""",
    "csv": """\
position_id,symbol,open_ts,net_pnl,r_multiple,tags
1903291000,EURUSD,2026-03-02T08:05:00.250000Z,125.5,1.255,"[""signal"",""trailed""]"
1903312000,GBPUSD,2026-03-02T08:40:00.250000Z,-51.4,-1.028,"[""signal""]"
""",
    "jsonl": """\
{"position_id":1903291000,"symbol":"EURUSD","open_ts":"2026-03-02T08:05:00.250000Z","net_pnl":125.5,"r_multiple":1.255,"tags":["signal","trailed"]}
{"position_id":1903312000,"symbol":"GBPUSD","open_ts":"2026-03-02T08:40:00.250000Z","net_pnl":-51.4,"r_multiple":-1.028,"tags":["signal"]}
""",
    "markdown": """\
| position_id | symbol | open_ts | net_pnl | r_multiple | tags |
| --- | --- | --- | --- | --- | --- |
| 1903291000 | EURUSD | 2026-03-02T08:05:00.250000Z | 125.5 | 1.255 | ["signal","trailed"] |
| 1903312000 | GBPUSD | 2026-03-02T08:40:00.250000Z | -51.4 | -1.028 | ["signal"] |
""",
}


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_journal(tmp_path_factory.mktemp("sql") / "demo-journal")


@pytest.mark.parametrize("fmt", sorted(EXPECTED))
def test_every_text_format(journal: Path, fmt: str) -> None:
    result = run(journal, "sql", QUERY, "--format", fmt)

    assert result.exit_code == 0, result.output
    assert result.stdout == EXPECTED[fmt]


def test_json_keeps_decimals_exact_as_numbers_and_timestamps_as_rfc3339(journal: Path) -> None:
    result = run(journal, "sql", QUERY, "--format", "json")

    rows = json.loads(result.stdout, parse_float=Decimal)
    assert rows[0] == {
        "position_id": 1903291000,
        "symbol": "EURUSD",
        "open_ts": "2026-03-02T08:05:00.250000Z",
        "net_pnl": Decimal("125.5"),
        "r_multiple": Decimal("1.255"),
        "tags": ["signal", "trailed"],
    }
    assert '"net_pnl": 125.5,' in result.stdout  # a number, not "125.5"


def test_decimals_are_exact_not_floats(journal: Path) -> None:
    result = run(journal, "sql", "SELECT 0.1 + 0.2 AS d, CAST(1.10 AS DECIMAL(10, 2)) AS p, "
                 "CAST(100 AS DECIMAL(38, 10)) AS h, NULL AS n", "--format", "csv")  # fmt: skip

    assert result.stdout == "d,p,h,n\n0.3,1.1,100,\n"


def test_the_query_can_come_from_stdin(journal: Path) -> None:
    result = run(journal, "sql", "--format", "csv", input="SELECT count(*) AS trades FROM trades\n")

    assert result.stdout == "trades\n8\n"


@pytest.mark.parametrize(
    "statement",
    ["DELETE FROM trades", "DROP TABLE trades", "INSERT INTO trades SELECT * FROM trades",
     "CREATE TABLE x AS SELECT 1", "COPY trades TO 'out.csv'", "ATTACH 'x.db' AS x",
     "SET threads = 1", "EXPLAIN ANALYZE DELETE FROM trades"],
)  # fmt: skip
def test_a_statement_that_would_modify_anything_is_refused(journal: Path, statement: str) -> None:
    result = run(journal, "sql", statement)

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: query is read-only: ")
    assert "statements are refused (only SELECT and EXPLAIN)" in result.stderr
    assert run(journal, "sql", "SELECT count(*) FROM trades", "--format", "csv").stdout.endswith(
        "\n8\n"
    )


def test_delete_is_refused_with_a_clear_message(journal: Path) -> None:
    result = run(journal, "sql", "DELETE FROM trades")

    assert (result.exit_code, result.stderr) == (
        1,
        "Error: query is read-only: DELETE statements are refused (only SELECT and EXPLAIN)\n",
    )


def test_a_sql_error_shows_duckdbs_message(journal: Path) -> None:
    result = run(journal, "sql", "SELEC 1")

    assert result.exit_code == 1
    assert result.stderr.startswith('Error: Parser Error: syntax error at or near "SELEC"')


def test_an_unknown_table_shows_duckdbs_message(journal: Path) -> None:
    result = run(journal, "sql", "SELECT * FROM nope")

    assert result.exit_code == 1
    assert "Catalog Error: Table with name nope does not exist" in result.stderr


def test_no_query_is_a_usage_error(journal: Path) -> None:
    result = run(journal, "sql", input="  \n")

    assert result.exit_code == 2
    assert "no SQL given: pass QUERY or pipe it to stdin" in result.stderr


def test_a_read_sees_events_appended_since_the_last_read(journal: Path, tmp_path: Path) -> None:
    own = demo_journal(tmp_path / "j")
    assert run(own, "sql", "SELECT count(*) FROM events", "--format", "csv").stdout.endswith(
        "\n528\n"
    )
    event = '{"type": "bot.stopped", "ts": "2026-03-02T23:59:00Z", "reason": "test"}\n'
    assert run(own, "append", input=event).exit_code == 0

    result = run(
        own, "sql", "SELECT count(*) AS n, max(seq) AS last FROM events", "--format", "csv"
    )

    assert result.stdout == "n,last\n529,529\n"
