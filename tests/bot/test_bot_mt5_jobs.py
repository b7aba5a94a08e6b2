"""The bot's MT5 job runs the same poller, OCO and trailing managers as ``tradejournal mt5 run``
(built from one config), so a bracket placed through the bot has its sibling cancelled and a
winning position is moved to breakeven while only the bot is running."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tradejournal.events import OrderCancelled, PositionStopMoved
from tradejournal.producers.config import parse_config
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
from tradejournal.producers.telegram.wiring import collaborators_from_config
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
        terminal.feed = None  # this test moves the prices itself (no random walk between cycles)
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
