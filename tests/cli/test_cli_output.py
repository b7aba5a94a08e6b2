"""``cli/output.py``: rows as table/JSON/JSON lines/CSV/Markdown; compact event summaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tradejournal.cli.output import plain_decimal, print_rows, summarize
from tradejournal.events import ConversationMessage, TradeAnnotated

COLUMNS = ["symbol", "trades", "net"]
ROWS = [("EURUSD", 3, Decimal("129.00")), ("XAU|USD", 1, None)]
T = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("csv", "symbol,trades,net\nEURUSD,3,129.00\nXAU|USD,1,\n"),
        (
            "markdown",
            "| symbol | trades | net |\n| --- | --- | --- |\n"
            "| EURUSD | 3 | 129.00 |\n| XAU\\|USD | 1 |  |\n",
        ),
        (
            "jsonl",
            '{"symbol":"EURUSD","trades":3,"net":129.00}\n'
            '{"symbol":"XAU|USD","trades":1,"net":null}\n',
        ),
        (
            "json",
            '[\n  {\n    "symbol": "EURUSD",\n    "trades": 3,\n    "net": 129.00\n  },\n'
            '  {\n    "symbol": "XAU|USD",\n    "trades": 1,\n    "net": null\n  }\n]\n',
        ),
    ],
)
def test_rows_in_every_text_format(
    fmt: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    print_rows(COLUMNS, ROWS, fmt)

    assert capsys.readouterr().out == expected


def test_rows_as_a_table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")

    print_rows(COLUMNS, ROWS, "table")

    assert capsys.readouterr().out == (
        "┏━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┓\n"
        "┃ symbol  ┃ trades ┃    net ┃\n"
        "┡━━━━━━━━━╇━━━━━━━━╇━━━━━━━━┩\n"
        "│ EURUSD  │      3 │ 129.00 │\n"
        "│ XAU|USD │      1 │        │\n"
        "└─────────┴────────┴────────┘\n"
    )


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("csv", "ts,day,d,big,ratio,flag\n2026-03-02T09:00:00.250000Z,2026-03-02,0.0000000000,100,,True\n"),
        ("jsonl", '{"ts":"2026-03-02T09:00:00.250000Z","day":"2026-03-02","d":0E-10,"big":100,'
                  '"ratio":null,"flag":true}\n'),
    ],
)  # fmt: skip
def test_values_are_written_the_same_way_in_every_format(
    fmt: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # timestamps RFC 3339 UTC (a naive one is UTC); decimals never through float; inf is
    # null in JSON, so an empty cell in CSV
    naive = dt.datetime(2026, 3, 2, 9, 0, 0, 250000)  # noqa: DTZ001
    row = (naive, naive.date(), Decimal("0E-10"), Decimal("1E+2"), float("inf"), True)

    print_rows(["ts", "day", "d", "big", "ratio", "flag"], [row], fmt)

    assert capsys.readouterr().out == expected


def test_plain_decimal_drops_padding_without_exponents() -> None:
    assert [str(plain_decimal(Decimal(x))) for x in ("11998.2500000000", "1E+2", "0E-10", "-0.50")] == [
        "11998.25", "100", "0", "-0.5",
    ]  # fmt: skip


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="fmt: must be one of table, csv, json, jsonl, markdown"):
        print_rows(COLUMNS, ROWS, "xml")


def test_summary_skips_envelope_defaults_and_shortens_long_text() -> None:
    message = ConversationMessage(
        ts=T,
        producer="llm",
        conversation_id="c-1",
        role="assistant",
        content="EURUSD is range-bound between 1.0820 and 1.0860 ahead of the US open; no trade.",
        cost_usd=Decimal("0.000036"),
    )
    note = TradeAnnotated(ts=T, producer="cli", position_id=7, tags=["a", "b"], note="")

    assert summarize(message) == (
        'conversation_id=c-1 role=assistant content="EURUSD is range-bound between 1.0820 ..."'
        " cost_usd=0.000036"
    )
    assert summarize(note) == "position_id=7 tags=a,b"
