"""Migration from the old bot's SQLite files: events, projections, idempotence, the summary."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from legacy_files import T0, make_journal_sqlite, make_oco_db

from tradejournal.cli.main import cli
from tradejournal.events import LegacyRowImported, event_tag
from tradejournal.producers.legacy import LegacyImportError, import_legacy_sqlite
from tradejournal.producers.legacy.rows import as_ts
from tradejournal.projections import query, trades
from tradejournal.store import read_events


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    base = tmp_path_factory.mktemp("legacy")
    old = make_journal_sqlite(base / "journal.sqlite")
    oco = make_oco_db(base / "oco_tracker.db")
    journal = base / "journal"
    return journal, import_legacy_sqlite(journal, old, oco, account="old-bot")


def _summary(result: object) -> dict[str, tuple[int, int, int, dict[str, int]]]:
    return {
        t.table: (t.rows, t.imported, t.kept_raw, dict(t.skipped))
        for t in result.tables  # type: ignore[attr-defined]
    }


def test_the_summary_counts_every_row_and_says_why_rows_were_skipped(imported) -> None:  # type: ignore[no-untyped-def]
    _journal, result = imported

    assert _summary(result) == {
        "ai_recommendations": (2, 1, 0, {
            "invalid: sl: must be on the losing side of entry_price for SELL": 1}),
        "chatgpt_conversations": (1, 1, 0, {}),
        "chatgpt_messages": (3, 2, 0, {"role 'tool' is not user, assistant or system": 1}),
        "equity": (2, 2, 0, {}),
        "events": (2, 1, 0, {"event 'open': opens and closes come from the trades table": 1}),
        "oco_pairs": (3, 3, 0, {}),
        "settings": (1, 0, 1, {}),
        "signal_scanner_results": (2, 1, 0, {"no side (HOLD/NEUTRAL): not a signal": 1}),
        "trades": (4, 3, 0, {"side 'X' is neither buy nor sell": 1}),
        "user_actions": (2, 2, 0, {}),
    }  # fmt: skip
    assert result.duplicates == 0 and result.appended == result.events  # type: ignore[attr-defined]


def test_every_row_is_kept_whole_with_its_unknown_columns(imported) -> None:  # type: ignore[no-untyped-def]
    journal, _ = imported
    rows = {
        (e.source_table, e.source_key): e
        for e in read_events(journal, types=["legacy"])
        if isinstance(e, LegacyRowImported)
    }

    assert len(rows) == 22
    first = rows[("trades", "1001")]
    assert json.loads(first.raw)["broker_note"] == "first"
    assert first.derived == [
        "legacy:old-bot:trades:1001:in", "legacy:old-bot:trades:1001:stops",
        "legacy:old-bot:trades:1001:note", "legacy:old-bot:trades:1001:out",
    ]  # fmt: skip
    assert first.ts == T0 and first.skip_reason is None
    bad = rows[("trades", "1004")]
    assert bad.derived == [] and bad.skip_reason == "side 'X' is neither buy nor sell"
    assert json.loads(rows[("events", "1")].raw)["extra"] == '{"spread": 0.6}'
    assert json.loads(rows[("settings", "risk")].raw) == {"name": "risk", "value": "1%"}
    assert rows[("oco_pairs", "oco-1")].source_file == "oco_tracker.db"


def test_typed_events_point_at_their_row_and_carry_the_old_values(imported) -> None:  # type: ignore[no-untyped-def]
    journal, _ = imported
    typed = [e for e in read_events(journal) if not isinstance(e, LegacyRowImported)]
    by_id = {e.id: e for e in typed}

    assert all(e.causation_id == e.id.rsplit(":", 1)[0] + ":row"
               or e.causation_id == e.id + ":row" for e in typed)  # fmt: skip
    close = by_id["legacy:old-bot:trades:1001:out"]
    assert (close.deal_ticket, close.side, close.entry, close.price, close.profit, close.reason) == (  # type: ignore[attr-defined]
        -1001, "sell", "out", Decimal("1.089"), Decimal("40.0"), "tp")  # fmt: skip
    trail = by_id["legacy:old-bot:events:2"]
    assert (trail.position_id, trail.new_sl, trail.method) == (1001, Decimal("1.085"), "trailing")  # type: ignore[attr-defined]
    rec = by_id["legacy:old-bot:ai_recommendations:9"]
    assert (rec.confidence, rec.model, rec.direction) == (72.0, "legacy", "BUY")  # type: ignore[attr-defined]
    assert event_tag(by_id["legacy:old-bot:oco_pairs:oco-1:done"]) == "oco.triggered"
    assert by_id["legacy:old-bot:oco_pairs:oco-1:done"].filled_ticket == 2002  # type: ignore[attr-defined]
    assert event_tag(by_id["legacy:old-bot:oco_pairs:oco-2:done"]) == "oco.failed"
    assert by_id["legacy:old-bot:user_actions:1"].kind == "command"  # type: ignore[attr-defined]


def test_the_projections_show_the_old_trades_and_recommendations(imported) -> None:  # type: ignore[no-untyped-def]
    journal, _ = imported
    got = {
        t["position_id"]: (t["symbol"], t["side"], t["status"], t["net_pnl"], t["r_multiple"],
                           t["initial_sl"], t["strategy"])
        for t in trades(journal, account="old-bot")
    }  # fmt: skip

    assert got == {
        1001: ("EURUSD", "buy", "closed", Decimal("40"), pytest.approx(2.0), Decimal("1.083"), "breakout"),
        1002: ("GBPUSD", "sell", "closed", Decimal("-40"), pytest.approx(-1.0), Decimal("1.272"), "fade"),
        1003: ("XAUUSD", "buy", "open", Decimal("0"), None, Decimal("2390.5"), None),
    }  # fmt: skip
    recs = query(
        journal, "SELECT recommendation_id, confidence, executed, net_pnl FROM recommendations"
    )[1]
    assert [(r[0], r[1], r[2], r[3]) for r in recs] == [("legacy:9", 72.0, True, Decimal("40"))]
    counts = query(journal, "SELECT (SELECT count(*) FROM equity), (SELECT count(*) FROM messages), "
                   "(SELECT count(*) FROM oco_pairs), (SELECT count(*) FROM signals), "
                   "(SELECT count(*) FROM user_actions)")[1][0]  # fmt: skip
    assert counts == (2, 2, 3, 1, 2)


def test_importing_again_adds_nothing(imported, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    journal, first = imported
    base = journal.parent

    again = import_legacy_sqlite(journal, base / "journal.sqlite", base / "oco_tracker.db",
                                 account="old-bot")  # fmt: skip

    assert (again.appended, again.duplicates) == (0, first.events)  # type: ignore[attr-defined]
    assert _summary(again) == _summary(first)


def test_a_file_that_is_not_sqlite_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    bogus = tmp_path / "journal.sqlite"
    bogus.write_text("this is not a database\n" * 10)

    with pytest.raises(LegacyImportError, match="not an SQLite database"):
        import_legacy_sqlite(tmp_path / "j", bogus)

    assert not (tmp_path / "j").exists()


def test_the_cli_prints_the_summary(tmp_path: Path) -> None:
    old = make_journal_sqlite(tmp_path / "journal.sqlite")
    oco = make_oco_db(tmp_path / "oco_tracker.db")
    args = [
        "--journal",
        str(tmp_path / "j"),
        "import",
        "legacy-sqlite",
        str(old),
        "--oco",
        str(oco),
    ]
    env = {"COLUMNS": "160", "NO_COLOR": "1"}

    first = CliRunner(env=env).invoke(cli, args)
    second = CliRunner(env=env).invoke(cli, args)

    assert first.exit_code == 0, first.output
    assert "skipped 1 trades row: side 'X' is neither buy nor sell" in first.stdout
    assert first.stdout.endswith("48 events from 22 rows: 48 appended, 0 already in the journal\n")
    assert second.exit_code == 0
    assert second.stdout.endswith("48 events from 22 rows: 0 appended, 48 already in the journal\n")


BOT_TOKEN = "7012345678:AAHfakeTokenForTestsOnly_abcdefghijkl"
API_KEY = "sk-proj-FAKEkeyForTestsOnly0123456789"
PASSWORD = "hunter2-mt5-password"


def test_secrets_in_the_old_files_never_reach_the_journal_or_a_snapshot(tmp_path: Path) -> None:
    import sqlite3

    from tradejournal.projections.export import export_snapshot

    old = make_journal_sqlite(tmp_path / "journal.sqlite")
    con = sqlite3.connect(old)
    con.executemany("INSERT INTO settings VALUES (?, ?)", [
        ("telegram_bot_token", BOT_TOKEN), ("openai_api_key", API_KEY), ("mt5_password", PASSWORD),
    ])  # fmt: skip
    con.execute("CREATE TABLE accounts (login INTEGER PRIMARY KEY, server TEXT, password TEXT)")
    con.execute("INSERT INTO accounts VALUES (51234567, 'Demo-Server', ?)", [PASSWORD])
    con.execute("INSERT INTO chatgpt_messages VALUES (9, 5, 'user', ?, NULL, NULL, 1772438000)",
                [f"my key is {API_KEY} and the bot {BOT_TOKEN}"])  # fmt: skip
    con.commit()
    con.close()
    journal = tmp_path / "j"

    out = CliRunner().invoke(cli, ["--journal", str(journal), "import", "legacy-sqlite", str(old)])
    snap = export_snapshot(journal, tmp_path / "snaps", "2026-11-30").folder

    assert out.exit_code == 0, out.output
    files = [p for p in [*journal.rglob("*"), *snap.rglob("*")] if p.is_file()]
    assert len(files) > 40
    for secret in (BOT_TOKEN, API_KEY, PASSWORD):
        assert secret not in out.output
        assert [p for p in files if secret.encode() in p.read_bytes()] == []
    rows = {(e.source_table, e.source_key): json.loads(e.raw)
            for e in read_events(journal, types=["legacy"])}  # fmt: skip
    assert rows[("settings", "telegram_bot_token")]["value"] == "[redacted]"
    assert rows[("settings", "risk")]["value"] == "1%"
    assert rows[("accounts", "51234567")] == {"login": 51234567, "server": "Demo-Server",
                                              "password": "[redacted]"}  # fmt: skip
    assert (
        rows[("chatgpt_messages", "9")]["content"] == "my key is [redacted] and the bot [redacted]"
    )


NAIVE_BOUNDS = (dt.datetime(2001, 1, 1), dt.datetime(2099, 1, 1))  # noqa: DTZ001 (hypothesis wants naive)


@given(moment=st.datetimes(*NAIVE_BOUNDS))
def test_old_timestamps_in_any_of_their_forms_read_the_same(moment: dt.datetime) -> None:
    utc = moment.replace(microsecond=0, tzinfo=dt.UTC)
    seconds = int(utc.timestamp())

    forms = [seconds, float(seconds), str(seconds), seconds * 1000, utc.isoformat(),
             utc.strftime("%Y-%m-%dT%H:%M:%SZ"), utc.replace(tzinfo=None).isoformat(sep=" ")]  # fmt: skip

    assert {as_ts(f) for f in forms} == {utc}
