"""The trading stories the projection tests replay, built from typed events.

``two_accounts()`` is the main scenario (hand-computed expectations in test_proj_golden.py):

account 1001 (EURUSD/GBPUSD, 1 lot = 100 000 units, so 0.001 price = 100 USD per lot)
  t0    deposit 10 000
  0.5h  signal S1 EURUSD BUY, notified; conversation C1; recommendation R1 (entry 1.1, SL 1.095,
        TP 1.11, conf 72) approved; OCO G1 = buy_stop 101 / sell_stop 107
  1h    T1 pos 11: deal 1001 in buy 1.0 @1.1 (comm -5); OCO triggered (107 cancelled, 180 ms)
  1.5h  stop 1.095 -> 1.1 (breakeven); MAE 1.098, MFE 1.108
  2h    deal 1002 out sell 0.5 @1.105 profit 250 comm -2.5 (partial close)
  3h    deal 1003 out sell 0.5 @1.107 profit 350 comm -2.5 [tp]       -> net 590, R 1.18
  4h    T2 pos 12: sell 0.2 @1.106, order without SL, first stop 1.109 (method initial)
  5h    out buy 0.2 @1.106, profit 0, no costs [sl]                  -> net 0 (breakeven)
  5.9h  signal S2 GBPUSD BUY (not linked)
  6h    T3 pos 13: GBPUSD buy 0.1 @1.25, no stop anywhere; alert unprotected_position
  7h    out sell @1.2475 profit -25                                   -> net -25, R null
  8h    deposit 5 000
  9h    T4 pos 14: in buy 0.3 @1.1 (order SL 1.098)
  10h   inout sell 0.5 @1.099 profit -30 (order 105 SL 1.102)       -> leg 1 net -30, R -0.5
  11h   out buy 0.2 @1.097 profit 40 [tp]                            -> leg 2 net 40, R 2/3
account 2002 (USDJPY): deposit 2 000; T5 pos 21 sell 0.1 @150 SL 150.5, out @149.5 profit 33.44,
  comm -0.30 each side -> net 32.84, R 32.84 / 33.44; equity snapshots 2000, 2050, 1990, 2032.84.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import msgspec

from tradejournal.events import (
    AccountBalanceChanged,
    AccountSnapshot,
    AlertRaised,
    ConversationMessage,
    ConversationStarted,
    DealFilled,
    Event,
    ExperimentAssigned,
    ExperimentStarted,
    LlmCalled,
    MetricTiming,
    OcoCreated,
    OcoTriggered,
    OrderCancelled,
    OrderPlaced,
    PositionExcursion,
    PositionStopMoved,
    RecommendationApproved,
    RecommendationExecuted,
    RecommendationIssued,
    SignalDetected,
    SignalNotified,
    TradeAnnotated,
    UserAction,
)

T0 = dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC)  # a Monday
A, B = "1001", "2002"


def at(hours: float) -> dt.datetime:
    """T0 + hours."""
    return T0 + dt.timedelta(hours=hours)


def deal(ticket: int, pos: int, side: str, entry: str, vol: str, price: str, h: float, *,
         account: str = A, symbol: str = "EURUSD", order: int | None = None, profit: str = "0",
         comm: str = "0", reason: str | None = None) -> DealFilled:  # fmt: skip
    """A deal.filled with the MT5 idempotency id."""
    return DealFilled(
        id=f"mt5:{account}:deal:{ticket}", ts=at(h), producer="mt5", account=account,
        deal_ticket=ticket, order_ticket=order if order is not None else ticket - 900,
        position_id=pos, symbol=symbol, side=side, entry=entry, volume=D(vol), price=D(price),
        profit=D(profit), commission=D(comm), reason=reason,
    )  # fmt: skip


def order(ticket: int, otype: str, vol: str, price: str, h: float, *, account: str = A,
          symbol: str = "EURUSD", sl: str | None = None, tp: str | None = None,
          **kw: Any) -> OrderPlaced:  # fmt: skip
    """An order.placed."""
    return OrderPlaced(
        id=f"mt5:{account}:order:{ticket}", ts=at(h), producer="mt5", account=account,
        order_ticket=ticket, symbol=symbol, order_type=otype, volume=D(vol), price=D(price),
        sl=D(sl) if sl else None, tp=D(tp) if tp else None, **kw,
    )  # fmt: skip


def deposit(ticket: int, amount: str, h: float, account: str = A) -> AccountBalanceChanged:
    """A deposit (balance deal)."""
    return AccountBalanceChanged(
        id=f"mt5:{account}:deal:{ticket}", ts=at(h), producer="mt5", account=account,
        deal_ticket=ticket, kind="deposit", amount=D(amount),
    )  # fmt: skip


def two_accounts() -> list[Event]:
    """Return the main scenario's events in journal order (see the module docstring)."""
    a = {"producer": "mt5", "account": A}
    ai = {"producer": "llm", "account": A}
    return [
        deposit(1, "10000", 0),
        deposit(5, "2000", 0, account=B),
        ExperimentStarted(ts=at(0), producer="cli", experiment_id="E1", variants=["v1", "v2"]),
        ExperimentAssigned(ts=at(0), producer="cli", experiment_id="E1", user_id=7, variant="v2"),
        SignalDetected(
            ts=at(0.5),
            producer="scanner",
            account=A,
            signal_id="S1",
            symbol="EURUSD",
            timeframe="M15",
            direction="BUY",
            confidence=80,
            rsi=28.5,
            regime="trend",
            reason="RSI oversold",
        ),
        SignalNotified(
            ts=at(0.5) + dt.timedelta(seconds=1), producer="telegram", signal_id="S1", chat_id=7
        ),
        UserAction(
            ts=at(0.7),
            producer="telegram",
            user_id=7,
            chat_id=7,
            kind="command",
            data="/analyse@tjbot EURUSD",
            update_id=1,
        ),
        ConversationStarted(
            ts=at(0.75), producer="telegram", conversation_id="C1", user_id=7, chat_id=7
        ),
        ConversationMessage(
            ts=at(0.75),
            producer="telegram",
            conversation_id="C1",
            role="user",
            content="analyse EURUSD",
            user_id=7,
            chat_id=7,
        ),
        LlmCalled(
            ts=at(0.8),
            producer="llm",
            model="gpt-4o-mini",
            purpose="analysis",
            prompt_tokens=1000,
            completion_tokens=200,
            cost_usd=D("0.0012"),
            latency_ms=900.0,
            status="ok",
            conversation_id="C1",
            prompt_variant="v2",
        ),
        ConversationMessage(
            ts=at(0.8),
            producer="llm",
            conversation_id="C1",
            role="assistant",
            content="BUY EURUSD 1.1, SL 1.095, TP 1.11",
            model="gpt-4o-mini",
            prompt_tokens=1000,
            completion_tokens=200,
            cost_usd=D("0.0012"),
            latency_ms=900.0,
        ),
        RecommendationIssued(
            ts=at(0.9),
            **ai,
            recommendation_id="R1",
            symbol="EURUSD",
            direction="BUY",
            entry_price=D("1.1"),
            sl=D("1.095"),
            tp=D("1.11"),
            confidence=72,
            model="gpt-4o-mini",
            conversation_id="C1",
            signal_id="S1",
            prompt_variant="v2",
            regime="range",
        ),
        RecommendationApproved(ts=at(0.95), producer="telegram", recommendation_id="R1", user_id=7),
        UserAction(
            ts=at(0.95),
            producer="telegram",
            user_id=7,
            chat_id=7,
            kind="button",
            data="approve:R1",
            update_id=2,
        ),
        order(
            101,
            "buy_stop",
            "1.0",
            "1.1",
            0.97,
            sl="1.095",
            tp="1.11",
            oco_group_id="G1",
            recommendation_id="R1",
        ),
        order(107, "sell_stop", "1.0", "1.09", 0.97, sl="1.095", tp="1.08", oco_group_id="G1"),
        OcoCreated(
            ts=at(0.97), **a, oco_group_id="G1", symbol="EURUSD", leg_a_ticket=101, leg_b_ticket=107
        ),
        deal(1001, 11, "buy", "in", "1.0", "1.1", 1, order=101, comm="-5"),
        OcoTriggered(
            ts=at(1) + dt.timedelta(seconds=0.2),
            **a,
            oco_group_id="G1",
            filled_ticket=101,
            cancel_ticket=107,
            cancel_latency_ms=180.0,
        ),
        OrderCancelled(
            ts=at(1) + dt.timedelta(seconds=0.2),
            **a,
            order_ticket=107,
            reason="oco",
            oco_group_id="G1",
        ),
        RecommendationExecuted(
            ts=at(1), producer="mt5", recommendation_id="R1", order_ticket=101, position_id=11
        ),
        MetricTiming(ts=at(1), producer="mt5", name="mt5.order_send", duration_ms=120.0),
        PositionStopMoved(
            ts=at(1.5),
            **a,
            position_id=11,
            symbol="EURUSD",
            old_sl=D("1.095"),
            new_sl=D("1.1"),
            price=D("1.104"),
            method="breakeven",
            r_at_move=0.8,
        ),
        PositionExcursion(ts=at(1.2), **a, position_id=11, excursion="mae", price=D("1.099")),
        PositionExcursion(ts=at(1.3), **a, position_id=11, excursion="mae", price=D("1.098")),
        PositionExcursion(ts=at(2.5), **a, position_id=11, excursion="mfe", price=D("1.108")),
        TradeAnnotated(
            ts=at(1.6),
            producer="telegram",
            account=A,
            position_id=11,
            strategy="breakout",
            regime="trend",
            tags=["london"],
        ),
        deal(
            1002,
            11,
            "sell",
            "out",
            "0.5",
            "1.105",
            2,
            order=102_1,
            profit="250",
            comm="-2.5",
            reason="client",
        ),
        deal(
            1003,
            11,
            "sell",
            "out",
            "0.5",
            "1.107",
            3,
            order=103_1,
            profit="350",
            comm="-2.5",
            reason="tp",
        ),
        order(102, "sell", "0.2", "1.106", 4),
        deal(1004, 12, "sell", "in", "0.2", "1.106", 4, order=102),
        PositionStopMoved(
            ts=at(4) + dt.timedelta(minutes=1),
            **a,
            position_id=12,
            new_sl=D("1.109"),
            method="initial",
        ),
        deal(1005, 12, "buy", "out", "0.2", "1.106", 5, order=105_1, reason="sl"),
        SignalDetected(
            ts=at(5.9),
            producer="scanner",
            account=A,
            signal_id="S2",
            symbol="GBPUSD",
            timeframe="H1",
            direction="BUY",
            confidence=55,
            regime="range",
        ),
        order(103, "buy", "0.1", "1.25", 6, symbol="GBPUSD"),
        deal(1006, 13, "buy", "in", "0.1", "1.25", 6, symbol="GBPUSD", order=103),
        AlertRaised(
            ts=at(6) + dt.timedelta(minutes=1),
            producer="mt5",
            account=A,
            level="warning",
            kind="unprotected_position",
            position_id=13,
        ),
        deal(
            1007,
            13,
            "sell",
            "out",
            "0.1",
            "1.2475",
            7,
            symbol="GBPUSD",
            order=107_1,
            profit="-25",
            reason="client",
        ),
        deposit(2, "5000", 8),
        order(104, "buy", "0.3", "1.1", 9, sl="1.098"),
        deal(1008, 14, "buy", "in", "0.3", "1.1", 9, order=104),
        order(105, "sell", "0.5", "1.099", 10, sl="1.102"),
        deal(
            1009, 14, "sell", "inout", "0.5", "1.099", 10, order=105, profit="-30", reason="client"
        ),
        order(106, "buy", "0.2", "1.097", 11),
        deal(1010, 14, "buy", "out", "0.2", "1.097", 11, order=106, profit="40", reason="tp"),
        # account 2002
        AccountSnapshot(
            ts=at(2),
            producer="mt5",
            account=B,
            balance=D("2000"),
            equity=D("2000"),
            margin=D("0"),
            free_margin=D("2000"),
            currency="USD",
        ),
        order(201, "sell", "0.1", "150", 2, account=B, symbol="USDJPY", sl="150.5"),
        deal(
            2001,
            21,
            "sell",
            "in",
            "0.1",
            "150",
            2,
            account=B,
            symbol="USDJPY",
            order=201,
            comm="-0.30",
        ),
        AccountSnapshot(
            ts=at(2.5),
            producer="mt5",
            account=B,
            balance=D("1999.70"),
            equity=D("2050"),
            margin=D("10"),
            free_margin=D("2040"),
            currency="USD",
        ),
        AccountSnapshot(
            ts=at(2.75),
            producer="mt5",
            account=B,
            balance=D("1999.70"),
            equity=D("1990"),
            margin=D("10"),
            free_margin=D("1980"),
            currency="USD",
        ),
        deal(
            2002,
            21,
            "buy",
            "out",
            "0.1",
            "149.5",
            3,
            account=B,
            symbol="USDJPY",
            order=202,
            profit="33.44",
            comm="-0.30",
            reason="tp",
        ),
        AccountSnapshot(
            ts=at(3),
            producer="mt5",
            account=B,
            balance=D("2032.84"),
            equity=D("2032.84"),
            margin=D("0"),
            free_margin=D("2032.84"),
            currency="USD",
        ),
    ]


C = "3003"


def carried_balance() -> list[Event]:
    """Account 3003: the journal starts after the account already held 10 000.

    t0  deposit 2 000, the broker reports balance 12 000 after it
    1h  T31 buy 1.0 EURUSD @1.1 (comm -5)       2h  out @1.097 profit -300 comm -5 -> net -310
    3h  T32 buy 0.5 @1.1                        4h  out @1.104 profit 200           -> net +200
    5h  withdrawal -500 (no balance reported)
    6h  T33 sell 0.2 @1.1                       7h  out @1.105 profit -100          -> net -100
    8h  T34 buy 0.1 GBPUSD @1.2                 9h  out @1.203 profit 30            -> net +30
    Every deal reports the balance after it: 11 995, 11 690, 11 690, 11 890, 11 390, 11 290,
    11 290, 11 320.
    """
    kw = {"account": C}

    def d(ticket: int, pos: int, side: str, entry: str, vol: str, price: str, h: float,
          balance: str, **extra: Any) -> DealFilled:  # fmt: skip
        ev = deal(ticket, pos, side, entry, vol, price, h, **kw, **extra)
        return msgspec.structs.replace(ev, balance=D(balance))

    return [
        AccountBalanceChanged(
            id=f"mt5:{C}:deal:1",
            ts=at(0),
            producer="mt5",
            account=C,
            deal_ticket=1,
            kind="deposit",
            amount=D("2000"),
            balance=D("12000"),
        ),  # fmt: skip
        d(3001, 31, "buy", "in", "1.0", "1.1", 1, "11995", comm="-5"),
        d(3002, 31, "sell", "out", "1.0", "1.097", 2, "11690", profit="-300", comm="-5"),
        d(3003, 32, "buy", "in", "0.5", "1.1", 3, "11690"),
        d(3004, 32, "sell", "out", "0.5", "1.104", 4, "11890", profit="200"),
        AccountBalanceChanged(
            id=f"mt5:{C}:deal:2",
            ts=at(5),
            producer="mt5",
            account=C,
            deal_ticket=2,
            kind="withdrawal",
            amount=D("-500"),
        ),  # fmt: skip
        d(3005, 33, "sell", "in", "0.2", "1.1", 6, "11390"),
        d(3006, 33, "buy", "out", "0.2", "1.105", 7, "11290", profit="-100"),
        d(3007, 34, "buy", "in", "0.1", "1.2", 8, "11290", symbol="GBPUSD"),
        d(3008, 34, "sell", "out", "0.1", "1.203", 9, "11320", symbol="GBPUSD", profit="30"),
    ]
