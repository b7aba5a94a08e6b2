"""Old-bot SQLite files for the migration tests, built with sqlite3 in the old schemas."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

__all__ = ["T0", "epoch", "make_journal_sqlite", "make_oco_db"]

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def epoch(minutes: float) -> int:
    """Epoch seconds of T0 + minutes."""
    return int((T0 + dt.timedelta(minutes=minutes)).timestamp())


def make_journal_sqlite(path: Path) -> Path:
    """journal.sqlite with every known table, an unknown column and an unknown table."""
    con = sqlite3.connect(path)
    con.executescript("""
    CREATE TABLE trades (ticket INTEGER PRIMARY KEY, symbol TEXT, side TEXT, entry_price REAL,
        sl REAL, tp REAL, volume REAL, strategy TEXT, regime TEXT, chat_id INTEGER,
        opened_ts INTEGER, closed_ts INTEGER, exit_price REAL, close_reason TEXT, pnl REAL,
        r_multiple REAL, duration_sec INTEGER, broker_note TEXT);
    CREATE TABLE events (id INTEGER PRIMARY KEY, ts INTEGER, event TEXT, ticket INTEGER,
        symbol TEXT, side TEXT, price REAL, sl REAL, tp REAL, volume REAL, pnl REAL,
        r_multiple REAL, reason TEXT, extra JSON, lot REAL, position INTEGER, balance REAL,
        equity REAL, confidence REAL, regime TEXT, rr REAL, notes TEXT);
    CREATE TABLE equity (ts INTEGER PRIMARY KEY, balance REAL, equity REAL);
    CREATE TABLE chatgpt_conversations (id INTEGER PRIMARY KEY, user_id INTEGER,
        chat_id INTEGER, title TEXT, created_at INTEGER);
    CREATE TABLE chatgpt_messages (id INTEGER PRIMARY KEY, conversation_id INTEGER, role TEXT,
        content TEXT, tokens INTEGER, model TEXT, created_at INTEGER);
    CREATE TABLE ai_recommendations (id INTEGER PRIMARY KEY, user_id INTEGER, symbol TEXT,
        direction TEXT, entry_price REAL, sl REAL, tp REAL, confidence REAL, reasoning TEXT,
        executed INTEGER, ticket INTEGER, result TEXT, created_at INTEGER);
    CREATE TABLE signal_scanner_results (id INTEGER PRIMARY KEY, symbol TEXT, timeframe TEXT,
        direction TEXT, confidence REAL, rsi REAL, adx REAL, atr REAL, price REAL,
        created_at INTEGER);
    CREATE TABLE user_actions (id INTEGER PRIMARY KEY, user_id INTEGER, chat_id INTEGER,
        action TEXT, details TEXT, ts INTEGER);
    CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT);
    """)
    con.executemany("INSERT INTO trades VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
        (1001, "EURUSD", "BUY", 1.0850, 1.0830, 1.0890, 0.10, "breakout", "trend", 77,
         epoch(0), epoch(90), 1.0890, "TP hit", 40.0, 2.0, 5400, "first"),
        (1002, "GBPUSD", "SELL", 1.2700, 1.2720, 1.2650, 0.20, "fade", "range", 77,
         epoch(30), epoch(60), 1.2720, "SL hit", -40.0, -1.0, 1800, None),
        (1003, "XAUUSD", "buy", 2400.5, 2390.5, None, 0.01, None, None, 77,
         epoch(120), None, None, None, None, None, None, "still open"),
        (1004, "EURUSD", "X", 1.0850, None, None, 0.10, None, None, 77,
         epoch(130), None, None, None, None, None, None, "corrupt side"),
    ])  # fmt: skip
    con.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
        (1, epoch(0), "OPEN", 1001, "EURUSD", "BUY", 1.0850, 1.0830, 1.0890, 0.10, None, None,
         None, '{"spread": 0.6}', 0.10, 1001, 10000, 10000, 72, "trend", 2.0, None),
        (2, epoch(45), "TRAIL_SL", 1001, "EURUSD", "BUY", 1.0870, 1.0850, 1.0890, None, None,
         None, "trail", None, None, 1001, None, None, None, None, None, "to breakeven"),
    ])  # fmt: skip
    con.executemany("INSERT INTO equity VALUES (?,?,?)", [
        (epoch(0), 10000.0, 10000.0), (epoch(90), 10000.0, 10040.0),
    ])  # fmt: skip
    con.execute("INSERT INTO chatgpt_conversations VALUES (5, 11, 77, 'EURUSD?', ?)", [epoch(-5)])
    con.executemany("INSERT INTO chatgpt_messages VALUES (?,?,?,?,?,?,?)", [
        (1, 5, "user", "Long EURUSD?", None, None, epoch(-5)),
        (2, 5, "assistant", "BUY 1.0850 SL 1.0830 TP 1.0890", 320, "gpt-4o", epoch(-4)),
        (3, 5, "tool", "{}", None, None, epoch(-4)),
    ])  # fmt: skip
    con.executemany("INSERT INTO ai_recommendations VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", [
        (9, 11, "EURUSD", "BUY", 1.0850, 1.0830, 1.0890, 0.72, "breakout", 1, 1001, "WIN",
         epoch(-4)),
        (10, 11, "GBPUSD", "SELL", 1.2700, 1.2650, 1.2750, 0.55, "wrong stops", 0, None, None,
         epoch(20)),
    ])  # fmt: skip
    con.executemany("INSERT INTO signal_scanner_results VALUES (?,?,?,?,?,?,?,?,?,?)", [
        (1, "EURUSD", "H1", "BUY", 0.8, 61.5, 27.0, 0.0012, 1.0849, epoch(-10)),
        (2, "USDJPY", "H1", "NEUTRAL", 0.3, 50.0, 12.0, 0.1, 150.1, epoch(-10)),
    ])  # fmt: skip
    con.executemany("INSERT INTO user_actions VALUES (?,?,?,?,?,?)", [
        (1, 11, 77, "/start", None, epoch(-20)),
        (2, 11, 77, "approve", "rec 9", epoch(-3)),
    ])  # fmt: skip
    con.execute("INSERT INTO settings VALUES ('risk', '1%')")
    con.commit()
    con.close()
    return path


def make_oco_db(path: Path) -> Path:
    """oco_tracker.db with a filled, a both-filled and an active pair."""
    con = sqlite3.connect(path)
    con.execute("""CREATE TABLE oco_pairs (oco_group_id TEXT UNIQUE, symbol TEXT,
        order_a_ticket INTEGER, order_b_ticket INTEGER, order_a_side TEXT, order_b_side TEXT,
        order_a_entry REAL, order_b_entry REAL, status TEXT, created_at INTEGER,
        updated_at INTEGER, chat_id INTEGER, comment TEXT)""")
    con.executemany("INSERT INTO oco_pairs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", [
        ("oco-1", "EURUSD", 2001, 2002, "BUY_STOP", "SELL_STOP", 1.0870, 1.0830, "FILLED_B",
         epoch(0), epoch(10), 77, "news"),
        ("oco-2", "GBPUSD", 2003, 2004, "BUY_STOP", "SELL_STOP", 1.2750, 1.2650, "BOTH_FILLED",
         epoch(0), epoch(20), 77, "spike"),
        ("oco-3", "USDJPY", 2005, 2006, "BUY_STOP", "SELL_STOP", 150.5, 149.5, "ACTIVE",
         epoch(0), epoch(0), 77, None),
    ])  # fmt: skip
    con.commit()
    con.close()
    return path
