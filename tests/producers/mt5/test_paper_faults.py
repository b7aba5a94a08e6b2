"""The paper terminal's failures: uninitialized, disconnect/reconnect, ``None`` + last_error,
and every rejection retcode — each leaving the account untouched."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tradejournal.producers.mt5 import PaperTerminal
from tradejournal.producers.mt5 import api as mt5
from tradejournal.producers.mt5.paper import DEFAULT_SPECS

NO_IPC = (-10004, "No IPC connection")
BUY = {"action": mt5.TRADE_ACTION_DEAL, "symbol": "EURUSD", "volume": 0.1,
       "type": mt5.ORDER_TYPE_BUY}  # fmt: skip


def terminal(**kw: Any) -> PaperTerminal:
    term = PaperTerminal(**kw)
    assert term.initialize()
    return term


def snapshot(term: PaperTerminal) -> tuple[Any, ...]:
    return (term.account_info(), term.positions_get(), term.orders_get(),
            term.history_deals_get(0, 2**31), term.history_orders_get(0, 2**31))  # fmt: skip


def test_calls_fail_until_initialize_and_after_shutdown() -> None:
    term = PaperTerminal()
    assert (term.account_info(), term.terminal_info(), term.order_send(BUY)) == (None, None, None)
    assert term.last_error() == NO_IPC
    assert term.initialize() and term.last_error() == (1, "Success")
    term.shutdown()
    assert term.positions_get() is None and term.last_error() == NO_IPC


def test_login_checks_the_account() -> None:
    term = PaperTerminal(login=77, password="s3cret", server="Paper-Demo")
    assert not term.initialize(login=77, password="wrong", server="Paper-Demo")
    assert term.last_error() == (mt5.RES_E_AUTH_FAILED, "Authorization failed")
    assert term.initialize(login=77, password="s3cret", server="Paper-Demo")
    assert term.account_info().login == 77  # type: ignore[union-attr]


def test_disconnect_then_reconnect_sees_what_the_server_did() -> None:
    term = terminal()
    r = term.order_send({**BUY, "sl": 1.099})
    assert r is not None
    term.disconnect()
    info = term.terminal_info()
    assert info is not None and info.connected is False
    for call in (term.account_info, term.positions_get, lambda: term.order_send(BUY),
                 lambda: term.history_deals_get(0, 2**31), lambda: term.symbol_info_tick("EURUSD"),
                 lambda: term.copy_rates_from_pos("EURUSD", mt5.TIMEFRAME_M1, 0, 5)):  # fmt: skip
        assert call() is None
        assert term.last_error() == NO_IPC
    term.advance(30)
    term.set_quote("EURUSD", 1.0985, 1.0986)  # the server still runs: the SL closes the position
    term.reconnect()
    assert term.terminal_info().connected is True  # type: ignore[union-attr]
    assert term.positions_get() == ()
    last = (term.history_deals_get(position=r.order) or ())[-1]
    assert (last.reason, last.time) == (mt5.DEAL_REASON_SL, 1_767_571_230)


def test_order_send_returns_none_with_last_error() -> None:
    term = terminal()
    before = snapshot(term)
    term.none_next()
    assert term.order_send(BUY) is None
    assert term.last_error() == (mt5.RES_E_INTERNAL_FAIL_TIMEOUT, "IPC timeout")
    assert term.order_send({**BUY, "volume": "0.1"}) is None
    assert term.last_error() == (mt5.RES_E_INVALID_PARAMS, 'Invalid "volume" argument')
    assert term.order_send({**BUY, "lots": 1}) is None
    assert term.last_error() == (mt5.RES_E_INVALID_PARAMS, 'Invalid keyword "lots"')
    assert snapshot(term) == before
    ok = term.order_send(BUY)
    assert ok is not None and ok.retcode == mt5.TRADE_RETCODE_DONE


SCRIPTABLE = sorted(
    v for k, v in vars(mt5).items()
    if k.startswith("TRADE_RETCODE_") and k not in ("TRADE_RETCODE_DONE", "TRADE_RETCODE_PLACED", "TRADE_RETCODE_DONE_PARTIAL")
)  # fmt: skip


@pytest.mark.parametrize("code", SCRIPTABLE)
def test_every_rejection_retcode_can_be_scripted(code: int) -> None:
    term = terminal()
    before = snapshot(term)
    term.fail_next(code)
    r = term.order_send(BUY)
    assert r is not None
    assert (r.retcode, r.deal, r.order, r.volume, r.bid, r.ask) == (code, 0, 0, 0.0, 1.1, 1.1001)
    assert r.comment and r.request == mt5.TradeRequest(1, 0, 0, "EURUSD", 0.1, 0.0, 0.0, 0.0, 0.0,
                                                       0, 0, 0, 0, 0, "", 0, 0)  # fmt: skip
    assert snapshot(term) == before
    again = term.order_send(BUY)
    assert again is not None and again.retcode == mt5.TRADE_RETCODE_DONE


def _spec(**kw: Any) -> list[Any]:
    return [replace(DEFAULT_SPECS["EURUSD"], **kw)]


REJECTIONS = [
    ({}, {"volume": 0.001}, mt5.TRADE_RETCODE_INVALID_VOLUME),
    ({}, {"volume": 0.015}, mt5.TRADE_RETCODE_INVALID_VOLUME),
    ({}, {"volume": 100.01}, mt5.TRADE_RETCODE_INVALID_VOLUME),
    ({}, {"sl": 1.1001}, mt5.TRADE_RETCODE_INVALID_STOPS),  # buy SL above the bid
    ({}, {"tp": 1.0999}, mt5.TRADE_RETCODE_INVALID_STOPS),
    ({"symbols": _spec(stops_level=50)}, {"sl": 1.0996}, mt5.TRADE_RETCODE_INVALID_STOPS),
    ({}, {"volume": 10.0}, mt5.TRADE_RETCODE_NO_MONEY),  # 11,001 margin > 10,000
    ({}, {"price": 1.1005, "deviation": 3}, mt5.TRADE_RETCODE_REQUOTE),
    ({}, {"symbol": "NOPE"}, mt5.TRADE_RETCODE_INVALID),
    ({}, {"action": 99}, mt5.TRADE_RETCODE_INVALID),
    ({}, {"type": mt5.ORDER_TYPE_BUY_LIMIT}, mt5.TRADE_RETCODE_INVALID_ORDER),
    ({}, {"position": 123}, mt5.TRADE_RETCODE_POSITION_CLOSED),
    ({"symbols": _spec(trade_mode=mt5.SYMBOL_TRADE_MODE_DISABLED)}, {}, mt5.TRADE_RETCODE_TRADE_DISABLED),
    ({"symbols": _spec(trade_mode=mt5.SYMBOL_TRADE_MODE_SHORTONLY)}, {}, mt5.TRADE_RETCODE_SHORT_ONLY),
    ({"symbols": _spec(trade_mode=mt5.SYMBOL_TRADE_MODE_LONGONLY)}, {"type": mt5.ORDER_TYPE_SELL}, mt5.TRADE_RETCODE_LONG_ONLY),
    ({"symbols": _spec(trade_mode=mt5.SYMBOL_TRADE_MODE_CLOSEONLY)}, {}, mt5.TRADE_RETCODE_CLOSE_ONLY),
    ({"symbols": _spec(fillings=frozenset({mt5.ORDER_FILLING_IOC}))}, {}, mt5.TRADE_RETCODE_INVALID_FILL),
]  # fmt: skip


@pytest.mark.parametrize(("settings", "change", "code"), REJECTIONS)
def test_broker_checks_refuse_with_the_right_retcode(
    settings: dict[str, Any], change: dict[str, Any], code: int
) -> None:
    term = terminal(**settings)
    before = snapshot(term)
    r = term.order_send({**BUY, **change})
    assert r is not None and (r.retcode, r.deal, r.order) == (code, 0, 0)
    assert snapshot(term) == before


def test_closed_market_autotrading_and_close_volume() -> None:
    term = terminal()
    pos = term.order_send(BUY)
    assert pos is not None
    too_much = term.order_send(
        {**BUY, "type": mt5.ORDER_TYPE_SELL, "volume": 0.2, "position": pos.order}
    )
    assert too_much is not None and too_much.retcode == mt5.TRADE_RETCODE_INVALID_CLOSE_VOLUME
    term.close_market("EURUSD")
    closed = term.order_send(BUY)
    assert closed is not None and (closed.retcode, closed.comment) == (
        mt5.TRADE_RETCODE_MARKET_CLOSED,
        "Market closed",
    )
    term.open_market("EURUSD")
    term.set_autotrading(False)
    off = term.order_send(BUY)
    assert off is not None and off.retcode == mt5.TRADE_RETCODE_CLIENT_DISABLES_AT
    assert term.terminal_info().trade_allowed is False  # type: ignore[union-attr]
