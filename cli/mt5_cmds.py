"""``tradejournal mt5 ...``: run the live MT5 producer loop, or import a period of history."""

from __future__ import annotations

import datetime as dt
import signal
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import click

from .main import Settings, cli, parse_timestamp, plural

__all__ = ["mt5_backfill", "mt5_group", "mt5_run"]

_CONFIG = click.Path(exists=True, dir_okay=False, path_type=Path)


@cli.group("mt5")
def mt5_group() -> None:
    """Journal a MetaTrader 5 terminal: the live poll loop, or a period of its history.

    The terminal is the one the config file names (mt5.backend = metatrader5, mt5linux or
    paper); the MT5 password is read from the environment variable mt5.password_env names.

    Example:

    \b
        tradejournal init --config tradejournal.toml
        MT5_PASSWORD=... tradejournal mt5 run --config tradejournal.toml
        tradejournal mt5 backfill --from 2026-01-01 --to 2026-01-31 --config tradejournal.toml
    """


@mt5_group.command("run")
@click.option("--config", "config_path", required=True, type=_CONFIG, metavar="FILE",
              help="The TOML config file (write one with `tradejournal init --config`).")  # fmt: skip
@click.option("--cycles", type=click.IntRange(min=1), default=None, metavar="N",
              help="Stop after N poll cycles.  [default: run until SIGINT/SIGTERM]")  # fmt: skip
@click.pass_context
def mt5_run(ctx: click.Context, config_path: Path, cycles: int | None) -> None:
    """Poll the terminal and journal everything new; run the OCO and trailing-stop managers and
    the signal scanner on it (each when enabled in the config).

    Every mt5.poll_interval_s: new deals, order changes, stop moves, excursions, symbol specs,
    snapshots and alerts are appended to the journal. Restart-safe: it resumes from the journal
    (a first start backfills mt5.backfill_days of history). Ctrl-C or SIGTERM stops it cleanly
    after the current cycle. The journal is journal.path from the config unless --journal is
    given.

    Example:

    \b
        tradejournal mt5 run --config tradejournal.toml
        tradejournal --journal /tmp/paper mt5 run --config paper.toml --cycles 100
    """
    from tradejournal.producers.mt5.runner import Mt5Runner, connect, terminal_from_config

    config = _load(config_path)
    terminal = _connected(config, terminal_from_config, connect)
    journal = _open_journal(ctx, config)
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    counts: Counter[str] = Counter()
    try:
        runner = Mt5Runner(terminal, journal, config)
        click.echo(
            f"journaling account {runner.poller.account} ({config.mt5.backend}) into "
            f"{journal.path}; Ctrl-C stops",
            err=True,
        )
        total = runner.run(stop, cycles, on_cycle=lambda evs: _report(evs, counts))
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        journal.close()
        terminal.shutdown()
    click.echo(f"stopped: {plural(total, 'event')} journaled")


@mt5_group.command("backfill")
@click.option("--from", "date_from", required=True, metavar="DATE",
              help="Start of the period (YYYY-MM-DD or RFC 3339; naive = UTC), inclusive.")  # fmt: skip
@click.option("--to", "date_to", required=True, metavar="DATE",
              help="End of the period, exclusive (a bare date: through the end of that day).")  # fmt: skip
@click.option("--config", "config_path", type=_CONFIG, default=None, metavar="FILE",
              help="The TOML config file naming the terminal.  [default: the paper broker]")  # fmt: skip
@click.pass_context
def mt5_backfill(
    ctx: click.Context, date_from: str, date_to: str, config_path: Path | None
) -> None:
    """Import the terminal's deals and orders of a period into the journal, idempotently.

    Deals become deal.filled / account.balance_changed; orders order.placed (and
    order.cancelled for pending orders that ended unfilled). Ids derive from the tickets, so a
    second run — or a period the poller already journaled — adds nothing.

    Example:

    \b
        tradejournal mt5 backfill --from 2026-01-01 --to 2026-01-31 --config tradejournal.toml
    """
    from tradejournal.producers.config import Config
    from tradejournal.producers.mt5 import PollerSettings, backfill
    from tradejournal.producers.mt5.runner import connect, server_clock, terminal_from_config

    start = parse_timestamp(date_from, "--from")
    end = parse_timestamp(date_to, "--to")
    assert start is not None and end is not None
    if len(date_to.strip()) == 10:  # a bare date: the whole day
        end += dt.timedelta(days=1)
    if end <= start:
        raise click.BadParameter("must be after --from", param_hint="'--to'")
    config = _load(config_path) if config_path is not None else Config()
    terminal = _connected(config, terminal_from_config, connect)
    journal = _open_journal(ctx, config)
    try:
        settings = PollerSettings(
            account=config.mt5.account or None, server_time=server_clock(config)
        )
        result = backfill(terminal, journal, start, end, settings)
    finally:
        journal.close()
        terminal.shutdown()
    click.echo(
        f"account {result.account}: {plural(result.deals, 'deal')} and "
        f"{plural(result.orders, 'order')} in the period, {plural(result.appended, 'new event')}"
    )


def _load(path: Path) -> Any:
    from tradejournal.producers.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _connected(config: Any, open_: Any, connect: Any) -> Any:
    """The configured terminal, initialised; its failures as clear CLI errors (no traceback)."""
    from tradejournal.producers.config import ConfigError
    from tradejournal.producers.mt5 import Mt5Error
    from tradejournal.producers.mt5.backends import BackendUnavailable

    try:
        terminal = open_(config)
        connect(terminal, config)
    except ConfigError as exc:  # e.g. the password's environment variable is not set
        raise click.UsageError(str(exc)) from None
    except (Mt5Error, BackendUnavailable) as exc:
        raise click.ClickException(str(exc)) from None
    return terminal


def _open_journal(ctx: click.Context, config: Any) -> Any:
    from tradejournal.store import Journal

    settings: Settings = ctx.obj
    source = ctx.find_root().get_parameter_source("journal")
    given = source is not None and source.name != "DEFAULT"  # --journal or $TRADEJOURNAL_HOME
    path = settings.journal if given else Path(config.journal.path)
    return Journal.open(path, durability=config.journal.durability, create=True)


def _report(events: list[Any], counts: Counter[str]) -> None:
    from tradejournal.events import event_tag

    if not events:
        return
    tags = Counter(event_tag(e) for e in events)
    counts.update(tags)
    click.echo(", ".join(f"{n} {tag}" for tag, n in sorted(tags.items())), err=True)
