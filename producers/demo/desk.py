"""The day around the trading: bot lifecycle, users and chats, the scanner, ops alerts, snapshots.

Each function adds one strand of the demo day that is not a trade: the bot start/stop and the
deposit, users joining the prompt experiment, conversations with the assistant, the scanner's
quarter-hourly signals, connectivity alerts and health probes, and the poller's account snapshots.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tradejournal.events import (
    AccessDenied,
    AccountBalanceChanged,
    AccountSnapshot,
    AlertRaised,
    BotStarted,
    BotStopped,
    ConversationEnded,
    ConversationMessage,
    ConversationStarted,
    ExperimentAssigned,
    ExperimentStarted,
    UserAction,
)

from .chains import _command, _llm, _signal, _timing
from .day import Day
from .market import Market
from .script import (
    ANALYST,
    CHATS,
    DEPOSIT,
    EXPERIMENT,
    INSTRUMENTS,
    NEWBIE,
    PLANS,
    START_BALANCE,
    STRANGER,
    TRADER,
    USERS,
    _minute,
    _q,
)


def _open_day(day: Day) -> None:
    r = day.rng("open")
    pid = 4000 + r.randrange(5000)
    start = day.emit(BotStarted, day.at("06:00"), "telegram", version="1.4.2", pid=pid)
    day.emit(ExperimentStarted, day.at("06:00", 1.5), "telegram", cause=start,
             experiment_id=EXPERIMENT[0], variants=EXPERIMENT[1],
             description="concise vs detailed analysis prompt")  # fmt: skip
    day.emit(AccountBalanceChanged, day.at("06:05", 12.0), "mt5", deal_ticket=day.deal_ticket(day.at("06:05", 12.0)),
             kind="deposit", amount=DEPOSIT, balance=START_BALANCE + DEPOSIT,
             comment="Deposit via bank transfer")  # fmt: skip
    day.emit(BotStopped, day.at("22:00"), "telegram", cause=start, reason="daily restart", pid=pid)


def _users_and_chats(day: Day) -> None:
    for i, (user, when) in enumerate(((TRADER, "06:31"), (ANALYST, "07:12"), (NEWBIE, "07:46"))):
        start = _command(day, day.at(when), user, "/start")
        variant = day.variants[user] = EXPERIMENT[1][(i + day.seed) % 2]
        day.emit(ExperimentAssigned, day.at(when, 0.4), "telegram", cause=start,
                 experiment_id=EXPERIMENT[0], user_id=user, variant=variant)  # fmt: skip
    for user, when, cmd in (
        (TRADER, "07:05", "/stats"), (ANALYST, "10:40", "/trades"), (TRADER, "12:15", "/dashboard"),
        (TRADER, "16:10", "/trades"), (ANALYST, "18:30", "/stats"), (TRADER, "21:05", "/stats"),
    ):  # fmt: skip
        _command(day, day.at(when), user, cmd)
    for when, what in (("10:02", "/start"), ("10:03", "/analyze BTCUSD")):
        day.emit(AccessDenied, day.at(when, 7.0), "telegram", user_id=STRANGER, chat_id=STRANGER,
                 what=what, update_id=day.update_id(), username="quick_profit_99")  # fmt: skip
    for user, when, lines in CHATS:
        _chat(day, user, _minute(when), lines)


def _chat(day: Day, user: int, minute: float, lines: list[tuple[str, str]]) -> None:
    r = day.rng(f"chat:{user}:{minute}")
    conv_id = day.ident("conv", day.at(minute))
    start = day.emit(ConversationStarted, day.at(minute), "telegram", conversation_id=conv_id,
                     user_id=user, chat_id=user, title=lines[0][0][:40])  # fmt: skip
    corr = start.id
    variant = day.variants[user]
    t = minute * 60 + 2.0
    for question, answer in lines:
        act = day.emit(UserAction, _sec(day, t), "telegram", correlation_id=corr, user_id=user,
                       chat_id=user, kind="message", data=question, update_id=day.update_id(),
                       username=USERS[user])  # fmt: skip
        msg = day.emit(ConversationMessage, _sec(day, t + 0.2), "telegram", cause=act,
                       correlation_id=corr, conversation_id=conv_id, role="user",
                       content=question, user_id=user, chat_id=user)  # fmt: skip
        call = _llm(day, r, _sec(day, t + 0.3), "chat", "gpt-4o-mini", corr, msg,
                    conversation_id=conv_id, prompt_variant=variant)  # fmt: skip
        day.emit(ConversationMessage, call.ts + dt.timedelta(milliseconds=30), "llm", cause=call,
                 correlation_id=corr, conversation_id=conv_id, role="assistant", content=answer,
                 model=call.model, prompt_tokens=call.prompt_tokens,
                 completion_tokens=call.completion_tokens, cost_usd=call.cost_usd,
                 latency_ms=call.latency_ms, response_id=call.response_id, chat_id=user)  # fmt: skip
        t += 60 * r.uniform(1.5, 4.0)
    end = day.emit(ConversationEnded, _sec(day, t + 1800), "telegram", correlation_id=corr,
                   conversation_id=conv_id, reason="idle timeout (30 min)")  # fmt: skip
    day.add_conversation(user, start.ts, end.ts, conv_id)


def _scanner(day: Day, market: Market) -> None:
    r = day.rng("scanner")
    for slot in range(6 * 4 + 1, 21 * 4 + 1):
        for symbol in INSTRUMENTS:
            if r.random() < 0.18:
                direction = "BUY" if r.random() < 0.5 else "SELL"
                _signal(day, market, r, slot * 15 + 0.1, symbol, direction, r.uniform(40, 80))


def _ops(day: Day) -> None:
    r = day.rng("ops")
    day.emit(AlertRaised, day.at("16:00", 0.5), "mt5", level="warning", kind="aged_position",
             position_id=day.tickets["P5"], symbol=PLANS["P5"].symbol,
             message="XAUUSD buy open for 5 h (limit 4 h): review or close")  # fmt: skip
    day.emit(AlertRaised, day.at("14:52", 30), "mt5", level="critical",
             kind="terminal_disconnected", message="MT5 terminal: no heartbeat for 30 s")  # fmt: skip
    day.emit(AlertRaised, day.at("14:54", 2), "mt5", level="info", kind="terminal_reconnected",
             message="MT5 terminal back after 92 s; positions re-synced")  # fmt: skip
    for hour in range(7, 22):  # the poller's hourly health probe
        _timing(
            day, day.at(hour * 60 + 0.5), "mt5_round_trip", round(r.uniform(18, 65), 1), "mt5", None
        )


def _snapshots(day: Day, market: Market) -> None:
    # The poller records every 5 min while a position is open or after a balance change, and on
    # the half hour when flat.
    positions = list(market.positions.values())
    last = None
    for minute in range(6 * 60, 22 * 60, 5):
        ts = day.at(minute)
        balance = day.balance_at(ts)
        open_now = [(p, v) for p in positions if (v := p.open_volume(minute)) > 0]
        if not open_now and balance == last and minute % 30:
            continue
        last = balance
        floating = margin = Decimal(0)
        for pos, volume in open_now:
            inst = INSTRUMENTS[pos.plan.symbol]
            price = market.price(pos.plan.symbol, minute)
            floating += pos.sign * (price - pos.entry) * inst.contract * volume
            margin += volume * inst.contract * pos.entry / inst.leverage
        equity, margin = _q(balance + floating, 2), _q(margin, 2)
        level = round(float(equity / margin * 100), 2) if margin else None
        day.emit(AccountSnapshot, ts, "mt5", balance=balance, equity=equity, margin=margin,
                 free_margin=equity - margin, margin_level=level, currency="USD")  # fmt: skip


def _sec(day: Day, seconds: float) -> dt.datetime:
    return day.at(0, seconds)
