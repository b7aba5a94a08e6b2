"""An independent reference for the scanner's indicators: Wilder's book formulation.

Running *sums* for TR and DM (TR14 = first 14 summed, then TR14 - TR14/14 + TR), and the RSI and
ADX averages written in closed form (seed * q^k + the weighted later values, q = (n-1)/n) instead
of the recursion the implementation uses. Imported by the scanner tests.
"""

from __future__ import annotations


def _closed_form(values: list[float], period: int, t: int) -> float:
    # Wilder average at index t of values (index 0 = first value), seed = mean of the first n
    q = (period - 1) / period
    seed = sum(values[:period]) / period
    k = t - (period - 1)
    return seed * q**k + sum(values[j] / period * q ** (t - j) for j in range(period, t + 1))


def ref_rsi(close: list[float], period: int) -> list[float | None]:
    gains = [max(b - a, 0.0) for a, b in zip(close, close[1:], strict=False)]
    losses = [max(a - b, 0.0) for a, b in zip(close, close[1:], strict=False)]
    out: list[float | None] = [None] * len(close)
    for t in range(period, len(close)):
        g, lo = _closed_form(gains, period, t - 1), _closed_form(losses, period, t - 1)
        out[t] = 100 * g / (g + lo) if g + lo > 0 else 50.0  # == 100 - 100 / (1 + g / lo)
    return out


def ref_adx(
    high: list[float], low: list[float], close: list[float], period: int
) -> tuple[list[float | None], list[float | None], list[float | None], list[float | None]]:
    n = len(close)
    trs = [max(high[t], close[t - 1]) - min(low[t], close[t - 1]) for t in range(1, n)]
    pdm, mdm = [], []
    for t in range(1, n):
        up, down = high[t] - high[t - 1], low[t - 1] - low[t]
        pdm.append(up if up > max(down, 0) else 0.0)
        mdm.append(down if down > max(up, 0) else 0.0)
    atr_out: list[float | None] = [None] * n
    pdi: list[float | None] = [None] * n
    mdi: list[float | None] = [None] * n
    dx: list[float] = []
    tr_sum, p_sum, m_sum = sum(trs[:period]), sum(pdm[:period]), sum(mdm[:period])
    for t in range(period, n):
        if t > period:
            tr_sum += trs[t - 1] - tr_sum / period
            p_sum += pdm[t - 1] - p_sum / period
            m_sum += mdm[t - 1] - m_sum / period
        atr_out[t] = tr_sum / period
        pdi[t] = 100 * p_sum / tr_sum if tr_sum else 0.0
        mdi[t] = 100 * m_sum / tr_sum if tr_sum else 0.0
        total = pdi[t] + mdi[t]  # type: ignore[operator]
        dx.append(100 * abs(pdi[t] - mdi[t]) / total if total else 0.0)  # type: ignore[operator]
    adx_out: list[float | None] = [None] * n
    for t in range(2 * period - 1, n):
        adx_out[t] = _closed_form(dx, period, t - period)
    return adx_out, pdi, mdi, atr_out
