"""Scenario tests of the paper terminal's market orders, stops and positions (exact records)."""

from __future__ import annotations

from typing import Any

from tradejournal.producers.mt5 import PaperTerminal
from tradejournal.producers.mt5 import api as mt5

T0 = 1_767_571_200  # 2026-01-05 00:00 UTC, the default start (server offset 0 here)


def terminal(**kw: Any) -> PaperTerminal:
    term = PaperTerminal(**kw)
    assert term.initialize()
    return term


def market(term: PaperTerminal, side: int, volume: float, **kw: Any) -> mt5.OrderSendResult:
    tick = term.symbol_info_tick(kw.pop("symbol", "EURUSD"))
    assert tick is not None
    req = {
        "action": mt5.TRADE_ACTION_DEAL, "symbol": "EURUSD", "volume": volume, "type": side,
        "price": tick.ask if side == mt5.ORDER_TYPE_BUY else tick.bid, "deviation": 10, **kw,
    }  # fmt: skip
    result = term.order_send(req)
    assert result is not None
    return result


def test_market_buy_then_stop_loss_hit() -> None:
    term = terminal(commission_per_lot=3.5)
    r = market(term, mt5.ORDER_TYPE_BUY, 0.5, sl=1.095, tp=1.11, magic=9, comment="entry")
    assert r[:8] == (mt5.TRADE_RETCODE_DONE, 50_000_002, 100_000_001, 0.5, 1.1001, 1.1, 1.1001,
                     "Request executed")  # fmt: skip
    assert term.positions_get() == (
        mt5.TradePosition(100_000_001, T0, T0 * 1000, T0, T0 * 1000, mt5.POSITION_TYPE_BUY, 9,
                          100_000_001, mt5.POSITION_REASON_EXPERT, 0.5, 1.1001, 1.095, 1.11, 1.1,
                          0.0, -5.0, "EURUSD", "entry", ""),
    )  # fmt: skip
    term.advance(60)
    term.set_quote("EURUSD", 1.0949, 1.095)
    assert term.positions_get() == ()
    deals = term.history_deals_get(T0, T0 + 60)
    assert deals is not None
    assert deals[1:] == (
        mt5.TradeDeal(50_000_002, 100_000_001, T0, T0 * 1000, mt5.DEAL_TYPE_BUY, mt5.DEAL_ENTRY_IN,
                      9, 100_000_001, mt5.DEAL_REASON_EXPERT, 0.5, 1.1001, -1.75, 0.0, 0.0, 0.0,
                      "EURUSD", "entry", ""),
        mt5.TradeDeal(50_000_003, 100_000_002, T0 + 60, (T0 + 60) * 1000, mt5.DEAL_TYPE_SELL,
                      mt5.DEAL_ENTRY_OUT, 9, 100_000_001, mt5.DEAL_REASON_SL, 0.5, 1.0949, -1.75,
                      0.0, -260.0, 0.0, "EURUSD", "[sl 1.09500]", ""),
    )  # fmt: skip
    orders = term.history_orders_get(position=100_000_001)
    assert orders is not None
    assert [
        (o.ticket, o.type, o.state, o.reason, o.volume_initial, o.volume_current) for o in orders
    ] == [
        (
            100_000_001,
            mt5.ORDER_TYPE_BUY,
            mt5.ORDER_STATE_FILLED,
            mt5.ORDER_REASON_EXPERT,
            0.5,
            0.0,
        ),
        (100_000_002, mt5.ORDER_TYPE_SELL, mt5.ORDER_STATE_FILLED, mt5.ORDER_REASON_SL, 0.5, 0.0),
    ]
    assert term.history_deals_get(ticket=100_000_002) == deals[2:]  # ticket = the ORDER ticket
    acc = term.account_info()
    assert acc is not None
    assert (acc.balance, acc.equity, acc.profit, acc.margin, acc.margin_free) == (
        9_736.5, 9_736.5, 0.0, 0.0, 9_736.5,
    )  # fmt: skip


def test_partial_close_then_take_profit() -> None:
    term = terminal()
    pos = market(term, mt5.ORDER_TYPE_BUY, 1.0, tp=1.105).order
    term.advance(120)
    term.set_quote("EURUSD", 1.102, 1.1021)
    part = market(term, mt5.ORDER_TYPE_SELL, 0.4, position=pos, comment="half")
    assert (part.retcode, part.volume, part.price) == (mt5.TRADE_RETCODE_DONE, 0.4, 1.102)
    (left,) = term.positions_get(ticket=pos) or ()
    assert (left.volume, left.tp, left.identifier, left.time_update) == (0.6, 1.105, pos, T0 + 120)
    term.advance(60)
    term.set_quote("EURUSD", 1.105, 1.1051)
    assert term.positions_get() == ()
    deals = term.history_deals_get(position=pos) or ()
    assert [(d.entry, d.reason, d.volume, d.price, d.profit, d.comment) for d in deals] == [
        (mt5.DEAL_ENTRY_IN, mt5.DEAL_REASON_EXPERT, 1.0, 1.1001, 0.0, ""),
        (mt5.DEAL_ENTRY_OUT, mt5.DEAL_REASON_EXPERT, 0.4, 1.102, 76.0, "half"),
        (mt5.DEAL_ENTRY_OUT, mt5.DEAL_REASON_TP, 0.6, 1.105, 294.0, "[tp 1.10500]"),
    ]
    assert term.account_info().balance == 10_370.0  # type: ignore[union-attr]


def test_hedging_keeps_two_positions_and_closes_one_by_the_other() -> None:
    term = terminal()
    buy = market(term, mt5.ORDER_TYPE_BUY, 0.3).order
    sell = market(term, mt5.ORDER_TYPE_SELL, 0.1).order
    positions = term.positions_get() or ()
    assert [(p.ticket, p.type, p.volume, p.price_open) for p in positions] == [
        (buy, mt5.POSITION_TYPE_BUY, 0.3, 1.1001),
        (sell, mt5.POSITION_TYPE_SELL, 0.1, 1.1),
    ]
    r = term.order_send({"action": mt5.TRADE_ACTION_CLOSE_BY, "position": buy, "position_by": sell})
    assert r is not None and r.retcode == mt5.TRADE_RETCODE_DONE
    deals = term.history_deals_get(ticket=r.order) or ()
    assert [(d.type, d.entry, d.position_id, d.volume, d.price, d.profit) for d in deals] == [
        (mt5.DEAL_TYPE_SELL, mt5.DEAL_ENTRY_OUT_BY, buy, 0.1, 1.1, -1.0),
        (mt5.DEAL_TYPE_BUY, mt5.DEAL_ENTRY_OUT_BY, sell, 0.1, 1.1, 0.0),
    ]
    (close_by,) = term.history_orders_get(ticket=r.order) or ()
    assert (close_by.type, close_by.position_id, close_by.position_by_id) == (
        mt5.ORDER_TYPE_CLOSE_BY, buy, sell,
    )  # fmt: skip
    assert [(p.ticket, p.volume) for p in term.positions_get() or ()] == [(buy, 0.2)]


def test_netting_adds_closes_part_and_reverses() -> None:
    term = terminal(hedging=False)
    first = market(term, mt5.ORDER_TYPE_BUY, 1.0).order
    term.set_quote("EURUSD", 1.102, 1.1021)
    market(term, mt5.ORDER_TYPE_SELL, 0.3)
    assert [(p.ticket, p.volume) for p in term.positions_get() or ()] == [(first, 0.7)]
    term.set_quote("EURUSD", 1.103, 1.1031)
    rev = market(term, mt5.ORDER_TYPE_SELL, 1.5).order
    (pos,) = term.positions_get() or ()
    assert (pos.ticket, pos.identifier, pos.type, pos.volume, pos.price_open) == (
        rev, first, mt5.POSITION_TYPE_SELL, 0.8, 1.103,
    )  # fmt: skip
    term.set_quote("EURUSD", 1.1, 1.1001)
    market(term, mt5.ORDER_TYPE_BUY, 0.8)
    assert term.positions_get() == ()
    deals = term.history_deals_get(position=first) or ()
    assert [(d.type, d.entry, d.volume, d.price, d.profit) for d in deals] == [
        (mt5.DEAL_TYPE_BUY, mt5.DEAL_ENTRY_IN, 1.0, 1.1001, 0.0),
        (mt5.DEAL_TYPE_SELL, mt5.DEAL_ENTRY_OUT, 0.3, 1.102, 57.0),
        (mt5.DEAL_TYPE_SELL, mt5.DEAL_ENTRY_INOUT, 1.5, 1.103, 203.0),
        (mt5.DEAL_TYPE_BUY, mt5.DEAL_ENTRY_OUT, 0.8, 1.1001, 232.0),
    ]
    acc = term.account_info()
    assert acc is not None
    assert (acc.margin_mode, acc.balance) == (mt5.ACCOUNT_MARGIN_MODE_RETAIL_NETTING, 10_492.0)


def test_sltp_modification_and_its_checks() -> None:
    term = terminal()
    pos = market(term, mt5.ORDER_TYPE_SELL, 0.1).order
    term.advance(5)
    ok = term.order_send(
        {"action": mt5.TRADE_ACTION_SLTP, "position": pos, "sl": 1.103, "tp": 1.09}
    )
    assert ok is not None and ok[:3] == (mt5.TRADE_RETCODE_DONE, 0, 0)
    (p,) = term.positions_get() or ()
    assert (p.sl, p.tp, p.time_update, p.time) == (1.103, 1.09, T0 + 5, T0)
    same = term.order_send(
        {"action": mt5.TRADE_ACTION_SLTP, "position": pos, "sl": 1.103, "tp": 1.09}
    )
    assert same is not None and same.retcode == mt5.TRADE_RETCODE_NO_CHANGES
    wrong = term.order_send({"action": mt5.TRADE_ACTION_SLTP, "position": pos, "sl": 1.099})
    assert wrong is not None and (wrong.retcode, wrong.comment) == (
        mt5.TRADE_RETCODE_INVALID_STOPS, "Invalid stops",
    )  # fmt: skip


def test_commission_and_swap_on_deals() -> None:
    term = terminal(commission_per_lot=2.0)
    term.advance(10 * 3600)  # Monday 10:00
    pos = market(term, mt5.ORDER_TYPE_BUY, 1.0).order
    term.advance(3 * 86_400 - 9 * 3600)  # Thursday 01:00: Mon, Tue and Wednesday (x3) nights
    (p,) = term.positions_get() or ()
    assert p.swap == -36.0  # EURUSD swap long -7.2 points x 1 lot x (1 + 1 + 3)
    market(term, mt5.ORDER_TYPE_SELL, 1.0, position=pos)
    deals = term.history_deals_get(position=pos) or ()
    assert [(d.entry, d.commission, d.swap, d.profit) for d in deals] == [
        (mt5.DEAL_ENTRY_IN, -2.0, 0.0, 0.0),
        (mt5.DEAL_ENTRY_OUT, -2.0, -36.0, -10.0),
    ]
    assert term.account_info().balance == 10_000 - 2 - 2 - 36 - 10  # type: ignore[union-attr]


def test_no_swap_for_weekend_nights() -> None:
    term = terminal()
    term.advance(4 * 86_400 + 3600)  # Friday 01:00
    market(term, mt5.ORDER_TYPE_SELL, 1.0)
    term.advance(3 * 86_400)  # Monday 01:00: Friday night only (Sat and Sun nights are free)
    (p,) = term.positions_get() or ()
    assert p.swap == 2.1


def test_stop_out_closes_the_worst_position() -> None:
    term = terminal()
    market(term, mt5.ORDER_TYPE_BUY, 5.0)
    acc = term.account_info()
    assert acc is not None and (acc.margin, acc.margin_level) == (5_500.5, 180.89)
    term.set_quote("EURUSD", 1.085, 1.0851)
    assert term.positions_get() == ()
    last = (term.history_deals_get(T0, T0) or ())[-1]
    assert (last.reason, last.entry, last.profit, last.comment) == (
        mt5.DEAL_REASON_SO, mt5.DEAL_ENTRY_OUT, -7_550.0, "[so 44.54%]",
    )  # fmt: skip


def test_balance_operations_are_balance_deals() -> None:
    term = terminal(balance=1_000.0)
    term.deposit(500.0)
    term.withdraw(200.0, "payout")
    term.credit(50.0)
    deals = term.history_deals_get(T0, T0) or ()
    assert [(d.type, d.entry, d.profit, d.symbol, d.position_id, d.comment) for d in deals] == [
        (mt5.DEAL_TYPE_BALANCE, mt5.DEAL_ENTRY_IN, 1_000.0, "", 0, "Initial deposit"),
        (mt5.DEAL_TYPE_BALANCE, mt5.DEAL_ENTRY_IN, 500.0, "", 0, "Deposit"),
        (mt5.DEAL_TYPE_BALANCE, mt5.DEAL_ENTRY_IN, -200.0, "", 0, "payout"),
        (mt5.DEAL_TYPE_CREDIT, mt5.DEAL_ENTRY_IN, 50.0, "", 0, "Credit"),
    ]
    acc = term.account_info()
    assert acc is not None and (acc.balance, acc.credit, acc.equity) == (1_300.0, 50.0, 1_350.0)


def test_order_check_reports_the_account_after_the_order() -> None:
    term = terminal()
    req = {"action": mt5.TRADE_ACTION_DEAL, "symbol": "EURUSD", "volume": 1.0,
           "type": mt5.ORDER_TYPE_BUY}  # fmt: skip
    check = term.order_check(req)
    assert check is not None
    assert check[:8] == (0, 10_000.0, 10_000.0, 0.0, 1_100.1, 8_899.9, 909.01, "Done")
    assert term.positions_get() == ()
    bad = term.order_check({**req, "volume": 0.001})
    assert bad is not None and (bad.retcode, bad.comment) == (
        mt5.TRADE_RETCODE_INVALID_VOLUME, "Invalid volume",
    )  # fmt: skip


def test_symbol_specification_records() -> None:
    term = terminal()
    info = term.symbol_info("XAUUSD")
    assert info is not None
    assert (info.name, info.digits, info.point, info.trade_contract_size, info.trade_tick_size,
            info.trade_tick_value, info.volume_min, info.volume_max, info.volume_step,
            info.bid, info.ask, info.spread, info.currency_profit, info.visible) == (
        "XAUUSD", 2, 0.01, 100.0, 0.01, 1.0, 0.01, 50.0, 0.01, 2000.0, 2000.3, 30, "USD", True,
    )  # fmt: skip
    assert (type(info.custom), type(info.session_open), type(info.bank)) == (bool, float, str)
    assert [s.name for s in term.symbols_get(group="*USD*,!XAU*") or ()] == [
        "EURUSD", "GBPUSD", "AUDUSD", "USDJPY",
    ]  # fmt: skip
    assert term.symbols_total() == 5
    assert term.symbol_info("NOPE") is None and term.last_error()[0] == mt5.RES_E_NOT_FOUND
    # profit follows the specification: 1 lot of gold moving 10.00 is 1,000 USD
    assert term.order_calc_profit(mt5.ORDER_TYPE_BUY, "XAUUSD", 1.0, 2000.0, 2010.0) == 1_000.0
    assert term.order_calc_margin(mt5.ORDER_TYPE_BUY, "XAUUSD", 1.0, 2000.0) == 2_000.0


def test_manual_requests_carry_the_platform_reason() -> None:
    term = terminal()
    term.set_autotrading(False)  # stops programs, not a person at the terminal
    with term.manual(mt5.ORDER_REASON_MOBILE):
        pos = market(term, mt5.ORDER_TYPE_BUY, 0.1).order
        limit = term.order_send({"action": mt5.TRADE_ACTION_PENDING, "symbol": "EURUSD",
                                 "volume": 0.1, "type": mt5.ORDER_TYPE_BUY_LIMIT, "price": 1.09})  # fmt: skip
    assert limit is not None and limit.retcode == mt5.TRADE_RETCODE_DONE
    (p,) = term.positions_get() or ()
    (deal,) = term.history_deals_get(ticket=pos) or ()
    (order,) = term.orders_get() or ()
    assert (p.reason, deal.reason, order.reason) == (
        mt5.POSITION_REASON_MOBILE, mt5.DEAL_REASON_MOBILE, mt5.ORDER_REASON_MOBILE,
    )  # fmt: skip
    refused = market(term, mt5.ORDER_TYPE_BUY, 0.1)  # back to a program: AutoTrading is off
    assert refused.retcode == mt5.TRADE_RETCODE_CLIENT_DISABLES_AT
