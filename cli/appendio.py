"""Parse the JSON-lines input of ``tradejournal append``: every line is checked before any write.

The store owns ``seq``, ``recorded_ts`` and ``crc``: present in the input, they are ignored. A
missing ``producer`` becomes ``cli`` and a missing ``id`` a fresh UUIDv7. Numbers are read as exact
decimals, so ``1.10`` stays ``1.10``. A bad line is reported as ``line N: field: reason``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import msgspec

from tradejournal.events import ENCODER, InvalidEventError, TradejournalError, decode_event

if TYPE_CHECKING:
    from tradejournal.events import Event

__all__ = [
    "DEFAULT_PRODUCER",
    "FORMAT_HINT",
    "IGNORED_FIELDS",
    "InputErrors",
    "parse_jsonl",
    "parse_line",
]

IGNORED_FIELDS = ("seq", "recorded_ts", "crc")
DEFAULT_PRODUCER = "cli"
MAX_REPORTED = 20
FORMAT_HINT = (
    "input must be UTF-8 JSON Lines: one complete JSON object per line (convert UTF-16 with "
    "`iconv -f UTF-16 -t UTF-8`, a pretty-printed file with `jq -c .`)"
)
_DECODER = msgspec.json.Decoder(float_hook=Decimal)
_BOM = b"\xef\xbb\xbf"


class InputErrors(TradejournalError, ValueError):
    """One or more input lines are invalid; ``errors`` holds one ``line N: ...`` text per line."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def parse_jsonl(lines: Iterable[bytes], producer: str = DEFAULT_PRODUCER) -> list[Event]:
    """Return the events of JSON-lines input (blank lines skipped) or raise InputErrors."""
    events: list[Event] = []
    errors: list[str] = []
    first_line = 0
    for n, raw in enumerate(lines, start=1):
        if n == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        if n == 1 and raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputErrors([f"line 1: this looks like UTF-16: {FORMAT_HINT}"])
        if not raw.strip():
            continue
        first_line = first_line or n
        try:
            events.append(parse_line(raw, producer))
        except InvalidEventError as exc:
            errors.append(
                f"line {n}: {exc.field}: {exc.reason}" if exc.field else f"line {n}: {exc.reason}"
            )
    if len(errors) > MAX_REPORTED:
        errors[MAX_REPORTED:] = [f"... and {len(errors) - MAX_REPORTED} more bad lines"]
    if errors:
        first = errors[0]
        if first.startswith(f"line {first_line}: ") and (
            "not valid JSON" in first or "expected a JSON object" in first
        ):  # already the first line is no JSON object: likely not JSON Lines at all
            errors.append(FORMAT_HINT)
        raise InputErrors(errors)
    return events


def parse_line(raw: bytes | str, producer: str = DEFAULT_PRODUCER) -> Event:
    """Return the validated event of one JSON object; raise InvalidEventError."""
    try:
        value: Any = _DECODER.decode(raw)
    except msgspec.DecodeError as exc:
        raise InvalidEventError("", f"not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise InvalidEventError("", f"expected a JSON object, found {_kind(value)}")
    for name in IGNORED_FIELDS:
        value.pop(name, None)
    value.setdefault("producer", producer)
    return decode_event(ENCODER.encode(value))


def _kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")
