"""The store's check of events before writing them: ``checked_copies`` and its copy types.

A batch is checked by converting each event's attributes (``msgspec.convert``, one call per
event type) into a *copy type*: the event's fields, order, types and constraints, untagged,
mutable and without ``__post_init__`` (which ran when the event was built). The copies are what
the store stamps with ``seq`` and ``recorded_ts`` and encodes, so checking costs no JSON round
trip and every event is checked. Errors are ``InvalidEventError`` naming the field and the
first bad event of the batch.
"""

from __future__ import annotations

import math
import sys
import types
from decimal import Decimal
from typing import Annotated, Any, Final, NamedTuple, Union, get_args, get_origin

import msgspec

from . import EVENT_TYPES, _invalid
from ._base import Event
from .errors import InvalidEventError

__all__ = ["CheckedGroup", "checked_copies", "unencodable"]


def _untagged(cls: type[Event]) -> type[msgspec.Struct]:
    # The same fields, order, types and constraints, untagged and mutable (see checked_copies;
    # msgspec.convert from attributes into a tagged struct costs half as much again).
    fields = [
        (f.name, _finite(f.type), None if f.required is False else msgspec.NODEFAULT)
        for f in msgspec.structs.fields(cls)
    ]
    # gc=False: copies hold only strings, numbers, datetimes and lists of strings (no cycles)
    return msgspec.defstruct(cls.__name__, fields, kw_only=True, gc=False)


_FLOAT_MAX: Final = sys.float_info.max


def _finite(tp: Any) -> Any:
    """``tp`` with every float bounded to the finite range: JSON has no NaN or infinity (the
    encoder writes them as null), so a float that is not finite must be refused like a wrong
    type. Checking the decoded JSON caught it; checking the Python value needs the bound."""
    if tp is float:
        return Annotated[float, msgspec.Meta(ge=-_FLOAT_MAX, le=_FLOAT_MAX)]
    origin, args = get_origin(tp), get_args(tp)
    if origin is Annotated and args[0] is float:
        metas = [m for m in tp.__metadata__ if isinstance(m, msgspec.Meta)]
        ge = None if any(m.ge is not None for m in metas) else -_FLOAT_MAX
        le = None if any(m.le is not None for m in metas) else _FLOAT_MAX
        return tp if ge is None and le is None else Annotated[tp, msgspec.Meta(ge=ge, le=le)]
    if origin in (Union, types.UnionType):
        return Union[tuple(_finite(a) for a in args)]  # noqa: UP007
    return tp


_COPY_OF: Final[dict[type, tuple[type[msgspec.Struct], Any, bytes]]] = {
    c: (u, list[u], b'{"type":%s,' % msgspec.json.encode(c.__struct_config__.tag))  # type: ignore[valid-type]
    for c, u in ((c, _untagged(c)) for c in EVENT_TYPES.values())
}


class CheckedGroup(NamedTuple):
    """Events of one type from a batch, checked: what ``checked_copies`` returns per type.

    ``opening`` is the type's encoding up to its tag member (``{"type":"deal.filled",``);
    ``positions`` the indexes of its events in the batch; ``copies`` their checked copies, in
    the same order: ``opening + ENCODER.encode(copy)[1:]`` is the event's own encoding.
    """

    opening: bytes
    positions: list[int]
    copies: list[Any]


def checked_copies(events: list[Event]) -> list[CheckedGroup]:
    """Check the values of events against their declared types; return mutable copies.

    Per event type, one ``msgspec.convert`` of all its events from their attributes into an
    untagged copy type with the same fields, order, types and constraints but no
    ``__post_init__`` (which ran when each event was built): wrong Python types, values out of
    a field's bounds, naive datetimes and events of a class outside the catalogue are refused
    with ``InvalidEventError`` naming the field, whose ``index`` is the first bad event's. The
    copies are mutable, so the store stamps ``seq`` and ``recorded_ts`` on them and encodes
    each once: validation costs no JSON round trip.
    """
    if len(events) == 1:  # a single append: no grouping
        spec = _COPY_OF.get(type(events[0]))
        if spec is not None:
            try:
                copy = msgspec.convert(events[0], spec[0], from_attributes=True)
                return [CheckedGroup(spec[2], [0], [copy])]
            except msgspec.ValidationError:
                pass
        _raise_first_invalid(events)
    types = list(map(type, events))
    groups: dict[type, list[int]] = {}
    for i, cls in enumerate(types):
        positions = groups.get(cls)
        if positions is None:
            positions = groups[cls] = []
        positions.append(i)
    out = []
    try:
        for cls, positions in groups.items():
            _, list_type, opening = _COPY_OF[cls]
            members = [events[i] for i in positions]
            copies = msgspec.convert(members, list_type, from_attributes=True)
            out.append(CheckedGroup(opening, positions, copies))
    except (KeyError, msgspec.ValidationError):
        _raise_first_invalid(events)
        raise  # pragma: no cover - the first invalid event raised above
    return out


def unencodable(events: list[Event], exc: ValueError) -> InvalidEventError:
    """Name the first field the encoder refused (a non-finite decimal, set around the checks
    of ``__post_init__``) as an ``InvalidEventError`` for ``exc``."""
    for i, event in enumerate(events):
        for name in event.__struct_fields__:
            value = getattr(event, name)
            if isinstance(value, Decimal):
                finite = value.is_finite()
            else:
                finite = not isinstance(value, float) or math.isfinite(value)
            if not finite:
                return InvalidEventError(name, f"must be a finite number, was {value}", i)
    return InvalidEventError("", f"cannot be encoded as JSON: {exc}")


def _raise_first_invalid(events: list[Event]) -> None:
    for i, event in enumerate(events):
        spec = _COPY_OF.get(type(event))
        if spec is None:
            name = type(event).__name__
            raise InvalidEventError("type", f"not a catalogue event: {name}", i)
        try:
            msgspec.convert(event, spec[0], from_attributes=True)
        except msgspec.ValidationError as exc:
            err = _invalid(exc)
            raise InvalidEventError(err.field, err.reason, i) from exc
