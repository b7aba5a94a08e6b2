"""``tradejournal stats``: the journal statistics, the MT5-compatible summary, the definitions.

Rendering only: the figures come from ``tradejournal.projections`` (``stats``, ``mt5_summary``),
the rows, labels, rounding and definitions from ``tradejournal.projections.present`` (shared with
the bot and the report). JSON keeps every figure exact (decimals as JSON numbers).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

import click

from tradejournal.projections.present import STAT_DIMENSIONS

from .main import Settings, check_window, cli, parse_timestamp, parse_zone
from .output import ROW_FORMATS

__all__ = ["stats"]


def _money(ctx: click.Context, param: click.Parameter, value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not an amount of money") from None
    if not amount.is_finite() or amount < 0:
        raise click.BadParameter(f"{value!r}: the tolerance is a money amount >= 0")
    return amount


@cli.command()
@click.option("--by", type=click.Choice(STAT_DIMENSIONS), help="Break the figures down by this.")
@click.option("--since", callback=lambda c, p, v: parse_timestamp(v, "--since"), metavar="TS",
              help="Trades closed at or after TS (RFC 3339 or YYYY-MM-DD; UTC).")  # fmt: skip
@click.option("--until", callback=lambda c, p, v: parse_timestamp(v, "--until"), metavar="TS",
              help="Trades closed before TS.")  # fmt: skip
@click.option("--account", metavar="LABEL", help="Only this trading account.")
@click.option("--tol", type=click.UNPROCESSED, callback=_money, default="0", show_default=True,
              metavar="MONEY", help="Breakeven tolerance: |net| <= MONEY is a breakeven.")  # fmt: skip
@click.option("--tz", default="UTC", show_default=True, metavar="ZONE",
              callback=lambda c, p, v: parse_zone(v),
              help="Display time zone (IANA, e.g. Europe/Paris): weekday/hour/month breakdowns, Sharpe/Sortino days.")  # fmt: skip
@click.option("--mt5", is_flag=True, help="MetaTrader 5's report summary instead (33 figures).")
@click.option("--defs", is_flag=True, help="Print the definitions and conventions, then stop.")
@click.option("--format", "fmt", type=click.Choice(ROW_FORMATS), default="table",
              show_default=True, help="table/markdown: the figures for people; csv/json(l): "
              "every figure exactly, one record per group.")  # fmt: skip
@click.pass_context
def stats(
    ctx: click.Context,
    by: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    account: str | None,
    tol: Decimal,
    tz: str,
    mt5: bool,
    defs: bool,
    fmt: str,
) -> None:
    """Print the journal statistics of closed trades, overall or broken down (--by).

    W / L / breakeven, win rate with and without breakevens, profit factor, payoff ratio,
    expectancy in money and R, SQN, max drawdown and its source, streaks, MAE/MFE, trail
    audit. --defs prints what each figure means. --mt5 prints MetaTrader 5's report summary
    (its 33 figures, in MT5's order; JSON numbers, null where undefined) computed from the deals,
    and the equity drawdown when the journal holds account snapshots.

    Example:

    \b
        tradejournal stats
        tradejournal stats --by symbol --since 2026-03-01 --tol 2.50
        tradejournal stats --defs
        tradejournal stats --mt5 --account 51234567 --format json
    """
    from tradejournal.projections import present

    from . import output

    settings: Settings = ctx.obj
    check_window(since, until)
    if defs:
        _print_definitions(present.definitions(tol, tz))
        return
    if mt5:
        _refuse_with_mt5(ctx)
        from tradejournal.projections import mt5_summary

        summary = mt5_summary(settings.journal, account=account)
        if fmt == "json":
            output.print_json(summary)
        elif fmt in ("csv", "jsonl"):
            output.print_rows(list(summary), [tuple(summary.values())], fmt)
        else:
            rows = present.mt5_rows(summary)
            output.print_rows(["figure", "value"], rows, fmt, title=present.mt5_title(account))
        return
    from tradejournal.projections import stats as journal_stats

    figures = journal_stats(
        settings.journal, by=by, since=since, until=until, account=account, tol=tol, tz=tz
    )
    selected = present.selection(account, since, until)
    records = [figures] if by is None else [{"group": g, **f} for g, f in figures.items()]
    if fmt == "json":
        output.print_json(figures if by is None else records)
    elif fmt in ("csv", "jsonl"):
        columns = list(records[0]) if records else ["group"]
        output.print_rows(columns, [tuple(r.get(c) for c in columns) for r in records], fmt)
    elif by is None:
        title = present.overall_title(selected, tol, tz)
        output.print_rows(["figure", "value"], present.overall_rows(figures), fmt, title=title)
        if fmt == "table":
            click.echo("Definitions and conventions: tradejournal stats --defs")
    else:
        table = present.group_table(by, figures)
        title = present.overall_title(selected, tol, tz, by)
        output.print_rows(table.columns, table.rows, fmt, title=title)
        for note in table.notes if fmt == "table" else ():
            click.echo(note)


def _refuse_with_mt5(ctx: click.Context) -> None:
    from click.core import ParameterSource

    extra = [
        f"--{name}"
        for name in ("by", "since", "until", "tol", "tz")
        if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT
    ]
    if extra:
        raise click.UsageError(
            f"--mt5 takes only --account and --format (MT5's summary has no {', '.join(extra)})"
        )


def _print_definitions(rows: list[tuple[str, str]]) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from . import output

    table = Table(box=box.SIMPLE, show_header=False, title="Statistics: definitions and "
                  "conventions (docs/statistics.md)", title_justify="left")  # fmt: skip
    table.add_column("term", no_wrap=True, style="bold")
    table.add_column("definition", max_width=100)
    for term, text in rows:
        table.add_row(Text(term), Text(text))
    output.print_table(table)
