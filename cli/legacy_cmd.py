"""``tradejournal import legacy-sqlite``: the old bot's SQLite files into the journal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .main import Settings

__all__ = ["legacy_sqlite"]


@click.command("legacy-sqlite")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--oco", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="PATH", help="The old OCO tracker (oco_tracker.db) to import as well.")  # fmt: skip
@click.option("--account", default="legacy", show_default=True, metavar="LABEL",
              help="Account label of the imported trades (and part of every id).")  # fmt: skip
@click.option("--currency", default="USD", show_default=True, metavar="CUR",
              help="Account currency of the old equity rows.")  # fmt: skip
@click.pass_obj
def legacy_sqlite(
    settings: Settings, path: Path, oco: Path | None, account: str, currency: str
) -> None:
    """Import the old bot's journal.sqlite (and --oco oco_tracker.db), idempotently.

    Trades become deals (open and close), initial stops and annotations; the old event log's
    stop moves, equity rows, chats, AI recommendations, scanner signals, user actions and OCO
    pairs become their typed events. Every row is also kept whole (every column, known or not)
    as a legacy.row_imported event. Ids derive from the account and each row's key, so running
    it again adds nothing. Prints per table: rows, imported, kept raw, skipped and why. A file
    that is not SQLite is refused (exit 1) and nothing is written.

    Example:

    \b
        tradejournal import legacy-sqlite old/journal.sqlite --oco old/oco_tracker.db
        tradejournal trades --account legacy
    """
    from tradejournal.producers.legacy import LegacyImportError, import_legacy_sqlite

    from . import output

    try:
        result = import_legacy_sqlite(
            settings.journal, path, oco, account=account, currency=currency
        )
    except LegacyImportError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = [(t.file, t.table, t.rows, t.imported, t.kept_raw, sum(t.skipped.values()))
            for t in result.tables]  # fmt: skip
    output.print_rows(["file", "table", "rows", "imported", "kept raw", "skipped"], rows)
    for t in result.tables:
        for reason, n in sorted(t.skipped.items()):
            click.echo(f"skipped {n} {t.table} row{'s' if n != 1 else ''}: {reason}")
    click.echo(
        f"{result.events} events from {sum(t.rows for t in result.tables)} rows: "
        f"{result.appended} appended, {result.duplicates} already in the journal"
    )
