"""Generate a deterministic, realistic synthetic trading day: the events behind ``tradejournal demo``.

``generate_day(date, seed)`` is pure: the same date and seed give identical events, ids included
(``demo:<date>:<seed>:<tag>:<key>``), every ``ts`` inside that UTC day, returned in ts order. Money
adds up: profit = price move x contract size x volume (100,000 units a lot for EURUSD/GBPUSD, 100 oz
for XAUUSD), commission 3.50 per lot per side, and balances and equity follow the deals.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

import msgspec

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
    DealFilled,
    Event,
    ExperimentAssigned,
    ExperimentStarted,
    LlmCalled,
    MetricTiming,
    OcoCreated,
    OcoFailed,
    OcoTriggered,
    OrderCancelled,
    OrderModified,
    OrderPlaced,
    OrderRejected,
    PositionExcursion,
    PositionStopMoved,
    RecommendationApproved,
    RecommendationDismissed,
    RecommendationExecuted,
    RecommendationExpired,
    RecommendationFailed,
    RecommendationInvalid,
    RecommendationIssued,
    SignalDetected,
    SignalNotified,
    TradeAnnotated,
    UserAction,
)

__all__ = ["ACCOUNT", "DEFAULT_DATE", "DEFAULT_SEED", "generate_day"]

ACCOUNT = "demo-51234567"
DEFAULT_SEED = 42
DEFAULT_DATE = dt.date(2026, 3, 2)
START_BALANCE = Decimal("10000.00")
DEPOSIT = Decimal("2000.00")
COMMISSION_PER_LOT = Decimal("3.50")
MAGIC = 240615
CENT = Decimal("0.01")
MINUTES = 24 * 60
TRADER, ANALYST, NEWBIE, STRANGER = 1001, 1002, 1003, 5550917
USERS = {TRADER: "alex", ANALYST: "maria", NEWBIE: "sam"}
EXPERIMENT = ("prompt-style-2026-03", ["concise", "detailed"])
LLM_PRICES = {
    "gpt-4o-mini": (Decimal("0.15"), Decimal("0.60")),
    "gpt-4o": (Decimal("2.50"), Decimal("10")),
}
E = TypeVar("E", bound=Event)
_TRADING = ("order.", "deal.", "position.", "trade.", "oco.", "account.", "recommendation.")


@dataclass(frozen=True)
class Instrument:
    """Contract data of one symbol, and how its synthetic price moves."""

    digits: int
    contract: int
    leverage: int
    start: Decimal
    minute_vol: float
    risk: Decimal  # the initial stop distance the bot uses


INSTRUMENTS = {
    "EURUSD": Instrument(5, 100_000, 100, Decimal("1.08250"), 0.00007, Decimal("0.00200")),
    "GBPUSD": Instrument(5, 100_000, 100, Decimal("1.26400"), 0.00009, Decimal("0.00250")),
    "XAUUSD": Instrument(2, 100, 20, Decimal("2650.00"), 0.45, Decimal("6.00")),
}


@dataclass(frozen=True)
class Plan:
    """The script of one position: when it fills and the path of price in R (initial risk)."""

    symbol: str
    side: str
    volume: Decimal
    open_at: str
    path: tuple[tuple[int, float], ...]
    end_reason: str = "expert"
    tp_r: float | None = None
    be_at: float | None = None
    trail: tuple[float, float] | None = None  # (distance, step) in R, after breakeven
    partial_at: float | None = None
    pending: tuple[str, Decimal] | None = None  # (placed at, stop distance): an OCO leg
    strategy: str = "ai_discretionary"
    regime: str = "trending"
    tags: tuple[str, ...] = ()


PLANS = {
    "P1": Plan("EURUSD", "buy", Decimal("0.50"), "08:05",
               ((20, -0.4), (60, 0.5), (110, 1.3), (150, 1.9), (185, 2.6), (215, 1.2)),
               be_at=1.0, trail=(1.0, 0.4), strategy="rsi_reversal", tags=("signal", "trailed")),
    "P3": Plan("GBPUSD", "buy", Decimal("0.20"), "08:40", ((10, 0.35), (30, -0.5), (50, -1.3)),
               tp_r=2.0, strategy="rsi_reversal", regime="ranging", tags=("signal",)),
    "P2": Plan("XAUUSD", "sell", Decimal("0.10"), "09:20",
               ((15, 0.3), (35, 1.1), (60, 0.8), (80, 2.3)), tp_r=2.0, be_at=1.0,
               regime="volatile", tags=("analysis", "gold")),
    "P5": Plan("XAUUSD", "buy", Decimal("0.20"), "11:00",
               ((30, -0.3), (90, 0.6), (150, 1.2), (240, 0.9), (330, 1.6), (390, 1.3)),
               partial_at=1.0, trail=(1.0, 0.5), strategy="trend_pullback", tags=("signal", "gold")),
    "P4": Plan("EURUSD", "sell", Decimal("0.30"), "13:10",
               ((25, 0.6), (55, 1.15), (80, 0.5), (100, -0.3)), tp_r=2.5, be_at=1.0,
               regime="ranging", tags=("analysis",)),
    "P6": Plan("GBPUSD", "sell", Decimal("0.10"), "13:31", ((10, 0.5), (25, -0.2), (45, -0.6)),
               end_reason="client", tp_r=3.0, pending=("13:20", Decimal("0.00150")),
               strategy="news_breakout_oco", regime="volatile", tags=("oco", "news", "manual_exit")),
    "P7": Plan("EURUSD", "buy", Decimal("0.10"), "16:35", ((40, 0.4), (120, 0.9), (245, 0.8)),
               tp_r=2.0, strategy="rsi_reversal", tags=("signal", "eod_close")),
    "P8": Plan("XAUUSD", "buy", Decimal("0.05"), "18:10", ((20, 0.7), (45, 1.2), (70, 2.2)),
               tp_r=2.0, be_at=1.0, pending=("17:50", Decimal("4.00")),
               strategy="news_breakout_oco", regime="volatile", tags=("oco", "gold")),
}  # fmt: skip


def generate_day(date: dt.date, seed: int = DEFAULT_SEED) -> list[Event]:
    """Return the events of one synthetic trading day, in ts order.

    Parameters
    ----------
    date
        The UTC day; every event's ``ts`` falls inside it.
    seed
        Drives prices, latencies, token counts and tickets; the same seed gives identical events.
    """
    day = Day(date, seed)
    market = Market.build(day.rng("market"), PLANS)
    _open_day(day)
    _users_and_chats(day)
    _scanner(day, market)
    _signal_trades(day, market)
    _analysis_trades(day, market)
    _rec_failures(day, market)
    _oco_brackets(day, market)
    _ops(day)
    _snapshots(day, market)
    return day.finish()


# --- the event builder ----------------------------------------------------------------------------


class Day:
    """Collects the day's events: derives ids, times, the account and the causal links."""

    def __init__(self, date: dt.date, seed: int) -> None:
        self.date, self.seed = date, seed
        self.t0 = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
        self.prefix = f"demo:{date.isoformat()}:{seed}"
        self.events: list[Event] = []
        self._counters: dict[str, int] = {}
        r = self.rng("tickets")
        self._order_base = 1_845_000_000 + r.randrange(100) * 1_000_000
        self._deal_base = self._order_base - 250_000_000
        self._used: set[int] = set()
        self._update = 880_000 + r.randrange(1_000) * 10
        self.tickets: dict[str, int] = {}  # plan key -> position id

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")

    def at(self, when: str | float, seconds: float = 0.0) -> dt.datetime:
        minute = _minute(when) if isinstance(when, str) else when
        ms = round(minute * 60_000 + seconds * 1000)
        return self.t0 + dt.timedelta(milliseconds=min(ms, MINUTES * 60_000 - 1))

    def emit(self, cls: type[E], ts: dt.datetime, producer: str, **fields: Any) -> E:
        key, cause = fields.pop("key", None), fields.pop("cause", None)
        tag: str = cls.__struct_config__.tag  # type: ignore[assignment]
        if key is None:
            key = self._counters[tag] = self._counters.get(tag, 0) + 1
        fields.setdefault("account", ACCOUNT if tag.startswith(_TRADING) else None)
        event = cls(
            id=f"{self.prefix}:{tag}:{key}",
            ts=ts,
            producer=producer,
            causation_id=cause.id if cause is not None else None,
            **fields,
        )
        self.events.append(event)
        return event

    def next_n(self, tag: str) -> int:
        return self._counters.get(tag, 0) + 1

    def order_ticket(self, ts: dt.datetime) -> int:
        return self._ticket(self._order_base, ts)

    def deal_ticket(self, ts: dt.datetime) -> int:
        return self._ticket(self._deal_base, ts)

    def _ticket(self, base: int, ts: dt.datetime) -> int:
        # tickets grow with time, like a trade server's (a tenth of a second per step)
        ticket = base + int((ts - self.t0).total_seconds() * 10)
        while ticket in self._used:
            ticket += 1
        self._used.add(ticket)
        return ticket

    def update_id(self) -> int:
        self._update += 1
        return self._update

    def ident(self, kind: str, ts: dt.datetime, suffix: str = "") -> str:
        return f"{kind}-{ts:%Y%m%d-%H%M%S}-{self.seed}{suffix}"

    def finish(self) -> list[Event]:
        self.events.sort(key=lambda e: e.ts)  # stable: causes were emitted before effects
        balance = START_BALANCE
        out = []
        for ev in self.events:
            if isinstance(ev, AccountBalanceChanged):
                balance += ev.amount
            elif isinstance(ev, DealFilled):
                balance += ev.profit + ev.commission + ev.swap + ev.fee
                ev = msgspec.structs.replace(ev, balance=balance)
            out.append(ev)
        return out

    def balance_at(self, ts: dt.datetime) -> Decimal:
        total = START_BALANCE
        for ev in self.events:
            if ev.ts <= ts and isinstance(ev, AccountBalanceChanged):
                total += ev.amount
            elif ev.ts <= ts and isinstance(ev, DealFilled):
                total += ev.profit + ev.commission + ev.swap + ev.fee
        return total


# --- the market: one price tape per symbol, positions simulated on it ----------------------------


@dataclass
class Position:
    """The simulated life of one plan: entry, stops, and timed steps (excursions, moves, exits)."""

    key: str
    plan: Plan
    entry: Decimal
    sl: Decimal
    tp: Decimal | None
    open_m: int
    steps: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)

    @property
    def sign(self) -> int:
        return 1 if self.plan.side == "buy" else -1

    def open_volume(self, minute: float) -> Decimal:
        if minute <= self.open_m:
            return Decimal(0)
        closed = sum(
            (d["volume"] for m, k, d in self.steps if k == "out" and m <= minute), Decimal(0)
        )
        return self.plan.volume - closed


class Market:
    """Per-minute price tapes of the day; scripted positions are simulated on them in time order."""

    def __init__(self) -> None:
        self.tape: dict[str, list[Decimal]] = {}
        self.positions: dict[str, Position] = {}

    @classmethod
    def build(cls, rng: random.Random, plans: dict[str, Plan]) -> Market:
        market = cls()
        for symbol, inst in INSTRUMENTS.items():
            start = _q(inst.start * Decimal(1 + rng.uniform(-0.003, 0.003)), inst.digits)
            tape = market.tape[symbol] = [start]
            mine = sorted((p.open_at, k) for k, p in plans.items() if p.symbol == symbol)
            for _, key in mine:
                market.positions[key] = _Simulation(key, plans[key], tape, inst, rng).run()
            _walk(tape, inst, rng, MINUTES)
        return market

    def price(self, symbol: str, when: str | float) -> Decimal:
        minute = _minute(when) if isinstance(when, str) else when
        return self.tape[symbol][int(minute)]


class _Simulation:
    def __init__(
        self, key: str, plan: Plan, tape: list[Decimal], inst: Instrument, rng: random.Random
    ) -> None:
        self.key, self.plan, self.tape, self.inst, self.rng = key, plan, tape, inst, rng
        self.s = 1 if plan.side == "buy" else -1
        self.risk = inst.risk
        self.best = self.worst = 0.0
        self.be_done = self.partial_done = False

    def run(self) -> Position:
        plan, open_m = self.plan, _minute(self.plan.open_at)
        if plan.pending:
            _walk(self.tape, self.inst, self.rng, open_m)
            entry = self.tape[_minute(plan.pending[0])] + self.s * plan.pending[1]
            self.tape.append(entry)  # the news spike runs through the stop order
        else:
            _walk(self.tape, self.inst, self.rng, open_m + 1)
            entry = self.tape[open_m]
        self.entry = entry
        tp = None if plan.tp_r is None else self._level(plan.tp_r)
        self.pos = Position(self.key, plan, entry, self._level(-1.0), tp, open_m)
        self.sl = self.pos.sl
        end = open_m + plan.path[-1][0]
        for m in range(open_m + 1, end + 1):
            p = self._price(m - open_m)
            self.tape.append(p)
            if self._exit(m, p):
                return self.pos
            self._manage(m, p)
        self._out(end + 0.05, self.plan.volume - self._closed(), self.tape[-1], plan.end_reason, "")
        return self.pos

    def _price(self, t: int) -> Decimal:
        points = ((0, 0.0), *self.plan.path)
        for (t0, r0), (t1, r1) in zip(points, points[1:], strict=False):
            if t <= t1:
                r = r0 + (r1 - r0) * (t - t0) / (t1 - t0)
                break
        r += self.rng.uniform(-0.07, 0.07)
        return _q(self.entry + self.s * self.risk * Decimal(r), self.inst.digits)

    def _level(self, r: float) -> Decimal:
        return _q(self.entry + self.s * self.risk * Decimal(r), self.inst.digits)

    def _r(self, p: Decimal) -> float:
        return float(self.s * (p - self.entry) / self.risk)

    def _closed(self) -> Decimal:
        return self.plan.volume - self.pos.open_volume(MINUTES)

    def _exit(self, m: int, p: Decimal) -> bool:
        rest = self.plan.volume - self._closed()
        if self.s * (p - self.sl) <= 0:
            self._out(m + 0.05, rest, self.sl, "sl", f"[sl {self.sl}]")
            return True
        if self.pos.tp is not None and self.s * (p - self.pos.tp) >= 0:
            self._out(m + 0.05, rest, self.pos.tp, "tp", f"[tp {self.pos.tp}]")
            return True
        return False

    def _manage(self, m: int, p: Decimal) -> None:
        r = self._r(p)
        if r >= self.best + 0.15:
            self.best = r
            self.pos.steps.append((m + 0.01, "mfe", {"price": p}))
        elif r <= self.worst - 0.15:
            self.worst = r
            self.pos.steps.append((m + 0.01, "mae", {"price": p}))
        plan = self.plan
        if plan.partial_at is not None and not self.partial_done and r >= plan.partial_at:
            self.partial_done = self.be_done = True
            half = _q(plan.volume / 2, 2)
            self._out(m + 0.02, half, p, "expert", "partial 50% at +1R")
            self._move(m + 0.04, self.entry, p, "partial")
        elif plan.be_at is not None and not self.be_done and r >= plan.be_at:
            self.be_done = True
            self._move(m + 0.02, self.entry, p, "breakeven")
        elif self.be_done and plan.trail is not None:
            new = _q(p - self.s * self.risk * Decimal(plan.trail[0]), self.inst.digits)
            if self.s * (new - self.sl) >= self.risk * Decimal(plan.trail[1]):
                self._move(m + 0.02, new, p, "trailing")

    def _move(self, minute: float, new: Decimal, p: Decimal, method: str) -> None:
        data = {"old_sl": self.sl, "new_sl": new, "price": p, "method": method, "r": self._r(p)}
        self.pos.steps.append((minute, "stop", data))
        self.sl = new

    def _out(self, m: float, volume: Decimal, price: Decimal, reason: str, comment: str) -> None:
        data = {"volume": volume, "price": price, "reason": reason, "comment": comment}
        self.pos.steps.append((m, "out", data))


def _walk(tape: list[Decimal], inst: Instrument, rng: random.Random, length: int) -> None:
    while len(tape) < length:
        step = Decimal(rng.gauss(0.0, inst.minute_vol))
        tape.append(_q(tape[-1] + step, inst.digits))


# --- the story ------------------------------------------------------------------------------------


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
        variant = EXPERIMENT[1][(i + day.seed) % 2]
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


CHATS = [
    (TRADER, "08:48", [
        ("Morning! What's the outlook for gold today?",
         "Gold is holding just under 2,660 after a quiet Asian session. A rejection there favours "
         "a pullback towards 2,640; a close above 2,662 would cancel that view."),
        ("Let's see what the analysis says.",
         "Running it now: I'll post a recommendation with entry, stop and target."),
    ]),
    (ANALYST, "12:40", [
        ("Is EURUSD still bullish after the morning move?",
         "The morning rally stalled near the 1.0850 area with RSI rolling over from 68. Momentum "
         "is fading; a short with a tight stop is reasonable if the US open does not extend it."),
        ("What's my exposure right now?",
         "One open position: XAUUSD buy 0.20 lots, stop at 1R below entry. Total risk is about "
         "1% of the balance."),
    ]),
    (NEWBIE, "15:20", [
        ("How much should I risk per trade on a 12k account?",
         "A common rule is 0.5-1% per trade: 60 to 120 USD. Size the position from the stop "
         "distance, not the other way round."),
        ("And on GBPUSD with a 25 pip stop?",
         "25 pips on GBPUSD is 2.50 USD per 0.01 lot, so 0.24 to 0.48 lots for 60-120 USD."),
        ("ok thanks, analyse it for me",
         "Sure: running the GBPUSD analysis now."),
    ]),
    (NEWBIE, "17:00", [
        ("why did the analysis fail?",
         "The model proposed a stop above the entry for a BUY, so the output was rejected and no "
         "recommendation was sent. Nothing was traded."),
    ]),
    (TRADER, "20:50", [
        ("How did we do today?",
         "Eight positions: five winners, two losers and one breakeven. The EURUSD trail and the "
         "gold target carried the day; the GBPUSD news bracket was cut manually."),
        ("Good. Anything still open?",
         "No open positions. The EURUSD scalp was closed before the rollover."),
    ]),
]  # fmt: skip


def _chat(day: Day, user: int, minute: float, lines: list[tuple[str, str]]) -> None:
    r = day.rng(f"chat:{user}:{minute}")
    conv_id = day.ident("conv", day.at(minute))
    start = day.emit(ConversationStarted, day.at(minute), "telegram", conversation_id=conv_id,
                     user_id=user, chat_id=user, title=lines[0][0][:40])  # fmt: skip
    corr = start.id
    variant = EXPERIMENT[1][(list(USERS).index(user) + day.seed) % 2]
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
    day.emit(ConversationEnded, _sec(day, t + 1800), "telegram", correlation_id=corr,
             conversation_id=conv_id, reason="idle timeout (30 min)")  # fmt: skip


def _scanner(day: Day, market: Market) -> None:
    r = day.rng("scanner")
    for slot in range(6 * 4 + 1, 21 * 4 + 1):
        for symbol in INSTRUMENTS:
            if r.random() < 0.18:
                direction = "BUY" if r.random() < 0.5 else "SELL"
                _signal(day, market, r, slot * 15 + 0.1, symbol, direction, r.uniform(40, 80))


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
        if key == "P4":  # the first attempt hits the rate limit, the retry succeeds
            failed = _llm(day, r, day.at(when, 1), "analysis", "gpt-4o", cmd.id, cmd,
                          status="error", error="429 Too Many Requests: rate limit reached")  # fmt: skip
            day.emit(AlertRaised, failed.ts + dt.timedelta(milliseconds=5), "llm", cause=failed,
                     level="warning", kind="api_errors",
                     message="OpenAI returned 429; retrying in 2 s")  # fmt: skip
        call = _llm(day, r, day.at(when, 6), "analysis", "gpt-4o", cmd.id, cmd)
        _timing(day, call.ts + dt.timedelta(milliseconds=40), "analysis",
                (call.ts - cmd.ts).total_seconds() * 1000 + 40, "telegram", cmd.id)  # fmt: skip
        rec = _issue(day, market, call, key, cmd.id)
        _approve_and_trade(day, market, rec, key, user)


def _rec_failures(day: Day, market: Market) -> None:
    r = day.rng("rec-failures")
    # expired: nobody pressed a button before expires_ts
    cmd = _command(day, day.at("15:33"), NEWBIE, "/analyze GBPUSD")
    call = _llm(day, r, day.at("15:33", 1), "analysis", "gpt-4o", cmd.id, cmd)
    rec = _issue_levels(day, call, "GBPUSD", "BUY", market.price("GBPUSD", "15:34"), cmd.id,
                        expires_ts=day.at("16:05"))  # fmt: skip
    day.emit(RecommendationExpired, day.at("16:05", 0.3), "telegram", cause=rec,
             correlation_id=cmd.id, recommendation_id=rec.recommendation_id)  # fmt: skip
    # invalid: the model put the stop on the wrong side
    cmd = _command(day, day.at("16:58"), NEWBIE, "/analyze GBPUSD")
    call = _llm(day, r, day.at("16:58", 1), "analysis", "gpt-4o", cmd.id, cmd)
    p = market.price("GBPUSD", "16:59")
    raw = (f'{{"symbol": "GBPUSD", "direction": "BUY", "entry": {p}, "sl": {p + Decimal("0.0030")},'
           f' "tp": {p + Decimal("0.0060")}, "confidence": 64}}')  # fmt: skip
    day.emit(RecommendationInvalid, call.ts + dt.timedelta(milliseconds=15), "llm", cause=call,
             correlation_id=cmd.id, model="gpt-4o", raw=raw,
             error="sl: must be on the losing side of entry_price for BUY")  # fmt: skip
    # failed: approved, but the broker refuses the order for lack of margin
    cmd = _command(day, day.at("16:40"), TRADER, "/analyze XAUUSD")
    call = _llm(day, r, day.at("16:40", 1), "analysis", "gpt-4o", cmd.id, cmd)
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


# --- the chains -----------------------------------------------------------------------------------


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


# --- small helpers --------------------------------------------------------------------------------


def _command(day: Day, ts: dt.datetime, user: int, data: str) -> Event:
    return day.emit(UserAction, ts, "telegram", user_id=user, chat_id=user, kind="command",
                    data=data, update_id=day.update_id(), username=USERS[user])  # fmt: skip


def _button(day: Day, ts: dt.datetime, user: int, data: str, cause: Event) -> Event:
    return day.emit(UserAction, ts, "telegram", cause=cause, correlation_id=cause.correlation_id,
                    user_id=user, chat_id=user, kind="button", data=data,
                    update_id=day.update_id(), username=USERS[user])  # fmt: skip


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


def _bracket(symbol: str, price: Decimal, s: int, plan: Plan) -> tuple[Decimal, Decimal]:
    inst = INSTRUMENTS[symbol]
    return (_q(price - s * inst.risk, inst.digits),
            _q(price + s * inst.risk * Decimal(plan.tp_r or 2), inst.digits))  # fmt: skip


def _commission(volume: Decimal) -> Decimal:
    return -(COMMISSION_PER_LOT * volume).quantize(CENT, ROUND_HALF_UP)


def _sec(day: Day, seconds: float) -> dt.datetime:
    return day.at(0, seconds)


def _minute(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _q(value: Decimal, digits: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
