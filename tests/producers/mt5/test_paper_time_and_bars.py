"""Broker-server time (fixed offsets and a DST change), bars for copy_rates_*, and the feeds."""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any

import pytest

from tradejournal.producers.mt5 import PaperTerminal
from tradejournal.producers.mt5 import api as mt5
from tradejournal.producers.mt5.paper import CsvBarFeed, RandomWalkFeed

UTC = dt.UTC


def terminal(**kw: Any) -> PaperTerminal:
    term = PaperTerminal(**kw)
    assert term.initialize()
    return term


def buy(term: PaperTerminal) -> mt5.OrderSendResult:
    r = term.order_send({"action": mt5.TRADE_ACTION_DEAL, "symbol": "EURUSD", "volume": 0.1,
                         "type": mt5.ORDER_TYPE_BUY})  # fmt: skip
    assert r is not None and r.retcode == mt5.TRADE_RETCODE_DONE
    return r


def epoch(*args: int) -> int:
    return int(dt.datetime(*args, tzinfo=UTC).timestamp())


@pytest.mark.parametrize("hours", [2, 3])
def test_fixed_server_offset(hours: int) -> None:
    start = dt.datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    term = terminal(start=start, utc_offset_h=hours)
    r = buy(term)
    (deal,) = term.history_deals_get(ticket=r.order) or ()
    server = epoch(2026, 3, 2, 9 + hours, 30)
    assert (deal.time, deal.time_msc) == (server, server * 1000)
    assert term.symbol_info_tick("EURUSD").time == server  # type: ignore[union-attr]
    # history ranges are compared with server times, as on a real terminal
    utc_window = term.history_deals_get(start, start + dt.timedelta(hours=hours, seconds=-1))
    assert utc_window is not None and deal not in utc_window
    assert deal in (term.history_deals_get(server, server) or ())


def test_dst_change_moves_the_offset_from_two_to_three_hours() -> None:
    # Europe/Athens: UTC+2 in winter, UTC+3 from 2026-03-29 01:00 UTC
    term = terminal(start=dt.datetime(2026, 3, 28, 12, tzinfo=UTC), server_tz="Europe/Athens")
    before = buy(term)
    term.set_time(dt.datetime(2026, 3, 29, 12, tzinfo=UTC))
    after = buy(term)
    times = [d.time for d in term.history_deals_get(ticket=before.order) or ()]
    times += [d.time for d in term.history_deals_get(ticket=after.order) or ()]
    assert times == [epoch(2026, 3, 28, 14), epoch(2026, 3, 29, 15)]
    positions = term.positions_get() or ()
    assert [p.time for p in positions] == times


def test_ny_close_server_time_follows_the_us_dst_dates() -> None:
    # New York + 7 h: UTC+2, then UTC+3 from 2026-03-08 (US), while Athens is still UTC+2
    term = terminal(start=dt.datetime(2026, 3, 6, 12, tzinfo=UTC), server_tz="ny-close")
    athens = terminal(start=dt.datetime(2026, 3, 6, 12, tzinfo=UTC), server_tz="Europe/Athens")
    offsets = []
    for t in (term, athens):
        first = t.symbol_info_tick("EURUSD").time  # type: ignore[union-attr]
        t.set_time(dt.datetime(2026, 3, 10, 12, tzinfo=UTC))
        t.set_quote("EURUSD", 1.1, 1.1001)
        second = t.symbol_info_tick("EURUSD").time  # type: ignore[union-attr]
        offsets.append((first - epoch(2026, 3, 6, 12), second - epoch(2026, 3, 10, 12)))
    assert offsets == [(7200, 10800), (7200, 7200)]


def test_clock_never_goes_back() -> None:
    term = terminal()
    with pytest.raises(ValueError, match="back in time"):
        term.set_time(dt.datetime(2025, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="back in time"):
        term.advance(-1)


def test_bars_from_quotes_in_every_timeframe() -> None:
    term = terminal(start=dt.datetime(2026, 1, 5, tzinfo=UTC), utc_offset_h=2)
    bids = [1.1, 1.1010, 1.0990, 1.1005, 1.1020, 1.1015]
    for i, bid in enumerate(bids):  # one quote every 20 minutes
        term.set_time(dt.datetime(2026, 1, 5, 0, 20 * i, tzinfo=UTC) if i < 3
                      else dt.datetime(2026, 1, 5, 1, 20 * (i - 3), tzinfo=UTC))  # fmt: skip
        term.set_quote("EURUSD", bid, round(bid + 0.0001, 5))
    h1 = term.copy_rates_from_pos("EURUSD", mt5.TIMEFRAME_H1, 0, 10)
    assert h1 is not None and h1.dtype == mt5.RATES_DTYPE
    server0 = epoch(2026, 1, 5, 2)  # 00:00 UTC is 02:00 server time
    assert [tuple(r) for r in h1] == [
        (server0, 1.1, 1.101, 1.099, 1.099, 4, 10, 0),  # with the opening quote
        (server0 + 3600, 1.1005, 1.102, 1.1005, 1.1015, 3, 10, 0),
    ]
    m1 = term.copy_rates_from_pos("EURUSD", mt5.TIMEFRAME_M1, 1, 2)
    assert [r["close"] for r in m1] == [1.1005, 1.102]  # type: ignore[union-attr]
    d1 = term.copy_rates_range("EURUSD", mt5.TIMEFRAME_D1, server0 - 86_400, server0 + 86_400)
    assert [tuple(r)[:5] for r in d1] == [(epoch(2026, 1, 5), 1.1, 1.102, 1.099, 1.1015)]  # type: ignore[union-attr]
    w1 = term.copy_rates_from("EURUSD", mt5.TIMEFRAME_W1, server0 + 86_400, 5)
    assert [r["time"] for r in w1] == [epoch(2026, 1, 4)]  # type: ignore[union-attr]  # a Sunday
    assert term.copy_rates_from_pos("EURUSD", 7, 0, 1) is None
    assert term.last_error() == (mt5.RES_E_INVALID_PARAMS, "Invalid timeframe")


def test_random_walk_is_deterministic_for_a_seed() -> None:
    def run(seed: int) -> list[tuple[float, ...]]:
        term = terminal()
        feed = RandomWalkFeed({"EURUSD": 1.1, "XAUUSD": 2000.0}, seed=seed, start_utc=term.utc_now,
                              digits={"XAUUSD": 2})  # fmt: skip
        assert term.run_feed(feed, max_ticks=200) == 200
        rates = term.copy_rates_from_pos("EURUSD", mt5.TIMEFRAME_M5, 0, 100)
        assert rates is not None
        return [tuple(r) for r in rates]

    first = run(7)
    assert first == run(7)
    assert first != run(8)
    assert len(first) == 21  # 100 EURUSD quotes one minute apart, plus the opening quote


def test_csv_replay_with_warmup_bars(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "eurusd_h1.csv"
    path.write_text(
        "time,open,high,low,close,tick_volume,spread\n"
        "2026-01-05T00:00:00Z,1.1000,1.1030,1.0990,1.1020,120,8\n"
        "2026-01-05T01:00:00Z,1.1020,1.1040,1.1000,1.1010,100,8\n"
        "2026-01-05T02:00:00Z,1.1010,1.1012,1.0950,1.0960,90,8\n"
    )
    term = terminal(start=dt.datetime(2026, 1, 5, 1, tzinfo=UTC), utc_offset_h=2, quotes={})
    feed = CsvBarFeed(path, "EURUSD", bar_seconds=3600, warmup=1)
    term.load_bars("EURUSD", feed.history)
    r = term.order_send({"action": mt5.TRADE_ACTION_PENDING, "symbol": "EURUSD", "volume": 0.1,
                         "type": mt5.ORDER_TYPE_SELL_STOP, "price": 1.0980, "tp": 1.0955})  # fmt: skip
    assert r is not None and r.retcode == mt5.TRADE_RETCODE_INVALID  # no quote yet
    assert term.run_feed(feed, max_ticks=1) == 1
    r = term.order_send({"action": mt5.TRADE_ACTION_PENDING, "symbol": "EURUSD", "volume": 0.1,
                         "type": mt5.ORDER_TYPE_SELL_STOP, "price": 1.0980, "tp": 1.0955})  # fmt: skip
    assert r is not None and r.retcode == mt5.TRADE_RETCODE_DONE
    assert term.run_feed(feed) == 7
    h1 = term.copy_rates_from_pos("EURUSD", mt5.TIMEFRAME_H1, 0, 10)
    assert h1 is not None
    assert [tuple(b)[:6] for b in h1] == [
        (epoch(2026, 1, 5, 2), 1.1, 1.103, 1.099, 1.102, 120),
        (epoch(2026, 1, 5, 3), 1.102, 1.104, 1.1, 1.101, 4),
        (epoch(2026, 1, 5, 4), 1.101, 1.1012, 1.095, 1.096, 4),
    ]
    deals = term.history_deals_get(position=r.order) or ()
    assert [(d.entry, d.reason, d.price) for d in deals] == [
        (mt5.DEAL_ENTRY_IN, mt5.DEAL_REASON_EXPERT, 1.095),  # the bar's low came through the stop
        (mt5.DEAL_ENTRY_OUT, mt5.DEAL_REASON_TP, 1.09508),  # same quote: the ask is below the TP
    ]


def test_csv_errors_name_the_line(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("time,open,high,low,close\n2026-01-05T00:00:00Z,1.1,1.2,1.0,1.1\nx,1,2,3\n")
    with pytest.raises(ValueError, match="line 3"):
        CsvBarFeed(path, "EURUSD")
