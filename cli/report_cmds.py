"""``tradejournal report`` (the HTML report, dashboard PNG) and ``tradejournal audit`` (the post-run
review): thin commands over ``projections.report`` and ``projections.audit``."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

import click

from .main import Settings, check_window, cli, parse_timestamp
from .output import RECORD_FORMATS

__all__ = ["audit", "parse_since", "report"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
PANEL_NAMES = ("equity", "daily_pnl", "r_histogram", "by_symbol")
"""``projections.report.PANELS``, repeated so ``--help`` does not import DuckDB (tested equal)."""


def parse_duration(value: str, option: str) -> dt.timedelta:
    """Return ``8h`` / ``30m`` / ``2d`` / ``90s`` / ``1w`` as a timedelta (> 0)."""
    match = _DURATION.match(value)
    if not match or float(match.group(1)) <= 0:
        raise click.BadParameter(
            f"{value!r} is not a positive duration like 30m, 8h, 2d", param_hint=f"'{option}'"
        )
    return dt.timedelta(seconds=float(match.group(1)) * _UNIT[match.group(2)])


def parse_since(value: str, end: dt.datetime) -> dt.datetime:
    """``--since``: a duration counted back from ``end``, or an RFC 3339 time / YYYY-MM-DD."""
    if _DURATION.match(value):
        return end - parse_duration(value, "--since")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is neither a duration (30m, 8h, 2d) nor an RFC 3339 time or YYYY-MM-DD",
            param_hint="'--since'",
        ) from None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default="report.html",
              show_default=True, help="The HTML file to write ('-': standard output).")  # fmt: skip
@click.option("--since", callback=lambda c, p, v: parse_timestamp(v, "--since"), metavar="TS",
              help="Trades closed (other rows: events) at or after TS (RFC 3339 or YYYY-MM-DD).")  # fmt: skip
@click.option("--until", callback=lambda c, p, v: parse_timestamp(v, "--until"), metavar="TS",
              help="... before TS.")  # fmt: skip
@click.option("--account", metavar="LABEL", help="Only this trading account.")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write the dashboard image (the bot's /dashboard) to FILE.")  # fmt: skip
@click.option("--panel", "panels", multiple=True, type=click.Choice(PANEL_NAMES),
              help="Panels of the --png image, repeatable.  [default: equity]")  # fmt: skip
@click.pass_obj
def report(
    settings: Settings,
    out: Path,
    since: dt.datetime | None,
    until: dt.datetime | None,
    account: str | None,
    png: Path | None,
    panels: tuple[str, ...],
) -> None:
    """Write the journal as one self-contained HTML page (opens offline, mailable).

    Summary cards, equity curve with drawdown, daily P&L calendar, R-multiple histogram,
    breakdowns by symbol / weekday / hour / strategy, recommendation calibration, signal
    outcomes, OCO and trailing-stop audit, latency and alerts; every figure carries its
    definition (hover, or the notes under it). Definitions: docs/report.md.

    Example:

    \b
        tradejournal report --out march.html --since 2026-03-01 --until 2026-04-01
        tradejournal report --account 51234567 --png dashboard.png --panel equity --panel daily_pnl
    """
    from tradejournal.projections.report import collect, render_html, render_png

    check_window(since, until)
    if panels and png is None:
        raise click.UsageError("--panel chooses the panels of --png: pass --png FILE too")
    data = collect(settings.journal, since, until, account)
    page = render_html(data).encode()
    if str(out) == "-":
        click.echo(page.decode(), nl=False)
    else:
        _write_atomic(out, page)
        click.echo(f"wrote {out} ({len(page) / 1024:.0f} KiB, {data.summary['trades']} closed trades)", err=True)  # fmt: skip
    if png is not None:
        image = render_png(data, panels or ("equity",))
        _write_atomic(png, image)
        click.echo(f"wrote {png} ({len(image) / 1024:.0f} KiB)", err=True)


@cli.command()
@click.option("--since", default="8h", show_default=True, metavar="DURATION|TS",
              help="Window start: a duration back from --until (30m, 8h, 2d) or a time.")  # fmt: skip
@click.option("--until", callback=lambda c, p, v: parse_timestamp(v, "--until"), metavar="TS",
              help="Window end (exclusive).  [default: now]")  # fmt: skip
@click.option("--aged-after", default="4h", show_default=True, metavar="DURATION",
              help="A position open longer than this at the end is aged.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(RECORD_FORMATS), default="table",
              show_default=True, help="The review for people, or one JSON object.")  # fmt: skip
@click.pass_obj
def audit(
    settings: Settings, since: str, until: dt.datetime | None, aged_after: str, fmt: str
) -> None:
    """Review a monitored session: alerts by kind and hour, unprotected and aged positions,
    emergency closes, API errors, latency p50/p95/p99, activity per hour, critical timeline.

    Example:

    \b
        tradejournal audit                       # the last 8 hours
        tradejournal audit --since 2026-03-02 --until 2026-03-03 --format json
    """
    from tradejournal.projections.audit import audit as run_audit
    from tradejournal.projections.audit import audit_text

    from . import output

    end = until or dt.datetime.now(dt.UTC)
    start = parse_since(since, end)
    check_window(start, end)
    result = run_audit(settings.journal, start, end, aged_after=parse_duration(aged_after, "--aged-after"))  # fmt: skip
    if fmt == "json":
        output.print_json(result.as_dict())
    else:
        click.echo(audit_text(result), nl=False)
