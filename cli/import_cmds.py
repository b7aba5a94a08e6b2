"""``tradejournal import ...``: bring outside history into the journal (MT5 reports)."""

from __future__ import annotations

import math
from pathlib import Path

import click

from .main import Settings, cli, plural

__all__ = ["import_group", "mt5_report"]


@cli.group("import")
def import_group() -> None:
    """Import trading history from elsewhere into the journal, idempotently.

    Example:

    \b
        tradejournal import mt5-report ReportHistory-51234567.xlsx --account 51234567
    """


@import_group.command("mt5-report")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--account", metavar="LABEL",
              help="Account label of the deals.  [default: the report's login, else the file name]")  # fmt: skip
@click.option("--server-utc-offset", type=float, default=0.0, show_default=True, metavar="HOURS",
              callback=lambda c, p, v: _utc_offset(v),
              help="Broker server time minus UTC, in hours, within ±14 (report times are server "
                   "time).")  # fmt: skip
@click.option("--force", is_flag=True,
              help="Import deals already in the journal under another account label again.")  # fmt: skip
@click.pass_obj
def mt5_report(
    settings: Settings, file: Path, account: str | None, server_utc_offset: float, force: bool
) -> None:
    """Import the deals of a MetaTrader 5 report (HTML or xlsx; tester or account history).

    Trading deals become deal.filled events and balance operations account.balance_changed,
    in one all-or-nothing append. Ids derive from the account and the deal ticket, so
    importing the same report again adds nothing. A report is recognised by its deals, not its
    file name: a renamed copy goes to the account that already holds them, and an explicit
    different --account is refused (exit 1) unless --force. A truncated file is refused. A file that is not an MT5 report, or has no
    deals, is refused (exit 1) and nothing is written. Then compare with MT5's own figures:
    `tradejournal stats --mt5 --account LABEL`.

    Example:

    \b
        tradejournal import mt5-report ReportTester-10007209416.html --account tester
        tradejournal import mt5-report history.xlsx --account 51234567 --server-utc-offset 2
        tradejournal stats --mt5 --account 51234567
    """
    from tradejournal.producers.mt5.importer import import_report

    result = import_report(
        settings.journal, file, account=account, server_utc_offset=server_utc_offset, force=force
    )
    click.echo(
        f"imported {plural(result.deals, 'deal')} and "
        f"{plural(result.balance_operations, 'balance operation')} from {file} into account "
        f"{result.account}: {plural(result.appended, 'new event')}, "
        f"{plural(result.duplicates, 'duplicate')}"
    )


def _utc_offset(value: float) -> float:
    from tradejournal.producers.mt5.importer import MAX_UTC_OFFSET

    if not (math.isfinite(value) and abs(value) <= MAX_UTC_OFFSET):
        raise click.BadParameter(
            f"{value} is not a number of hours within ±{MAX_UTC_OFFSET:g}",
            param_hint="'--server-utc-offset'",
        )
    return value
