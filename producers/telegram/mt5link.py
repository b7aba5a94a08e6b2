"""The bot's link to the MT5 producer: orders for approved plans, and the MT5 jobs.

``Mt5Link`` holds the poller (with its journaling ``Trader``) and optionally the OCO and trailing
managers of one account. Everything that touches the terminal runs in a worker thread under one
``asyncio.Lock``: the terminal and the recorder are synchronous and not shared across threads.
``execute`` sends a market order for a recommendation (journaled by the ``Trader`` as
``order.placed`` with the recommendation id, or ``order.rejected``); ``run_once`` is one price
move (``advance``: the MT5 runner's, for a paper terminal) plus one poll, one OCO check and one
trailing pass (the JobQueue's MT5 job).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tradejournal.events import Event, RecommendationIssued
from tradejournal.producers.mt5 import Mt5Poller, OcoManager, TrailingManager
from tradejournal.producers.mt5.api.constants import (
    ORDER_FILLING_IOC,
    ORDER_TIME_GTC,
    ORDER_TYPE_BUY,
    ORDER_TYPE_SELL,
    TRADE_ACTION_DEAL,
)
from tradejournal.producers.mt5.trading import OK_RETCODES

from .services import Execution

__all__ = ["Mt5Link"]


class Mt5Link:
    """One account's poller, managers and order path, safe to use from async code."""

    def __init__(
        self,
        poller: Mt5Poller,
        *,
        oco: OcoManager | None = None,
        trailing: TrailingManager | None = None,
        magic: int = 0,
        deviation_points: int = 20,
        advance: Callable[[], object] | None = None,
    ) -> None:
        self.poller = poller
        self.oco = oco
        self.trailing = trailing
        self.magic = magic
        self.deviation_points = deviation_points
        self.advance = advance
        self.lock = asyncio.Lock()

    @property
    def terminal(self) -> Any:
        """The terminal (real, bridged or paper)."""
        return self.poller.terminal

    async def execute(
        self, rec: RecommendationIssued, volume: Decimal, *, causation_id: str
    ) -> Execution:
        """Send a market order for ``rec`` (the ``OrderExecutor`` protocol)."""
        async with self.lock:
            return await asyncio.to_thread(self._send, rec, volume, causation_id)

    async def run_once(self) -> list[Event]:
        """One price move, one poll, one OCO check, one trailing pass; the events written."""
        async with self.lock:
            return await asyncio.to_thread(self._cycle)

    def _cycle(self) -> list[Event]:
        if self.advance is not None:
            self.advance()
        written = self.poller.poll_once()
        if self.oco is not None:
            written += self.oco.check()
        if self.trailing is not None:
            written += self.trailing.run_once()
        return written

    def _send(self, rec: RecommendationIssued, volume: Decimal, cause: str) -> Execution:
        terminal = self.terminal
        tick = terminal.symbol_info_tick(rec.symbol)
        if tick is None:
            code, text = terminal.last_error()
            return Execution(False, retcode=code, error=f"no price for {rec.symbol}: {text}")
        buy = rec.direction == "BUY"
        request = {
            "action": TRADE_ACTION_DEAL,
            "symbol": rec.symbol,
            "volume": float(volume),
            "type": ORDER_TYPE_BUY if buy else ORDER_TYPE_SELL,
            "price": tick.ask if buy else tick.bid,
            "sl": float(rec.sl or 0),
            "tp": float(rec.tp or 0),
            "deviation": self.deviation_points,
            "magic": self.magic,
            "comment": "tradejournal plan",
            "type_time": ORDER_TIME_GTC,
            "type_filling": ORDER_FILLING_IOC,
        }
        result = self.poller.trader.send(
            request, recommendation_id=rec.recommendation_id,
            correlation_id=rec.correlation_id, causation_id=cause,
        )  # fmt: skip
        if result is None:
            code, text = terminal.last_error()
            return Execution(False, retcode=code, error=text or "order_send failed")
        if result.retcode not in OK_RETCODES:
            return Execution(
                False, retcode=result.retcode, error=f"{result.comment} (retcode {result.retcode})"
            )
        # a market order opens a position whose identifier is the order's ticket
        return Execution(True, order_ticket=result.order, position_id=result.order or None)
