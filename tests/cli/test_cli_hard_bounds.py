"""Issue 12 item 1: validation refuses what the projections cannot hold; a load error says where.

Before: ``append`` accepted a 20-digit ``user_id`` (or ``volume`` 1e999, a 30-digit ticket,
``cost_usd`` 1e40) and from then on every projection command failed with DuckDB's cast error
naming a deleted temp file; ``volume`` 1e-11 passed ``> 0`` and became 0 in ``deals``.
"""

from __future__ import annotations

import json
import os
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cli_testlib import EVENTS, jsonl, make_journal, run
from hypothesis import given
from hypothesis import strategies as st

from tradejournal.events import DealFilled, InvalidEventError, decode_event, encode_event

DEAL = EVENTS[2]
USER = {"type": "user.action", "id": "u:1", "ts": "2026-03-02T06:00:00Z", "producer": "telegram",
        "user_id": 7, "chat_id": 7, "kind": "command", "data": "/stats"}  # fmt: skip


def _line(event: dict[str, Any], **changes: Any) -> str:
    body = json.dumps({**event, **changes})
    for key, raw in changes.items():  # write numbers exactly as given (json.dumps rounds)
        if isinstance(raw, str) and raw.startswith("#"):
            body = body.replace(f'"{key}": "{raw}"', f'"{key}": {raw[1:]}')
    return body + "\n"


@pytest.mark.parametrize(
    ("event", "field", "raw"),
    [
        (USER, "user_id", "#99999999999999999999"),
        (DEAL, "deal_ticket", "#123456789012345678901234567890"),
        (DEAL, "volume", "#1e999"),
        (DEAL, "volume", "#1e-11"),
        (DEAL, "profit", "#1e40"),
        (DEAL, "price", "#12345.123456789012"),
    ],
)
def test_append_refuses_values_the_projections_cannot_hold(
    tmp_path: Path, event: dict[str, Any], field: str, raw: str
) -> None:
    journal = make_journal(tmp_path / "j")

    result = run(journal, "append", input=_line(event, id="new:1", **{field: raw}))

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"line 1: {field}: "), result.stderr
    assert run(journal, "verify").exit_code == 0
    sql = run(journal, "sql", "SELECT count(*) AS n FROM deals", "--format", "csv")
    assert (sql.exit_code, sql.stdout) == (0, "n\n2\n")


def test_cost_usd_out_of_range_is_refused(tmp_path: Path) -> None:
    llm = {"type": "llm.called", "ts": "2026-03-02T06:00:00Z", "producer": "llm",
           "model": "gpt-4o-mini", "purpose": "chat", "latency_ms": 12.5, "status": "ok"}  # fmt: skip
    journal = make_journal(tmp_path / "j", [])

    result = run(journal, "append", input=_line(llm, cost_usd="#1e40"))

    assert result.exit_code == 2, result.output
    assert "cost_usd" in result.stderr


def test_limits_are_stated_in_the_message() -> None:
    body = encode_event(decode_event(jsonl([DEAL]).encode()))
    with pytest.raises(InvalidEventError) as too_fine:
        decode_event(body.replace(b'"volume":0.1', b'"volume":1e-11'))
    with pytest.raises(InvalidEventError) as too_big:
        decode_event(body.replace(b'"deal_ticket":1001', b'"deal_ticket":9223372036854775808'))

    assert too_fine.value.field == "volume"
    assert "10 digits after the decimal point" in too_fine.value.reason
    assert too_big.value.field == "deal_ticket"
    assert "64-bit" in too_big.value.reason


def test_the_limits_accept_what_the_projections_hold_exactly(tmp_path: Path) -> None:
    edge = _line(DEAL, deal_ticket="#9223372036854775807", volume="#0.0000000001",
                 profit="#-999999999999999", price="#12345.1234567890")  # fmt: skip
    journal = make_journal(tmp_path / "j", [])
    assert run(journal, "append", input=edge).exit_code == 0

    result = run(journal, "sql", "SELECT deal_ticket, volume, profit, price FROM deals",
                 "--format", "csv")  # fmt: skip

    assert result.exit_code == 0, result.output
    row = result.stdout.splitlines()[1].split(",")
    assert [Decimal(v) for v in row] == [
        Decimal("9223372036854775807"),
        Decimal("0.0000000001"),
        Decimal("-999999999999999"),
        Decimal("12345.123456789"),
    ]


@given(
    st.decimals(min_value=Decimal("-1e20"), max_value=Decimal("1e20"), allow_nan=False, places=None)
)
def test_every_accepted_decimal_is_exact_in_fifteen_digits(value: Decimal) -> None:
    try:
        event = DealFilled(
            ts=decode_event(jsonl([DEAL]).encode()).ts, producer="t", deal_ticket=1,
            symbol="X", side="buy", entry="in", volume=Decimal(1), price=Decimal(1), profit=value,
        )  # fmt: skip
    except (ValueError, InvalidEventError):
        return
    # accepted: a double's shortest round-trip form (what DuckDB reads) gives the same number
    # with at most 10 digits after the point
    assert Decimal(repr(float(event.profit))) == event.profit
    assert event.profit == event.profit.quantize(Decimal("1e-10"))


def _forge(segment: Path, line: dict[str, Any]) -> None:
    """Append a correctly framed line that an older version accepted (bypassing validation)."""
    os.chmod(segment, 0o644)
    inner = json.dumps(line, separators=(",", ":")).replace('"#', "").replace('#"', "")
    inner = inner[:-1]
    with open(segment, "ab") as f:
        f.write(b'%s,"crc":%d}\n' % (inner.encode(), zlib.crc32(inner.encode())))


def test_a_load_error_names_segment_and_seq_and_what_to_do(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    segment = journal / "segments" / "00000000000000000001.jsonl"
    bad = {"type": "user.action", "seq": 7, "id": "u:big", "v": 1, "ts": "2026-03-02T12:00:00Z",
           "recorded_ts": "2026-03-02T12:00:00Z", "producer": "telegram", "account": None,
           "correlation_id": None, "causation_id": None, "user_id": "#99999999999999999999#",
           "chat_id": 7, "kind": "command", "data": "/x", "update_id": None,
           "username": None}  # fmt: skip
    _forge(segment, bad)
    assert run(journal, "append", input=jsonl([USER])).exit_code == 0  # a good line after it

    result = run(journal, "sql", "SELECT count(*) FROM events")

    assert result.exit_code == 1
    assert "00000000000000000001.jsonl" in result.stderr
    assert "seq 7" in result.stderr
    assert "user_id" in result.stderr
    assert "projections.load-" not in result.stderr  # never the temp file
    assert "tradejournal repair --truncate-at 00000000000000000001.jsonl:" in result.stderr
