"""Render events and rows for the terminal: JSON lines, rich tables, JSON, CSV and Markdown.

Rendering only; nothing here touches a journal. Output that is not a terminal gets no colour and a
fixed width (``$COLUMNS``, else 160) so it is stable for scripts and tests.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tradejournal.projections.formats import json_text, plain_decimal, rfc3339

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from tradejournal.events import Event

__all__ = [
    "ENVELOPE_FIELDS",
    "EVENT_FORMATS",
    "RECORD_FORMATS",
    "ROW_FORMATS",
    "byte_progress",
    "event_json",
    "json_text",
    "make_console",
    "plain_decimal",
    "print_event_rows",
    "print_events",
    "print_json",
    "print_rows",
    "print_table",
    "rfc3339",
    "stage_progress",
    "summarize",
    "text",
]

ENVELOPE_FIELDS = (
    "seq",
    "id",
    "v",
    "ts",
    "recorded_ts",
    "producer",
    "account",
    "correlation_id",
    "causation_id",
)
"""Fields every event carries; a table shows the useful ones as columns, the rest are skipped."""
ROW_FORMATS = ("table", "csv", "json", "jsonl", "markdown")
"""``--format`` of every command with tabular output (rows, or figures as one row)."""
RECORD_FORMATS = ("table", "json")
"""``--format`` of a command that prints one report (``audit``): for people, or one JSON object."""
EVENT_FORMATS = ("table", "jsonl")
"""``--format`` of ``tail``: events as a table, or as the JSON Lines ``append`` reads back."""
PIPE_WIDTH = 160
VALUE_WIDTH = 40
_EVENT_COLUMNS = (  # (header, width): fixed, so rows printed one by one (--follow) line up
    ("seq", 7),
    ("ts", 19),
    ("type", 24),
    ("producer", 9),
    ("account", 13),
    ("summary", None),
)


def make_console(stderr: bool = False) -> Console:
    """Return a rich console on stdout (or stderr); plain and fixed-width when not a terminal."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else int(os.environ.get("COLUMNS") or PIPE_WIDTH)
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


def event_json(event: Event) -> str:
    """Return an event as one line of JSON (the catalogue encoding, without the store's crc)."""
    from tradejournal.events import ENCODER

    return ENCODER.encode(event).decode()


def summarize(event: Event, max_value: int = VALUE_WIDTH) -> str:
    """Return the event's own (non-envelope) fields as ``name=value``; unset and default ones skipped."""
    import msgspec

    parts = []
    for f in msgspec.structs.fields(event):
        value = getattr(event, f.name)
        if f.name in ENVELOPE_FIELDS or value in (None, "", []) or value == f.default:
            continue
        parts.append(f"{f.name}={_compact(value, max_value)}")
    return " ".join(parts)


def print_events(
    events: Iterable[Event], fmt: str, *, header: bool = True, fixed: bool = False
) -> None:
    """Print events as ``jsonl`` (one JSON object per line) or as a rich ``table``.

    ``fixed`` gives the table columns fixed widths, so later rows printed alone line up.
    """
    if fmt == "jsonl":
        out = sys.stdout
        for event in events:
            out.write(event_json(event) + "\n")
        out.flush()
        return
    print_table(_events_table(list(events), header, fixed))


def print_event_rows(events: Iterable[Event], fmt: str) -> None:
    """Print events one at a time as they come, flushing each (``--follow``)."""
    for event in events:
        print_events([event], fmt, header=False, fixed=True)


def print_rows(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "table", title: str = ""
) -> None:
    """Print rows as a rich table, a JSON array, JSON lines, CSV or a Markdown table.

    Every format writes a value the same way (``text``): timestamps as RFC 3339 UTC, decimals
    exactly as given (JSON: as numbers, never via float), infinite or NaN numbers as JSON null
    (an empty cell in CSV, as None).
    """
    out = sys.stdout
    if fmt == "table":
        from rich.table import Table
        from rich.text import Text

        cells = [[visible(text(v)) for v in row] for row in rows]  # control characters escaped
        if not _fits(columns, cells, make_console().width):
            _print_records(columns, cells, title)  # never cut a value: one field per line
            return
        table = Table(title=title or None, title_justify="left")
        for i, name in enumerate(columns):
            numeric = bool(rows) and isinstance(rows[0][i], int | float | Decimal)
            table.add_column(name, justify="right" if numeric else "left", no_wrap=numeric)
        for row_cells in cells:
            table.add_row(*(Text(c) for c in row_cells))  # Text: never read as rich markup
        print_table(table)
    elif fmt in ("json", "jsonl"):
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        if fmt == "json":
            out.write(json_text(records, indent=2) + "\n")
        for record in records if fmt == "jsonl" else ():
            out.write(json_text(record) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([text(v) for v in row] for row in rows)
    elif fmt == "markdown":
        out.write(_markdown(columns, rows))
    else:
        raise ValueError(f"fmt: must be one of {', '.join(ROW_FORMATS)}, was {fmt!r}")


def stream_rows(
    columns: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]], fmt: str
) -> None:
    """Write rows batch by batch as ``csv``, ``json`` or ``jsonl`` (as ``print_rows`` does),
    never holding the whole result."""
    out = sys.stdout
    writer = csv.writer(out, lineterminator="\n")
    if fmt == "csv":
        writer.writerow(columns)
    first = True
    for batch in batches:
        if fmt == "csv":
            writer.writerows([text(v) for v in row] for row in batch)
            continue
        for row in batch:
            record = dict(zip(columns, row, strict=True))
            if fmt == "jsonl":
                out.write(json_text(record) + "\n")
                continue
            body = json_text(record, indent=2).replace("\n", "\n  ")
            out.write(("[\n  " if first else ",\n  ") + body)
            first = False
    if fmt == "json":
        out.write("[]\n" if first else "\n]\n")
    out.flush()


def _fits(columns: Sequence[str], cells: list[list[str]], width: int) -> bool:
    """True when a table of these cells fits ``width`` without cutting or wrapping a value."""
    widths = [len(c) for c in columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    return sum(widths) + 3 * len(widths) + 1 <= width


def _print_records(columns: Sequence[str], cells: list[list[str]], title: str) -> None:
    """Print rows too wide for the terminal as records: ``column  value`` per line."""
    out = sys.stdout
    if title:
        out.write(title + "\n")
    pad = max((len(c) for c in columns), default=0)
    for n, row in enumerate(cells, start=1):
        out.write(f"-[ row {n} ]" + "-" * max(0, pad - 6) + "\n")
        out.writelines(
            f"{name.ljust(pad)}  {value}\n" for name, value in zip(columns, row, strict=True)
        )
    out.flush()


def print_json(value: Any) -> None:
    """Print any nest of dicts, lists and values as indented JSON (decimals as exact numbers)."""
    sys.stdout.write(json_text(value, indent=2) + "\n")


def text(value: Any) -> str:
    """Return one value as text: None empty, timestamps RFC 3339 UTC, decimals exactly; an
    infinite or NaN number is empty too, as JSON writes it null (an infinite profit factor is
    flagged by ``profit_factor_is_inf``)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return rfc3339(value)
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple | dict):
        return json_text(value)
    return str(value)


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def visible(value: str) -> str:
    """Return text safe for a terminal: control and format characters (ESC, CR, newline, bidi
    overrides, ...) escaped as ``\\n``, ``\\x1b``, ``\\u202e``, so a value can neither move the
    cursor nor recolour the screen nor break a table row."""
    if value.isprintable():
        return value
    return "".join(
        c
        if unicodedata.category(c) not in _HIDDEN
        else _ESCAPES.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        for c in value
    )


@contextmanager
def stage_progress(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """Yield ``progress(stage, done, total)`` for the projections' builds: one rich bar per stage
    (``load``: segment files, ``sql``: SQL files) on stderr when ``enabled``, else a no-op."""
    if not enabled:
        yield lambda _stage, _done, _total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    labels = {"load": "loading events", "sql": "running SQL"}
    columns = (TextColumn("{task.description:<15}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=make_console(stderr=True), transient=True) as progress:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(labels.get(stage, stage), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


@contextmanager
def byte_progress(
    total: int | None, description: str, enabled: bool
) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(nbytes)``: a rich progress bar on stderr when ``enabled``, else a no-op."""
    if not enabled:
        yield lambda _n: None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn(description), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=make_console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


# --- helpers --------------------------------------------------------------------------------------


def print_table(table: Table) -> None:
    """Print a rich table on stdout, without the blanks rich pads the last column with."""
    console = make_console()
    with console.capture() as captured:
        console.print(table)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
    sys.stdout.flush()


def _events_table(events: list[Event], header: bool, fixed: bool) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from tradejournal.events import event_tag

    table = Table(box=box.SIMPLE_HEAD, show_header=header, show_edge=False, pad_edge=False)
    for name, width in _EVENT_COLUMNS:
        table.add_column(
            name,
            width=width if fixed else None,
            min_width=30 if width is None else None,
            no_wrap=width is not None,
            justify="right" if name == "seq" else "left",
            overflow="fold" if width is None else "ellipsis",
        )
    for ev in events:
        ts = ev.ts.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        cells = (str(ev.seq or ""), ts, event_tag(ev), ev.producer, ev.account or "", summarize(ev))
        table.add_row(*(Text(c) for c in cells))  # Text: "[sl 1.08]" is data, not rich markup
    return table


def _compact(value: Any, limit: int) -> str:
    if isinstance(value, dt.datetime):
        text = value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    elif isinstance(value, list):
        text = ",".join(str(v) for v in value)
    else:
        text = str(value)
    text = visible(" ".join(text.split()))
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return json.dumps(text, ensure_ascii=False) if " " in text or not text else text


def _markdown(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def line(cells: Iterable[str]) -> str:
        return "| " + " | ".join(visible(c).replace("|", "\\|") for c in cells) + " |\n"

    return (
        line(columns)
        + line("---" for _ in columns)
        + "".join(line(text(v) for v in row) for row in rows)
    )
