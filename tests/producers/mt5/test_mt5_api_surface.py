"""The MT5 surface against the MetaTrader5 package's real values (copied here by hand from the
package's published module and its printed records), and every backend's fit to it."""

from __future__ import annotations

import inspect

import pytest

from tradejournal.producers.mt5 import PaperTerminal
from tradejournal.producers.mt5 import api as mt5
from tradejournal.producers.mt5.backends import BackendUnavailable, open_terminal

FIELDS = {
    mt5.TradePosition: "ticket time time_msc time_update time_update_msc type magic identifier "
    "reason volume price_open sl tp price_current swap profit symbol comment external_id",
    mt5.TradeOrder: "ticket time_setup time_setup_msc time_done time_done_msc time_expiration type "
    "type_time type_filling state magic position_id position_by_id reason volume_initial "
    "volume_current price_open sl tp price_current price_stoplimit symbol comment external_id",
    mt5.TradeDeal: "ticket order time time_msc type entry magic position_id reason volume price "
    "commission swap profit fee symbol comment external_id",
    mt5.AccountInfo: "login trade_mode leverage limit_orders margin_so_mode trade_allowed "
    "trade_expert margin_mode currency_digits fifo_close balance credit profit equity margin "
    "margin_free margin_level margin_so_call margin_so_so margin_initial margin_maintenance "
    "assets liabilities commission_blocked name server currency company",
    mt5.Tick: "time bid ask last volume time_msc flags volume_real",
    mt5.TradeRequest: "action magic order symbol volume price stoplimit sl tp deviation type "
    "type_filling type_time expiration comment position position_by",
    mt5.OrderSendResult: "retcode deal order volume price bid ask comment request_id "
    "retcode_external request",
    mt5.OrderCheckResult: "retcode balance equity profit margin margin_free margin_level comment request",
    mt5.TerminalInfo: "community_account community_connection connected dlls_allowed trade_allowed "
    "tradeapi_disabled email_enabled ftp_enabled notifications_enabled mqid build maxbars codepage "
    "ping_last community_balance retransmission company name language path data_path commondata_path",
}

CONSTANTS = {
    "DEAL_TYPE_": dict(BUY=0, SELL=1, BALANCE=2, CREDIT=3, CHARGE=4, CORRECTION=5, BONUS=6,
                       COMMISSION=7, COMMISSION_DAILY=8, COMMISSION_MONTHLY=9,
                       COMMISSION_AGENT_DAILY=10, COMMISSION_AGENT_MONTHLY=11, INTEREST=12,
                       BUY_CANCELED=13, SELL_CANCELED=14),
    "DEAL_ENTRY_": dict(IN=0, OUT=1, INOUT=2, OUT_BY=3),
    "DEAL_REASON_": dict(CLIENT=0, MOBILE=1, WEB=2, EXPERT=3, SL=4, TP=5, SO=6, ROLLOVER=7,
                         VMARGIN=8, SPLIT=9),
    "ORDER_TYPE_": dict(BUY=0, SELL=1, BUY_LIMIT=2, SELL_LIMIT=3, BUY_STOP=4, SELL_STOP=5,
                        BUY_STOP_LIMIT=6, SELL_STOP_LIMIT=7, CLOSE_BY=8),
    "ORDER_STATE_": dict(STARTED=0, PLACED=1, CANCELED=2, PARTIAL=3, FILLED=4, REJECTED=5,
                         EXPIRED=6, REQUEST_ADD=7, REQUEST_MODIFY=8, REQUEST_CANCEL=9),
    "ORDER_FILLING_": dict(FOK=0, IOC=1, RETURN=2, BOC=3),
    "ORDER_TIME_": dict(GTC=0, DAY=1, SPECIFIED=2, SPECIFIED_DAY=3),
    "ORDER_REASON_": dict(CLIENT=0, MOBILE=1, WEB=2, EXPERT=3, SL=4, TP=5, SO=6),
    "TRADE_ACTION_": dict(DEAL=1, PENDING=5, SLTP=6, MODIFY=7, REMOVE=8, CLOSE_BY=10),
    "POSITION_TYPE_": dict(BUY=0, SELL=1),
    "POSITION_REASON_": dict(CLIENT=0, MOBILE=1, WEB=2, EXPERT=3),
    "ACCOUNT_MARGIN_MODE_": dict(RETAIL_NETTING=0, EXCHANGE=1, RETAIL_HEDGING=2),
    "ACCOUNT_TRADE_MODE_": dict(DEMO=0, CONTEST=1, REAL=2),
    "COPY_TICKS_": dict(ALL=-1, INFO=1, TRADE=2),
    "TIMEFRAME_": dict(M1=1, M2=2, M3=3, M4=4, M5=5, M6=6, M10=10, M12=12, M15=15, M20=20,
                       M30=30, H1=16385, H2=16386, H3=16387, H4=16388, H6=16390, H8=16392,
                       H12=16396, D1=16408, W1=32769, MN1=49153),
    "TRADE_RETCODE_": dict(
        REQUOTE=10004, REJECT=10006, CANCEL=10007, PLACED=10008, DONE=10009, DONE_PARTIAL=10010,
        ERROR=10011, TIMEOUT=10012, INVALID=10013, INVALID_VOLUME=10014, INVALID_PRICE=10015,
        INVALID_STOPS=10016, TRADE_DISABLED=10017, MARKET_CLOSED=10018, NO_MONEY=10019,
        PRICE_CHANGED=10020, PRICE_OFF=10021, INVALID_EXPIRATION=10022, ORDER_CHANGED=10023,
        TOO_MANY_REQUESTS=10024, NO_CHANGES=10025, SERVER_DISABLES_AT=10026,
        CLIENT_DISABLES_AT=10027, LOCKED=10028, FROZEN=10029, INVALID_FILL=10030,
        CONNECTION=10031, ONLY_REAL=10032, LIMIT_ORDERS=10033, LIMIT_VOLUME=10034,
        INVALID_ORDER=10035, POSITION_CLOSED=10036, INVALID_CLOSE_VOLUME=10038,
        CLOSE_ORDER_EXIST=10039, LIMIT_POSITIONS=10040, REJECT_CANCEL=10041, LONG_ONLY=10042,
        SHORT_ONLY=10043, CLOSE_ONLY=10044, FIFO_CLOSE=10045),
    "RES_": dict(S_OK=1, E_FAIL=-1, E_INVALID_PARAMS=-2, E_NO_MEMORY=-3, E_NOT_FOUND=-4,
                 E_INVALID_VERSION=-5, E_AUTH_FAILED=-6, E_UNSUPPORTED=-7,
                 E_AUTO_TRADING_DISABLED=-8, E_INTERNAL_FAIL=-10000, E_INTERNAL_FAIL_SEND=-10001,
                 E_INTERNAL_FAIL_RECEIVE=-10002, E_INTERNAL_FAIL_INIT=-10003,
                 E_INTERNAL_FAIL_CONNECT=-10004, E_INTERNAL_FAIL_TIMEOUT=-10005),
}  # fmt: skip


@pytest.mark.parametrize("cls", list(FIELDS), ids=lambda c: c.__name__)
def test_record_fields_in_the_real_order(cls: type) -> None:
    assert cls._fields == tuple(FIELDS[cls].split())  # type: ignore[attr-defined]


def test_symbol_info_has_the_96_fields() -> None:
    fields = mt5.SymbolInfo._fields
    assert len(fields) == 96 and fields[:4] == ("custom", "chart_mode", "select", "visible")
    assert fields[fields.index("point") : fields.index("point") + 6] == (
        "point", "trade_tick_value", "trade_tick_value_profit", "trade_tick_value_loss",
        "trade_tick_size", "trade_contract_size",
    )  # fmt: skip
    assert fields[-3:] == ("name", "page", "path")


@pytest.mark.parametrize("prefix", list(CONSTANTS))
def test_constants_have_the_real_values_and_no_extras(prefix: str) -> None:
    ours = {
        k[len(prefix) :]: v
        for k, v in vars(mt5).items()
        if k.startswith(prefix) and isinstance(v, int)  # (the *_NAMES maps are ours)
    }
    assert ours == CONSTANTS[prefix]


def test_the_dividend_and_tax_deal_types_have_no_type_infix() -> None:
    assert (mt5.DEAL_DIVIDEND, mt5.DEAL_DIVIDEND_FRANKED, mt5.DEAL_TAX) == (15, 16, 17)
    assert mt5.RETCODE_NAMES[10016] == "INVALID_STOPS" and 10037 not in mt5.RETCODE_NAMES


def test_rates_layout() -> None:
    assert mt5.RATES_DTYPE.names == ("time", "open", "high", "low", "close", "tick_volume",
                                     "spread", "real_volume")  # fmt: skip


def test_paper_terminal_has_every_protocol_function_and_constant() -> None:
    term = PaperTerminal()
    functions = [
        n for n, v in vars(mt5.Terminal).items() if inspect.isfunction(v) and not n.startswith("_")
    ]
    assert len(functions) == 27
    for name in functions:
        assert callable(getattr(term, name)), name
        ours = inspect.signature(getattr(PaperTerminal, name))
        assert list(ours.parameters) == list(
            inspect.signature(getattr(mt5.Terminal, name)).parameters
        )
    for prefix, table in CONSTANTS.items():
        for suffix, value in table.items():
            assert getattr(term, prefix + suffix) == value
    with pytest.raises(AttributeError):
        term.NOT_A_CONSTANT  # noqa: B018


def test_backends() -> None:
    paper = open_terminal("paper", balance=500.0, hedging=False)
    assert isinstance(paper, PaperTerminal) and paper.initialize()
    assert paper.account_info().balance == 500.0  # type: ignore[union-attr]
    with pytest.raises(BackendUnavailable, match="Windows only"):
        open_terminal("metatrader5")
    with pytest.raises(ValueError, match="use one of metatrader5, mt5linux, paper"):
        open_terminal("mt4")
    with pytest.raises(ValueError, match="unknown mt5linux client"):
        open_terminal("mt5linux", client="wine")


def test_every_function_answers_with_its_record_types() -> None:
    term = PaperTerminal()
    assert term.initialize() and term.login(5_000_001)
    buy = {"action": mt5.TRADE_ACTION_DEAL, "symbol": "EURUSD", "volume": 0.1, "type": 0}
    sent = term.order_send(buy)
    limit = term.order_send({**buy, "action": mt5.TRADE_ACTION_PENDING, "type": 2, "price": 1.09})
    assert sent is not None and limit is not None
    now = term.symbol_info_tick("EURUSD").time  # type: ignore[union-attr]
    answers = {
        "version": term.version(),
        "account_info": term.account_info(),
        "terminal_info": term.terminal_info(),
        "symbols_total": term.symbols_total(),
        "symbols_get": term.symbols_get(),
        "symbol_info": term.symbol_info("EURUSD"),
        "symbol_info_tick": term.symbol_info_tick("EURUSD"),
        "symbol_select": term.symbol_select("EURUSD", False),
        "copy_rates_from": term.copy_rates_from("EURUSD", mt5.TIMEFRAME_M1, now, 10),
        "copy_rates_from_pos": term.copy_rates_from_pos("EURUSD", mt5.TIMEFRAME_M1, 0, 10),
        "copy_rates_range": term.copy_rates_range("EURUSD", mt5.TIMEFRAME_M1, now - 60, now),
        "positions_total": term.positions_total(),
        "positions_get": term.positions_get(ticket=sent.order),
        "orders_total": term.orders_total(),
        "orders_get": term.orders_get(symbol="EURUSD"),
        "history_orders_total": term.history_orders_total(now, now),
        "history_orders_get": term.history_orders_get(now, now, group="EUR*"),
        "history_deals_total": term.history_deals_total(now, now),
        "history_deals_get": term.history_deals_get(now, now, group="*"),
        "order_calc_margin": term.order_calc_margin(0, "EURUSD", 1.0, 1.1),
        "order_calc_profit": term.order_calc_profit(1, "EURUSD", 1.0, 1.1, 1.09),
        "order_check": term.order_check(buy),
        "order_send": sent,
        "last_error": term.last_error(),
    }
    kinds = {k: type(v).__name__ if not isinstance(v, tuple) or not v or hasattr(v, "_fields")
             else f"tuple[{type(v[0]).__name__}]" for k, v in answers.items()}  # fmt: skip
    assert kinds == {
        "version": "tuple[int]", "account_info": "AccountInfo", "terminal_info": "TerminalInfo",
        "symbols_total": "int", "symbols_get": "tuple[SymbolInfo]", "symbol_info": "SymbolInfo",
        "symbol_info_tick": "Tick", "symbol_select": "bool", "copy_rates_from": "ndarray",
        "copy_rates_from_pos": "ndarray", "copy_rates_range": "ndarray", "positions_total": "int",
        "positions_get": "tuple[TradePosition]", "orders_total": "int",
        "orders_get": "tuple[TradeOrder]", "history_orders_total": "int",
        "history_orders_get": "tuple[TradeOrder]", "history_deals_total": "int",
        "history_deals_get": "tuple[TradeDeal]", "order_calc_margin": "float",
        "order_calc_profit": "float", "order_check": "OrderCheckResult",
        "order_send": "OrderSendResult", "last_error": "tuple[int]",
    }  # fmt: skip
    assert (answers["positions_total"], answers["orders_total"], answers["order_calc_profit"]) == (
        1,
        1,
        1_000.0,
    )
    assert (answers["history_orders_total"], answers["history_deals_total"]) == (1, 2)
    assert term.symbol_info("EURUSD").visible is False  # type: ignore[union-attr]
    assert term.history_deals_get() is None and term.last_error()[0] == mt5.RES_E_INVALID_PARAMS
    term.shutdown()
    assert term.version() is None
