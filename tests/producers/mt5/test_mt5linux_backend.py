"""The mt5linux backend against a real loopback RPyC classic server whose ``MetaTrader5`` is paper.

The server is ``python -m mt5linux`` itself (in mt5linux 1.0.x that is RPyC's classic server),
run as a subprocess on 127.0.0.1 with a paper-backed ``MetaTrader5`` module on its path; both our
client and the real ``mt5linux.MetaTrader5`` client talk to it.
"""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import numpy as np
import pytest

from tradejournal.producers.mt5 import api as mt5
from tradejournal.producers.mt5.backends import BackendUnavailable, open_terminal
from tradejournal.producers.mt5.mt5linux_client import Mt5LinuxTerminal

SHIM = pathlib.Path(__file__).parent / "rpyc_shim"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server() -> Iterator[int]:
    port = _free_port()
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(SHIM), os.environ.get("PYTHONPATH", "")])
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "mt5linux", "--host", "127.0.0.1", "-p", str(port), "-q"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None:
                    err = proc.stderr.read().decode() if proc.stderr else "died"
                    raise RuntimeError(err) from None
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_round_trip_through_rpyc(server: int) -> None:
    term = open_terminal("mt5linux", host="127.0.0.1", port=server)
    assert isinstance(term, Mt5LinuxTerminal)
    try:
        assert term.initialize() is True
        info = term.account_info()
        assert isinstance(info, mt5.AccountInfo)
        assert (info.login, info.balance, info.currency, info.margin_mode) == (
            5_000_001, 10_000.0, "USD", mt5.ACCOUNT_MARGIN_MODE_RETAIL_HEDGING,
        )  # fmt: skip
        spec = term.symbol_info("EURUSD")
        assert isinstance(spec, mt5.SymbolInfo)
        assert (spec.name, spec.digits, spec.trade_contract_size) == ("EURUSD", 5, 100_000.0)
        tick = term.symbol_info_tick("EURUSD")
        assert isinstance(tick, mt5.Tick)
        assert (tick.bid, tick.ask) == (1.1, 1.1001)
        # server time is UTC+2: 2026-01-05 00:00 UTC is 02:00 on the server
        assert tick.time == int(dt.datetime(2026, 1, 5, 2, tzinfo=dt.UTC).timestamp())
        result = term.order_send(
            {"action": term.TRADE_ACTION_DEAL, "symbol": "EURUSD", "volume": np.float64(0.2),
             "type": term.ORDER_TYPE_SELL, "price": tick.bid, "deviation": np.int64(5), "sl": 1.105,
             "magic": 42, "comment": "rpyc"}
        )  # fmt: skip
        assert isinstance(result, mt5.OrderSendResult)
        assert result.retcode == mt5.TRADE_RETCODE_DONE
        assert isinstance(result.request, mt5.TradeRequest)
        assert result.request.comment == "rpyc"
        (pos,) = term.positions_get(symbol="EURUSD")
        assert isinstance(pos, mt5.TradePosition)
        assert (pos.ticket, pos.type, pos.volume, pos.price_open, pos.sl, pos.magic) == (
            result.order, mt5.POSITION_TYPE_SELL, 0.2, 1.1, 1.105, 42,
        )  # fmt: skip
        # move the price on the server's paper terminal: the SL closes the position there
        term.eval("mt5.paper.advance(30) or mt5.paper.set_quote('EURUSD', 1.1051, 1.1052)")
        assert term.positions_get() == ()
        frm = dt.datetime(2026, 1, 4, tzinfo=dt.UTC)
        deals = term.history_deals_get(frm, dt.datetime(2026, 1, 6, tzinfo=dt.UTC))
        assert [type(d) for d in deals] == [mt5.TradeDeal] * 3
        assert [(d.type, d.entry, d.reason, d.volume, d.price, d.profit) for d in deals] == [
            (mt5.DEAL_TYPE_BALANCE, mt5.DEAL_ENTRY_IN, mt5.DEAL_REASON_CLIENT, 0.0, 0.0, 10_000.0),
            (mt5.DEAL_TYPE_SELL, mt5.DEAL_ENTRY_IN, mt5.DEAL_REASON_EXPERT, 0.2, 1.1, 0.0),
            (mt5.DEAL_TYPE_BUY, mt5.DEAL_ENTRY_OUT, mt5.DEAL_REASON_SL, 0.2, 1.1052, -104.0),
        ]
        assert deals[2]._asdict()["comment"] == "[sl 1.10500]"
        assert term.history_deals_get(position=result.order)[-1].profit == -104.0
        assert term.account_info().balance == 9_896.0
        rates = term.copy_rates_from_pos("EURUSD", mt5.TIMEFRAME_M1, 0, 10)
        assert rates.dtype == mt5.RATES_DTYPE
        assert [tuple(r)[:6] for r in rates] == [
            (tick.time // 60 * 60, 1.1, 1.1051, 1.1, 1.1051, 2)
        ]
        assert term.last_error() == (mt5.RES_S_OK, "Success")
    finally:
        term.close()  # type: ignore[attr-defined]  # (Mt5LinuxTerminal.close)


@pytest.mark.parametrize("client", ["rpyc", "package"])
def test_no_server_is_a_clear_error(client: str) -> None:
    with pytest.raises(BackendUnavailable, match="no mt5linux server at 127.0.0.1"):
        open_terminal("mt5linux", client=client, host="127.0.0.1", port=_free_port())


def test_the_real_mt5linux_client(server: int) -> None:
    term = open_terminal("mt5linux", client="package", host="127.0.0.1", port=server)
    from mt5linux import MetaTrader5

    assert isinstance(term, MetaTrader5)
    assert term.initialize() is True
    info = term.account_info()  # mt5linux 1.0.x hands back RPyC proxies of the records
    assert list(info._asdict()) == list(mt5.AccountInfo._fields)
    assert (info.balance, info.leverage, info.server) == (10_000.0, 100, "Paper-Server")
    tick = term.symbol_info_tick("EURUSD")
    assert (tick.bid, tick.ask, tick.time) == (1.1, 1.1001, 1_767_578_400)  # UTC+2 server time
    result = term.order_send(
        {"action": term.TRADE_ACTION_DEAL, "symbol": "EURUSD", "volume": 0.1,
         "type": term.ORDER_TYPE_BUY, "price": tick.ask, "deviation": 5, "tp": 1.102}
    )  # fmt: skip
    assert (result.retcode, result.volume, result.price) == (mt5.TRADE_RETCODE_DONE, 0.1, 1.1001)
    assert result.request.tp == 1.102
    positions = term.positions_get()
    assert [(p.ticket, p.volume, p.tp) for p in positions] == [(result.order, 0.1, 1.102)]
    assert list(positions[0]._asdict()) == list(mt5.TradePosition._fields)
    term.execute("mt5.paper.advance(60); mt5.paper.set_quote('EURUSD', 1.1021, 1.1022)")
    assert len(term.positions_get()) == 0
    deals = term.history_deals_get(dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
                                   dt.datetime(2026, 1, 6, tzinfo=dt.UTC))  # fmt: skip
    assert [(d.entry, d.reason, d.price, d.profit) for d in deals] == [
        (mt5.DEAL_ENTRY_IN, 0, 0.0, 10_000.0),
        (mt5.DEAL_ENTRY_IN, mt5.DEAL_REASON_EXPERT, 1.1001, 0.0),
        (mt5.DEAL_ENTRY_OUT, mt5.DEAL_REASON_TP, 1.1021, 20.0),
    ]
    assert list(deals[2]._asdict()) == list(mt5.TradeDeal._fields)
    rates = term.copy_rates_from_pos("EURUSD", mt5.TIMEFRAME_M1, 0, 5)
    assert [float(r["close"]) for r in rates] == [1.1, 1.1021]
