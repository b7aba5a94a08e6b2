"""query() is read-only and surfaces DuckDB's errors; docs, packaging and SQL headers are sound."""

from __future__ import annotations

import datetime as dt
import re
from importlib.resources import files
from pathlib import Path

import pytest

from tradejournal import projections as P
from tradejournal.events import EVENT_TYPES
from tradejournal.projections.runner import sql_files

REFUSED = [
    "INSERT INTO trades (symbol) VALUES ('X')",
    "UPDATE trades SET net_pnl = 0",
    "DELETE FROM trades",
    "CREATE TABLE x (a INT)",
    "CREATE TEMP TABLE x AS SELECT 1",
    "CREATE MACRO m(a) AS a",
    "DROP TABLE trades",
    "ALTER TABLE trades ADD COLUMN x INT",
    "ATTACH 'other.duckdb' AS other",
    "DETACH journal",
    "COPY (SELECT 1) TO 'out.csv'",
    "COPY trades FROM 'in.csv'",
    "EXPORT DATABASE 'dump'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET threads = 1",
    "PRAGMA threads = 1",
    "CALL pragma_version()",
    "CHECKPOINT",
    "VACUUM",
    "BEGIN TRANSACTION",
    "USE memory",
    "EXPLAIN ANALYZE COPY (SELECT 1) TO 'out.csv'",
    "EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1",
    "explain (analyze, format json) insert into trades (symbol) values ('X')",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_query_refuses_statements_that_modify(scenario_dir: Path, sql: str) -> None:
    with pytest.raises(P.ProjectionError, match="read-only|refused"):
        P.query(scenario_dir, sql)


@pytest.mark.parametrize(
    ("sql", "error"),
    [
        ("SELECT * FROM read_csv('/etc/passwd')", "disabled"),
        ("SELECT * FROM read_text('/etc/passwd')", "disabled"),
        ("SELECT * FROM glob('/etc/*')", "disabled"),
        ("SELECT * FROM read_json('segments/*.jsonl')", "disabled"),
        ("SELECT * FROM read_parquet('https://example.com/x.parquet')", "disabled"),
        ("EXPLAIN ANALYZE SELECT * FROM read_csv('/etc/passwd')", "disabled"),
        ("SELECT * FROM '/etc/passwd'", "Table with name /etc/passwd does not exist"),
    ],
)
def test_query_cannot_reach_files_or_network(scenario_dir: Path, sql: str, error: str) -> None:
    with pytest.raises(P.ProjectionError, match=error) as info:
        P.query(scenario_dir, sql)
    assert "root:" not in str(info.value)
    if error == "disabled":
        assert str(info.value).startswith("query reads only the projections: file, network")


def test_query_still_catches_up_after_refusing_a_file(tmp_path: Path) -> None:
    from proj_helpers import write
    from proj_scenario import two_accounts

    events = two_accounts()
    jd = tmp_path / "j"
    write(jd, events[:10])
    with pytest.raises(P.ProjectionError, match="disabled"):
        P.query(jd, f"SELECT * FROM read_json('{jd}/segments/*.jsonl')")
    write(jd, events[10:])  # the builder still reads the segments with read_json
    assert P.query(jd, "SELECT count(*) FROM events")[1] == [(len(events),)]
    con = P.connect_readonly(jd)  # other readers keep DuckDB's defaults
    try:
        assert con.execute("SELECT current_setting('enable_external_access')").fetchall() == [
            (True,)
        ]
    finally:
        con.close()


def test_query_refuses_several_statements(scenario_dir: Path) -> None:
    with pytest.raises(P.ProjectionError, match="exactly one statement"):
        P.query(scenario_dir, "SELECT 1; DROP TABLE trades")


def test_query_surfaces_duckdb_errors(scenario_dir: Path) -> None:
    with pytest.raises(P.ProjectionError, match="syntax error"):
        P.query(scenario_dir, "SELEC 1")
    with pytest.raises(P.ProjectionError, match="Table with name no_such_table does not exist"):
        P.query(scenario_dir, "SELECT * FROM no_such_table")
    with pytest.raises(P.ProjectionError, match="unknown dimension colour"):
        P.query(scenario_dir, "SELECT * FROM trade_stats(dim := 'colour')")


def test_query_reads(scenario_dir: Path) -> None:
    cols, rows = P.query(
        scenario_dir, "SELECT symbol, count(*) AS n FROM trades GROUP BY ALL ORDER BY 1"
    )
    assert cols == ["symbol", "n"] and rows == [("EURUSD", 4), ("GBPUSD", 1), ("USDJPY", 1)]
    cols, rows = P.query(scenario_dir, "SELECT min(ts) AS first FROM events")
    assert rows == [(dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC),)]  # aware UTC, no pytz
    cols, rows = P.query(scenario_dir, "EXPLAIN SELECT * FROM trades")
    assert rows
    cols, rows = P.query(scenario_dir, "DESCRIBE trades")
    assert ("r_multiple", "DOUBLE") in [(r[0], r[1]) for r in rows]


def test_connect_readonly_refuses_writes(scenario_dir: Path) -> None:
    con = P.connect_readonly(scenario_dir)
    try:
        with pytest.raises(Exception, match="read-only"):
            con.execute("DELETE FROM trades")
    finally:
        con.close()


def test_table_docs() -> None:
    docs = P.table_docs()
    for name in (
        "events", "deals", "orders", "stop_moves", "oco_pairs", "trades", "conversations",
        "messages", "recommendations", "signals", "user_actions", "llm_calls", "equity",
        "daily_equity", "alerts", "metrics", "experiments", "stats_overall", "stats_by_symbol",
        "mt5_summary", "mt5_summary_for", "trade_story", "trade_stats",
    ):  # fmt: skip
        assert docs[name], name
    columns = (*P.MT5_SUMMARY_COLUMNS, *P.MT5_EQUITY_COLUMNS)
    assert docs["mt5_summary"] == [(c, docs["mt5_summary"][i][1]) for i, c in enumerate(columns)]
    assert ("seq", "BIGINT") in docs["events"] and ("price", "DECIMAL(38,10)") in docs["events"]
    assert ("tags", "VARCHAR[]") in docs["events"] and ("ts", "TIMESTAMP WITH TIME ZONE") in docs[
        "events"
    ]
    rich = P.describe_tables()
    assert rich["trades"].kind == "table" and rich["trades"].source == "100_trades.sql"
    assert (
        rich["trades"].description
        and dict((c, d) for c, _, d in rich["trades"].columns)["r_multiple"]
    )
    assert rich["trade_stats"].kind == "macro" and "dim" in rich["trade_stats"].parameters
    assert all(doc.description for doc in rich.values()), [
        n for n, d in rich.items() if not d.description
    ]


def test_every_sql_file_is_packaged_and_declared() -> None:
    root = files("tradejournal.projections") / "sql"
    on_disk = sorted(
        p.name for p in (Path(__file__).parents[2] / "projections" / "sql").glob("*.sql")
    )
    packaged = sorted(e.name for e in root.iterdir() if e.name.endswith(".sql"))
    assert on_disk == packaged and "000_events.sql" in packaged
    for f in sql_files():
        assert re.match(r"^\d{3}_[a-z0-9_]+$", f.name)
        assert not re.search(r"\bCREATE (VIEW|MACRO)\b", f.sql), f.name
        plain = re.findall(r"\bCREATE TABLE (IF NOT EXISTS )?", f.sql)
        if f.append:  # idempotent: create if missing, insert only rows after the table's max seq
            assert plain and all(plain) and f.sql.count("coalesce(max(seq), 0)") == len(plain), (
                f.name
            )
        else:
            assert not plain and "CREATE OR REPLACE" in f.sql, f.name
        if "CREATE OR REPLACE TABLE" not in f.sql and not f.append:
            continue  # views and macros read at query time
        used = set(re.findall(r"'([a-z_]+\.[a-z_]+)'", f.sql)) & set(EVENT_TYPES)
        if f.event_types is not None:
            assert used <= f.event_types, f"{f.name}: reads {used - f.event_types} undeclared"


def test_public_api_and_module_sizes() -> None:
    assert set(P.__all__) >= {
        "catch_up", "rebuild", "connect_readonly", "query", "stats", "mt5_summary", "trades",
        "trade_story", "table_docs", "CatchUpResult", "ProjectionError",
    }  # fmt: skip
    for module in (Path(__file__).parents[2] / "projections").glob("*.py"):
        text = module.read_text()
        assert len(text.splitlines()) < 400, module.name
        assert text.startswith('"""'), f"{module.name}: docstring first"
