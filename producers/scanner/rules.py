"""The scanner's rules: which bar is a signal, its direction, regime, confidence and reason.

Pure functions over indicator series (no terminal, no journal), evaluated at one bar ``i``
against the bar before it, so a rule fires on the bar where its condition *becomes* true:

- ``rsi_reversal`` — RSI mean reversion. ``trigger = "exit"``: BUY when RSI rises back above
  ``rsi_oversold`` (previous bar at or below it), SELL when it falls back below
  ``rsi_overbought``; the *depth* is how far beyond the threshold RSI went during that
  excursion. ``trigger = "enter"``: BUY when RSI falls to or below ``rsi_oversold``, SELL when
  it rises to or above ``rsi_overbought``; the depth is the current distance beyond it.
- ``di_cross`` — trend following: BUY when +DI crosses above -DI, SELL when -DI crosses above
  +DI, only while ADX >= ``trend_adx``; the depth is the DI spread ``|+DI - -DI|``.

Regime from ADX: ``ranging`` below ``range_adx``, ``trending`` at or above ``trend_adx``,
``transition`` between. Filters: no signal while ADX < ``min_adx``; no signal *against* the DI
trend (e.g. a BUY while -DI > +DI) when ADX >= ``counter_trend_max_adx``. Confidence:
``base + depth_weight * min(1, depth / depth_scale) + adx_weight * a * min(1, ADX / adx_scale)``
with ``a`` = +1 when the DI trend agrees with the signal, -1 against it, 0 when +DI = -DI;
clamped to [0, 100] and rounded to 0.1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..config import ScannerSettings
from .bars import Bars
from .indicators import Series, adx, atr, rsi

__all__ = ["Candidate", "Indicators", "compute", "evaluate", "regime"]

Side = Literal["BUY", "SELL"]


@dataclass(frozen=True)
class Indicators:
    """The indicator series of one symbol and timeframe, index = bar."""

    rsi: Series
    adx: Series
    plus_di: Series
    minus_di: Series
    atr: Series


@dataclass(frozen=True)
class Candidate:
    """A rule that fired at a bar, with everything ``signal.detected`` records."""

    rule: str
    direction: Side
    confidence: float
    rsi: float
    adx: float
    plus_di: float
    minus_di: float
    atr: float
    regime: str
    reason: str


def compute(bars: Bars, settings: ScannerSettings) -> Indicators:
    """Return RSI, ADX, +DI, -DI and ATR of ``bars`` with the configured periods."""
    directional = adx(bars.high, bars.low, bars.close, settings.adx_period)
    return Indicators(
        rsi=rsi(bars.close, settings.rsi_period),
        adx=directional.adx,
        plus_di=directional.plus_di,
        minus_di=directional.minus_di,
        atr=atr(bars.high, bars.low, bars.close, settings.atr_period),
    )


def regime(adx_value: float, settings: ScannerSettings) -> str:
    """Return ``ranging``, ``transition`` or ``trending`` for an ADX value."""
    if adx_value < settings.range_adx:
        return "ranging"
    return "trending" if adx_value >= settings.trend_adx else "transition"


def evaluate(ind: Indicators, i: int, settings: ScannerSettings) -> list[Candidate]:
    """Return the candidates of the configured rules at bar ``i`` (none during warm-up)."""
    if i < 1:
        return []
    values = [ind.rsi[i], ind.rsi[i - 1], ind.adx[i], ind.plus_di[i], ind.minus_di[i]]
    values += [ind.plus_di[i - 1], ind.minus_di[i - 1], ind.atr[i]]
    if any(v is None for v in values):
        return []
    found = []
    for rule in settings.rules:
        fired = _RULES[rule](ind, i, settings)
        if fired is not None:
            found.append(fired)
    return found


def _rsi_reversal(ind: Indicators, i: int, s: ScannerSettings) -> Candidate | None:
    now, before = _at(ind.rsi, i), _at(ind.rsi, i - 1)
    low, high = s.rsi_oversold, s.rsi_overbought
    if s.trigger == "exit":
        if before <= low < now:
            extreme = min(_run(ind.rsi, i - 1, lambda v: v <= low))
            text = f"RSI({s.rsi_period}) rose back above {low:g} after a low of {extreme:.1f}"
            return _candidate("rsi_reversal", "BUY", low - extreme, text, ind, i, s)
        if before >= high > now:
            extreme = max(_run(ind.rsi, i - 1, lambda v: v >= high))
            text = f"RSI({s.rsi_period}) fell back below {high:g} after a high of {extreme:.1f}"
            return _candidate("rsi_reversal", "SELL", extreme - high, text, ind, i, s)
        return None
    if before > low >= now:
        text = f"RSI({s.rsi_period}) fell to {now:.1f}, at or below {low:g}"
        return _candidate("rsi_reversal", "BUY", low - now, text, ind, i, s)
    if before < high <= now:
        text = f"RSI({s.rsi_period}) rose to {now:.1f}, at or above {high:g}"
        return _candidate("rsi_reversal", "SELL", now - high, text, ind, i, s)
    return None


def _di_cross(ind: Indicators, i: int, s: ScannerSettings) -> Candidate | None:
    pdi, mdi = _at(ind.plus_di, i), _at(ind.minus_di, i)
    pdi_before, mdi_before = _at(ind.plus_di, i - 1), _at(ind.minus_di, i - 1)
    if _at(ind.adx, i) < s.trend_adx:
        return None
    if pdi_before <= mdi_before and pdi > mdi:
        text = f"+DI crossed above -DI with ADX >= {s.trend_adx:g}"
        return _candidate("di_cross", "BUY", pdi - mdi, text, ind, i, s)
    if mdi_before <= pdi_before and mdi > pdi:
        text = f"-DI crossed above +DI with ADX >= {s.trend_adx:g}"
        return _candidate("di_cross", "SELL", mdi - pdi, text, ind, i, s)
    return None


_RULES = {"rsi_reversal": _rsi_reversal, "di_cross": _di_cross}


def _candidate(
    rule: str, side: Side, depth: float, text: str, ind: Indicators, i: int, s: ScannerSettings
) -> Candidate | None:
    adx_value, pdi, mdi = _at(ind.adx, i), _at(ind.plus_di, i), _at(ind.minus_di, i)
    if adx_value < s.min_adx:
        return None
    trend = (pdi > mdi) - (pdi < mdi)
    agree = trend if side == "BUY" else -trend
    if agree < 0 and adx_value >= s.counter_trend_max_adx:
        return None
    strength = min(1.0, adx_value / s.adx_scale)
    score = s.confidence_base + s.depth_weight * min(1.0, max(depth, 0.0) / s.depth_scale)
    score += s.adx_weight * agree * strength
    where = {1: "with the trend", -1: "against the trend", 0: "no DI trend"}[agree]
    state = regime(adx_value, s)
    reason = f"{text}; ADX {adx_value:.1f} {state}, +DI {pdi:.1f} / -DI {mdi:.1f} ({where})"
    return Candidate(
        rule=rule,
        direction=side,
        confidence=round(min(100.0, max(0.0, score)), 1),
        rsi=_at(ind.rsi, i),
        adx=adx_value,
        plus_di=pdi,
        minus_di=mdi,
        atr=_at(ind.atr, i),
        regime=state,
        reason=reason,
    )


def _at(series: Series, i: int) -> float:
    value = series[i]
    if value is None:
        raise ValueError(f"indicator undefined at bar {i}")
    return value


def _run(series: Series, end: int, inside: Callable[[float], bool]) -> list[float]:
    # the values of the excursion that ends at bar ``end``: consecutive bars back while inside
    out: list[float] = []
    j = end
    while j >= 0 and (value := series[j]) is not None and inside(value):
        out.append(value)
        j -= 1
    return out
