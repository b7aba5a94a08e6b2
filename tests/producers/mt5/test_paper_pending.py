"""Scenario tests of the paper terminal's pending orders: limit, stop, stop-limit, modify, remove,
expiry (exact order states and deals)."""

from __future__ import annotations

from typing import Any

from tradejournal.producers.mt5 import PaperTerminal
from tradejournal.producers.mt5 import api as mt5

T0 = 1_767_571_200  # 2026-01-05 00:00 UTC


def terminal(**kw: Any) -> PaperTerminal:
    term = PaperTerminal(**kw)
    assert term.initialize()
    return term


def pending(term: PaperTerminal, kind: int, price: float, **kw: Any) -> mt5.OrderSendResult:
    req = {"action": mt5.TRADE_ACTION_PENDING, "symbol": "EURUSD", "volume": 0.1, "type": kind,
           "price": price, **kw}  # fmt: skip
    result = term.order_send(req)
    assert result is not None
    return result


def test_buy_limit_is_filled_by_a_quote_at_its_price() -> None:
    term = terminal()
    r = pending(term, mt5.ORDER_TYPE_BUY_LIMIT, 1.098, sl=1.095, tp=1.103, magic=5, comment="dip")
    assert r[:5] == (mt5.TRADE_RETCODE_DONE, 0, 100_000_001, 0.1, 1.098)
    assert term.orders_get() == (
        mt5.TradeOrder(100_000_001, T0, T0 * 1000, 0, 0, 0, mt5.ORDER_TYPE_BUY_LIMIT,
                       mt5.ORDER_TIME_GTC, mt5.ORDER_FILLING_FOK, mt5.ORDER_STATE_PLACED, 5, 0, 0,
                       mt5.ORDER_REASON_EXPERT, 0.1, 0.1, 1.098, 1.095, 1.103, 1.1001, 0.0,
                       "EURUSD", "dip", ""),
    )  # fmt: skip
    term.advance(60)
    term.set_quote("EURUSD", 1.0985, 1.0986)
    assert term.orders_total() == 1 and term.positions_total() == 0
    term.advance(60)
    term.set_quote("EURUSD", 1.0978, 1.0979)
    assert term.orders_get() == ()
    (pos,) = term.positions_get() or ()
    assert (pos.ticket, pos.identifier, pos.price_open, pos.sl, pos.tp, pos.magic, pos.time) == (
        100_000_001, 100_000_001, 1.098, 1.095, 1.103, 5, T0 + 120,
    )  # fmt: skip
    (order,) = term.history_orders_get(ticket=100_000_001) or ()
    assert (order.state, order.time_setup, order.time_done, order.position_id, order.volume_current) == (
        mt5.ORDER_STATE_FILLED, T0, T0 + 120, 100_000_001, 0.0,
    )  # fmt: skip
    (deal,) = term.history_deals_get(ticket=100_000_001) or ()
    assert (deal.order, deal.entry, deal.reason, deal.price, deal.position_id) == (
        100_000_001, mt5.DEAL_ENTRY_IN, mt5.DEAL_REASON_EXPERT, 1.098, 100_000_001,
    )  # fmt: skip


def test_sell_stop_fills_at_the_market_through_a_gap() -> None:
    term = terminal()
    ticket = pending(term, mt5.ORDER_TYPE_SELL_STOP, 1.095).order
    term.set_quote("EURUSD", 1.093, 1.0931)
    (deal,) = term.history_deals_get(ticket=ticket) or ()
    assert (deal.type, deal.price, deal.volume) == (mt5.DEAL_TYPE_SELL, 1.093, 0.1)


def test_stop_limit_becomes_a_limit_then_fills() -> None:
    term = terminal()
    ticket = pending(term, mt5.ORDER_TYPE_BUY_STOP_LIMIT, 1.102, stoplimit=1.101).order
    term.set_quote("EURUSD", 1.1015, 1.1016)
    (o,) = term.orders_get() or ()
    assert (o.type, o.price_open, o.price_stoplimit) == (
        mt5.ORDER_TYPE_BUY_STOP_LIMIT,
        1.102,
        1.101,
    )
    term.set_quote("EURUSD", 1.1021, 1.1022)  # the stop price is reached: a buy limit at 1.101
    (o,) = term.orders_get() or ()
    assert (o.ticket, o.type, o.price_open, o.price_stoplimit) == (
        ticket, mt5.ORDER_TYPE_BUY_LIMIT, 1.101, 0.0,
    )  # fmt: skip
    assert term.positions_get() == ()
    term.set_quote("EURUSD", 1.1009, 1.101)
    (pos,) = term.positions_get() or ()
    assert (pos.ticket, pos.price_open) == (ticket, 1.101)


def test_modify_remove_and_expiry() -> None:
    term = terminal()
    expiry = T0 + 3600
    a = pending(term, mt5.ORDER_TYPE_BUY_LIMIT, 1.098, type_time=mt5.ORDER_TIME_SPECIFIED,
                expiration=expiry).order  # fmt: skip
    b = pending(term, mt5.ORDER_TYPE_SELL_LIMIT, 1.103).order
    day = pending(term, mt5.ORDER_TYPE_SELL_STOP, 1.09, type_time=mt5.ORDER_TIME_DAY).order
    mod = {"action": mt5.TRADE_ACTION_MODIFY, "order": a, "price": 1.097, "sl": 1.094,
           "type_time": mt5.ORDER_TIME_SPECIFIED, "expiration": expiry}  # fmt: skip
    r = term.order_send(mod)
    assert r is not None and (r.retcode, r.order) == (mt5.TRADE_RETCODE_DONE, a)
    assert [(o.price_open, o.sl, o.time_expiration) for o in term.orders_get(ticket=a) or ()] == [
        (1.097, 1.094, expiry)
    ]
    again = term.order_send(mod)
    assert again is not None and again.retcode == mt5.TRADE_RETCODE_NO_CHANGES
    bad = term.order_send({**mod, "price": 1.1005})
    assert bad is not None and bad.retcode == mt5.TRADE_RETCODE_INVALID_PRICE
    rm = term.order_send({"action": mt5.TRADE_ACTION_REMOVE, "order": b})
    assert rm is not None and (rm.retcode, rm.order) == (mt5.TRADE_RETCODE_DONE, b)
    term.advance(3599)
    assert [o.ticket for o in term.orders_get() or ()] == [a, day]
    term.advance(1)
    assert [o.ticket for o in term.orders_get() or ()] == [day]
    term.advance(86_400)
    assert term.orders_get() == ()
    done = term.history_orders_get(T0, T0 + 2 * 86_400) or ()
    assert [(o.ticket, o.state, o.time_done, o.volume_current) for o in done] == [
        (b, mt5.ORDER_STATE_CANCELED, T0, 0.1),
        (a, mt5.ORDER_STATE_EXPIRED, T0 + 3600, 0.1),
        (day, mt5.ORDER_STATE_EXPIRED, T0 + 86_400, 0.1),  # at the end of the server day
    ]
    assert term.history_deals_get(T0 + 1, T0 + 2 * 86_400) == ()


def test_pending_checks() -> None:
    term = terminal()
    cases = [
        (mt5.ORDER_TYPE_BUY_LIMIT, 1.1005, {}, mt5.TRADE_RETCODE_INVALID_PRICE),
        (mt5.ORDER_TYPE_SELL_LIMIT, 1.0995, {}, mt5.TRADE_RETCODE_INVALID_PRICE),
        (mt5.ORDER_TYPE_BUY_STOP, 1.0995, {}, mt5.TRADE_RETCODE_INVALID_PRICE),
        (mt5.ORDER_TYPE_SELL_STOP, 1.1005, {}, mt5.TRADE_RETCODE_INVALID_PRICE),
        (mt5.ORDER_TYPE_BUY_STOP_LIMIT, 1.102, {"stoplimit": 1.103}, mt5.TRADE_RETCODE_INVALID_PRICE),
        (mt5.ORDER_TYPE_BUY_LIMIT, 1.098, {"sl": 1.099}, mt5.TRADE_RETCODE_INVALID_STOPS),
        (mt5.ORDER_TYPE_SELL_STOP, 1.098, {"tp": 1.099}, mt5.TRADE_RETCODE_INVALID_STOPS),
        (mt5.ORDER_TYPE_BUY_LIMIT, 1.098, {"type_time": mt5.ORDER_TIME_SPECIFIED, "expiration": T0},
         mt5.TRADE_RETCODE_INVALID_EXPIRATION),
        (mt5.ORDER_TYPE_BUY, 1.098, {}, mt5.TRADE_RETCODE_INVALID_ORDER),
    ]  # fmt: skip
    for kind, price, extra, code in cases:
        r = pending(term, kind, price, **extra)
        assert (r.retcode, r.order) == (code, 0), (kind, price, extra)
    assert term.orders_get() == () and term.history_orders_get(T0, T0) == ()
    gone = term.order_send({"action": mt5.TRADE_ACTION_REMOVE, "order": 42})
    assert gone is not None and gone.retcode == mt5.TRADE_RETCODE_INVALID_ORDER
