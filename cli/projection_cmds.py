"""The commands that read the projections: ``rebuild``, ``sql``, ``trades`` and ``trade``.

Each is a thin layer over ``tradejournal.projections`` (the rows and their rounding come from
``projections.present_trades``); every read catches up first (the library does it), so what is
printed reflects every committed event. DuckDB is imported inside the commands, so ``--help``
stays fast.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from typing import Any

import click

from tradejournal.projections.formats import plain_decimal
from tradejournal.projections.present_trades import (
    STORY_COLUMNS,
    TRADE_COLUMNS,
    story_rows,
    story_title,
    trade_cells,
)

from .main import Settings, check_window, cli, parse_timestamp, plural
from .output import ROW_FORMATS

__all__ = ["rebuild", "sql", "trade", "trades"]

STREAMED_FORMATS = ("csv", "json", "jsonl")


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
@click.option("--format", "fmt", type=click.Choice(ROW_FORMATS), default="table",
              show_default=True, help="How to print the rows.")  # fmt: skip
@click.option("--snapshots", type=click.Path(exists=True, file_okay=False), metavar="DIR",
              help="Query the latest snapshot of every journal under DIR instead (a `journal` "
              "column tells them apart).")  # fmt: skip
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300.0,
              show_default=True, metavar="SECONDS",
              help="Stop the query after this long (exit 1).")  # fmt: skip
@click.option("--no-catch-up", is_flag=True,
              help="Query the last complete projections without loading new events.")  # fmt: skip
@click.pass_obj
def sql(
    settings: Settings,
    query: str | None,
    fmt: str,
    snapshots: str | None,
    timeout: float,
    no_catch_up: bool,
) -> None:
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
        tradejournal sql --snapshots /srv/tj-snapshots "SELECT journal, count(*) FROM trades GROUP BY ALL"
    """
    from tradejournal.projections import query as run_query

    from . import output

    text = query if query is not None else sys.stdin.read()
    if not text.strip():
        raise click.UsageError("no SQL given: pass QUERY or pipe it to stdin")
    if snapshots is not None:
        from tradejournal.projections.export import query_snapshots

        columns, rows = query_snapshots(snapshots, text)
    elif fmt in STREAMED_FORMATS:  # written batch by batch: a large result is never held whole
        from tradejournal.projections import query_batches

        columns, batches = query_batches(
            settings.journal, text, timeout=timeout, catch_up=not no_catch_up
        )
        tidy = ([tuple(_tidy(v) for v in row) for row in batch] for batch in batches)
        output.stream_rows(columns, tidy, fmt)
        return
    else:
        columns, rows = run_query(settings.journal, text, timeout=timeout, catch_up=not no_catch_up)
    output.print_rows(columns, [tuple(_tidy(v) for v in row) for row in rows], fmt)


@cli.command()
@click.option("--open/--closed", "open_", default=None,
              help="Only open, or only closed trades.  [default: both]")  # fmt: skip
@click.option("--symbol", metavar="SYMBOL", help="Only this symbol.")
@click.option("--since", callback=lambda c, p, v: parse_timestamp(v, "--since"), metavar="TS",
              help="Trades opened or closed at or after TS (RFC 3339 or YYYY-MM-DD; UTC).")  # fmt: skip
@click.option("--until", callback=lambda c, p, v: parse_timestamp(v, "--until"), metavar="TS",
              help="Trades opened or closed before TS (exclusive; a bare date is its midnight).")  # fmt: skip
@click.option("--account", metavar="LABEL", help="Only this trading account.")
@click.option("--format", "fmt", type=click.Choice(ROW_FORMATS), default="table",
              show_default=True, help="table/markdown: the main columns; csv/json(l): all.")  # fmt: skip
@click.pass_obj
def trades(
    settings: Settings,
    open_: bool | None,
    symbol: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    account: str | None,
    fmt: str,
) -> None:
    """List trades (one row per position) in order of opening, open and closed.

    A table shows the main columns (ids, side, times, volume, entry/exit, initial stop, net
    P&L, R, close reason, strategy); csv and json give every column of the trades table,
    with exact decimals. --since and --until together keep the trades whose open-to-close
    span meets the window. `tradejournal trade POSITION_ID` tells one trade's whole story.

    Example:

    \b
        tradejournal trades --closed --symbol EURUSD
        tradejournal trades --since 2026-03-01 --until 2026-04-01 --format csv > march.csv
    """
    from tradejournal.projections import trades as list_trades

    from . import output

    check_window(since, until)
    found = list_trades(
        settings.journal, open=open_, symbol=symbol, since=since, until=until, account=account
    )
    if fmt in ("table", "markdown"):
        rows = [trade_cells(t) for t in found]
        headers = list(TRADE_COLUMNS.values())
        output.print_rows(headers, rows, fmt, title=f"{plural(len(found), 'trade')}")
        return
    columns = list(found[0]) if found else _trade_columns()
    output.print_rows(columns, [tuple(t[c] for c in columns) for t in found], fmt)


@cli.command()
@click.argument("position_id", type=int)
@click.option("--account", metavar="LABEL", help="The trading account (when several hold the id).")
@click.option("--format", "fmt", type=click.Choice(ROW_FORMATS), default="table",
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
    from tradejournal.projections import trade_legs, trade_story

    from . import output

    legs = trade_legs(settings.journal, position_id, account=account)
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
    output.print_rows(STORY_COLUMNS, story_rows(story), title=story_title(position_id, legs))


# --- helpers ---------------------------------------------------------------------------------------


def _tidy(value: Any) -> Any:
    return plain_decimal(value) if isinstance(value, Decimal) else value


def _trade_columns() -> list[str]:
    from tradejournal.projections import describe_tables

    return [name for name, _type, _doc in describe_tables()["trades"].columns]
