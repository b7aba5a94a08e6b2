"""A monitored session built from typed events, for the report and audit tests.

T0 = Monday 2024-03-04 09:00 UTC; hours after T0 in brackets. Accounts A1 (snapshots) and B2.

A1  equity snapshots 10000 (0), 10050 (1), 9980 (2), 10100 (3): max drawdown 70 (0.6965 %)
    pos 1 EURUSD buy 1.0 @1.1000 (0.5), order SL 1.0950; out @1.1050 profit 500 [tp] (1.5)
          -> net 500, R +1; annotated strategy '<script>alert("s")</script>'
    pos 2 GBPUSD sell 0.5 @1.2500 (2), order SL 1.2540; out @1.2540 profit -200 [so] (2.5)
          -> net -200, R -1 (a stop out: an emergency close)
    pos 3 '<b>X</b>' buy 1.0 @100 (3), no stop; out @101 profit 50 (4) -> net 50, no R
    pos 4 USDJPY buy 0.1 @150 (1), no stop anywhere, never closed   -> unprotected, aged at 6
    pos 5 EURUSD buy 0.2 @1.1 (5), order SL 1.095, never closed     -> protected, 1 h old at 6
B2  pos 21 USDJPY sell 0.1 @150 (1), SL 150.5; out @149 profit 100 (1.8) -> net 100, R +2
alerts  info heartbeat (-1); warning unprotected_position USDJPY pos 4 (1.2);
        critical emergency_close '<img src=x onerror=alert(1)>' (2.6); warning api_errors (2.7);
        critical terminal_disconnected (5.5)
errors  llm.called error 429 (2.7); order.rejected 99 EURUSD retcode 10019 'No money' (3.5)
timing  mt5.order_send 10, 20, 30, 40, 50 ms (1..5); openai 100 ms (2)
bot     started (0), stopped (6.5)
AI      R1 EURUSD BUY conf 72 model m1 variant v1 -> pos 1 (won); R2 GBPUSD SELL conf 88 model
        m2 -> pos 2 (lost); signal S1 EURUSD BUY (0.4) followed by pos 1 within 30 minutes
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

from tradejournal.events import (
    AccountSnapshot,
    AlertRaised,
    BotStarted,
    BotStopped,
    DealFilled,
    Event,
    LlmCalled,
    MetricTiming,
    OrderPlaced,
    OrderRejected,
    RecommendationApproved,
    RecommendationExecuted,
    RecommendationIssued,
    SignalDetected,
    TradeAnnotated,
)
from tradejournal.store import Journal

T0 = dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC)
A, B = "A1", "B2"
XSS_SYMBOL = "<b>X</b>"
XSS_STRATEGY = '<script>alert("s")</script>'
XSS_MESSAGE = "<img src=x onerror=alert(1)>"


def at(hours: float) -> dt.datetime:
    """T0 + hours."""
    return T0 + dt.timedelta(hours=hours)


def _deal(ticket: int, pos: int, side: str, entry: str, vol: str, price: str, h: float, *,
          account: str = A, symbol: str = "EURUSD", profit: str = "0", order: int | None = None,
          reason: str | None = None) -> DealFilled:  # fmt: skip
    return DealFilled(
        id=f"mt5:{account}:deal:{ticket}", ts=at(h), producer="mt5", account=account,
        deal_ticket=ticket, order_ticket=order or ticket + 5000, position_id=pos, symbol=symbol,
        side=side, entry=entry, volume=D(vol), price=D(price), profit=D(profit), reason=reason,
    )  # fmt: skip


def _order(ticket: int, otype: str, vol: str, price: str, h: float, sl: str, *,
           account: str = A, symbol: str = "EURUSD") -> OrderPlaced:  # fmt: skip
    return OrderPlaced(
        id=f"mt5:{account}:order:{ticket}", ts=at(h), producer="mt5", account=account,
        order_ticket=ticket, symbol=symbol, order_type=otype, volume=D(vol), price=D(price),
        sl=D(sl),
    )  # fmt: skip


def _snap(h: float, equity: str) -> AccountSnapshot:
    return AccountSnapshot(
        ts=at(h), producer="mt5", account=A, balance=D("10000"), equity=D(equity),
        margin=D("0"), free_margin=D(equity), currency="USD",
    )  # fmt: skip


def _alert(h: float, level: str, kind: str, message: str, **kw: object) -> AlertRaised:
    return AlertRaised(ts=at(h), producer="mt5", level=level, kind=kind, message=message, **kw)  # type: ignore[arg-type]


def session() -> list[Event]:
    """The scenario's events in time order."""
    mt5 = {"producer": "mt5"}
    events: list[Event] = [
        _alert(-1, "info", "heartbeat", "still here"),
        BotStarted(ts=at(0), producer="telegram", version="2.0"),
        _snap(0, "10000"),
        SignalDetected(
            ts=at(0.4),
            producer="scanner",
            signal_id="S1",
            symbol="EURUSD",
            timeframe="M15",
            direction="BUY",
            confidence=66,
        ),  # fmt: skip
        RecommendationIssued(
            ts=at(0.45),
            producer="llm",
            recommendation_id="R1",
            symbol="EURUSD",
            direction="BUY",
            entry_price=D("1.1"),
            sl=D("1.095"),
            confidence=72,
            model="m1",
            prompt_variant="v1",
        ),  # fmt: skip
        RecommendationApproved(ts=at(0.46), producer="telegram", recommendation_id="R1"),
        _order(11, "buy", "1.0", "1.1", 0.5, "1.095"),
        _deal(1, 1, "buy", "in", "1.0", "1.1", 0.5, order=11),
        RecommendationExecuted(
            ts=at(0.5), producer="mt5", recommendation_id="R1", order_ticket=11, position_id=1
        ),  # fmt: skip
        _snap(1, "10050"),
        _deal(40, 4, "buy", "in", "0.1", "150", 1, symbol="USDJPY"),
        _order(210, "sell", "0.1", "150", 1, "150.5", account=B, symbol="USDJPY"),
        _deal(210, 21, "sell", "in", "0.1", "150", 1, account=B, symbol="USDJPY", order=210),
        MetricTiming(ts=at(1), **mt5, name="mt5.order_send", duration_ms=10.0),
        _alert(
            1.2,
            "warning",
            "unprotected_position",
            "USDJPY buy without a stop",
            symbol="USDJPY",
            position_id=4,
        ),  # fmt: skip
        _deal(2, 1, "sell", "out", "1.0", "1.105", 1.5, profit="500", reason="tp"),
        TradeAnnotated(
            ts=at(1.6),
            producer="telegram",
            account=A,
            position_id=1,
            strategy=XSS_STRATEGY,
            note="<i>note</i>",
        ),  # fmt: skip
        _deal(
            211,
            21,
            "buy",
            "out",
            "0.1",
            "149",
            1.8,
            account=B,
            symbol="USDJPY",
            profit="100",
            reason="sl",
        ),  # fmt: skip
        _snap(2, "9980"),
        MetricTiming(ts=at(2), **mt5, name="mt5.order_send", duration_ms=20.0),
        MetricTiming(ts=at(2), producer="llm", name="openai", duration_ms=100.0),
        RecommendationIssued(
            ts=at(1.95),
            producer="llm",
            recommendation_id="R2",
            symbol="GBPUSD",
            direction="SELL",
            confidence=88,
            model="m2",
        ),  # fmt: skip
        RecommendationApproved(ts=at(1.97), producer="telegram", recommendation_id="R2"),
        _order(12, "sell", "0.5", "1.25", 2, "1.254", symbol="GBPUSD"),
        _deal(3, 2, "sell", "in", "0.5", "1.25", 2, symbol="GBPUSD", order=12),
        RecommendationExecuted(
            ts=at(2), producer="mt5", recommendation_id="R2", order_ticket=12, position_id=2
        ),  # fmt: skip
        _deal(
            4, 2, "buy", "out", "0.5", "1.254", 2.5, symbol="GBPUSD", profit="-200", reason="so"
        ),  # fmt: skip
        _alert(2.6, "critical", "emergency_close", XSS_MESSAGE, symbol="GBPUSD", position_id=2),
        _alert(2.7, "warning", "api_errors", "OpenAI returned 429"),
        LlmCalled(
            ts=at(2.7),
            producer="llm",
            model="m1",
            purpose="analysis",
            latency_ms=50.0,
            status="error",
            error="429 rate limit",
        ),  # fmt: skip
        _snap(3, "10100"),
        MetricTiming(ts=at(3), **mt5, name="mt5.order_send", duration_ms=30.0),
        _deal(5, 3, "buy", "in", "1.0", "100", 3, symbol=XSS_SYMBOL),
        OrderRejected(
            ts=at(3.5),
            **mt5,
            account=A,
            order_ticket=99,
            symbol="EURUSD",
            retcode=10019,
            comment="No money",
        ),  # fmt: skip
        _deal(6, 3, "sell", "out", "1.0", "101", 4, symbol=XSS_SYMBOL, profit="50"),
        MetricTiming(ts=at(4), **mt5, name="mt5.order_send", duration_ms=40.0),
        _order(13, "buy", "0.2", "1.1", 5, "1.095"),
        _deal(7, 5, "buy", "in", "0.2", "1.1", 5, order=13),
        MetricTiming(ts=at(5), **mt5, name="mt5.order_send", duration_ms=50.0),
        _alert(5.5, "critical", "terminal_disconnected", "no heartbeat for 30 s"),
        BotStopped(ts=at(6.5), producer="telegram", reason="restart"),
    ]
    return sorted(events, key=lambda e: e.ts)


def write(journal_dir: Path, events: list[Event]) -> Path:
    """Append events with the real store (creating the journal); return its directory."""
    with Journal.open(journal_dir, durability="none", create=True) as j:
        j.append_many(events)
    return journal_dir
