"""``tradejournal stats``: the journal statistics, the MT5-compatible summary, the definitions.

The figures come from ``tradejournal.projections`` (``stats``, ``mt5_summary``); this module only
chooses what to show and how: JSON keeps every figure exact (decimals as JSON numbers), tables
round for reading and print the conventions next to the numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import click

from .main import Settings, cli, parse_timestamp

__all__ = ["DEFINITIONS", "MT5_LABELS", "stats"]

DIMENSIONS = (
    "symbol", "side", "strategy", "regime", "weekday", "hour", "session", "month",
    "model", "prompt_variant", "close_reason", "account",
)  # fmt: skip
"""``projections.STAT_DIMENSIONS``, repeated so ``--help`` does not import DuckDB (tested equal)."""

MT5_LABELS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Total Net Profit", ("total_net_profit",), "{}"),
    ("Gross Profit", ("gross_profit",), "{}"),
    ("Gross Loss", ("gross_loss",), "{}"),
    ("Profit Factor", ("profit_factor",), "{}"),
    ("Expected Payoff", ("expected_payoff",), "{}"),
    ("Total Trades", ("total_trades",), "{}"),
    ("Profit Trades (% of total)", ("profit_trades", "profit_trades_pct"), "{} ({}%)"),
    ("Loss Trades (% of total)", ("loss_trades", "loss_trades_pct"), "{} ({}%)"),
    ("Short Trades (won %)", ("short_trades", "short_won_pct"), "{} ({}%)"),
    ("Long Trades (won %)", ("long_trades", "long_won_pct"), "{} ({}%)"),
    ("Largest profit trade", ("largest_profit_trade",), "{}"),
    ("Largest loss trade", ("largest_loss_trade",), "{}"),
    ("Average profit trade", ("average_profit_trade",), "{}"),
    ("Average loss trade", ("average_loss_trade",), "{}"),
    ("Maximum consecutive wins ($)", ("max_consecutive_wins", "max_consecutive_wins_money"), "{} ({})"),
    ("Maximum consecutive losses ($)", ("max_consecutive_losses", "max_consecutive_losses_money"), "{} ({})"),
    ("Maximal consecutive profit (count)", ("maximal_consecutive_profit", "maximal_consecutive_profit_count"), "{} ({})"),
    ("Maximal consecutive loss (count)", ("maximal_consecutive_loss", "maximal_consecutive_loss_count"), "{} ({})"),
    ("Average consecutive wins", ("average_consecutive_wins",), "{}"),
    ("Average consecutive losses", ("average_consecutive_losses",), "{}"),
    ("Balance Drawdown Absolute", ("balance_drawdown_absolute",), "{}"),
    ("Balance Drawdown Maximal", ("balance_drawdown_maximal", "balance_drawdown_maximal_pct"), "{} ({}%)"),
    ("Balance Drawdown Relative", ("balance_drawdown_relative_pct", "balance_drawdown_relative"), "{}% ({})"),
    ("Equity Drawdown Absolute", ("equity_drawdown_absolute",), "{}"),
    ("Equity Drawdown Maximal", ("equity_drawdown_maximal", "equity_drawdown_maximal_pct"), "{} ({}%)"),
    ("Equity Drawdown Relative", ("equity_drawdown_relative_pct", "equity_drawdown_relative"), "{}% ({})"),
)  # fmt: skip
"""MetaTrader 5's report rows: label, the summary keys it prints, and how it prints them."""

DEFINITIONS = (
    ("unit", "One closed position, partial closes folded in. Net P&L = sum of profit + "
     "commission + swap + fee over all its deals."),
    ("tolerance", "--tol {tol} (money): win = net > +tol, loss = net < -tol, otherwise breakeven."),
    ("breakeven", "Counted separately (B). Win rate = W / (W + L), breakevens excluded; "
     "'win rate incl. BE' = W / N. A breakeven breaks a streak."),
    ("profit factor", "Sum of wins / |sum of losses|. No losing trade: inf, flagged "
     "(JSON: null with profit_factor_is_inf), never 0."),
    ("payoff ratio", "Average win / |average loss| - neither R nor profit factor."),
    ("expectancy", "Mean net P&L per trade (money); in R: the mean R-multiple (Van Tharp)."),
    ("R basis", "R = net P&L / initial risk; initial risk = |entry - initial SL| x volume x "
     "value of a price unit, from the FIRST stop (before any trail); the value of a price "
     "unit is estimated from the deals' own profit. No initial SL: no R - excluded from the R "
     "figures and counted as 'without R'."),
    ("SQN", "sqrt(N) x mean(R) / stdev(R) (sample, ddof 1) over trades with R; flagged when "
     "N < 30; SQN100 uses sqrt(min(N, 100)); fewer than 2 R values: money-based, flagged."),
    ("drawdown source", "The equity curve of account.snapshot events when the selection is one "
     "account with snapshots ('equity'), else cumulative realised P&L from the starting balance "
     "('realised'; always per group with --by). Max peak-to-trough in money and in % of the "
     "peak, with peak and trough times; current drawdown."),
    ("annualisation", "Sharpe and Sortino from end-of-day equity returns (daily bins, UTC): "
     "mean / stdev (ddof 1) x sqrt(365); Sortino uses the downside deviation "
     "sqrt(sum(min(r, 0)^2) / n). n/a with fewer than 2 days."),
    ("streaks", "Longest win and loss runs by close time; current streak (+ wins, - losses)."),
    ("time zone", "--tz {tz}: weekday and hour of the open time, month of the close time; "
     "sessions by UTC open hour (asia 0-7, london 7-13, new_york 13-21, late 21-24)."),
    ("selection", "--since / --until select by close time (until exclusive); --account one account."),
    ("MT5 summary", "stats --mt5: MetaTrader 5's own report definitions, per closing deal (a "
     "partial close is a trade, a zero result a profit trade, entry costs count in gross loss)."),
)  # fmt: skip
"""(term, definition) printed by ``--defs``, after journal-stats.md section 2."""

CENT = Decimal("0.01")


def _money(ctx: click.Context, param: click.Parameter, value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not an amount of money") from None
    if not amount.is_finite() or amount < 0:
        raise click.BadParameter(f"{value!r}: the tolerance is a money amount >= 0")
    return amount


@cli.command()
@click.option("--by", type=click.Choice(DIMENSIONS), help="Break the figures down by this.")
@click.option("--since", callback=lambda c, p, v: parse_timestamp(v, "--since"), metavar="TS",
              help="Trades closed at or after TS (RFC 3339 or YYYY-MM-DD; UTC).")  # fmt: skip
@click.option("--until", callback=lambda c, p, v: parse_timestamp(v, "--until"), metavar="TS",
              help="Trades closed before TS.")  # fmt: skip
@click.option("--account", metavar="LABEL", help="Only this trading account.")
@click.option("--tol", type=click.UNPROCESSED, callback=_money, default="0", show_default=True,
              metavar="MONEY", help="Breakeven tolerance: |net| <= MONEY is a breakeven.")  # fmt: skip
@click.option("--tz", default="UTC", show_default=True, metavar="ZONE",
              help="Display time zone of the weekday/hour/month breakdowns.")  # fmt: skip
@click.option("--mt5", is_flag=True, help="MetaTrader 5's report summary instead (33 figures).")
@click.option("--defs", is_flag=True, help="Print the definitions and conventions, then stop.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="A table for people, or exact JSON.")  # fmt: skip
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
    from . import output

    settings: Settings = ctx.obj
    if defs:
        _print_definitions(tol, tz)
        return
    if mt5:
        _refuse_with_mt5(ctx)
        from tradejournal.projections import mt5_summary

        summary = mt5_summary(settings.journal, account=account)
        if fmt == "json":
            output.print_json(summary)
        else:
            output.print_rows(["figure", "value"], _mt5_rows(summary), title=_mt5_title(account))
        return
    from tradejournal.projections import stats as journal_stats

    figures = journal_stats(
        settings.journal, by=by, since=since, until=until, account=account, tol=tol, tz=tz
    )
    if fmt == "json":
        output.print_json(
            figures if by is None else [{"group": g, **f} for g, f in figures.items()]
        )
    elif by is None:
        _print_overall(figures, tol, tz, _selection(account, since, until))
    else:
        _print_groups(by, figures, tol, tz, _selection(account, since, until))


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


# --- tables ---------------------------------------------------------------------------------------


def _print_overall(f: dict[str, Any], tol: Decimal, tz: str, selection: str) -> None:
    from . import output

    n = f["trades"]
    rows: list[tuple[str, str]] = [
        ("closed trades", f"{n}: {f['wins']} W / {f['losses']} L / {f['breakevens']} BE"),
        ("win rate (excl. BE)", _pct(f["win_rate"]) + "  W / (W + L)"),
        ("win rate (incl. BE)", _pct(f["win_rate_incl_be"]) + "  W / N"),
        ("net P&L", _m(f["net_pnl"])),
        ("gross win / gross loss", f"{_m(f['gross_win'])} / {_m(f['gross_loss'])}"),
        ("costs", _m(f["costs"]) + "  commission + swap + fee"),
        ("profit factor", _profit_factor(f)),
        ("payoff ratio", _x(f["payoff_ratio"]) + f"  avg win {_m(f['avg_win'])} / avg loss {_m(f['avg_loss'])}"),
        ("expectancy", _m(f["expectancy"]) + " per trade"),
        ("expectancy R", _r(f["expectancy_r"]) + f" per trade, {f['trades_with_r']} trades with R"
         + (f", {f['trades_without_r']} without an initial stop" if f["trades_without_r"] else "")),
        ("SQN / SQN100", f"{_x(f['sqn'])} / {_x(f['sqn100'])}" + _sqn_flag(f)),
        ("max drawdown", _drawdown(f)),
        *_curves(f),
        ("drawdown peak -> trough", f"{_ts(f['drawdown_peak_ts'])} -> {_ts(f['drawdown_trough_ts'])}"),
        ("current drawdown", _m(f["current_drawdown"])),
    ]  # fmt: skip
    if "sharpe" in f:
        ratios = f"{_x(f['sharpe'])} / {_x(f['sortino'])}  daily equity returns x sqrt(365)"
        if f["sharpe"] is None and f["sortino"] is None:
            ratios = "n/a  (needs daily equity returns of 2 days or more)"
        rows.append(("Sharpe / Sortino", ratios))
    rows += [
        ("streaks", f"longest {f['longest_win_streak']} W / {f['longest_loss_streak']} L, "
         f"current {_streak(f['current_streak'])}"),
        ("best / worst trade", f"{_m(f['best_trade'])} / {_m(f['worst_trade'])}"),
        ("average duration", _duration(f["avg_duration_s"])),
        ("avg MAE / MFE", f"{_r(f['avg_mae_r'])} / {_r(f['avg_mfe_r'])}"),
        ("avg efficiency", _x(f["avg_efficiency"]) + "  realised / MFE"),
        ("trail audit", f"{_x(f['avg_trail_count'])} stop moves per trade, breakeven stop after "
         f"{_duration(f['avg_time_to_breakeven_s'])}, {_r(f['avg_r_given_back'])} given back from MFE"),
        ("period", f"{_ts(f['first_open_ts'])} -> {_ts(f['last_close_ts'])}"),
    ]  # fmt: skip
    title = f"Journal statistics ({selection}; breakeven tolerance {tol}, tz {tz})"
    output.print_rows(["figure", "value"], rows, title=title)
    click.echo("Definitions and conventions: tradejournal stats --defs")


def _print_groups(
    by: str, groups: dict[Any, dict[str, Any]], tol: Decimal, tz: str, selection: str
) -> None:
    from . import output

    columns = [by, "trades", "W", "L", "BE", "win rate", "net", "PF", "payoff", "expectancy",
               "exp. R", "SQN", "max DD", "streaks W/L"]  # fmt: skip
    rows = [
        (
            "(none)" if g is None else str(g), f["trades"], f["wins"], f["losses"],
            f["breakevens"], _pct(f["win_rate"]), _m(f["net_pnl"]), _profit_factor(f, short=True),
            _x(f["payoff_ratio"]), _m(f["expectancy"]), _r(f["expectancy_r"]),
            _x(f["sqn"]) + ("*" if f["sqn_warning"] and f["sqn"] is not None else ""),
            _m(f["max_drawdown"]), f"{f['longest_win_streak']}/{f['longest_loss_streak']}",
        )
        for g, f in groups.items()
    ]  # fmt: skip
    title = f"Journal statistics by {by} ({selection}; breakeven tolerance {tol}, tz {tz})"
    output.print_rows(columns, rows, title=title)
    if any(f["sqn_warning"] and f["sqn"] is not None for f in groups.values()):
        click.echo("* SQN over fewer than 30 trades: indicative only")
    click.echo("Max DD per group: realised P&L. Definitions: tradejournal stats --defs")


def _print_definitions(tol: Decimal, tz: str) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from . import output

    table = Table(box=box.SIMPLE, show_header=False, title="Statistics: definitions and "
                  "conventions (journal-stats.md)", title_justify="left")  # fmt: skip
    table.add_column("term", no_wrap=True, style="bold")
    table.add_column("definition", max_width=100)
    for term, text in DEFINITIONS:
        table.add_row(Text(term), Text(text.format(tol=tol, tz=tz)))
    output.print_table(table)


def _mt5_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for label, keys, template in MT5_LABELS:
        if not all(k in summary for k in keys):
            continue  # the equity drawdown: only from account snapshots
        values = [summary[k] for k in keys]
        if all(v is None for v in values):
            rows.append((label, "n/a"))
        else:
            rows.append((label, template.format(*(_mt5_value(v) for v in values))))
    return rows


def _mt5_title(account: str | None) -> str:
    where = f"account {account}" if account else "all accounts"
    return f"MT5 report summary ({where})"


def _mt5_value(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int):
        return str(value)
    return f"{Decimal(value).quantize(CENT)}"


# --- formatting -----------------------------------------------------------------------------------


def _selection(account: str | None, since: dt.datetime | None, until: dt.datetime | None) -> str:
    parts = [f"account {account}" if account else "all accounts"]
    if since or until:
        parts.append(f"closed {_ts(since) if since else '...'} to {_ts(until) if until else 'now'}")
    return ", ".join(parts)


def _m(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{Decimal(value).quantize(CENT)}"


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _r(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} R"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _profit_factor(f: dict[str, Any], short: bool = False) -> str:
    if f["profit_factor_is_inf"]:
        return "inf" if short else "inf (no losing trade)"
    return _x(f["profit_factor"]) + ("" if short else "  sum W / |sum L|")


def _sqn_flag(f: dict[str, Any]) -> str:
    if f["sqn"] is None:
        return ""
    n = f["trades_with_r"] if f["sqn_basis"] == "R" else f["trades"]
    flags = [] if f["sqn_basis"] == "R" else ["money-based fallback (fewer than 2 trades with R)"]
    if f["sqn_warning"]:
        flags.append(f"N = {n} < 30: indicative only")
    return ("  " + "; ".join(flags)) if flags else ""


def _drawdown(f: dict[str, Any]) -> str:
    if f["max_drawdown"] is None:
        return "n/a"
    pct = "" if f["max_drawdown_pct"] is None else f" ({f['max_drawdown_pct']:.2f}% time-weighted)"
    source = {
        "equity": "equity curve (account snapshots)",
        "realised": "realised P&L",
        "mixed": "accounts' own curves, summed",
    }
    return f"{_m(f['max_drawdown'])}{pct}  from the {source.get(f['drawdown_source'], f['drawdown_source'])}"


def _curves(f: dict[str, Any]) -> list[tuple[str, str]]:
    curves = f.get("curve_by_account") or {}
    if len(curves) < 2:
        return []
    names = {"equity": "equity curve", "realised": "realised P&L"}
    return [("curve per account", ", ".join(f"{a}: {names[c]}" for a, c in curves.items()))]


def _streak(n: int | None) -> str:
    if not n:
        return "none" if n is None else "breakeven"
    return f"{n} W" if n > 0 else f"{-n} L"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    minutes = round(seconds / 60)
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def _ts(value: dt.datetime | None) -> str:
    if value is None:
        return "n/a"
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
