"""Line framing: one event per line, self-checking with a CRC-32 as the last field.

A line is ``{...event fields...,"crc":N}\\n`` where N is the CRC-32 (zlib) of the line's bytes
before ``,"crc":``. The file stays plain JSONL for DuckDB and jq. ``seq``, ``id`` and
``recorded_ts`` are read with a small partial decoder so scanning never builds full events.
"""

from __future__ import annotations

import zlib

import msgspec

from tradejournal.events import ENCODER, CheckedGroup, TradejournalError

__all__ = ["CRC_MARK", "FrameError", "Head", "frame", "frame_stamped", "read_head", "unframe"]

CRC_MARK = b',"crc":'


class FrameError(TradejournalError, ValueError):
    """A line is not a valid framed record (reason in the message)."""


class Head(msgspec.Struct):
    """The envelope fields the store itself needs from a line."""

    seq: int
    id: str
    recorded_ts: str | None = None


_HEAD_DECODER = msgspec.json.Decoder(Head)


def frame(body: bytes) -> bytes:
    """Return the framed line (with CRC and newline) for an encoded JSON object ``body``."""
    inner = body[:-1]
    return b"%s%s%d}\n" % (inner, CRC_MARK, zlib.crc32(inner))


def frame_stamped(groups: list[CheckedGroup], first_seq: int, recorded_ts: bytes) -> bytes:
    """Stamp checked copies (``events.checked_copies`` of a batch) with seq ``first_seq + i``
    (i: the event's index in the batch) and ``recorded_ts`` (its JSON encoding, the same for
    the whole batch), and return their framed lines in batch order, joined.

    One encode per event; the CRC carries on from the opening's (``{"type":...,``), so no line
    is copied or searched after encoding.
    """
    encode, crc32, raw = ENCODER.encode, zlib.crc32, msgspec.Raw(recorded_ts)
    n = len(groups[0].positions) if len(groups) == 1 else sum(len(g.positions) for g in groups)
    lines = [b""] * n
    for opening, positions, copies in groups:
        start = _OPENING_CRC.get(opening)
        if start is None:
            start = _OPENING_CRC[opening] = crc32(opening)
        for i, copy in zip(positions, copies, strict=True):
            copy.seq = first_seq + i
            copy.recorded_ts = raw
            rest = encode(copy)[1:-1]
            lines[i] = b"%s%s%s%d}\n" % (opening, rest, CRC_MARK, crc32(rest, start))
    return lines[0] if n == 1 else b"".join(lines)


_OPENING_CRC: dict[bytes, int] = {}


def unframe(line: bytes) -> bytes:
    """Check a line (without its newline) and return the JSON object without the crc field."""
    i = line.rfind(CRC_MARK)
    if i < 0 or not line.endswith(b"}"):
        raise FrameError("no crc field at the end of the line")
    digits = line[i + len(CRC_MARK) : -1]
    if not digits.isdigit() or len(digits) > 10:  # a CRC-32 has at most 10 digits
        raise FrameError("crc field is not a CRC-32 number")
    inner = line[:i]
    computed = zlib.crc32(inner)
    if computed != int(digits):
        raise FrameError(f"crc mismatch: line says {int(digits)}, bytes give {computed}")
    return inner + b"}"


def read_head(body: bytes) -> Head:
    """Decode seq, id and recorded_ts from an unframed body; raise FrameError if absent."""
    try:
        return _HEAD_DECODER.decode(body)
    except msgspec.MsgspecError as exc:
        raise FrameError(f"not a journal record: {exc}") from exc
