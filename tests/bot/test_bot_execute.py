"""Execute: a plan goes end to end into an order on the paper terminal, and its outcome lands in
the ``recommendations`` table."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from bot_testlib import OWNER, BotHarness, plan_json

from tradejournal.events import OrderPlaced, RecommendationExecuted, RecommendationIssued
from tradejournal.producers.fakes import FakeBotApi, FakeLlmApi, LlmReply
from tradejournal.projections.api import query

pytestmark = pytest.mark.asyncio


async def test_execute_places_the_order_and_links_the_outcome(
    tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi
) -> None:
    llm.script(LlmReply(content=plan_json(), prompt_tokens=400, completion_tokens=100))
    bot = BotHarness(tmp_path, api, llm, paper=True)
    await bot.start()
    try:
        assert bot.link is not None and bot.terminal is not None
        await bot.link.run_once()  # the account is known before trading
        await bot.say(OWNER, "/plan EURUSD")
        (rec,) = [
            e for e in bot.events("recommendation.issued") if isinstance(e, RecommendationIssued)
        ]
        await bot.press(OWNER, f"rec:x:{rec.recommendation_id}")
        (done,) = [
            e
            for e in bot.events("recommendation.executed")
            if isinstance(e, RecommendationExecuted)
        ]
        assert done.order_ticket and done.position_id == done.order_ticket
        assert bot.texts(OWNER)[-1].endswith(
            f"Executed: order {done.order_ticket}, position {done.position_id}."
        )
        (order,) = [e for e in bot.events("order.placed") if isinstance(e, OrderPlaced)]
        assert order.recommendation_id == rec.recommendation_id
        assert (order.sl, order.tp) == (Decimal("1.095"), Decimal("1.11"))
        positions = bot.terminal.positions_get()
        assert positions is not None and len(positions) == 1
        assert positions[0].sl == pytest.approx(1.095) and positions[0].volume == pytest.approx(
            0.01
        )
        await bot.link.run_once()  # the fill is journaled by the poller
        _, rows = query(
            bot.path,
            "SELECT status, executed, filled, order_ticket, position_id, trade_status, "
            "fill_price FROM recommendations",
        )
        assert rows == [("executed", True, True, done.order_ticket, done.position_id, "open",
                         Decimal("1.1001"))]  # fmt: skip
        # the market gaps through the target: the TP fills at the bid (1.1105), the poller journals it
        bot.terminal.set_quote("EURUSD", 1.1105, 1.1106)
        await bot.link.run_once()
        _, rows = query(
            bot.path,
            "SELECT trade_status, won, net_pnl, round(r_multiple, 4), cost_usd FROM recommendations",
        )
        # 0.01 lot * 100 000 * (1.1105 - 1.1001) = 10.40; R = 0.0104 / (1.1001 - 1.095) = 2.0392;
        # cost (400 * 0.15 + 100 * 0.60) / 1e6 = 0.00012
        assert rows == [("closed", True, Decimal("10.4"), pytest.approx(2.0392, abs=1e-4),
                         Decimal("0.00012"))]  # fmt: skip
        names = {getattr(e, "name", "") for e in bot.events("metric.timing")}
        assert {"mt5.order", "plan.generate", "llm.recommendation"} <= names
    finally:
        await bot.stop()


async def test_rejected_order_marks_the_plan_failed(
    tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi
) -> None:
    llm.script(LlmReply(content=plan_json()))
    bot = BotHarness(tmp_path, api, llm, paper=True)
    await bot.start()
    try:
        assert bot.link is not None and bot.terminal is not None
        await bot.say(OWNER, "/plan EURUSD")
        rec = bot.events("recommendation.issued")[0]
        bot.terminal.fail_next(10018)  # TRADE_RETCODE_MARKET_CLOSED
        await bot.press(OWNER, f"rec:x:{rec.recommendation_id}")
        assert "Not executed" in bot.texts(OWNER)[-1]
        _, rows = query(bot.path, "SELECT status, order_ticket FROM recommendations")
        assert rows == [("failed", None)]
        failed = bot.events("recommendation.failed")[0]
        assert failed.retcode == 10018
        assert len(bot.events("order.rejected")) == 1
        assert bot.terminal.positions_get() == ()
    finally:
        await bot.stop()
