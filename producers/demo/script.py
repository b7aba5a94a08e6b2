"""The script of the demo day: account, cast, instruments, position plans, chats and money rules.

Pure data plus the helpers every other module shares: ``_q`` (decimal rounding), ``_commission``
(3.50 per lot per side) and ``_minute`` (``"HH:MM"`` to minutes after midnight). Changing a value
here changes every generated day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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
         "Eight positions: five winners and three losers, one of them the EURUSD short stopped "
         "at breakeven (it lost only its commission). The EURUSD trail and the gold target "
         "carried the day; the GBPUSD news bracket was cut manually."),
        ("Good. Anything still open?",
         "No open positions. The EURUSD scalp was closed before the rollover."),
    ]),
]  # fmt: skip


def _commission(volume: Decimal) -> Decimal:
    return -(COMMISSION_PER_LOT * volume).quantize(CENT, ROUND_HALF_UP)


def _minute(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _q(value: Decimal, digits: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
