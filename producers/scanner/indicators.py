"""RSI, ATR and ADX (+DI / -DI) with J. Welles Wilder's smoothing, over plain float sequences.

Every function returns a list as long as its input, ``None`` where the indicator is not yet
defined (the warm-up), so index ``i`` is always bar ``i``. Definitions (``n`` = period; bar 0 has
no previous close, so the first change / true range / directional move is at bar 1):

- true range ``TR_t = max(H_t - L_t, |H_t - C_{t-1}|, |L_t - C_{t-1}|)`` for ``t >= 1``;
- Wilder's smoothing of a series ``x``: seed ``S_n = mean(x_1..x_n)``, then
  ``S_t = (S_{t-1} * (n - 1) + x_t) / n`` — an exponential average with ``alpha = 1/n``;
- ``ATR_t`` = Wilder's smoothing of TR, first defined at bar ``n``;
- ``RSI_t = 100 - 100 / (1 + AG_t / AL_t)``, AG and AL the Wilder-smoothed gains
  ``max(C_t - C_{t-1}, 0)`` and losses ``max(C_{t-1} - C_t, 0)``; first defined at bar ``n``.
  ``AL = 0`` gives 100 (50 when AG is 0 too: no movement at all);
- ``+DM_t = H_t - H_{t-1}`` if it is positive and larger than ``L_{t-1} - L_t``, else 0;
  ``-DM_t = L_{t-1} - L_t`` if it is positive and larger than ``H_t - H_{t-1}``, else 0;
  ``+DI = 100 * S(+DM) / S(TR)``, ``-DI = 100 * S(-DM) / S(TR)`` (0 when ``S(TR)`` is 0), first
  at bar ``n``; ``DX = 100 * |+DI - -DI| / (+DI + -DI)`` (0 when both are 0);
  ``ADX`` = Wilder's smoothing of DX seeded with the mean of the first ``n`` DX values, first
  defined at bar ``2n - 1``.

Packages that seed differently (a sum of ``n - 1`` values, an SMA of closes) give other values
at first; the difference decays by a factor ``(n - 1) / n`` per bar, hence ``scanner.bars``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Adx", "adx", "atr", "rsi", "true_range", "wilder"]

Series = list[float | None]


def true_range(high: Sequence[float], low: Sequence[float], close: Sequence[float]) -> Series:
    """Return TR per bar (``None`` at bar 0, which has no previous close)."""
    out: Series = [None] * len(close)
    for t in range(1, len(close)):
        prev = close[t - 1]
        out[t] = max(high[t] - low[t], abs(high[t] - prev), abs(low[t] - prev))
    return out


def wilder(values: Sequence[float | None], period: int) -> Series:
    """Return Wilder's smoothing of ``values``, seeded with the mean of the first ``period``
    defined values (leading ``None`` values are skipped; none may follow a defined one)."""
    _check_period(period)
    out: Series = [None] * len(values)
    start = next((i for i, v in enumerate(values) if v is not None), len(values))
    if len(values) - start < period:
        return out
    window = values[start : start + period]
    avg = sum(_defined(v) for v in window) / period
    out[start + period - 1] = avg
    for t in range(start + period, len(values)):
        avg = (avg * (period - 1) + _defined(values[t])) / period
        out[t] = avg
    return out


def atr(high: Sequence[float], low: Sequence[float], close: Sequence[float], period: int = 14) -> Series:  # fmt: skip
    """Return Wilder's Average True Range; first defined at bar ``period``."""
    _check_lengths(high, low, close)
    return wilder(true_range(high, low, close), period)


def rsi(close: Sequence[float], period: int = 14) -> Series:
    """Return Wilder's Relative Strength Index in [0, 100]; first defined at bar ``period``."""
    gains: list[float | None] = [None]
    losses: list[float | None] = [None]
    for t in range(1, len(close)):
        change = close[t] - close[t - 1]
        gains.append(max(change, 0.0))
        losses.append(max(-change, 0.0))
    avg_gain, avg_loss = wilder(gains, period), wilder(losses, period)
    out: Series = [None] * len(close)
    for t, (g, lo) in enumerate(zip(avg_gain, avg_loss, strict=True)):
        if g is None or lo is None:
            continue
        if lo == 0:
            out[t] = 50.0 if g == 0 else 100.0
        else:
            out[t] = 100.0 - 100.0 / (1.0 + g / lo)
    return out


@dataclass(frozen=True)
class Adx:
    """Wilder's directional movement system: ADX, +DI and -DI per bar (``None`` in warm-up)."""

    adx: Series
    plus_di: Series
    minus_di: Series


def adx(high: Sequence[float], low: Sequence[float], close: Sequence[float], period: int = 14) -> Adx:  # fmt: skip
    """Return ADX (first at bar ``2 * period - 1``) with +DI and -DI (first at bar ``period``)."""
    _check_lengths(high, low, close)
    plus_dm: list[float | None] = [None]
    minus_dm: list[float | None] = [None]
    for t in range(1, len(close)):
        up, down = high[t] - high[t - 1], low[t - 1] - low[t]
        plus_dm.append(up if up > down and up > 0 else 0.0)
        minus_dm.append(down if down > up and down > 0 else 0.0)
    s_tr = wilder(true_range(high, low, close), period)
    s_plus, s_minus = wilder(plus_dm, period), wilder(minus_dm, period)
    plus_di: Series = [None] * len(close)
    minus_di: Series = [None] * len(close)
    dx: Series = [None] * len(close)
    for t, (tr, p, m) in enumerate(zip(s_tr, s_plus, s_minus, strict=True)):
        if tr is None or p is None or m is None:
            continue
        pdi = 100.0 * p / tr if tr > 0 else 0.0
        mdi = 100.0 * m / tr if tr > 0 else 0.0
        plus_di[t], minus_di[t] = pdi, mdi
        dx[t] = 100.0 * abs(pdi - mdi) / (pdi + mdi) if pdi + mdi > 0 else 0.0
    return Adx(wilder(dx, period), plus_di, minus_di)


def _defined(value: float | None) -> float:
    if value is None:
        raise ValueError("a value is missing after the series started")
    return value


def _check_period(period: int) -> None:
    if period < 1:
        raise ValueError(f"period: must be >= 1, was {period}")


def _check_lengths(*series: Sequence[float]) -> None:
    if len({len(s) for s in series}) > 1:
        raise ValueError(f"high, low and close must have the same length, were {[len(s) for s in series]}")  # fmt: skip
