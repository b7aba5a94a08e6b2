"""The bot's MT5 job runs the same poller, OCO and trailing managers as ``tradejournal mt5 run``
(built from one config), so a bracket placed through the bot has its sibling cancelled and a
winning position is moved to breakeven while only the bot is running."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tradejournal.events import OrderCancelled, PositionStopMoved
from tradejournal.producers.config import ConfigError, parse_config
from tradejournal.producers.mt5.api import (
    ORDER_FILLING_IOC,
    ORDER_TIME_GTC,
    ORDER_TYPE_BUY,
    ORDER_TYPE_BUY_STOP,
    ORDER_TYPE_SELL_STOP,
    TRADE_ACTION_DEAL,
    TRADE_ACTION_PENDING,
)
from tradejournal.producers.telegram.mt5link import Mt5Link
from tradejournal.producers.telegram.wiring import Mt5StartError, collaborators_from_config
from tradejournal.store import Journal, read_events

CONFIG = """
[mt5]
backend = "paper"
[paper]
symbols = ["EURUSD"]
[oco]
check_interval_s = 0.05
[trailing]
interval_s = 0.1
mode = "none"
breakeven_at_r = 1.0
[scanner]
enabled = false
"""


def _pending(kind: int, price: float) -> dict[str, object]:
    return {
        "action": TRADE_ACTION_PENDING, "symbol": "EURUSD", "volume": 0.1, "type": kind,
        "price": price, "type_time": ORDER_TIME_GTC, "type_filling": ORDER_FILLING_IOC,
    }  # fmt: skip


def test_the_bot_cycle_settles_oco_brackets_and_trails_stops(tmp_path: Path) -> None:
    config = parse_config(CONFIG)
    with Journal.open(tmp_path / "j", create=True) as journal:
        parts = collaborators_from_config(config, journal)
        link = parts.executor
        assert isinstance(link, Mt5Link)
        assert link.oco is not None and link.trailing is not None
        terminal = link.terminal
        link.advance = None  # this test moves the prices itself (no random walk between cycles)
        terminal.set_quote("EURUSD", 1.10000, 1.10010)

        group = link.oco.create(
            _pending(ORDER_TYPE_BUY_STOP, 1.10200), _pending(ORDER_TYPE_SELL_STOP, 1.09800)
        )
        assert group is not None
        buy = {
            "action": TRADE_ACTION_DEAL, "symbol": "EURUSD", "volume": 0.1,
            "type": ORDER_TYPE_BUY, "price": 1.10010, "sl": 1.09810, "deviation": 20,
            "type_time": ORDER_TIME_GTC, "type_filling": ORDER_FILLING_IOC,
        }  # fmt: skip
        assert link.poller.trader.send(buy) is not None
        asyncio.run(link.run_once())

        terminal.advance(1)
        terminal.set_quote("EURUSD", 1.10300, 1.10310)  # the buy stop fills; +1.45 R on the buy
        for _ in range(3):
            terminal.advance(1)
            asyncio.run(link.run_once())

    events = list(read_events(tmp_path / "j"))
    cancelled = [e for e in events if isinstance(e, OrderCancelled)]
    assert [(e.reason, e.oco_group_id) for e in cancelled] == [("oco", group)]
    moves = [e for e in events if isinstance(e, PositionStopMoved)]
    assert moves and moves[0].method == "breakeven"
    assert moves[0].new_sl is not None and moves[0].old_sl is not None
    assert moves[0].new_sl > moves[0].old_sl  # tightened, never loosened


# -- the bot's terminal is `tradejournal mt5 run`'s: one way to get a terminal from the config --

TWO_SYMBOLS = """
[mt5]
backend = "paper"
[paper]
symbols = ["EURUSD", "XAUUSD"]
seed = 5
[scanner]
enabled = false
"""


def test_the_bot_trades_the_paper_symbols_of_the_config_and_moves_each_per_cycle(
    tmp_path: Path,
) -> None:
    with Journal.open(tmp_path / "j", create=True) as journal:
        link = collaborators_from_config(parse_config(TWO_SYMBOLS), journal).executor
        assert isinstance(link, Mt5Link)
        terminal = link.terminal
        assert sorted(s.name for s in terminal.symbols_get()) == ["EURUSD", "XAUUSD"]
        before = {s: terminal.symbol_info_tick(s).bid for s in ("EURUSD", "XAUUSD")}
        asyncio.run(link.run_once())
        after = {s: terminal.symbol_info_tick(s).bid for s in ("EURUSD", "XAUUSD")}
    assert all(after[s] != before[s] for s in before), (before, after)  # one quote per symbol


def test_an_unknown_paper_symbol_stops_the_bot_with_a_clear_error(tmp_path: Path) -> None:
    config = parse_config(TWO_SYMBOLS.replace('"XAUUSD"]', '"NOPE"]'))
    with Journal.open(tmp_path / "j", create=True) as journal:
        with pytest.raises(Mt5StartError, match="paper.symbols: the paper broker has no NOPE"):
            collaborators_from_config(config, journal)


def test_the_bot_logs_in_with_the_password_of_the_environment_and_never_journals_it(
    tmp_path: Path,
) -> None:
    secret = "bot-s3cr3t-pw"
    login = '[mt5]\nbackend = "paper"\nlogin = 5000001\npassword_env = "TJ_BOT_PW"'
    config = parse_config(TWO_SYMBOLS.replace('[mt5]\nbackend = "paper"', login))
    with Journal.open(tmp_path / "j", create=True) as journal:
        with pytest.raises(ConfigError, match="TJ_BOT_PW"):
            collaborators_from_config(config, journal, environ={})
        link = collaborators_from_config(config, journal, environ={"TJ_BOT_PW": secret}).executor
        assert isinstance(link, Mt5Link)
        asyncio.run(link.run_once())
    assert [e for e in read_events(tmp_path / "j")]  # the poll journaled the account
    for file in (tmp_path / "j").rglob("*"):
        if file.is_file():
            assert secret.encode() not in file.read_bytes(), file
