"""The commands that read the projections: ``rebuild``, ``sql``, ``trades`` and ``trade``.

Each is a thin layer over ``tradejournal.projections``; every read catches up first (the library
does it), so what is printed reflects every committed event. DuckDB is imported inside the
commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from typing import Any

import click

from .main import Settings, cli, parse_timestamp, plural

__all__ = ["rebuild", "sql", "trade", "trades"]

SQL_FORMATS = ("table", "csv", "json", "jsonl", "markdown")
TRADE_COLUMNS = {
    "position_id": "position", "symbol": "symbol", "side": "side", "status": "status",
    "open_ts": "opened (UTC)", "close_ts": "closed", "volume_in": "volume", "entry_vwap": "entry",
    "exit_vwap": "exit", "initial_sl": "initial SL", "net_pnl": "net", "r_multiple": "R",
    "close_reason": "exit by", "strategy": "strategy",
}  # fmt: skip
"""The columns (and headers) of ``trades --format table|markdown``; csv and json carry all."""
STORY_COLUMNS = ("time", "seq", "event", "what", "net", "R")


@cli.command()
@click.option("--full", is_flag=True, help="Reload every event into an empty database.")
@click.pass_obj
def rebuild(settings: Settings, full: bool) -> None:
    """Bring the projections (projections.duckdb) up to date, or rebuild them from scratch.

    Without --full: the catch-up every read does anyway (new events only, stale SQL files
    re-run). With --full: every event is reloaded into a new database that replaces the old
    one when complete, so readers are never disturbed. A progress bar shows on stderr when it
    is a terminal; the closing line gives the events loaded, the time and the rate.

    Example:

    \b
        tradejournal --journal demo-journal rebuild
        tradejournal --journal demo-journal rebuild --full
    """
    from tradejournal.projections import catch_up
    from tradejournal.projections import rebuild as rebuild_projections

    from . import output

    with output.stage_progress(enabled=sys.stderr.isatty()) as progress:
        if full:
            result = rebuild_projections(settings.journal, full=True, progress=progress)
        else:
            result = catch_up(settings.journal, progress=progress)
    loaded, seconds = result.events_loaded, result.seconds
    rate = loaded / seconds if seconds > 0 else 0.0
    what = plural(loaded, "event") if full else plural(loaded, "new event")
    click.echo(
        f"{'rebuilt' if full else 'caught up'} {what} in {seconds:.2f} s "
        f"({rate:,.0f} events/s); projections at seq {result.last_seq}"
    )


@cli.command()
@click.argument("query", required=False)
@click.option("--format", "fmt", type=click.Choice(SQL_FORMATS), default="table",
              show_default=True, help="How to print the rows.")  # fmt: skip
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300.0,
              show_default=True, metavar="SECONDS",
              help="Stop the query after this long (exit 1).")  # fmt: skip
@click.option("--no-catch-up", is_flag=True,
              help="Query the last complete projections without loading new events.")  # fmt: skip
@click.pass_obj
def sql(settings: Settings, query: str | None, fmt: str, timeout: float, no_catch_up: bool) -> None:
    """Run one read-only SQL query (DuckDB) over the projections and print the result.

    QUERY omitted: the query is read from stdin. Only SELECT (including SHOW, DESCRIBE,
    SUMMARIZE) and EXPLAIN run; a statement that could modify anything is refused (exit 1), and
    a SQL error prints DuckDB's message (exit 1). A query running longer than --timeout is
    stopped (exit 1); Ctrl-C stops it at once (exit 130). A journal that cannot be written (a
    read-only mount, a backup) is queried as its last complete projections, with a warning. Tables: trades, deals, orders, stop_moves,
    oco_pairs, recommendations, signals, conversations, messages, llm_calls, equity, metrics,
    stats_by_* views, mt5_summary and more (`SHOW TABLES`). Timestamps print as RFC 3339 UTC,
    decimals exactly (JSON: as numbers) without trailing zeros.

    Example:

    \b
        tradejournal sql "SELECT symbol, count(*) AS trades, sum(net_pnl) AS net FROM trades GROUP BY ALL"
        tradejournal sql --format csv < weekly.sql > weekly.csv
        tradejournal sql "SELECT * FROM latency_stats" --format json
    """
    from tradejournal.projections import query as run_query

    from . import output

    text = query if query is not None else sys.stdin.read()
    if not text.strip():
        raise click.UsageError("no SQL given: pass QUERY or pipe it to stdin")
    columns, rows = run_query(settings.journal, text, timeout=timeout, catch_up=not no_catch_up)
    output.print_rows(columns, [tuple(_tidy(v) for v in row) for row in rows], fmt)


@cli.command()
@click.option("--open/--closed", "open_", default=None,
              help="Only open, or only closed trades.  [default: both]")  # fmt: skip
@click.option("--symbol", metavar="SYMBOL", help="Only this symbol.")
@click.option("--since", callback=lambda c, p, v: parse_timestamp(v, "--since"), metavar="TS",
              help="Trades opened or closed at or after TS (RFC 3339 or YYYY-MM-DD; UTC).")  # fmt: skip
@click.option("--account", metavar="LABEL", help="Only this trading account.")
@click.option("--format", "fmt", type=click.Choice(SQL_FORMATS), default="table",
              show_default=True, help="table/markdown: the main columns; csv/json(l): all.")  # fmt: skip
@click.pass_obj
def trades(
    settings: Settings,
    open_: bool | None,
    symbol: str | None,
    since: dt.datetime | None,
    account: str | None,
    fmt: str,
) -> None:
    """List trades (one row per position) in order of opening, open and closed.

    A table shows the main columns (ids, side, times, volume, entry/exit, initial stop, net
    P&L, R, close reason, strategy); csv and json give every column of the trades table,
    with exact decimals. `tradejournal trade POSITION_ID` tells one trade's whole story.

    Example:

    \b
        tradejournal trades --closed --symbol EURUSD
        tradejournal trades --since 2026-03-01 --format csv > trades.csv
    """
    from tradejournal.projections import trades as list_trades

    from . import output

    found = list_trades(settings.journal, open=open_, symbol=symbol, since=since, account=account)
    if fmt in ("table", "markdown"):
        rows = [tuple(_trade_cell(name, t) for name in TRADE_COLUMNS) for t in found]
        headers = list(TRADE_COLUMNS.values())
        output.print_rows(headers, rows, fmt, title=f"{plural(len(found), 'trade')}")
        return
    columns = list(found[0]) if found else _trade_columns()
    output.print_rows(columns, [tuple(t[c] for c in columns) for t in found], fmt)


@cli.command()
@click.argument("position_id", type=int)
@click.option("--account", metavar="LABEL", help="The trading account (when several hold the id).")
@click.option("--format", "fmt", type=click.Choice(SQL_FORMATS), default="table",
              show_default=True, help="A timeline for people, or rows for scripts.")  # fmt: skip
@click.pass_obj
def trade(settings: Settings, position_id: int, account: str | None, fmt: str) -> None:
    """Tell one trade's whole story, in time order, from the position id.

    The signal, the recommendation and its conversation behind it, the orders (and the OCO
    sibling's cancel), the fills and partial closes, every stop move, the exit and the result
    in money and R. An unknown position id exits with status 1.

    Example:

    \b
        tradejournal --journal demo-journal trades
        tradejournal --journal demo-journal trade 1903396000
    """
    from tradejournal.projections import trade_story
    from tradejournal.projections import trades as list_trades

    from . import output

    legs = [
        t for t in list_trades(settings.journal, account=account) if t["position_id"] == position_id
    ]
    accounts = sorted({str(t["account"]) for t in legs})
    if account is None and len(accounts) > 1:
        raise click.UsageError(
            f"position {position_id} exists in accounts {', '.join(accounts)}: choose one with --account"
        )
    story = trade_story(settings.journal, position_id, account=account)
    if not story:
        where = f" in account {account}" if account else ""
        raise click.ClickException(f"no trade with position id {position_id}{where}")
    if fmt != "table":
        columns = list(story[0])
        output.print_rows(columns, [tuple(row[c] for c in columns) for row in story], fmt)
        return
    rows = [
        (
            row["ts"].astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S") if row["ts"] else "",
            "" if row["seq"] is None else str(row["seq"]),
            row["type"],
            row["summary"] or "",
            _money(row["net"]),
            _two(row["r_multiple"]),
        )
        for row in story
    ]
    output.print_rows(STORY_COLUMNS, rows, title=_story_title(position_id, legs))


# --- helpers --------------------------------------------------------------------------------------


def _tidy(value: Any) -> Any:
    from . import output

    return output.plain_decimal(value) if isinstance(value, Decimal) else value


def _trade_cell(name: str, trade: dict[str, Any]) -> Any:
    value = trade[name]
    if value is None:
        return ""
    if name == "close_ts" and trade["open_ts"] is not None:
        opened, closed = (trade[k].astimezone(dt.UTC) for k in ("open_ts", "close_ts"))
        return closed.strftime("%H:%M" if closed.date() == opened.date() else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")
    if name == "r_multiple":
        return _two(value)
    if name == "net_pnl":
        return _money(value)
    return value


def _money(value: Decimal | None) -> Decimal | str:
    return "" if value is None else Decimal(value).quantize(Decimal("0.01"))


def _two(value: float | None) -> Decimal | str:
    return "" if value is None else Decimal(f"{value:.2f}")


def _trade_columns() -> list[str]:
    from tradejournal.projections import describe_tables

    return [name for name, _type, _doc in describe_tables()["trades"].columns]


def _story_title(position_id: int, legs: list[dict[str, Any]]) -> str:
    if not legs:
        return f"position {position_id}"
    first = legs[0]
    title = (
        f"position {position_id} ({first['account']}): {first['symbol']} {first['side']} "
        f"{_tidy(first['volume_in'])}, {first['status']}"
    )
    closed = [t for t in legs if t["status"] == "closed"]
    if closed:
        net = sum((t["net_pnl"] for t in closed), Decimal(0))
        rs = [t["r_multiple"] for t in closed]
        r = f", R {rs[0]:.2f}" if len(rs) == 1 and rs[0] is not None else ""
        title += f", net {_money(net)}{r}"
    return title
