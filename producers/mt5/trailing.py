"""Trailing stops: rules that tighten an open position's stop loss, every move journaled.

Rules (each off at 0), evaluated on every open position at each run; the most protective
candidate wins and is sent with ``TRADE_ACTION_SLTP`` through the journaling
:class:`~.trading.Trader` (``position.stop_moved`` with method, R at the move, rule, ATR distance):

- **breakeven** at +``breakeven_at_r`` R: stop to entry ± ``breakeven_offset_points``;
- **atr**: stop at price ∓ ``atr_multiplier`` × ATR(``atr_period``) of ``atr_timeframe`` bars
  (Wilder's ATR over closed bars from ``copy_rates_from_pos``);
- **fixed**: stop at price ∓ ``fixed_distance_points``;
- **step**: for every ``step_points`` the price gained beyond the entry, the initial stop moves up
  one step.

A stop is never loosened, never moved by less than ``min_move_points``, and never placed on the
wrong side of the current price. R = (price − entry) × side / |entry − initial stop|; a position
without a known initial stop is left alone. A refused modification is journaled
(``order.rejected`` action ``sltp``) and retried after a backoff that doubles up to
``max_backoff_s`` — never in a tight loop.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from tradejournal.events import Event
from tradejournal.producers.scanner import atr as atr_series

from .alerts import Alerts
from .api.constants import TIMEFRAME_H1, TRADE_ACTION_SLTP
from .trading import OK_RETCODES, StopMethod, StopRule, Trader, dec, price_or_none, r_at

__all__ = ["TrailingManager", "TrailingSettings", "wilder_atr"]


@dataclass(frozen=True)
class TrailingSettings:
    """The rules (see the module docstring); 0 switches a rule off."""

    breakeven_at_r: float = 1.0
    breakeven_offset_points: float = 0.0
    start_at_r: float | None = None
    """The atr, fixed and step rules act only from this many R of profit (None: always)."""
    atr_multiplier: float = 0.0
    atr_timeframe: int = TIMEFRAME_H1
    atr_period: int = 14
    fixed_distance_points: float = 0.0
    step_points: float = 0.0
    min_move_points: float = 0.0
    retry_backoff_s: float = 5.0
    max_backoff_s: float = 300.0
    magic: int | None = None
    """Only positions with this magic number (None: all)."""
    symbols: tuple[str, ...] = ()
    """Only positions in these symbols (empty: all)."""


def wilder_atr(
    high: list[float], low: list[float], close: list[float], period: int
) -> float | None:
    """Wilder's ATR of the last bar (the scanner's definition: TR = max(H−L, |H−C₋₁|, |L−C₋₁|),
    seeded with the mean of the first ``period`` TRs, then (ATR₋₁ × (period − 1) + TR) / period).
    None with fewer than ``period + 1`` bars."""
    if period < 1 or len(close) < period + 1:
        return None
    return atr_series(high, low, close, period)[-1]


@dataclass
class _Retry:
    failures: int
    not_before: dt.datetime


class TrailingManager:
    """Apply the trailing rules to open positions (see the module docstring)."""

    def __init__(self, trader: Trader, alerts: Alerts, settings: TrailingSettings) -> None:
        self.trader = trader
        self.alerts = alerts
        self.settings = settings
        self.recorder = trader.recorder
        self._retry: dict[int, _Retry] = {}

    def run_once(self) -> list[Event]:
        """Evaluate every open position once; return the events written."""
        terminal = self.trader.terminal
        positions = terminal.positions_get()
        if not positions:
            return []
        state = self.recorder.catch_up()
        now = self.recorder.now()
        atr_cache: dict[str, float | None] = {}
        out: list[Event] = []
        for p in positions:
            if self.settings.magic is not None and p.magic != self.settings.magic:
                continue
            if self.settings.symbols and p.symbol not in self.settings.symbols:
                continue
            retry = self._retry.get(p.identifier)
            if retry is not None and now < retry.not_before:
                continue
            view = state.positions.get(p.identifier)
            initial = view.initial_sl if view is not None else None
            initial = initial if initial is not None else price_or_none(p.sl)
            if initial is None:
                continue
            info = terminal.symbol_info(p.symbol)
            if info is None:
                continue
            if p.symbol not in atr_cache:
                atr_cache[p.symbol] = self._atr(p.symbol) if self.settings.atr_multiplier else None
            best = self._candidate(p, initial, info, atr_cache[p.symbol])
            if best is None:
                continue
            sl, method, rule, atr_distance = best
            request = {"action": TRADE_ACTION_SLTP, "position": p.identifier, "symbol": p.symbol,
                       "sl": float(sl), "tp": p.tp}  # fmt: skip
            result = self.trader.send(request, method=method, rule=rule, atr_distance=atr_distance)
            if result is not None and result.retcode in OK_RETCODES:
                self._retry.pop(p.identifier, None)
                out += self.trader.last_events
            else:
                out += self._refused(p, now)
        return out

    # --- helpers -------------------------------------------------------------------------------
    def _candidate(
        self, p: Any, initial: Decimal, info: Any, atr: float | None
    ) -> tuple[Decimal, StopMethod, StopRule, Decimal | None] | None:
        s = self.settings
        sign = 1 if p.type == 0 else -1
        entry, price = dec(p.price_open), dec(p.price_current)
        point = dec(info.point)
        tick = dec(info.trade_tick_size) or point
        risk = abs(entry - initial)
        current = price_or_none(p.sl)
        r = r_at("buy" if sign == 1 else "sell", entry, initial, price)
        found: list[tuple[Decimal, StopMethod, StopRule, Decimal | None]] = []
        if s.breakeven_at_r and r is not None and r >= s.breakeven_at_r:
            found.append((entry + sign * dec(s.breakeven_offset_points) * point,
                          "breakeven", "breakeven", None))  # fmt: skip
        trailing = s.start_at_r is None or (r is not None and r >= s.start_at_r)
        if trailing and s.atr_multiplier and atr:
            dist = _round(dec(round(atr * s.atr_multiplier, 10)), tick, ROUND_HALF_UP)
            found.append((price - sign * dist, "trailing", "atr", dist))
        if trailing and s.fixed_distance_points:
            found.append((price - sign * dec(s.fixed_distance_points) * point,
                          "trailing", "fixed", None))  # fmt: skip
        if trailing and s.step_points and risk > 0:
            step = dec(s.step_points) * point
            steps = math.floor((price - entry) * sign / step) if step else 0
            if steps > 0:
                found.append((initial + sign * steps * step, "trailing", "step", None))
        if not found:
            return None
        best = max(found, key=lambda c: c[0] * sign)
        sl = _round(best[0], tick, ROUND_FLOOR if sign == 1 else ROUND_CEILING)
        if (price - sl) * sign <= 0:
            return None  # a stop at or beyond the market would be refused (or fill at once)
        if current is not None and (sl - current) * sign <= dec(s.min_move_points) * point:
            return None  # never loosen, never a move smaller than the minimum
        return (sl, best[1], best[2], best[3])

    def _atr(self, symbol: str) -> float | None:
        s = self.settings
        rates = self.trader.terminal.copy_rates_from_pos(
            symbol, s.atr_timeframe, 1, s.atr_period * 3 + 1
        )
        if rates is None or len(rates) < s.atr_period + 1:
            return None
        return wilder_atr(
            [float(x) for x in rates["high"]],
            [float(x) for x in rates["low"]],
            [float(x) for x in rates["close"]],
            s.atr_period,
        )

    def _refused(self, p: Any, now: dt.datetime) -> list[Event]:
        retry = self._retry.get(p.identifier)
        failures = retry.failures + 1 if retry is not None else 1
        wait = min(self.settings.retry_backoff_s * 2 ** (failures - 1), self.settings.max_backoff_s)
        self._retry[p.identifier] = _Retry(failures, now + dt.timedelta(seconds=wait))
        out = list(self.trader.last_events)
        out += self.alerts.raise_(
            "warning", "stop_modify_refused",
            f"stop modification of position {p.identifier} refused; retry in {wait:.0f} s", now,
            key=str(p.identifier), position_id=p.identifier, symbol=p.symbol,
        )  # fmt: skip
        return out


def _round(value: Decimal, tick: Decimal, rounding: str) -> Decimal:
    if tick <= 0:
        return value
    return (value / tick).to_integral_value(rounding=rounding) * tick
