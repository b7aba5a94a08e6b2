"""What the poller journals of changes made outside the producers (the terminal window, another
EA, the broker): pending orders placed, modified, expired; stops set and moved by hand; price
extremes by step; a symbol specification once and on change; exact ids; a random session that
must agree with the broker."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mt5live_helpers import Session, check_agreement, market, pending, summary

from tradejournal.events import (
    OrderModified,
    OrderPlaced,
    PositionExcursion,
    PositionStopMoved,
    SymbolSpecChanged,
)
from tradejournal.producers.mt5 import PaperTerminal
from tradejournal.producers.mt5 import api as mt5


def test_pending_order_placed_modified_and_expired_outside(tmp_path: Path) -> None:
    s = Session(tmp_path)
    t = s.terminal
    s.poll()
    expiry = t.clock.server_s + 3600
    r = t.order_send(
        pending("EURUSD", mt5.ORDER_TYPE_SELL_LIMIT, 0.3, 1.1050, tp=1.1000,
                type_time=mt5.ORDER_TIME_SPECIFIED, expiration=expiry)
    )  # fmt: skip
    t.advance(5)
    written = s.poll()
    assert summary(written) == [("order.placed", "sell_limit")]
    placed = written[-1]
    assert isinstance(placed, OrderPlaced)
    assert placed.id == f"mt5:{s.account}:order:{r.order}:placed"
    assert placed.expires_ts == t.utc_now - dt.timedelta(seconds=5) + dt.timedelta(hours=1)
    t.order_send({"action": mt5.TRADE_ACTION_MODIFY, "order": r.order, "price": 1.1060,
                  "sl": 1.1100, "tp": 1.1000, "type_time": mt5.ORDER_TIME_SPECIFIED,
                  "expiration": expiry})  # fmt: skip
    (mod,) = s.poll()
    assert isinstance(mod, OrderModified)
    assert (mod.price, mod.sl, mod.tp, mod.volume) == (D("1.106"), D("1.11"), None, None)
    assert mod.id.endswith(":modified:1")
    t.advance(3600)
    assert summary(s.poll()) == [("order.cancelled", "expired")]
    assert summary(s.poll()) == []
    s.close()


def test_stops_set_and_moved_by_hand(tmp_path: Path) -> None:
    s = Session(tmp_path)
    t = s.terminal
    s.poll()
    t.order_send(market("EURUSD", "sell", 1.0, 1.1000))  # no stops: another EA's order
    s.poll()
    pos = t.positions_get()[0]
    t.advance(30)
    t.order_send({"action": mt5.TRADE_ACTION_SLTP, "position": pos.ticket, "sl": 1.1040})
    first = [e for e in s.poll() if isinstance(e, PositionStopMoved)]
    t.advance(30)
    t.set_quote("EURUSD", 1.0980, 1.0981)
    t.order_send({"action": mt5.TRADE_ACTION_SLTP, "position": pos.ticket, "sl": 1.1020,
                  "tp": 1.0900})  # fmt: skip
    second = [e for e in s.poll() if isinstance(e, PositionStopMoved)]
    moves = [
        (m.method, m.old_sl, m.new_sl, m.old_tp, m.new_tp, m.r_at_move) for m in first + second
    ]
    assert moves == [
        ("initial", None, D("1.104"), None, None, -0.025),  # price 1.1001 (ask), entry 1.1
        ("manual", D("1.104"), D("1.102"), None, D("1.09"), 0.475),
    ]
    assert first[0].ts == dt.datetime(2026, 1, 5, 0, 0, 30, tzinfo=dt.UTC)  # time_update
    s.close()


def test_excursions_by_step(tmp_path: Path) -> None:
    s = Session(tmp_path, excursion_step_points=50)
    t = s.terminal
    s.poll()
    s.trader.send(market("EURUSD", "buy", 1.0, 1.1001, sl=1.0951))
    quotes = [1.1003, 1.1006, 1.1004, 1.1012, 1.0990, 1.0985, 1.0954]
    got = []
    for bid in quotes:
        t.set_quote("EURUSD", bid, round(bid + 0.0001, 5))
        got += [(e.excursion, e.price) for e in s.poll() if isinstance(e, PositionExcursion)]
    # from the entry 1.1001, each new extreme must beat the last by 50 points (0.0005)
    assert got == [
        ("mfe", D("1.1006")),
        ("mfe", D("1.1012")),
        ("mae", D("1.099")),
        ("mae", D("1.0985")),
        ("mae", D("1.0954")),
    ]
    s.close()


def test_symbol_spec_once_and_on_change(tmp_path: Path) -> None:
    s = Session(tmp_path)
    t = s.terminal
    s.poll()
    s.trader.send(market("USDJPY", "buy", 0.1, 150.012))
    specs = [e for e in s.poll() if isinstance(e, SymbolSpecChanged)]
    assert [(e.symbol, e.digits, e.tick_size, e.contract_size) for e in specs] == [
        ("USDJPY", 3, D("0.001"), D("100000"))
    ]
    assert [e for e in s.poll() if isinstance(e, SymbolSpecChanged)] == []
    t.book.specs["USDJPY"] = replace(t.book.specs["USDJPY"], tick_value=0.65)
    (changed,) = [e for e in s.poll() if isinstance(e, SymbolSpecChanged)]
    assert changed.tick_value == D("0.65")
    s.start()  # a restart knows the spec from the journal
    assert [e for e in s.poll() if isinstance(e, SymbolSpecChanged)] == []
    s.close()


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), hedging=st.booleans())
def test_a_random_session_agrees_with_the_broker(
    tmp_path_factory, seed: int, hedging: bool
) -> None:  # type: ignore[no-untyped-def]
    """Random orders, closes, stop changes and price moves on a paper account with commission
    and swaps; polled at random moments. The journal must agree with the broker to the cent."""
    rng = random.Random(seed)
    t = PaperTerminal(hedging=hedging, commission_per_lot=3.5)
    s = Session(tmp_path_factory.mktemp("rnd"), terminal=t)
    s.poll()
    mid = 1.1
    for _ in range(25):
        mid = round(mid + rng.choice([-1, 1]) * rng.randint(0, 40) * 1e-5, 5)
        t.advance(rng.choice([1, 60, 3600, 30_000]))
        t.set_quote("EURUSD", mid, round(mid + 0.0001, 5))
        action = rng.random()
        positions = t.positions_get()
        if action < 0.4:
            side = rng.choice(["buy", "sell"])
            price = mid + 0.0001 if side == "buy" else mid
            sl = round(price - 0.003, 5) if side == "buy" else round(price + 0.003, 5)
            s.trader.send(market("EURUSD", side, rng.choice([0.1, 0.5, 1.0]), price, sl=sl))
        elif action < 0.6 and positions:
            p = rng.choice(positions)
            vol = p.volume if rng.random() < 0.6 else round(p.volume / 2, 2)
            side = "sell" if p.type == 0 else "buy"
            s.trader.send(market("EURUSD", side, max(vol, 0.01), mid, position=p.ticket))
        if rng.random() < 0.5:
            s.poll()
    s.poll()
    check_agreement(s)
    s.close()
