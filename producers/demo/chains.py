"""The building blocks the demo story is told with, each emitting one causal chain of events.

User commands and buttons, LLM calls (tokens, cost, latency), scanner signals, recommendations,
orders with their round-trip timing, and ``_trade``: the entry deal, annotation, excursions, stop
moves and exit deals of one simulated position.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tradejournal.events import (
    DealFilled,
    Event,
    LlmCalled,
    MetricTiming,
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

from .day import Day
from .market import Market, Position
from .script import (
    ANALYST,
    INSTRUMENTS,
    LLM_PRICES,
    MAGIC,
    PLANS,
    TRADER,
    USERS,
    _commission,
    _q,
)


def _signal(
    day: Day, market: Market, r: random.Random, minute: float, symbol: str, direction: str,
    confidence: float,
) -> SignalDetected:  # fmt: skip
    inst = INSTRUMENTS[symbol]
    adx = round(r.uniform(15, 38), 1)
    rsi = round(r.uniform(24, 36) if direction == "BUY" else r.uniform(64, 76), 1)
    atr = round(float(inst.risk) * r.uniform(0.3, 0.45), inst.digits + 1)
    regime = "trending" if adx >= 25 else "ranging"
    cross = "above 30" if direction == "BUY" else "below 70"
    sig = day.emit(SignalDetected, day.at(minute), "scanner", signal_id=day.ident("sig", day.at(minute), f"-{symbol}"),
                   symbol=symbol, timeframe="M15", direction=direction,
                   confidence=round(confidence, 1), rsi=rsi, adx=adx, atr=atr, regime=regime,
                   reason=f"RSI(14) crossed {cross}, ADX {adx}",
                   price=market.price(symbol, minute))  # fmt: skip
    if confidence >= 65:
        for i, chat in enumerate((TRADER, ANALYST)):
            day.emit(SignalNotified, day.at(minute, 0.8 + i * 0.1), "telegram", cause=sig,
                     correlation_id=sig.id, signal_id=sig.signal_id, chat_id=chat)  # fmt: skip
    return sig


def _issue(
    day: Day, market: Market, call: LlmCalled, key: str, corr: str, **extra: Any
) -> RecommendationIssued:
    plan, pos = PLANS[key], market.positions[key]
    direction = "BUY" if plan.side == "buy" else "SELL"
    entry = market.price(plan.symbol, (call.ts - day.t0).total_seconds() / 60)
    return _issue_levels(day, call, plan.symbol, direction, entry, corr, sl=pos.sl, tp=pos.tp,
                         regime=plan.regime, **extra)  # fmt: skip


def _issue_levels(
    day: Day,
    call: LlmCalled,
    symbol: str,
    direction: str,
    entry: Decimal,
    corr: str,
    **extra: Any,
) -> RecommendationIssued:
    inst = INSTRUMENTS[symbol]
    s = 1 if direction == "BUY" else -1
    extra.setdefault("sl", _q(entry - s * inst.risk, inst.digits))
    extra.setdefault("tp", _q(entry + s * 2 * inst.risk, inst.digits))
    extra.setdefault("expires_ts", call.ts + dt.timedelta(minutes=30))
    ts = call.ts + dt.timedelta(milliseconds=12)
    r = day.rng(f"rec:{ts}")
    rec = day.emit(RecommendationIssued, ts, "llm",
                   cause=call, correlation_id=corr, recommendation_id=day.ident("rec", ts),
                   symbol=symbol, direction=direction, entry_price=entry,
                   confidence=round(r.uniform(62, 84), 1),
                   reasoning=f"{symbol}: {direction.lower()} setup, risk 1R = {inst.risk}, target 2R",
                   timeframe="M15", model=call.model, conversation_id=call.conversation_id,
                   prompt_variant=call.prompt_variant, generation_ms=call.latency_ms, **extra)  # fmt: skip
    return rec


def _approve_and_trade(
    day: Day, market: Market, rec: RecommendationIssued, key: str, user: int
) -> None:
    plan, pos = PLANS[key], market.positions[key]
    corr = rec.correlation_id or rec.id
    btn = _button(day, day.at(pos.open_m - 1, 40), user, f"approve:{rec.recommendation_id}", rec)
    ok = day.emit(RecommendationApproved, btn.ts + dt.timedelta(milliseconds=90), "telegram",
                  cause=btn, correlation_id=corr, recommendation_id=rec.recommendation_id,
                  user_id=user)  # fmt: skip
    ticket = day.order_ticket(day.at(pos.open_m))
    order = _place(day, day.at(pos.open_m), ok, plan.symbol, plan.side, plan.volume, pos.entry,
                   pos.sl, pos.tp, recommendation_id=rec.recommendation_id, ticket=ticket,
                   signal_id=rec.signal_id, corr=corr)  # fmt: skip
    deal_in, _ = _trade(day, pos, order, corr, ticket=ticket)
    day.emit(RecommendationExecuted, deal_in.ts + dt.timedelta(milliseconds=60), "telegram",
             cause=deal_in, correlation_id=corr, recommendation_id=rec.recommendation_id,
             order_ticket=ticket, position_id=ticket)  # fmt: skip


def _place(
    day: Day, ts: dt.datetime, cause: Event, symbol: str, order_type: str, volume: Decimal,
    price: Decimal, sl: Decimal | None, tp: Decimal | None, **extra: Any,
) -> OrderPlaced:  # fmt: skip
    ticket = extra.pop("ticket", None) or day.order_ticket(ts)
    corr = extra.pop("corr", None) or cause.correlation_id or cause.id
    order = day.emit(OrderPlaced, ts, "mt5", key=ticket, cause=cause, correlation_id=corr,
                     order_ticket=ticket, symbol=symbol, order_type=order_type, volume=volume,
                     price=price, sl=sl, tp=tp, magic=MAGIC,
                     comment=f"tj {extra.get('recommendation_id') or extra.get('oco_group_id')}"[:31],
                     **extra)  # fmt: skip
    ms = 120 + day.rng(f"rt:{ticket}").uniform(0, 180)
    _timing(day, ts + dt.timedelta(milliseconds=ms), "mt5_round_trip", round(ms, 1), "mt5", corr)
    return order


def _trade(
    day: Day, pos: Position, order: OrderPlaced, corr: str, ticket: int
) -> tuple[Event, Event]:
    plan, inst = pos.plan, INSTRUMENTS[pos.plan.symbol]
    fill_ts = day.at(pos.open_m, 0.25)
    day.tickets[pos.key] = ticket
    deal_in = day.emit(DealFilled, fill_ts, "mt5", key=(t := day.deal_ticket(fill_ts)), cause=order,
                       correlation_id=corr, deal_ticket=t, order_ticket=ticket, position_id=ticket,
                       symbol=plan.symbol, side=plan.side, entry="in", volume=plan.volume,
                       price=pos.entry, commission=_commission(plan.volume), reason="expert",
                       magic=MAGIC, comment=order.comment)  # fmt: skip
    day.emit(TradeAnnotated, fill_ts + dt.timedelta(milliseconds=400), "telegram", cause=deal_in,
             correlation_id=corr, position_id=ticket, strategy=plan.strategy, regime=plan.regime,
             tags=list(plan.tags), note=f"{plan.strategy} on {plan.symbol}")  # fmt: skip
    last: Event = deal_in
    out_side = "sell" if plan.side == "buy" else "buy"
    for minute, kind, d in pos.steps:
        ts = day.at(minute)
        common = {
            "cause": last,
            "correlation_id": corr,
            "position_id": ticket,
            "symbol": plan.symbol,
        }
        if kind in ("mfe", "mae"):
            day.emit(PositionExcursion, ts, "mt5", excursion=kind, price=d["price"], **common)
        elif kind == "stop":
            last = day.emit(PositionStopMoved, ts, "mt5", old_sl=d["old_sl"], new_sl=d["new_sl"],
                            old_tp=pos.tp, new_tp=pos.tp, price=d["price"], method=d["method"],
                            r_at_move=round(d["r"], 2), **common)  # fmt: skip
        else:
            profit = _q(pos.sign * (d["price"] - pos.entry) * inst.contract * d["volume"], 2) + 0
            del common["correlation_id"]
            last = day.emit(DealFilled, ts, "mt5", key=(t := day.deal_ticket(ts)), correlation_id=corr,
                            deal_ticket=t, order_ticket=day.order_ticket(ts), side=out_side,
                            entry="out", volume=d["volume"], price=d["price"],
                            commission=_commission(d["volume"]), profit=profit, reason=d["reason"],
                            magic=MAGIC, comment=d["comment"], **common)  # fmt: skip
    return deal_in, last


def _command(day: Day, ts: dt.datetime, user: int, data: str) -> Event:
    return day.emit(UserAction, ts, "telegram", user_id=user, chat_id=user, kind="command",
                    data=data, update_id=day.update_id(), username=USERS[user])  # fmt: skip


def _button(day: Day, ts: dt.datetime, user: int, data: str, cause: Event) -> Event:
    return day.emit(UserAction, ts, "telegram", cause=cause, correlation_id=cause.correlation_id,
                    user_id=user, chat_id=user, kind="button", data=data,
                    update_id=day.update_id(), username=USERS[user])  # fmt: skip


def _asked_by(day: Day, user: int, ts: dt.datetime) -> dict[str, Any]:
    """Return what an analysis the user asked for at ``ts`` carries: the conversation open then
    (None outside a chat) and the user's prompt variant of the experiment."""
    return {
        "conversation_id": day.conversation_at(user, ts),
        "prompt_variant": day.variants.get(user),
    }


def _llm(
    day: Day, r: random.Random, ts: dt.datetime, purpose: str, model: str, corr: str | None,
    cause: Event, **extra: Any,
) -> LlmCalled:  # fmt: skip
    prompt = r.randrange(900, 2400) if purpose != "chat" else r.randrange(250, 900)
    completion = r.randrange(120, 420)
    cached = prompt // 2 if r.random() < 0.4 else 0
    latency = round(r.uniform(700, 2600) if model == "gpt-4o-mini" else r.uniform(2500, 7800), 1)
    if extra.get("status") == "error":
        prompt = completion = cached = 0
        latency = round(r.uniform(150, 400), 1)
    price_in, price_out = LLM_PRICES[model]
    billed = (prompt - cached) * price_in + cached * price_in / 2 + completion * price_out
    cost = (billed / 1_000_000).quantize(Decimal("0.000001"), ROUND_HALF_UP)
    n = day.next_n("llm.called")
    extra.setdefault("status", "ok")
    done = ts + dt.timedelta(milliseconds=latency)
    call = day.emit(LlmCalled, done, "llm", cause=cause, correlation_id=corr, model=model,
                    purpose=purpose, prompt_tokens=prompt, completion_tokens=completion,
                    cached_tokens=cached, cost_usd=cost, latency_ms=latency,
                    response_id=None if extra["status"] == "error" else f"chatcmpl-{day.seed}x{n:04d}",
                    **extra)  # fmt: skip
    _timing(day, done + dt.timedelta(milliseconds=1), "openai_call", latency, "llm", corr)
    return call


def _timing(
    day: Day, ts: dt.datetime, name: str, ms: float, producer: str, corr: str | None
) -> None:
    day.emit(MetricTiming, ts, producer, correlation_id=corr, name=name, duration_ms=round(ms, 1))
