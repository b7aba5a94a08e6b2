"""``tradejournal demo``: a deterministic synthetic day written through the public store API."""

from __future__ import annotations

from pathlib import Path

import msgspec
from cli_testlib import EVENTS, jsonl, make_journal, run

from tradejournal.events import ENCODER, EVENT_TYPES, Event, event_tag, validate_event
from tradejournal.store import read_events

DEMO_TABLE = """\
┏━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━┓
┃ type                     ┃ events ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━┩
│ conversation.started     │      5 │
│ conversation.message     │     20 │
│ conversation.ended       │      5 │
│ user.action              │     34 │
│ access.denied            │      2 │
│ llm.called               │     21 │
│ recommendation.issued    │      9 │
│ recommendation.approved  │      7 │
│ recommendation.dismissed │      1 │
│ recommendation.expired   │      1 │
│ recommendation.executed  │      6 │
│ recommendation.failed    │      1 │
│ recommendation.invalid   │      1 │
│ signal.detected          │     35 │
│ signal.notified          │     32 │
│ order.placed             │     10 │
│ order.modified           │      1 │
│ order.cancelled          │      2 │
│ order.rejected           │      1 │
│ deal.filled              │     17 │
│ position.stop_moved      │      9 │
│ position.excursion       │     73 │
│ trade.annotated          │      8 │
│ oco.created              │      2 │
│ oco.triggered            │      1 │
│ oco.failed               │      1 │
│ account.snapshot         │    160 │
│ account.balance_changed  │      1 │
│ metric.timing            │     51 │
│ alert.raised             │      5 │
│ bot.started              │      1 │
│ bot.stopped              │      1 │
│ experiment.started       │      1 │
│ experiment.assigned      │      3 │
│ total                    │    528 │
└──────────────────────────┴────────┘
"""


def _bodies(journal: Path) -> list[bytes]:
    """Return each stored event's JSON, without the one field that differs per run."""
    return [
        ENCODER.encode(msgspec.structs.replace(e, recorded_ts=None)) for e in read_events(journal)
    ]


def test_demo_writes_the_day_and_a_summary_per_type(tmp_path: Path) -> None:
    result = run(tmp_path / "j", "demo")

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == (
        "appended 528 events (seq 1..528), 0 duplicates skipped for the demo day 2026-03-02"
        " (seed 42)\n" + DEMO_TABLE
    )


def test_same_seed_gives_byte_identical_journals(tmp_path: Path) -> None:
    run(tmp_path / "a", "demo", "--seed", "7", "--date", "2026-03-03")
    run(tmp_path / "b", "demo", "--seed", "7", "--date", "2026-03-03")
    run(tmp_path / "c", "demo", "--seed", "8", "--date", "2026-03-03")

    a, b, c = (_bodies(tmp_path / name) for name in "abc")

    assert len(a) > 500
    assert a == b
    assert a != c


def test_the_demo_journal_verifies_and_every_event_type_is_present(tmp_path: Path) -> None:
    journal = tmp_path / "j"
    run(journal, "demo")

    verified = run(journal, "verify")
    events: list[Event] = list(read_events(journal))

    assert verified.stdout == "ok: 528 events in 1 segment, last seq 528\n"
    # make demo adds the paper-trading session: together they cover the whole catalogue
    from tradejournal.producers.mt5.demo import run_demo

    events += run_demo(journal)
    imports_only = {"legacy.row_imported"}  # written by `import legacy-sqlite`, never by a bot
    assert {event_tag(e) for e in events} == set(EVENT_TYPES) - imports_only
    for event in events:
        validate_event(event)


def test_demo_refuses_a_journal_with_events(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", EVENTS[:2])

    result = run(journal, "demo")

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {journal} already holds 2 events: demo writes only into an empty journal"
        " (--force appends anyway)\n"
    )
    assert [e.seq for e in read_events(journal)] == [1, 2]


def test_demo_fills_an_empty_existing_journal(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", [])

    assert run(journal, "demo").exit_code == 0


def test_force_appends_but_the_same_day_again_is_a_no_op(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", EVENTS[:1])

    first = run(journal, "demo", "--force")
    again = run(journal, "demo", "--force")
    next_day = run(journal, "demo", "--force", "--date", "2026-03-03")

    assert first.stdout.startswith("appended 528 events (seq 2..529), 0 duplicates skipped")
    assert again.stdout == (
        "appended 0 events, 528 duplicates skipped for the demo day 2026-03-02 (seed 42)\n"
    )
    assert next_day.stdout.startswith("appended ")
    assert ", 0 duplicates skipped for the demo day 2026-03-03 (seed 42)" in next_day.stdout
    assert run(journal, "append", input=jsonl(EVENTS[:1])).stdout.endswith(
        "0 events, 1 duplicate skipped\n"
    )


def test_demo_will_not_take_over_a_directory_that_is_not_a_journal(tmp_path: Path) -> None:
    (tmp_path / "j").mkdir()
    (tmp_path / "j" / "notes.txt").write_text("mine")

    result = run(tmp_path / "j", "demo")

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'j'} exists and is not empty: not creating a journal\n"
    )
