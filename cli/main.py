"""The ``tradejournal`` command line: a thin click layer over the library.

Each command parses its options, makes one call into ``tradejournal.store`` / ``projections`` /
``producers`` and renders the result (the projection, stats and import commands live in sibling
modules that register onto ``cli``). Library errors become ``click.ClickException`` (exit 1); bad input is a usage
error (exit 2). Heavy imports happen inside the commands so ``--help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import sys
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from .output import EVENT_FORMATS

if TYPE_CHECKING:
    from tradejournal.store import Appended

__all__ = ["cli", "main"]

DEFAULT_JOURNAL = "journal"
CONFIG_FILE = "tradejournal.toml"
JOURNAL_ENV = "TRADEJOURNAL_HOME"
CUT_ADVICE = (
    "`tradejournal repair --truncate-at {where}` moves {what} and everything after it to "
    "quarantine/ (append the good events again from there), or restore the segment from a backup"
)


def corruption_advice(exc: Exception) -> str:
    """Return the command that works on the damage a CorruptionError describes."""
    from tradejournal.store import CorruptionError

    if "repair --reindex" in str(exc):
        return ""  # the message names it already
    if isinstance(exc, CorruptionError) and exc.offset is not None and exc.line is not None:
        return CUT_ADVICE.format(where=f"{exc.path.name}:{exc.offset}", what="that line")
    return "`tradejournal verify` lists every problem as segment:line:offset; " + CUT_ADVICE.format(
        where="SEGMENT:OFFSET", what="the first bad line"
    )


@dataclass(frozen=True)
class Settings:
    """What the group options decide for every command."""

    journal: Path


class InputError(click.ClickException):
    """Bad input lines: printed exactly as given, one per line, exit status 2."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.message, err=True)


class Interrupted(click.ClickException):
    """Ctrl-C: one line, no traceback, exit status 130 (128 + SIGINT) as shells expect."""

    exit_code = 130

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"interrupted: {self.message}", err=True)


class _Group(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # `--journal DIR` is a group option; accept it after the subcommand too
        return super().parse_args(ctx, _journal_first(args))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted(
                "stopped before the end; the journal and the last complete projections are "
                "unchanged"
            ) from None
        except Exception as exc:
            translated = _library_error(exc)
            if translated is None:
                raise
            raise translated from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--journal",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=JOURNAL_ENV,
    default=DEFAULT_JOURNAL,
    help=f"The journal directory.  [default: ${JOURNAL_ENV}, else ./{DEFAULT_JOURNAL}]",
)
@click.version_option(package_name="tradejournal", prog_name="tradejournal")
@click.pass_context
def cli(ctx: click.Context, journal: Path) -> None:
    """An event-sourced trading journal: append, read, check and repair the event log;
    query its projections (trades, statistics, SQL); import MT5 reports.

    Example:

    \b
        tradejournal --journal demo-journal demo
        tradejournal --journal demo-journal tail -n 8 --format table
        tradejournal --journal demo-journal stats
    """
    ctx.obj = Settings(journal=journal)
    _log_warnings_to_stderr()


@cli.command()
@click.option("--config", "config", metavar="[FILE]", is_flag=False, flag_value=CONFIG_FILE,
              type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"Instead, write a commented example config to FILE [default: {CONFIG_FILE}].")  # fmt: skip
@click.pass_obj
def init(settings: Settings, config: Path | None) -> None:
    """Create an empty journal (fails if one is already there), or with --config write the
    fully commented example config file (every key, its default and meaning; never overwrites).

    Example:

    \b
        tradejournal --journal ~/trading/journal init
        tradejournal --journal ~/trading/journal init --config ~/trading/tradejournal.toml
    """
    if config is not None:
        from tradejournal.producers.config import write_example

        try:
            write_example(config, journal=settings.journal)
        except FileExistsError:
            raise click.ClickException(f"{config} already exists: not overwritten") from None
        click.echo(f"wrote example config to {config}: edit it, then run with --config {config}")
        return
    from tradejournal.store import init_journal

    click.echo(f"created journal at {init_journal(settings.journal)}")


@cli.command()
@click.argument("source", metavar="[FILE|-]", type=click.File("rb"), default="-")
@click.option(
    "--durability",
    type=click.Choice(["always", "batch", "none"]),
    default="always",
    show_default=True,
    help="fsync policy of the write.",
)
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Give up (exit 1) when another writer holds the journal this long.  "
                   "[default: wait]")  # fmt: skip
@click.pass_obj
def append(
    settings: Settings, source: IO[bytes], durability: str, lock_timeout: float | None
) -> None:
    """Append events from JSON lines (a file, or stdin), all or nothing.

    Every line is one event: its own fields plus `type` and `ts`. A missing `producer` becomes
    `cli`, a missing `id` a fresh UUIDv7. `seq`, `recorded_ts` and `crc` belong to the store and
    are ignored when present. Every line is validated before anything is written; a bad line is
    reported as `line N: field: reason` (exit 2) and nothing is written. Blank lines are skipped;
    an event whose `id` is already in the journal (or earlier in the input) with the same content
    is skipped as a duplicate; with different content it is an error naming both (exit 2).
    When another writer holds the journal for more than a second, append says who and waits
    (at most --lock-timeout seconds).

    Example:

    \b
        echo '{"type": "bot.started", "ts": "2026-03-02T06:00:00Z"}' | tradejournal append
        tradejournal append fills.jsonl --durability batch
    """
    from tradejournal.store import Journal

    from .appendio import InputErrors, parse_jsonl

    try:
        events = parse_jsonl(source)
    except InputErrors as exc:
        raise InputError(str(exc)) from exc
    from tradejournal.store import ConflictingIdError

    def waiting(message: str) -> None:
        click.echo(f"{message} ...", err=True)

    with Journal.open(
        settings.journal,
        durability=durability,  # type: ignore[arg-type]
        lock_timeout=lock_timeout,
        on_lock_wait=waiting,
    ) as journal:
        try:
            seqs = journal.append_many(events)
        except ConflictingIdError as exc:  # bad input: exit 2, nothing written
            raise InputError(f"Error: {exc}") from exc
    click.echo(_appended(seqs.new, seqs.duplicates))


@cli.command()
@click.option("-n", "--lines", "count", type=click.IntRange(min=0), default=10, show_default=True,
              help="Print the last N of the selected events.")  # fmt: skip
@click.option("-f", "--follow", is_flag=True, help="Then keep printing new events (Ctrl-C stops).")
@click.option("--from-seq", type=click.IntRange(min=1), help="Select events from this seq on.")
@click.option("--since", type=click.STRING, callback=lambda c, p, v: parse_timestamp(v, "--since"),
              metavar="TS", help="Select events with ts >= TS (RFC 3339 or YYYY-MM-DD; UTC).")  # fmt: skip
@click.option("--type", "types", multiple=True, metavar="TAG|FAMILY",
              help="Select a type (deal.filled) or family (deal); repeatable.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(EVENT_FORMATS), default="jsonl",
              show_default=True, help="JSON lines, or a table for people.")  # fmt: skip
@click.pass_obj
def tail(
    settings: Settings,
    count: int,
    follow: bool,
    from_seq: int | None,
    since: dt.datetime | None,
    types: tuple[str, ...],
    fmt: str,
) -> None:
    """Print the last events of the journal, optionally filtered, optionally following.

    Filters (--from-seq, --since, --type) select events; -n prints the last N of them.

    Example:

    \b
        tradejournal tail -n 20 --type deal --format table
        tradejournal tail --since 2026-03-02T09:00:00Z --type recommendation
        tradejournal tail -n 0 --follow
    """
    from tradejournal.store import follow_events, read_events, snapshot

    from . import output

    _check_types(types)
    end = snapshot(settings.journal).last_seq
    start = from_seq or 1
    if not types and since is None:
        start = max(start, end - count + 1)  # no filter: read only what is printed
    last: deque[Any] = deque(maxlen=count)
    for event in read_events(settings.journal, start, types or None, since):
        if event.seq is not None and event.seq > end:
            break
        last.append(event)
    output.print_events(last, fmt, fixed=follow)
    if follow:
        new = follow_events(settings.journal, max(end + 1, start), types or None)
        try:
            output.print_event_rows((e for e in new if since is None or e.ts >= since), fmt)
        except KeyboardInterrupt:
            pass


@cli.command()
@click.pass_obj
def verify(settings: Settings) -> None:
    """Check every line (frame, CRC, seq, schema), every id and every seal of the journal.

    Prints `ok: ...` and exits 0 when clean; otherwise prints one `segment:line:offset: reason`
    line per problem and exits 1.

    Example:

    \b
        tradejournal --journal demo-journal verify
    """
    from tradejournal.store import verify as verify_journal

    from . import output

    total = _journal_bytes(settings.journal)
    with output.byte_progress(total, "verifying", enabled=sys.stderr.isatty()) as advance:
        report = verify_journal(settings.journal, progress=advance)
    segments = plural(report.segments, "segment")
    if report.ok:
        events = plural(report.events, "event")
        click.echo(f"ok: {events} in {segments}, last seq {report.last_seq}")
        return
    for problem in report.problems:
        click.echo(str(problem))
    first = report.problems[0]
    if "repair --truncate-tail" in first.reason:
        advice = ""  # a torn tail: the line says what to run
    else:
        where = f"{first.segment}:{first.offset if first.offset is not None else 0}"
        advice = "\nto cut the log at the first problem: " + CUT_ADVICE.format(
            where=where, what="that line"
        )
    raise click.ClickException(
        f"{plural(len(report.problems), 'problem')} in {segments} ({report.events} lines checked)"
        + advice
    )


@cli.command()
@click.option("--truncate-tail", is_flag=True, help="Cut a torn tail to quarantine/.")
@click.option("--truncate-at", "truncate_at", metavar="SEGMENT:OFFSET",
              help="Move everything from this line on (as `verify` prints it) to quarantine/.")  # fmt: skip
@click.option("--reindex", is_flag=True, help="Rebuild the id index from the log as it is.")
@click.pass_obj
def repair(settings: Settings, truncate_tail: bool, truncate_at: str | None, reindex: bool) -> None:
    """Repair the journal explicitly, keeping every cut byte in quarantine/.

    --truncate-tail cuts a torn tail (a partial or bad last line); damage anywhere else is never
    cut by it. --truncate-at SEGMENT:OFFSET cuts the log at that line: the rest of that segment
    and every later segment move to quarantine/ (for a bad line with good lines after it, or a
    changed sealed segment). --reindex rebuilds the id index from the log as it is. Run
    `tradejournal verify` first to see what is wrong.

    Example:

    \b
        tradejournal verify || tradejournal repair --truncate-tail
        tradejournal repair --truncate-at 00000000000000000001.jsonl:2048
        tradejournal repair --reindex
    """
    from tradejournal.store import CorruptionError, parse_position
    from tradejournal.store import repair as repair_journal
    from tradejournal.store import truncate_at as cut_at

    if not (truncate_tail or truncate_at or reindex):
        raise click.UsageError(
            "repair changes the journal only when asked: pass --truncate-tail, "
            "--truncate-at SEGMENT:OFFSET or --reindex"
        )
    if truncate_at:
        try:
            segment, offset = parse_position(truncate_at)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--truncate-at'") from None
        with _muted("tradejournal.store"):
            for message in cut_at(settings.journal, segment, offset).messages():
                click.echo(message)
        return
    try:
        with _muted("tradejournal.store"):  # the recovery messages are printed below
            messages = repair_journal(settings.journal, reindex=reindex).messages()
    except CorruptionError as exc:
        raise click.ClickException(
            f"{exc}\nthis is not a torn tail, so --truncate-tail will not cut it (good events "
            f"may follow); {corruption_advice(exc)}"
        ) from exc
    for message in messages or ["nothing to repair"]:
        click.echo(message)


@cli.command()
@click.option("--force", is_flag=True, help="Append even if the journal already has events.")
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Random seed of prices, latencies, tickets. [default: 42]",
)
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The UTC trading day to generate. [default: 2026-03-02]")  # fmt: skip
@click.pass_obj
def demo(settings: Settings, force: bool, seed: int | None, day: dt.datetime | None) -> None:
    """Write a deterministic synthetic trading day into the journal (created if missing).

    Several hundred events of every family: chats, commands, signals, AI recommendations,
    orders, fills, stop moves, OCO brackets, account snapshots, timings and alerts. The same
    --date and --seed always give the same events and ids, so re-running a day adds nothing.
    Refuses a journal that already has events unless --force.

    Example:

    \b
        tradejournal --journal demo-journal demo
        tradejournal --journal demo-journal demo --date 2026-03-03 --seed 7 --force
    """
    from tradejournal.producers.demo import DEFAULT_DATE, DEFAULT_SEED, generate_day

    date, seed = (day.date() if day else DEFAULT_DATE), (DEFAULT_SEED if seed is None else seed)
    events = generate_day(date, seed=seed)
    with _open_or_init(settings.journal) as journal:
        if journal.last_seq and not force:
            raise click.ClickException(
                f"{settings.journal} already holds {plural(journal.last_seq, 'event')}: "
                "demo writes only into an empty journal (--force appends anyway)"
            )
        seqs = journal.append_many(events)
    click.echo(_appended(seqs.new, seqs.duplicates) + f" for the demo day {date} (seed {seed})")
    _print_type_counts(events, seqs)


def main() -> None:
    """Run the command line (the ``tradejournal`` and ``tj`` console scripts)."""
    cli(prog_name="tradejournal")


# --- helpers --------------------------------------------------------------------------------------


def _library_error(exc: Exception) -> click.ClickException | None:
    # one root: everything the library raises on purpose is a TradejournalError whose message
    # says what and why (events/ imports nothing heavy, so this costs no command any time)
    from tradejournal.events import TradejournalError
    from tradejournal.store import CorruptionError

    if isinstance(exc, click.ClickException):
        return None
    if isinstance(exc, CorruptionError):
        advice = corruption_advice(exc)
        return click.ClickException(f"{exc}\n{advice}" if advice else str(exc))
    if isinstance(exc, TradejournalError):
        return click.ClickException(str(exc))
    if isinstance(exc, OSError) and exc.errno != errno.EPIPE:  # click handles a closed pipe
        return click.ClickException(str(exc))
    return None


def _journal_first(args: list[str]) -> list[str]:
    """Move ``--journal DIR`` / ``--journal=DIR`` given after the subcommand to the front."""
    if "--" in args:
        head, tail = args[: args.index("--")], args[args.index("--") :]
    else:
        head, tail = args, []
    moved: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(head):
        arg = head[i]
        if arg == "--journal" and i + 1 < len(head):
            moved += head[i : i + 2]
            i += 2
            continue
        (moved if arg.startswith("--journal=") else rest).append(arg)
        i += 1
    return moved + rest + tail


def _open_or_init(path: Path) -> Any:
    # Journal.open(create=True) hides why a directory cannot become a journal; init says why
    from tradejournal.store import Journal, JournalNotFoundError, init_journal

    try:
        return Journal.open(path)
    except JournalNotFoundError:
        init_journal(path)
        return Journal.open(path)


def _appended(new: list[int], duplicates: int) -> str:
    seqs = f" (seq {new[0]}..{new[-1]})" if new else ""
    skipped = "duplicate" if duplicates == 1 else "duplicates"
    return f"appended {plural(len(new), 'event')}{seqs}, {duplicates} {skipped} skipped"


def _print_type_counts(events: list[Any], seqs: Appended) -> None:
    from collections import Counter

    from tradejournal.events import EVENT_TYPES, event_tag

    from . import output

    written: Counter[str] = Counter()
    new = set(seqs.new)
    for event, seq in zip(events, seqs, strict=True):
        if seq in new:
            written[event_tag(event)] += 1
            new.discard(seq)
    rows = [(tag, written[tag]) for tag in EVENT_TYPES if written[tag]]
    if rows:
        output.print_rows(["type", "events"], [*rows, ("total", sum(written.values()))])


def _check_types(types: tuple[str, ...]) -> None:
    from tradejournal.events import EVENT_TYPES

    for wanted in types:
        if not any(tag == wanted or tag.startswith(wanted + ".") for tag in EVENT_TYPES):
            families = sorted({tag.split(".")[0] for tag in EVENT_TYPES})
            raise click.BadParameter(
                f"{wanted!r} is neither an event type nor a family ({', '.join(families)})",
                param_hint="'--type'",
            )


def parse_timestamp(value: str | None, option: str) -> dt.datetime | None:
    """Return an option's RFC 3339 timestamp or YYYY-MM-DD date as an aware datetime (naive: UTC)."""
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an RFC 3339 timestamp or a YYYY-MM-DD date", param_hint=f"'{option}'"
        ) from None
    if not 1970 <= parsed.year <= 2100:  # 0001-01-01 or 9999-12-31 is a typo, not a filter
        raise click.BadParameter(
            f"{value!r}: the year must be between 1970 and 2100", param_hint=f"'{option}'"
        )
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed


def check_window(since: dt.datetime | None, until: dt.datetime | None) -> None:
    """Refuse a ``--since``/``--until`` window that is backwards or empty (a usage error)."""
    if since is None or until is None or since < until:
        return
    relation = "is after" if since > until else "is not before"
    raise click.UsageError(
        f"--since {_utc(since)} {relation} --until {_utc(until)}: the window is empty "
        "(--since is the start, --until the end)"
    )


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_zone(value: str | None, option: str = "--tz") -> str | None:
    """Return an option's IANA time zone name unchanged, or refuse it as a usage error."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder ("Europe")
        raise click.BadParameter(
            f'{value!r} is not an IANA time zone: give a name like "Europe/Paris", '
            '"America/New_York" or "UTC"',
            param_hint=f"'{option}'",
        ) from None
    return value


def _journal_bytes(root: Path) -> int | None:
    from tradejournal.store import StoreError, snapshot

    try:
        return sum(s.path.stat().st_size for s in snapshot(root).segments)
    except (StoreError, OSError):
        return None  # verify itself reports what is wrong


def plural(n: int, word: str) -> str:
    """Return ``1 event`` / ``2 events``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _EchoHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)


def _log_warnings_to_stderr() -> None:
    # the store logs what recovery did on open (a torn tail cut, the index rebuilt): show it
    logger = logging.getLogger("tradejournal")
    if not any(isinstance(h, _EchoHandler) for h in logger.handlers):
        logger.addHandler(_EchoHandler(logging.WARNING))


@contextmanager
def _muted(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    was, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = was


# --- commands defined in sibling modules: one line each ---------------------------------------
from .export_cmds import export, restore  # noqa: E402

cli.add_command(export)
cli.add_command(restore)
from .bot_cmd import bot  # noqa: E402

cli.add_command(bot)
