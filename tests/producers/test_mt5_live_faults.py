"""Faults and alerts on the paper terminal: disconnect/reconnect, refused and failed requests
(every rejection retcode, ``order_send`` returning ``None``), stop-out and margin call, positions
without a stop or open too long, repeated API errors."""

from __future__ import annotations

from pathlib import Path

from mt5live_helpers import Session, check_agreement, market, summary

from tradejournal import projections as P
from tradejournal.events import OrderRejected, TerminalConnected
from tradejournal.producers.mt5 import AlertSettings, PaperTerminal
from tradejournal.producers.mt5.api import constants as C

OK = {C.TRADE_RETCODE_DONE, C.TRADE_RETCODE_DONE_PARTIAL, C.TRADE_RETCODE_PLACED}
REFUSALS = sorted(v for k, v in vars(C).items() if k.startswith("TRADE_RETCODE_") and v not in OK)


def test_disconnect_and_reconnect(tmp_path: Path) -> None:
    s = Session(tmp_path)
    s.poll()
    s.terminal.disconnect()
    assert summary(s.poll()) == [
        ("terminal.disconnected",),
        ("alert.raised", "terminal_disconnected"),
    ]
    s.terminal.advance(90)
    assert s.poll() == []  # still down: said once
    s.terminal.advance(30)
    s.terminal.reconnect()
    written = s.poll()
    assert summary(written) == [("terminal.connected",), ("alert.raised", "terminal_reconnected")]
    (back,) = [e for e in written if isinstance(e, TerminalConnected)]
    assert back.downtime_s == 120.0
    s.close()


def test_every_refusal_and_a_none_result_are_journaled(tmp_path: Path) -> None:
    s = Session(tmp_path)
    s.poll()
    t = s.terminal
    assert len(REFUSALS) >= 35
    for code in REFUSALS:
        t.fail_next(code)
        result = s.trader.send(market("EURUSD", "buy", 0.1, 1.1001))
        assert result.retcode == code
        (rej,) = s.trader.last_events
        assert isinstance(rej, OrderRejected) and rej.retcode == code and rej.action == "deal"
        assert rej.comment == result.comment and rej.symbol == "EURUSD"
    t.none_next(error=(C.RES_E_INTERNAL_FAIL_TIMEOUT, "IPC timeout"))
    assert s.trader.send(market("EURUSD", "sell", 0.2, 1.1000)) is None
    (rej,) = s.trader.last_events
    assert (rej.retcode, rej.comment, rej.order_type) == (-10005, "IPC timeout", "sell")
    assert t.positions_get() == ()
    _, rows = P.query(s.journal.path, "SELECT count(*) FROM orders WHERE status = 'rejected'")
    assert rows[0][0] == len(REFUSALS) + 1
    check_agreement(s)
    s.close()


def test_repeated_api_errors_raise_one_alert(tmp_path: Path) -> None:
    s = Session(tmp_path)
    s.poll()
    s.terminal.none_next(3)
    for _ in range(3):
        s.trader.send(market("EURUSD", "buy", 0.1, 1.1001))
    assert summary(s.poll()) == [("alert.raised", "api_errors")]
    assert s.poll() == []
    s.close()


def test_stop_out_and_margin_call(tmp_path: Path) -> None:
    t = PaperTerminal(balance=1000, leverage=1000)
    s = Session(tmp_path, terminal=t, alerts=AlertSettings(no_sl_after_s=0))
    s.poll()
    s.trader.send(market("EURUSD", "buy", 8.0, 1.1001))
    s.poll()
    t.set_quote("EURUSD", 1.0999, 1.1000)  # equity 840 on 880 margin: 95 % <= 100 %
    assert summary(s.poll()) == [("alert.raised", "margin_call")]
    assert s.poll() == []
    t.set_quote("EURUSD", 1.0990, 1.0991)  # 13.6 % < 50 %: the broker closes it
    assert summary(s.poll()) == [
        ("order.placed", "sell"),
        ("deal.filled", "out", "so"),
        ("alert.raised", "stop_out"),
    ]
    figures = check_agreement(s)
    assert figures["net"] == -880
    s.close()


def test_position_without_stop_and_open_too_long(tmp_path: Path) -> None:
    s = Session(tmp_path, alerts=AlertSettings(no_sl_after_s=60, max_open_h=2))
    t = s.terminal
    s.poll()
    s.trader.send(market("EURUSD", "buy", 0.1, 1.1001))
    s.poll()
    t.advance(59)
    assert summary(s.poll()) == []
    t.advance(2)
    assert summary(s.poll()) == [("alert.raised", "no_stop_loss")]
    t.advance(2 * 3600)
    assert summary(s.poll()) == [("alert.raised", "position_open_long")]
    s.start()  # restarted: the alerts are not raised again
    t.advance(60)
    assert summary(s.poll()) == []
    s.close()
