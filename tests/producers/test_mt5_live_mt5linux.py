"""The poller, unchanged, over the mt5linux backend: a loopback RPyC classic server
(``python -m mt5linux``) whose ``MetaTrader5`` is a paper terminal (server clock UTC+2)."""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal as D
from pathlib import Path

import pytest
from mt5live_helpers import market, summary

from tradejournal import projections as P
from tradejournal.events import DealFilled
from tradejournal.producers.config import ServerClock
from tradejournal.producers.mt5 import Mt5Poller, PollerSettings
from tradejournal.producers.mt5.backends import open_terminal
from tradejournal.store import Journal

SHIM = pathlib.Path(__file__).parent / "mt5" / "rpyc_shim"


@pytest.fixture
def port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = int(s.getsockname()[1])
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(SHIM), os.environ.get("PYTHONPATH", "")])
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "mt5linux", "--host", "127.0.0.1", "-p", str(free), "-q"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", free), timeout=0.5).close()
                break
            except OSError:
                assert proc.poll() is None, "the mt5linux server died"
                time.sleep(0.1)
        yield free
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_poller_over_mt5linux(port: int, tmp_path: Path) -> None:
    term = open_terminal("mt5linux", host="127.0.0.1", port=port)
    try:
        assert term.initialize()
        with Journal.open(tmp_path / "j", create=True, durability="none") as j:
            poller = Mt5Poller(term, j, PollerSettings(server_time=ServerClock(2)))
            assert summary(poller.poll_once()) == [
                ("terminal.connected",),
                ("account.balance_changed", "deposit"),
            ]
            poller.trader.send(market("EURUSD", "sell", 0.2, 1.1, sl=1.105))
            term.eval("mt5.paper.advance(30) or mt5.paper.set_quote('EURUSD', 1.1051, 1.1052)")  # type: ignore[attr-defined]
            written = poller.poll_once()
            assert summary(written) == [
                ("order.placed", "buy"),  # the stop-loss order
                ("deal.filled", "in", "expert"),
                ("deal.filled", "out", "sl"),
            ]
            deals = [e for e in written if isinstance(e, DealFilled)]
            assert deals[1].ts == dt.datetime(2026, 1, 5, 0, 0, 30, tzinfo=dt.UTC)
            assert poller.poll_once() == []  # nothing new: nothing written
        summ = P.mt5_summary(tmp_path / "j", account=poller.account)
        assert summ["total_net_profit"] == D("-104")
        assert D(repr(term.account_info().balance)) == D("10000") + summ["total_net_profit"]
    finally:
        term.close()  # type: ignore[attr-defined]
