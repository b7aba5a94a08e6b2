"""The demo day's trades: every recommendation flow and OCO bracket, scripted to its outcome.

Signal-driven and ``/analyze``-driven trades (approved, executed, managed to their exit), a
dismissed, an expired, an invalid and a failed recommendation, and two OCO news brackets, one
cancelling its sibling cleanly and one needing a retry after the cancel is refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tradejournal.events import (
    AlertRaised,
    Event,
    OcoCreated,
    OcoFailed,
    OcoTriggered,
    OrderCancelled,
    OrderModified,
    OrderPlaced,
    OrderRejected,
    RecommendationApproved,
    RecommendationDismissed,
    RecommendationExpired,
    RecommendationFailed,
    RecommendationInvalid,
)

from .chains import (
    _approve_and_trade,
    _asked_by,
    _button,
    _command,
    _issue,
    _issue_levels,
    _llm,
    _place,
    _signal,
    _timing,
    _trade,
)
from .day import Day
from .market import Market
from .script import ANALYST, INSTRUMENTS, NEWBIE, PLANS, TRADER, Plan, _minute, _q


def _signal_trades(day: Day, market: Market) -> None:
    r = day.rng("signal-trades")
    for key, signal_at, direction in (("P1", "07:58", "BUY"), ("P3", "08:33", "BUY"),
                                      ("P5", "10:52", "BUY"), ("P7", "16:28", "BUY")):  # fmt: skip
        plan = PLANS[key]
        sig = _signal(day, market, r, _minute(signal_at) + 0.1, plan.symbol, direction, 78.0)
        call = _llm(day, r, day.at(signal_at, 20), "signal_review", "gpt-4o", sig.id, sig)
        rec = _issue(day, market, call, key, sig.id, signal_id=sig.signal_id)
        _approve_and_trade(day, market, rec, key, TRADER)
    sig = _signal(day, market, r, _minute("10:20") + 0.1, "GBPUSD", "SELL", 71.0)
    call = _llm(day, r, day.at("10:20", 25), "signal_review", "gpt-4o", sig.id, sig)
    rec = _issue_levels(day, call, "GBPUSD", "SELL", market.price("GBPUSD", "10:21"), sig.id,
                        signal_id=sig.signal_id, regime="ranging")  # fmt: skip
    btn = _button(day, day.at("10:26", 4), TRADER, f"dismiss:{rec.recommendation_id}", rec)
    day.emit(RecommendationDismissed, btn.ts + dt.timedelta(milliseconds=120), "telegram",
             cause=btn, correlation_id=sig.id, recommendation_id=rec.recommendation_id,
             user_id=TRADER, note="spread too wide before London lunch")  # fmt: skip


def _analysis_trades(day: Day, market: Market) -> None:
    r = day.rng("analysis-trades")
    for key, user, when in (("P2", TRADER, "09:12"), ("P4", ANALYST, "12:58")):
        plan = PLANS[key]
        cmd = _command(day, day.at(when), user, f"/analyze {plan.symbol}")
        ctx = _asked_by(day, user, cmd.ts)
        if key == "P4":  # the first attempt hits the rate limit, the retry succeeds
            failed = _llm(day, r, day.at(when, 1), "analysis", "gpt-4o", cmd.id, cmd,
                          status="error", error="429 Too Many Requests: rate limit reached",
                          **ctx)  # fmt: skip
            day.emit(AlertRaised, failed.ts + dt.timedelta(milliseconds=5), "llm", cause=failed,
                     correlation_id=cmd.id, level="warning", kind="api_errors",
                     message="OpenAI returned 429; retrying in 2 s")  # fmt: skip
        call = _llm(day, r, day.at(when, 6), "analysis", "gpt-4o", cmd.id, cmd, **ctx)
        _timing(day, call.ts + dt.timedelta(milliseconds=40), "analysis",
                (call.ts - cmd.ts).total_seconds() * 1000 + 40, "telegram", cmd.id)  # fmt: skip
        rec = _issue(day, market, call, key, cmd.id)
        _approve_and_trade(day, market, rec, key, user)


def _rec_failures(day: Day, market: Market) -> None:
    r = day.rng("rec-failures")
    # expired: nobody pressed a button before expires_ts
    cmd = _command(day, day.at("15:33"), NEWBIE, "/analyze GBPUSD")
    call = _llm(day, r, day.at("15:33", 1), "analysis", "gpt-4o", cmd.id, cmd,
                **_asked_by(day, NEWBIE, cmd.ts))  # fmt: skip
    rec = _issue_levels(day, call, "GBPUSD", "BUY", market.price("GBPUSD", "15:34"), cmd.id,
                        expires_ts=day.at("16:05"))  # fmt: skip
    day.emit(RecommendationExpired, day.at("16:05", 0.3), "telegram", cause=rec,
             correlation_id=cmd.id, recommendation_id=rec.recommendation_id)  # fmt: skip
    # invalid: the model put the stop on the wrong side
    cmd = _command(day, day.at("16:58"), NEWBIE, "/analyze GBPUSD")
    call = _llm(day, r, day.at("16:58", 1), "analysis", "gpt-4o", cmd.id, cmd,
                **_asked_by(day, NEWBIE, cmd.ts))  # fmt: skip
    p = market.price("GBPUSD", "16:59")
    raw = (f'{{"symbol": "GBPUSD", "direction": "BUY", "entry": {p}, "sl": {p + Decimal("0.0030")},'
           f' "tp": {p + Decimal("0.0060")}, "confidence": 64}}')  # fmt: skip
    day.emit(RecommendationInvalid, call.ts + dt.timedelta(milliseconds=15), "llm", cause=call,
             correlation_id=cmd.id, model="gpt-4o", raw=raw, conversation_id=call.conversation_id,
             error="sl: must be on the losing side of entry_price for BUY")  # fmt: skip
    # failed: approved, but the broker refuses the order for lack of margin
    cmd = _command(day, day.at("16:40"), TRADER, "/analyze XAUUSD")
    call = _llm(day, r, day.at("16:40", 1), "analysis", "gpt-4o", cmd.id, cmd,
                **_asked_by(day, TRADER, cmd.ts))  # fmt: skip
    rec = _issue_levels(day, call, "XAUUSD", "BUY", market.price("XAUUSD", "16:41"), cmd.id)
    btn = _button(day, day.at("16:44", 2), TRADER, f"approve:{rec.recommendation_id}", rec)
    ok = day.emit(RecommendationApproved, btn.ts + dt.timedelta(milliseconds=90), "telegram",
                  cause=btn, correlation_id=cmd.id, recommendation_id=rec.recommendation_id,
                  user_id=TRADER)  # fmt: skip
    rej = day.emit(OrderRejected, ok.ts + dt.timedelta(milliseconds=210), "mt5", cause=ok,
                   correlation_id=cmd.id, symbol="XAUUSD", order_type="buy",
                   volume=Decimal("1.00"), price=rec.entry_price, retcode=10019,
                   comment="No money", recommendation_id=rec.recommendation_id)  # fmt: skip
    _timing(day, rej.ts, "mt5_round_trip", 205.0, "mt5", cmd.id)
    day.emit(RecommendationFailed, rej.ts + dt.timedelta(milliseconds=20), "telegram", cause=rej,
             correlation_id=cmd.id, recommendation_id=rec.recommendation_id,
             error="order rejected: No money (free margin too low for 1.00 lot)", retcode=10019)  # fmt: skip


def _oco_brackets(day: Day, market: Market) -> None:
    for key, when in (("P6", "13:20"), ("P8", "17:50")):
        plan = PLANS[key]
        assert plan.pending is not None
        pos = market.positions[key]
        cmd = _command(day, day.at(when), TRADER, f"/oco {plan.symbol} {plan.volume}")
        group = day.ident("oco", day.at(when))
        mid, dist = market.price(plan.symbol, when), plan.pending[1]
        legs = {}
        for i, (kind, sign) in enumerate((("buy_stop", 1), ("sell_stop", -1))):
            price = mid + sign * dist
            fills = kind.startswith(plan.side)
            sl, tp = (pos.sl, pos.tp) if fills else _bracket(plan.symbol, price, sign, plan)
            legs[kind] = _place(day, day.at(when, 2 + i * 0.3), cmd, plan.symbol, kind,
                                plan.volume, price, sl, tp, oco_group_id=group)  # fmt: skip
        a, b = legs["buy_stop"], legs["sell_stop"]
        day.emit(OcoCreated, day.at(when, 3), "mt5", cause=b, correlation_id=cmd.id,
                 oco_group_id=group, symbol=plan.symbol, leg_a_ticket=a.order_ticket,
                 leg_b_ticket=b.order_ticket)  # fmt: skip
        filled, other = (a, b) if plan.side == "buy" else (b, a)
        if key == "P6":  # the trader widens the unfilled side by 5 pips before the release
            assert other.sl is not None and other.tp is not None
            wider = [_q(x + Decimal("0.00050"), 5) for x in (other.price, other.sl, other.tp)]
            day.emit(OrderModified, day.at("13:25", 5), "mt5", cause=cmd, correlation_id=cmd.id,
                     order_ticket=other.order_ticket, symbol=plan.symbol, price=wider[0],
                     sl=wider[1], tp=wider[2])  # fmt: skip
        deal_in, _ = _trade(day, pos, filled, cmd.id, ticket=filled.order_ticket)
        _oco_resolution(day, key, group, filled, other, deal_in, cmd.id)


def _oco_resolution(
    day: Day,
    key: str,
    group: str,
    filled: OrderPlaced,
    other: OrderPlaced,
    deal_in: Event,
    corr: str,
) -> None:
    t = deal_in.ts
    if key == "P6":
        trig = day.emit(OcoTriggered, t + dt.timedelta(milliseconds=35), "mt5", cause=deal_in,
                        correlation_id=corr, oco_group_id=group, filled_ticket=filled.order_ticket,
                        cancel_ticket=other.order_ticket, cancel_latency_ms=182.0)  # fmt: skip
        day.emit(OrderCancelled, t + dt.timedelta(milliseconds=217), "mt5", cause=trig,
                 correlation_id=corr, order_ticket=other.order_ticket, symbol=other.symbol,
                 reason="oco", oco_group_id=group)  # fmt: skip
        _timing(day, t + dt.timedelta(milliseconds=217), "mt5_round_trip", 182.0, "mt5", corr)
        return
    fail = day.emit(OcoFailed, t + dt.timedelta(milliseconds=260), "mt5", cause=deal_in,
                    correlation_id=corr, oco_group_id=group, kind="cancel_refused", retcode=10006,
                    error="Request rejected")  # fmt: skip
    alert = day.emit(AlertRaised, fail.ts + dt.timedelta(milliseconds=10), "mt5", cause=fail,
                     level="critical", kind="oco_cancel_failed", symbol=other.symbol,
                     message=f"could not cancel sibling order {other.order_ticket}; retrying")  # fmt: skip
    day.emit(OrderCancelled, alert.ts + dt.timedelta(seconds=3), "mt5", cause=alert,
             correlation_id=corr, order_ticket=other.order_ticket, symbol=other.symbol,
             reason="system", oco_group_id=group)  # fmt: skip
    _timing(day, alert.ts + dt.timedelta(seconds=3), "mt5_round_trip", 412.0, "mt5", corr)


def _bracket(symbol: str, price: Decimal, s: int, plan: Plan) -> tuple[Decimal, Decimal]:
    inst = INSTRUMENTS[symbol]
    return (_q(price - s * inst.risk, inst.digits),
            _q(price + s * inst.risk * Decimal(plan.tp_r or 2), inst.digits))  # fmt: skip
