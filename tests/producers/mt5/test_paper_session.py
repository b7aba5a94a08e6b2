"""Paper-trading sessions (a feed attached, stepped by the caller) and sharing a terminal
between threads."""

from __future__ import annotations

import datetime as dt
import pathlib
import threading

import pytest

from tradejournal.producers.mt5 import api as mt5
from tradejournal.producers.mt5.backends import open_terminal
from tradejournal.producers.mt5.paper import PaperTerminal, paper_session


def test_random_session_steps_every_symbol() -> None:
    term = open_terminal("paper", feed="random", seed=3, interval_s=30)
    assert isinstance(term, PaperTerminal) and term.initialize()
    before = term.symbol_info_tick("GBPUSD")
    assert term.step(5 * 2) == 10  # five symbols, two steps each
    after = term.symbol_info_tick("GBPUSD")
    assert before is not None and after is not None
    assert (after.time - before.time, after.bid != before.bid) == (60, True)
    again = paper_session(feed="random", seed=3, interval_s=30)
    assert again.initialize() and again.step(10) == 10
    assert again.symbol_info_tick("GBPUSD") == after


def test_csv_session_starts_where_the_replay_starts(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "xau.csv"
    rows = [
        f"{1_767_600_000 + 300 * i},{2000 + i},{2003 + i},{1998 + i},{2001 + i}" for i in range(6)
    ]
    path.write_text("time,open,high,low,close\n" + "\n".join(rows) + "\n")
    term = open_terminal("paper", feed="csv", csv=str(path), symbol="XAUUSD", bar_seconds=300,
                         warmup=2, spread_points=30, utc_offset_h=2)  # fmt: skip
    assert isinstance(term, PaperTerminal) and term.initialize()
    assert term.utc_now == dt.datetime.fromtimestamp(1_767_600_600, dt.UTC)
    assert term.symbol_info_tick("XAUUSD")[1:3] == (2002.0, 2002.3)  # type: ignore[index]
    assert term.step(1_000) == 4 * 4 - 1  # four quotes per replayed bar, the first one applied
    m5 = term.copy_rates_from_pos("XAUUSD", mt5.TIMEFRAME_M5, 0, 100)
    assert m5 is not None
    assert [float(b["close"]) for b in m5] == [2001.0, 2002.0, 2003.0, 2004.0, 2005.0, 2006.0]
    assert term.step() == 0
    shifted = paper_session(feed="csv", csv=path, symbol="XAUUSD", bar_seconds=300, warmup=2,
                            csv_utc_offset_h=2)  # fmt: skip
    assert shifted.utc_now == dt.datetime.fromtimestamp(1_767_600_600 - 7200, dt.UTC)
    with pytest.raises(ValueError, match="unknown paper feed"):
        paper_session(feed="ticks")


def test_threads_can_share_a_terminal() -> None:
    term = PaperTerminal(balance=100_000.0)
    assert term.initialize()
    errors: list[BaseException] = []

    def trade(side: int) -> None:
        try:
            for _ in range(50):
                term.order_send({"action": mt5.TRADE_ACTION_DEAL, "symbol": "EURUSD",
                                 "volume": 0.01, "type": side})  # fmt: skip
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def quote() -> None:
        for i in range(100):
            term.set_quote("EURUSD", 1.1 + (i % 7) / 10_000, 1.1001 + (i % 7) / 10_000)

    threads = [threading.Thread(target=trade, args=(s,)) for s in (0, 1, 0)]
    threads.append(threading.Thread(target=quote))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    deals = term.history_deals_get(0, 2**31) or ()
    assert len(deals) == 1 + 150 and len({d.ticket for d in deals}) == 151
    assert term.positions_total() == 150
