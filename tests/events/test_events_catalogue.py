"""Specify the event catalogue: the closed union, tags, field types, schema, validation, ids, upcasts.

The golden JSON schema in ``tests/golden/event_schema.json`` makes every schema change a reviewable
diff; regenerate it with ``UPDATE_GOLDEN=1 pytest tests/events/test_events_catalogue.py``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import os
import pkgutil
import re
import time
import uuid
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import msgspec.inspect as mi
import pytest
from factories import make_deal, make_message, make_order, make_snapshot, ts

import tradejournal.events as events_pkg
from tradejournal.events import (
    CURRENT_VERSION,
    EVENT_TYPES,
    AnyEvent,
    DealFilled,
    Event,
    InvalidEventError,
    MetricTiming,
    RecommendationIssued,
    SignalDetected,
    decode_event,
    encode_event,
    event_from_dict,
    json_schema,
    new_id,
    validate_event,
)

GOLDEN_SCHEMA = Path(__file__).resolve().parents[1] / "golden" / "event_schema.json"
TAG_RE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")

# The catalogue as designed (README, "Event catalogue (v1)"): family -> tags -> required fields.
# Where the code spells a designed field differently, the comment says why.
DESIGN_CATALOGUE: dict[str, dict[str, set[str]]] = {
    "conversation": {
        "conversation.started": {"conversation_id", "user_id", "chat_id"},
        "conversation.message": {
            "conversation_id",
            "role",
            "content",
            "model",
            "prompt_tokens",
            "completion_tokens",
            "cost_usd",
            "latency_ms",
            "response_id",
        },
        "conversation.ended": {"conversation_id"},
    },
    "user": {
        "user.action": {"user_id", "chat_id", "kind", "data", "update_id"},
        "access.denied": {"user_id", "chat_id", "what"},
    },
    "llm": {
        # tokens in/out/cached
        "llm.called": {
            "model",
            "purpose",
            "prompt_tokens",
            "completion_tokens",
            "cached_tokens",
            "cost_usd",
            "latency_ms",
            "status",
            "error",
        },
    },
    "recommendation": {
        # DESIGN "entry" is ``entry_price``: ``entry`` is already the deal entry kind (in/out).
        "recommendation.issued": {
            "recommendation_id",
            "symbol",
            "direction",
            "entry_price",
            "sl",
            "tp",
            "confidence",
            "reasoning",
            "timeframe",
            "regime",
            "model",
            "conversation_id",
            "generation_ms",
            "expires_ts",
        },
        "recommendation.approved": {"recommendation_id"},
        "recommendation.dismissed": {"recommendation_id"},
        "recommendation.expired": {"recommendation_id"},
        "recommendation.executed": {"recommendation_id", "order_ticket", "position_id"},
        "recommendation.failed": {"recommendation_id"},
        "recommendation.invalid": {"raw"},
    },
    "signal": {
        "signal.detected": {
            "signal_id",
            "symbol",
            "timeframe",
            "direction",
            "confidence",
            "rsi",
            "adx",
            "atr",
            "regime",
            "reason",
        },
        "signal.notified": {"signal_id", "chat_id"},
    },
    "order": {
        "order.placed": {
            "order_ticket",
            "symbol",
            "order_type",
            "volume",
            "price",
            "sl",
            "tp",
            "magic",
            "comment",
            "oco_group_id",
            "recommendation_id",
        },
        "order.modified": {"order_ticket"},
        "order.cancelled": {"order_ticket", "reason"},
        "order.rejected": {"retcode", "comment"},
    },
    "deal": {
        "deal.filled": {
            "deal_ticket",
            "order_ticket",
            "position_id",
            "symbol",
            "side",
            "entry",
            "volume",
            "price",
            "commission",
            "swap",
            "fee",
            "profit",
            "reason",
            "magic",
            "comment",
        },
    },
    "position/trade": {
        "position.stop_moved": {
            "position_id",
            "old_sl",
            "new_sl",
            "old_tp",
            "new_tp",
            "price",
            "method",
            "r_at_move",
        },
        # "new MFE or MAE price": ``excursion`` says which, ``price`` is the extreme.
        "position.excursion": {"position_id", "excursion", "price"},
        "trade.annotated": {"position_id", "strategy", "regime", "tags", "note"},
    },
    "oco": {
        # "both legs" / "filled leg, leg to cancel, cancel latency"
        "oco.created": {"oco_group_id", "leg_a_ticket", "leg_b_ticket"},
        "oco.triggered": {"oco_group_id", "filled_ticket", "cancel_ticket", "cancel_latency_ms"},
        "oco.failed": {"oco_group_id", "kind"},
    },
    "account": {
        "account.snapshot": {"balance", "equity", "margin", "free_margin", "currency"},
        "account.balance_changed": {"kind", "amount"},
    },
    "ops": {
        "metric.timing": {"name", "duration_ms"},
        "alert.raised": {"level", "kind"},
        "bot.started": set(),
        "bot.stopped": set(),
    },
    "experiment": {
        "experiment.started": {"experiment_id", "variants"},
        "experiment.assigned": {"user_id", "variant"},
    },
}
ENVELOPE_FIELDS = ("seq", "id", "type", "v", "ts", "recorded_ts", "producer", "account")

# Field names whose annotation may differ between event types (the normalised column type must
# still agree). Each entry says why; an entry that no longer differs fails the stale-entry test.
ANNOTATION_ALLOW_LIST: dict[str, str] = {
    "reason": "free text on conversation/bot/signal events; a closed Literal per family on "
    "order.cancelled and deal.filled",
    "kind": "a closed Literal per family (user.action, oco.failed, account.balance_changed); "
    "open text on alert.raised, whose kinds grow with new alerts",
}

UTC = dt.UTC
TS = "2024-03-04T09:00:00.123456Z"


# --- the closed union -----------------------------------------------------------------------


def _event_classes_defined_in_package() -> set[type[Event]]:
    found: set[type[Event]] = set()
    for mod in pkgutil.iter_modules(events_pkg.__path__, events_pkg.__name__ + "."):
        module = importlib.import_module(mod.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Event) and obj is not Event and obj.__module__ == module.__name__:
                found.add(obj)
    return found


def _tag(cls: type[Event]) -> str:
    return str(cls.__struct_config__.tag)


UNION: tuple[type[Event], ...] = AnyEvent.__args__  # type: ignore[attr-defined]


def test_every_event_subclass_is_in_the_union() -> None:
    defined = _event_classes_defined_in_package()

    assert len(defined) >= 30
    assert defined == set(UNION), f"missing from AnyEvent: {defined - set(UNION)}"


def test_tags_are_unique_dotted_and_indexed() -> None:
    tags = [_tag(cls) for cls in UNION]

    assert len(tags) == len(set(tags)), f"duplicate tags: {sorted(tags)}"
    assert [t for t in tags if not TAG_RE.match(t)] == []
    assert EVENT_TYPES == {_tag(cls): cls for cls in UNION}
    assert set(CURRENT_VERSION) == set(tags)


def test_every_design_family_and_tag_is_present() -> None:
    design_tags = {tag for family in DESIGN_CATALOGUE.values() for tag in family}

    assert sorted(design_tags - set(EVENT_TYPES)) == []
    assert sorted(set(EVENT_TYPES) - design_tags) == [], "new tag: add it to DESIGN_CATALOGUE"


@pytest.mark.parametrize(
    ("tag", "required"),
    [(tag, fields) for family in DESIGN_CATALOGUE.values() for tag, fields in family.items()],
)
def test_event_carries_the_design_fields_and_the_envelope(tag: str, required: set[str]) -> None:
    names = {f.encode_name for f in mi.type_info(EVENT_TYPES[tag]).fields} | {"type"}

    assert sorted(required - names) == []
    assert sorted(set(ENVELOPE_FIELDS) - names) == []


@pytest.mark.parametrize("cls", UNION, ids=_tag)
def test_docstring_starts_with_its_tag(cls: type[Event]) -> None:
    doc = cls.__doc__ or ""

    assert re.match(rf"Tag: {re.escape(_tag(cls))}\b(?!\.)", doc), doc.splitlines()[:1]


# --- one type per field name ----------------------------------------------------------------


def _strip_none(t: mi.Type) -> mi.Type:
    if isinstance(t, mi.UnionType):
        rest = tuple(x for x in t.types if not isinstance(x, mi.NoneType))
        return rest[0] if len(rest) == 1 else mi.UnionType(rest)
    return t


def _column_type(t: mi.Type) -> str:
    """Return the storage type of a field: no ``None``, no metadata, string Literals are str."""
    t = _strip_none(t)
    if isinstance(t, mi.Metadata):
        return _column_type(t.type)
    if isinstance(t, mi.LiteralType):
        kinds = {type(v).__name__ for v in t.values}
        assert len(kinds) == 1, f"mixed Literal {t}"
        return kinds.pop()
    if isinstance(t, mi.ListType):
        return f"list[{_column_type(t.item_type)}]"
    if isinstance(t, mi.UnionType):
        return " | ".join(sorted(_column_type(x) for x in t.types))
    return {
        mi.StrType: "str",
        mi.IntType: "int",
        mi.FloatType: "float",
        mi.BoolType: "bool",
        mi.DecimalType: "decimal",
        mi.DateTimeType: "datetime",
    }[type(t)]


def _fields_by_name() -> dict[str, list[tuple[str, mi.Field]]]:
    by_name: dict[str, list[tuple[str, mi.Field]]] = defaultdict(list)
    for tag, cls in EVENT_TYPES.items():
        info = mi.type_info(cls)
        assert isinstance(info, mi.StructType)
        for field in info.fields:
            by_name[field.encode_name].append((tag, field))
    return by_name


def test_one_column_type_per_field_name() -> None:
    conflicts = {}
    for name, uses in _fields_by_name().items():
        types = {_column_type(f.type): tag for tag, f in uses}
        if len(types) > 1:
            conflicts[name] = types

    assert conflicts == {}, "one field name must have one type across the catalogue"


def test_one_annotation_per_field_name_except_the_allow_list() -> None:
    conflicts = {}
    for name, uses in _fields_by_name().items():
        first_tag, first = uses[0]
        for tag, field in uses[1:]:
            if _strip_none(field.type) != _strip_none(first.type) and name not in (
                ANNOTATION_ALLOW_LIST
            ):
                conflicts[name] = (first_tag, tag)

    assert conflicts == {}, "reuse the shared annotation (events/_base.py) or allow-list it"


@pytest.mark.parametrize("name", sorted(ANNOTATION_ALLOW_LIST))
def test_annotation_allow_list_has_no_stale_entry(name: str) -> None:
    annotations = {repr(_strip_none(f.type)) for _, f in _fields_by_name()[name]}

    assert len(annotations) > 1, f"{name} no longer differs: remove it from the allow-list"


# --- golden schema ----------------------------------------------------------------------------


def _cleaned(node: Any) -> Any:
    """The schema with every description dedented: text a library may indent differently."""
    if isinstance(node, dict):
        return {
            k: inspect.cleandoc(v) if k == "description" and isinstance(v, str) else _cleaned(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_cleaned(v) for v in node]
    return node


def test_json_schema_matches_the_golden_file() -> None:
    schema = json_schema()
    actual = json.dumps(schema, indent=2, sort_keys=True) + "\n"

    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN_SCHEMA.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN_SCHEMA.write_text(actual, encoding="utf-8", newline="\n")
    expected = (
        json.loads(GOLDEN_SCHEMA.read_text(encoding="utf-8")) if GOLDEN_SCHEMA.exists() else {}
    )

    assert _cleaned(schema) == _cleaned(expected), (
        f"the event schema changed; review the change, then regenerate {GOLDEN_SCHEMA} with "
        "`UPDATE_GOLDEN=1 .venv/bin/pytest tests/events/test_events_catalogue.py` and commit it"
    )


def test_json_schema_descriptions_do_not_depend_on_the_library_indentation() -> None:
    def descriptions(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [v for k, v in node.items() if k == "description" and isinstance(v, str)]
            return own + [d for v in node.values() for d in descriptions(v)]
        if isinstance(node, list):
            return [d for v in node for d in descriptions(v)]
        return []

    found = descriptions(json_schema())
    assert found, "the catalogue's docstrings should reach the schema"
    assert all(d == inspect.cleandoc(d) for d in found)


# --- validation -------------------------------------------------------------------------------


def _line(event: Event, **changes: Any) -> dict[str, Any]:
    d: dict[str, Any] = msgspec.json.decode(encode_event(event))
    for key, value in changes.items():
        if value is ...:
            del d[key]
        else:
            d[key] = value
    return d


def _signal(**overrides: Any) -> SignalDetected:
    fields: dict[str, Any] = {
        "ts": ts(),
        "producer": "scanner",
        "signal_id": "sig-1",
        "symbol": "EURUSD",
        "timeframe": "H1",
        "direction": "BUY",
        "confidence": 72.5,
        "rsi": 28.0,
    }
    return SignalDetected(**(fields | overrides))


def _recommendation(**overrides: Any) -> RecommendationIssued:
    fields: dict[str, Any] = {
        "ts": ts(),
        "producer": "llm",
        "recommendation_id": "rec-1",
        "symbol": "EURUSD",
        "direction": "BUY",
        "entry_price": Decimal("1.08500"),
        "sl": Decimal("1.08000"),
        "tp": Decimal("1.09500"),
        "confidence": 80.0,
        "model": "gpt-4o-mini",
    }
    return RecommendationIssued(**(fields | overrides))


_LLM = {"type": "llm.called", "ts": TS, "producer": "llm", "model": "m", "purpose": "chat"}

INVALID_LINES: list[tuple[str, dict[str, Any], str]] = [
    ("volume zero", _line(make_deal(), volume=0), "volume"),
    ("volume negative", _line(make_deal(), volume=-0.1), "volume"),
    ("volume zero as string", _line(make_deal(), volume="0.00"), "volume"),
    ("order volume negative", _line(make_order(), volume=-1), "volume"),
    ("price negative", _line(make_deal(), price=-1.1), "price"),
    ("sl negative", _line(make_order(), sl=-1), "sl"),
    ("price NaN", _line(make_deal(), price="NaN"), "price"),
    ("price Infinity", _line(make_deal(), price="Infinity"), "price"),
    ("money -Infinity", _line(make_deal(), commission="-Infinity"), "commission"),
    ("money NaN", _line(make_snapshot(), equity="NaN"), "equity"),
    ("usd negative", _line(make_message(), cost_usd=-0.01), "cost_usd"),
    ("tokens negative", _line(make_message(), prompt_tokens=-1), "prompt_tokens"),
    ("latency negative", _line(make_message(), latency_ms=-1.0), "latency_ms"),
    ("naive ts", _line(make_deal(), ts="2024-03-04T09:00:00"), "ts"),
    ("naive recorded_ts", _line(make_deal(), recorded_ts="2024-03-04T09:00:00.5"), "recorded_ts"),
    ("not a date", _line(make_deal(), ts="yesterday"), "ts"),
    ("unknown field", _line(make_deal(), volume_lots=1), "volume_lots"),
    ("unknown type tag", _line(make_deal(), type="deal.exploded"), "type"),
    ("missing type tag", _line(make_deal(), type=...), "type"),
    ("missing required field", _line(make_deal(), symbol=...), "symbol"),
    ("bad enum side", _line(make_deal(), side="long"), "side"),
    ("bad enum entry", _line(make_deal(), entry="IN"), "entry"),
    ("bad enum role", _line(make_message(), role="bot"), "role"),
    ("wrong json type", _line(make_deal(), deal_ticket="1001x"), "deal_ticket"),
    ("seq zero", _line(make_deal(), seq=0), "seq"),
    ("empty id", _line(make_deal(), id=""), "id"),
    ("empty producer", _line(make_deal(), producer=""), "producer"),
    ("confidence over 100", _line(_signal(), confidence=100.5), "confidence"),
    ("confidence negative", _line(_recommendation(), confidence=-1), "confidence"),
    ("signal HOLD", _line(_signal(), direction="HOLD"), "direction"),
    ("BUY sl above entry", _line(_recommendation(), sl=1.09), "sl"),
    ("BUY tp below entry", _line(_recommendation(), tp=1.08), "tp"),
    ("SELL sl below entry", _line(_recommendation(), direction="SELL", tp=1.07), "sl"),
    ("llm error without message", {**_LLM, "latency_ms": 5, "status": "error"}, "error"),
]


@pytest.mark.parametrize(
    ("line", "field"), [c[1:] for c in INVALID_LINES], ids=[c[0] for c in INVALID_LINES]
)
def test_invalid_line_is_rejected_naming_the_field(line: dict[str, Any], field: str) -> None:
    data = json.dumps(line)

    with pytest.raises(InvalidEventError) as caught:
        decode_event(data)

    assert caught.value.field == field, str(caught.value)
    assert str(caught.value).startswith(f"{field}: ")
    with pytest.raises(InvalidEventError) as again:
        event_from_dict(line)
    assert again.value.field == field


def test_not_json_is_rejected_without_a_field() -> None:
    with pytest.raises(InvalidEventError) as caught:
        decode_event(b'{"type": "deal.filled", ')

    assert caught.value.field == ""
    assert "not valid JSON" in caught.value.reason


def test_unknown_field_error_names_the_field() -> None:
    with pytest.raises(InvalidEventError, match="unknown field `volume_lots`"):
        decode_event(json.dumps(_line(make_deal(), volume_lots=1)))


INVALID_CONSTRUCTIONS: list[tuple[str, Any, str]] = [
    ("volume NaN", lambda: make_deal(volume=Decimal("NaN")), "volume"),
    ("price sNaN", lambda: make_deal(price=Decimal("sNaN")), "price"),
    ("price Infinity", lambda: make_order(price=Decimal("Infinity")), "price"),
    ("money -Infinity", lambda: make_snapshot(balance=Decimal("-Infinity")), "balance"),
    ("volume zero", lambda: make_deal(volume=Decimal(0)), "volume"),
    ("price negative", lambda: make_deal(price=Decimal("-0.00001")), "price"),
    ("volume as float", lambda: make_deal(volume=0.1), "volume"),
    ("latency NaN", lambda: make_message(latency_ms=float("nan")), "latency_ms"),
    ("naive ts", lambda: make_deal(ts=dt.datetime(2024, 3, 4, 9)), "ts"),  # noqa: DTZ001
    ("signal HOLD", lambda: _signal(direction="HOLD"), "direction"),
    ("SELL sl below entry", lambda: _recommendation(direction="SELL", tp=None), "sl"),
]


@pytest.mark.parametrize(
    ("build", "field"),
    [c[1:] for c in INVALID_CONSTRUCTIONS],
    ids=[c[0] for c in INVALID_CONSTRUCTIONS],
)
def test_invalid_construction_raises_value_error_naming_the_field(build: Any, field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build()


def test_hold_recommendation_needs_no_stops() -> None:
    rec = _recommendation(direction="HOLD", sl=Decimal("2"), tp=Decimal("0.5"))

    assert decode_event(encode_event(rec)) == rec


def test_non_utc_offset_is_normalised_to_utc_on_decode() -> None:
    line = _line(make_deal(), ts="2024-03-04T11:00:00.250000+02:00")

    event = decode_event(json.dumps(line))

    assert event.ts == dt.datetime(2024, 3, 4, 9, 0, 0, 250000, tzinfo=UTC)
    assert event.ts.tzinfo is UTC
    assert b'"ts":"2024-03-04T09:00:00.250000Z"' in encode_event(event)


def test_non_utc_offset_is_normalised_to_utc_on_construction() -> None:
    new_york = dt.timezone(dt.timedelta(hours=-5))

    deal = make_deal(ts=dt.datetime(2024, 3, 4, 4, 0, 0, 1, tzinfo=new_york))

    assert deal.ts == dt.datetime(2024, 3, 4, 9, 0, 0, 1, tzinfo=UTC)
    assert deal.ts.tzinfo is UTC


def test_timestamps_keep_microseconds() -> None:
    deal = make_deal(ts=ts(0.000001))

    assert b'"ts":"2024-03-04T09:00:00.000001Z"' in encode_event(deal)
    assert decode_event(encode_event(deal)).ts.microsecond == 1


def test_validate_event_catches_a_wrong_python_type() -> None:
    with pytest.raises(InvalidEventError) as caught:
        validate_event(make_deal(symbol=123))

    assert caught.value.field == "symbol"


def test_validate_event_rejects_a_non_catalogue_object() -> None:
    with pytest.raises(InvalidEventError) as caught:
        validate_event(Event(ts=ts(), producer="cli"))

    assert caught.value.field == "type"


# --- money is exact -------------------------------------------------------------------------


def test_money_keeps_exact_cents_through_json() -> None:
    deal = make_deal(profit=Decimal("0.10"), commission=Decimal("-3.50"))

    data = encode_event(deal)
    back = decode_event(data)

    assert b'"profit":0.10' in data
    assert b'"commission":-3.50' in data
    assert str(back.profit) == "0.10"  # type: ignore[attr-defined]
    assert str(back.commission) == "-3.50"  # type: ignore[attr-defined]


def test_money_sums_are_exact() -> None:
    profits = ("0.1", "0.2", "-0.3", "1234567.89", "0.01")
    deals = [make_deal(deal_ticket=i, profit=Decimal(p)) for i, p in enumerate(profits)]

    decoded = [decode_event(encode_event(d)) for d in deals]
    total = sum((d.profit for d in decoded), Decimal(0))  # type: ignore[attr-defined]

    assert 0.1 + 0.2 != 0.3  # the float trap these Decimals avoid
    assert total == Decimal("1234567.90")
    assert str(decoded[0].profit + decoded[1].profit) == "0.3"  # type: ignore[attr-defined]


def test_money_from_a_json_number_is_exact() -> None:
    # 17 significant digits are refused now (the projections hold 15 exactly): exactness shows
    # in a trailing zero and a value a double cannot hold (0.1 as a float is 0.1000000000000000055...)
    data = json.dumps(_line(make_deal())).replace('"profit": 0', '"profit": 0.10')

    profit = decode_event(data).profit  # type: ignore[attr-defined]
    assert str(profit) == "0.10"
    assert profit == Decimal("0.1") != Decimal(0.1)


# --- ids --------------------------------------------------------------------------------------


def test_new_id_is_a_uuid_version_7() -> None:
    before_ms = time.time_ns() // 1_000_000
    value = new_id()
    after_ms = time.time_ns() // 1_000_000

    parsed = uuid.UUID(value)
    assert str(parsed) == value
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert before_ms <= parsed.int >> 80 <= after_ms


def test_new_id_is_unique() -> None:
    ids = [new_id() for _ in range(10_000)]

    assert len(set(ids)) == len(ids)


def test_new_id_is_time_ordered_across_milliseconds() -> None:
    ids = []
    for _ in range(5):
        ids.append(new_id())
        time.sleep(0.002)

    assert ids == sorted(ids)
    assert [uuid.UUID(i).int for i in ids] == sorted(uuid.UUID(i).int for i in ids)
    assert len({uuid.UUID(i).int >> 80 for i in ids}) == len(ids)


def test_events_get_a_fresh_id_by_default() -> None:
    a, b = make_snapshot(), make_snapshot()

    assert a.id != b.id
    assert uuid.UUID(a.id).version == 7


# --- upcasting --------------------------------------------------------------------------------

_TIMING = {"type": "metric.timing", "ts": TS, "producer": "mt5", "name": "poll"}


def test_metric_timing_v1_seconds_upcast_to_v2_milliseconds() -> None:
    line = json.dumps({**_TIMING, "v": 1, "duration_s": 0.25})

    event = decode_event(line)

    assert isinstance(event, MetricTiming)
    assert event.v == CURRENT_VERSION["metric.timing"] == 2
    assert event.duration_ms == 250.0
    assert b"duration_s" not in encode_event(event)


def test_metric_timing_v1_without_explicit_v_is_upcast() -> None:
    event = event_from_dict({**_TIMING, "duration_s": 2})

    assert event == MetricTiming(
        id=event.id, ts=event.ts, producer="mt5", name="poll", duration_ms=2000.0
    )


def test_metric_timing_v2_decodes_unchanged() -> None:
    event = MetricTiming(ts=ts(), producer="mt5", name="poll", duration_ms=12.5)

    back = decode_event(encode_event(event))

    assert back == event
    assert back.v == 2


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({**_TIMING, "v": 3, "duration_ms": -1}, "duration_ms"),
        ({**_TIMING, "v": 1, "duration_s": -0.5}, "duration_ms"),
        ({**_TIMING, "v": 1, "duration_ms": 5}, "duration_s"),
        ({**_TIMING, "v": 1, "duration_s": None}, "duration_s"),
        ({**_TIMING, "v": 1, "duration_s": "fast"}, "duration_s"),
        ({**_TIMING, "v": [1], "duration_s": 1}, "v"),
        ({**_TIMING, "type": ["metric.timing"], "v": 1}, "type"),
        (_line(make_deal(), v=5, volume=0), "volume"),
    ],
    ids=[
        "unknown v, bad field",
        "v1 negative seconds",
        "v1 missing seconds",
        "v1 null seconds",
        "v1 text seconds",
        "v is a list",
        "type is a list",
        "deal unknown v, bad field",
    ],
)
def test_bad_old_or_unknown_version_raises_invalid_event(line: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidEventError) as caught:
        decode_event(json.dumps(line))

    assert caught.value.field == field, str(caught.value)
    with pytest.raises(InvalidEventError):
        event_from_dict(line)


def test_factories_build_valid_round_tripping_events() -> None:
    built = [make_deal(), make_order(), make_snapshot(), make_message()]

    assert [decode_event(encode_event(e)) for e in built] == built
    assert all(isinstance(e.ts, dt.datetime) and e.ts.tzinfo is UTC for e in built)
    assert isinstance(built[0], DealFilled)
    assert built[0].id == "mt5:deal:1001"


def test_check_encoded_many_names_the_event_and_the_field() -> None:
    from tradejournal.events import check_encoded_many, encode_event

    good = encode_event(make_deal())
    bad = good.replace(b'"side":"buy"', b'"side":"long"')
    check_encoded_many([good, good])
    with pytest.raises(InvalidEventError) as info:
        check_encoded_many([good, good, bad])
    assert (info.value.index, info.value.field) == (2, "side")
    missing = good.replace(b'"deal_ticket":1001,', b"")
    with pytest.raises(InvalidEventError) as info:
        check_encoded_many([missing])
    assert (info.value.index, info.value.field) == (0, "deal_ticket")
