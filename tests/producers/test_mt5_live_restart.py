"""Restart safety and history: what happened while the poller was down is journaled exactly once,
``backfill`` is idempotent, and broker-server time becomes UTC across a daylight-saving change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from mt5live_helpers import Session, check_agreement, market, pending, summary

from tradejournal.events import DealFilled, OrderCancelled, event_tag
from tradejournal.producers.config import ServerClock
from tradejournal.producers.mt5 import PaperTerminal, PollerSettings, backfill
from tradejournal.producers.mt5 import api as mt5

UTC = dt.UTC


def test_a_trade_made_while_the_poller_was_down_is_backfilled_once(tmp_path: Path) -> None:
    s = Session(tmp_path)
    t = s.terminal
    s.poll()
    # the poller stops; the trader keeps trading in the terminal
    t.advance(3600)
    t.order_send(market("EURUSD", "buy", 1.0, 1.1001, sl=1.0950))
    t.order_send(pending("EURUSD", mt5.ORDER_TYPE_BUY_LIMIT, 0.5, 1.0900))
    t.advance(600)
    t.set_quote("EURUSD", 1.1050, 1.1051)
    pos = t.positions_get()[0]
    t.order_send(market("EURUSD", "sell", 1.0, 1.1050, position=pos.ticket))
    pend = t.orders_get()[0]
    t.order_send({"action": mt5.TRADE_ACTION_REMOVE, "order": pend.ticket})
    t.advance(600)
    s.start()  # restart: state from the journal alone
    written = s.poll()
    assert summary(written) == [
        ("order.placed", "buy"),
        ("order.placed", "buy_limit"),
        ("order.cancelled", "user"),
        ("order.placed", "sell"),
        ("deal.filled", "in", "expert"),
        ("deal.filled", "out", "expert"),
    ]
    deals = [e for e in written if isinstance(e, DealFilled)]
    assert deals[0].ts == dt.datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    cancel = next(e for e in written if isinstance(e, OrderCancelled))
    assert cancel.ts == dt.datetime(2026, 1, 5, 1, 10, tzinfo=UTC)
    assert s.poll() == []
    s.start()
    assert s.poll() == []  # a second restart adds nothing either
    before = s.journal.last_seq
    again = backfill(
        t, s.journal, dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2026, 2, 1, tzinfo=UTC)
    )
    assert again.appended == 0 and again.deals == 3 and s.journal.last_seq == before
    figures = check_agreement(s)
    assert figures["net"] == D("490")
    (trade,) = figures["trades"]
    assert trade["initial_sl"] == D("1.095")  # from the backfilled opening order
    s.close()


def test_backfill_imports_a_period_idempotently(tmp_path: Path) -> None:
    t = PaperTerminal(utc_offset_h=2)
    t.initialize()
    for day in range(3):
        t.set_time(dt.datetime(2026, 1, 6 + day, 12, tzinfo=UTC))
        t.order_send(market("EURUSD", "buy", 0.1, 1.1001))
        t.advance(60)
        t.order_send(market("EURUSD", "sell", 0.1, 1.1000, position=t.positions_get()[0].ticket))
    from tradejournal.store import Journal

    settings = PollerSettings(server_time=ServerClock(2))
    with Journal.open(tmp_path / "j", create=True, durability="none") as j:
        jan7 = dt.datetime(2026, 1, 7, tzinfo=UTC)
        first = backfill(t, j, jan7, jan7 + dt.timedelta(days=1), settings)
        assert (first.deals, first.orders, first.appended) == (2, 2, 4)
        second = backfill(t, j, jan7, jan7 + dt.timedelta(days=1), settings)
        assert second.appended == 0
        everything = backfill(
            t, j, jan7 - dt.timedelta(days=30), jan7 + dt.timedelta(days=30), settings
        )
        assert everything.appended == 9  # the other two days and the initial deposit
        tags = [event_tag(e) for e in j.read()]
        assert tags.count("deal.filled") == 6 and tags.count("account.balance_changed") == 1
        with pytest.raises(ValueError, match="empty period"):
            backfill(t, j, jan7, jan7, settings)


@pytest.mark.parametrize(
    ("server", "offset"),
    [("2", dt.timedelta(hours=2)), ("3", dt.timedelta(hours=3))],
)
def test_fixed_broker_offsets(tmp_path: Path, server: str, offset: dt.timedelta) -> None:
    t = PaperTerminal(utc_offset_h=float(server))
    s = Session(tmp_path, terminal=t, server_time=ServerClock(float(server)))
    s.poll()
    t.set_time(dt.datetime(2026, 1, 6, 23, 30, tzinfo=UTC))
    s.trader.send(market("EURUSD", "buy", 0.1, 1.1001))
    (deal,) = [e for e in s.poll() if isinstance(e, DealFilled)]
    assert deal.ts == dt.datetime(2026, 1, 6, 23, 30, tzinfo=UTC)
    raw = t.history_deals_get(ticket=deal.order_ticket)[0]
    assert dt.datetime.fromtimestamp(raw.time, UTC) - deal.ts == offset
    s.close()


def test_offsets_follow_a_dst_change(tmp_path: Path) -> None:
    """An EET/EEST broker: +2 h in winter, +3 h from 2026-03-29; deals on both sides of the
    change come out at the paper clock's UTC time."""
    t = PaperTerminal(server_tz="Europe/Athens")
    s = Session(tmp_path, terminal=t, server_time=ServerClock(tz="Europe/Athens"))
    s.poll()
    times = [dt.datetime(2026, 3, 2, 9, tzinfo=UTC), dt.datetime(2026, 4, 1, 9, tzinfo=UTC)]
    for when in times:
        t.set_time(when)
        s.trader.send(market("EURUSD", "buy", 0.1, 1.1001))
    deals = [e for e in s.poll() if isinstance(e, DealFilled)]
    assert [e.ts for e in deals] == times
    raws = [t.history_deals_get(ticket=e.order_ticket)[0] for e in deals]
    offsets = [
        dt.datetime.fromtimestamp(r.time, UTC) - e.ts for r, e in zip(raws, deals, strict=True)
    ]
    assert offsets == [dt.timedelta(hours=2), dt.timedelta(hours=3)]
    s.close()
