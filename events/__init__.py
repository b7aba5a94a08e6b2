"""The typed event catalogue: one closed union of every event, one encoder, one decoder.

Money, prices and volumes are ``Decimal`` values written as exact JSON numbers (``1.10`` stays
``1.10``); timestamps are RFC 3339 UTC. Decoding validates types, enums, ranges and signs, and
upcasts old schema versions (``events/upcast.py``). Errors are ``InvalidEventError`` naming the field.
"""

from __future__ import annotations

import inspect
import re
from typing import Any, Final, Union

import msgspec

from ._base import Event, new_id
from .account import AccountBalanceChanged, AccountSnapshot
from .conversation import ConversationEnded, ConversationMessage, ConversationStarted
from .deal import DealFilled
from .errors import InvalidEventError, TradejournalError
from .experiment import ExperimentAssigned, ExperimentStarted
from .legacy import LegacyRowImported
from .llm import LlmCalled
from .oco import OcoCreated, OcoFailed, OcoTriggered
from .ops import AlertRaised, BotStarted, BotStopped, MetricTiming
from .order import OrderCancelled, OrderModified, OrderPlaced, OrderRejected
from .position import PositionExcursion, PositionStopMoved, TradeAnnotated
from .recommendation import (
    RecommendationApproved,
    RecommendationDismissed,
    RecommendationExecuted,
    RecommendationExpired,
    RecommendationFailed,
    RecommendationInvalid,
    RecommendationIssued,
)
from .signal import SignalDetected, SignalNotified
from .terminal import SymbolSpecChanged, TerminalConnected, TerminalDisconnected
from .upcast import needs_upcast, upcast
from .user import AccessDenied, UserAction

AnyEvent = (
    ConversationStarted
    | ConversationMessage
    | ConversationEnded
    | UserAction
    | AccessDenied
    | LlmCalled
    | RecommendationIssued
    | RecommendationApproved
    | RecommendationDismissed
    | RecommendationExpired
    | RecommendationExecuted
    | RecommendationFailed
    | RecommendationInvalid
    | SignalDetected
    | SignalNotified
    | OrderPlaced
    | OrderModified
    | OrderCancelled
    | OrderRejected
    | DealFilled
    | PositionStopMoved
    | PositionExcursion
    | TradeAnnotated
    | OcoCreated
    | OcoTriggered
    | OcoFailed
    | AccountSnapshot
    | AccountBalanceChanged
    | MetricTiming
    | AlertRaised
    | BotStarted
    | BotStopped
    | ExperimentStarted
    | ExperimentAssigned
    | TerminalConnected
    | TerminalDisconnected
    | SymbolSpecChanged
    | LegacyRowImported
)
"""The closed union of every v1 event type."""

EVENT_TYPES: Final[dict[str, type[Event]]] = {
    cls.__struct_config__.tag: cls for cls in AnyEvent.__args__
}
"""Tag -> event class."""

CURRENT_VERSION: Final[dict[str, int]] = {
    tag: next(f.default for f in msgspec.structs.fields(cls) if f.name == "v")
    for tag, cls in EVENT_TYPES.items()
}
"""Tag -> the schema version this code writes."""

ENCODER: Final = msgspec.json.Encoder(decimal_format="number")
DECODER: Final = msgspec.json.Decoder(AnyEvent)
_DICT_DECODER: Final = msgspec.json.Decoder(dict[str, Any])


def _shadow(cls: type[Event]) -> type[msgspec.Struct]:
    # The same fields, types and constraints without __post_init__: a cheap gate for JSON that
    # was encoded from an event whose construction checks already ran.
    fields = [
        (f.name, f.type, None if f.required is False else msgspec.NODEFAULT)
        for f in msgspec.structs.fields(cls)
    ]
    tag = cls.__struct_config__.tag
    return msgspec.defstruct(
        cls.__name__, fields, tag=tag, tag_field="type", kw_only=True, forbid_unknown_fields=True
    )


_SHADOWS: Final = Union[tuple(_shadow(c) for c in EVENT_TYPES.values())]  # noqa: UP007
_CHECK_MANY_DECODER: Final = msgspec.json.Decoder(list[_SHADOWS])  # type: ignore[valid-type]


def encode_event(event: Event) -> bytes:
    """Return the JSON bytes of an event (no trailing newline)."""
    return ENCODER.encode(event)


def decode_event(data: bytes | str) -> Event:
    """Decode and validate one JSON event, upcasting old versions; raise InvalidEventError."""
    try:
        event: Event = DECODER.decode(data)
    except msgspec.ValidationError as exc:
        d = _try_dict(data)
        if d is not None and needs_upcast(d.get("type"), d.get("v", 1)):
            return event_from_dict(d)
        raise _invalid(exc) from exc
    except msgspec.DecodeError as exc:
        raise InvalidEventError("", f"not valid JSON: {exc}") from exc
    except UnicodeDecodeError as exc:  # msgspec raises it for bad UTF-8 inside a JSON string
        raise InvalidEventError("", f"not valid UTF-8: {exc}") from exc
    current = CURRENT_VERSION[_tag(event)]
    if event.v > current:
        raise InvalidEventError("v", f"version {event.v} is newer than this code reads ({current})")
    if event.v != current:
        d = _try_dict(data)
        if d is not None and needs_upcast(d.get("type"), d.get("v", 1)):
            return event_from_dict(d)
    return event


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of ``AnyEvent`` as the journal writes it.

    msgspec describes Decimal as a string; ``ENCODER`` writes it as an exact JSON number, so
    those nodes become ``{"type": "number", "format": "decimal"}``. Descriptions (docstrings)
    are dedented with ``inspect.cleandoc``: msgspec versions render their indentation differently,
    and the schema must not change with the library version.
    """
    schema: dict[str, Any] = _normalise_schema(msgspec.json.schema(AnyEvent))
    return schema


def _normalise_schema(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "decimal":
            node = {**node, "type": "number"}
        return {
            k: inspect.cleandoc(v)
            if k == "description" and isinstance(v, str)
            else _normalise_schema(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_normalise_schema(v) for v in node]
    return node


def check_encoded_many(bodies: list[bytes]) -> None:
    """Check many encoded events in one decoder call; the error's ``index`` names the culprit."""
    try:
        _CHECK_MANY_DECODER.decode(b"[%s]" % b",".join(bodies))
    except msgspec.ValidationError as exc:
        raise _invalid(exc) from exc
    except msgspec.DecodeError as exc:
        raise InvalidEventError("", f"not valid JSON: {exc}") from exc


def event_from_dict(d: dict[str, Any]) -> Event:
    """Build and validate an event from a plain dict (JSON types), upcasting old versions."""
    try:
        current = upcast(d)
    except ValueError as exc:  # an upcaster refused the old dict: "field: reason"
        field, sep, reason = str(exc).partition(": ")
        if not (sep and field.isidentifier()):
            field, reason = "", str(exc)
        raise InvalidEventError(field, reason) from exc
    try:
        result: Event = msgspec.convert(current, AnyEvent, strict=False)
    except msgspec.ValidationError as exc:
        raise _invalid(exc) from exc
    return result


def validate_event(event: Event) -> Event:
    """Return the event re-validated through its JSON form (catches wrong Python types)."""
    if not isinstance(event, Event) or type(event) not in _CLASSES:
        raise InvalidEventError("type", f"not a catalogue event: {type(event).__name__}")
    return decode_event(ENCODER.encode(event))


def event_tag(event: Event) -> str:
    """Return the stable tag of an event, e.g. ``deal.filled``."""
    return _tag(event)


def _tag(event: Event) -> str:
    return type(event).__struct_config__.tag  # type: ignore[return-value]


def _try_dict(data: bytes | str) -> dict[str, Any] | None:
    try:
        return _DICT_DECODER.decode(data)
    except (msgspec.DecodeError, UnicodeDecodeError):
        return None


_PATH = re.compile(r"^(?P<reason>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_NAMED_FIELD = re.compile(r"^Object (?:contains unknown|missing required) field `([^`]*)`$")


def _invalid(exc: msgspec.ValidationError) -> InvalidEventError:
    m = _PATH.match(str(exc))
    assert m is not None  # the pattern matches any string
    path = (m.group("path") or "").lstrip(".")
    reason = m.group("reason")
    index = None
    if batch := _BATCH_PATH.match(path):  # "[3].volume" from check_encoded_many
        index, path = int(batch.group(1)), batch.group(2)
    if not path and ": " in reason and reason.split(": ", 1)[0].isidentifier():
        path, reason = reason.split(": ", 1)  # raised by Event.__post_init__ as "field: reason"
    if not path and (named := _NAMED_FIELD.match(reason)):
        path = named.group(1)  # "Object contains unknown field `x`" / "missing required field"
    return InvalidEventError(path, reason, index)


_BATCH_PATH = re.compile(r"^\[(\d+)\]\.?(.*)$", re.S)
_CLASSES: Final = frozenset(EVENT_TYPES.values())

from .checked import CheckedGroup, checked_copies, unencodable  # noqa: E402 - uses the above

__all__ = [
    "CURRENT_VERSION",
    "DECODER",
    "ENCODER",
    "check_encoded_many",
    "checked_copies",
    "unencodable",
    "CheckedGroup",
    "EVENT_TYPES",
    "AccessDenied",
    "AccountBalanceChanged",
    "AccountSnapshot",
    "AlertRaised",
    "AnyEvent",
    "BotStarted",
    "BotStopped",
    "ConversationEnded",
    "ConversationMessage",
    "ConversationStarted",
    "DealFilled",
    "Event",
    "ExperimentAssigned",
    "ExperimentStarted",
    "InvalidEventError",
    "LegacyRowImported",
    "LlmCalled",
    "MetricTiming",
    "OcoCreated",
    "OcoFailed",
    "OcoTriggered",
    "OrderCancelled",
    "OrderModified",
    "OrderPlaced",
    "OrderRejected",
    "PositionExcursion",
    "PositionStopMoved",
    "RecommendationApproved",
    "RecommendationDismissed",
    "RecommendationExecuted",
    "RecommendationExpired",
    "RecommendationFailed",
    "RecommendationInvalid",
    "RecommendationIssued",
    "SignalDetected",
    "SignalNotified",
    "SymbolSpecChanged",
    "TerminalConnected",
    "TerminalDisconnected",
    "TradeAnnotated",
    "TradejournalError",
    "UserAction",
    "decode_event",
    "encode_event",
    "event_from_dict",
    "event_tag",
    "json_schema",
    "new_id",
    "validate_event",
]
