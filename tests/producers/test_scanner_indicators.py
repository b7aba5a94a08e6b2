"""Wilder's RSI, ATR and ADX: hand-checked small cases, an independent reference, properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from indicator_ref import ref_adx, ref_rsi  # noqa: I001  (tests/producers on sys.path)

from tradejournal.producers.scanner import adx, atr, bars_from_rates, rsi, true_range, wilder

# five bars, hand-worked below: (high, low, close)
HIGH = [10.0, 11.0, 12.0, 11.5, 13.0]
LOW = [8.0, 9.0, 10.5, 9.0, 12.0]
CLOSE = [9.0, 10.0, 11.0, 9.5, 12.5]


def test_rsi_period_2_by_hand() -> None:
    # changes +1 +1 -1 +2; seed at bar 2: AG=(1+1)/2=1, AL=0 -> 100
    # bar 3: AG=(1+0)/2=0.5, AL=(0+1)/2=0.5 -> RS 1 -> 50
    # bar 4: AG=(0.5+2)/2=1.25, AL=(0.5+0)/2=0.25 -> RS 5 -> 100-100/6
    assert rsi([1.0, 2.0, 3.0, 2.0, 4.0], 2) == [None, None, 100.0, 50.0, pytest.approx(250 / 3)]


def test_rsi_of_a_flat_series_is_neutral_and_of_a_rising_one_is_100() -> None:
    assert rsi([5.0] * 6, 3)[3:] == [50.0, 50.0, 50.0]
    assert rsi([1.0, 2.0, 3.0, 4.0, 5.0], 3)[3:] == [100.0, 100.0]
    assert rsi([5.0, 4.0, 3.0, 2.0], 3)[3:] == [0.0]


def test_atr_period_2_by_hand() -> None:
    # TR: bar1 2 (H-L), bar2 2 (H - prev C), bar3 2.5 (H-L), bar4 3.5 (gap: H - prev C)
    assert true_range(HIGH, LOW, CLOSE) == [None, 2.0, 2.0, 2.5, 3.5]
    # seed (2+2)/2 = 2; (2+2.5)/2 = 2.25; (2.25+3.5)/2 = 2.875
    assert atr(HIGH, LOW, CLOSE, 2) == [None, None, 2.0, 2.25, 2.875]


def test_adx_period_2_by_hand() -> None:
    # +DM 1,1,0,1.5 and -DM 0,0,1.5,0; smoothed TR 2, 2.25, 2.875
    # +DI 50, 200/9, 800/23; -DI 0, 100/3, 300/23; DX 100, 20, 500/11
    # ADX seed at bar 3 = (100 + 20)/2 = 60, bar 4 = (60 + 500/11)/2 = 580/11
    result = adx(HIGH, LOW, CLOSE, 2)
    assert result.plus_di == [None, None, 50.0, pytest.approx(200 / 9), pytest.approx(800 / 23)]
    assert result.minus_di == [None, None, 0.0, pytest.approx(100 / 3), pytest.approx(300 / 23)]
    assert result.adx == [None, None, None, pytest.approx(60.0), pytest.approx(580 / 11)]


def test_wilder_skips_leading_gaps_and_waits_for_a_full_seed() -> None:
    assert wilder([None, 1.0, 2.0, 3.0], 2) == [None, None, 1.5, 2.25]
    assert wilder([None, 1.0], 2) == [None, None]
    with pytest.raises(ValueError, match="period"):
        wilder([1.0], 0)


def _close(a: list[float | None], b: list[float | None]) -> bool:
    return len(a) == len(b) and all(
        (x is None and y is None)
        or (x is not None and y is not None and math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9))
        for x, y in zip(a, b, strict=True)
    )


@st.composite
def ohlc(draw: st.DrawFn, min_size: int = 2) -> tuple[list[float], list[float], list[float]]:
    steps = draw(st.lists(st.floats(-3, 3, allow_nan=False), min_size=min_size, max_size=80))
    spreads = draw(st.lists(st.floats(0, 2), min_size=len(steps), max_size=len(steps)))
    wicks = draw(st.lists(st.floats(0, 1), min_size=len(steps), max_size=len(steps)))
    close, high, low, price = [], [], [], 100.0
    for step, spread, wick in zip(steps, spreads, wicks, strict=True):
        price = max(1.0, price + step)
        close.append(price)
        high.append(price + spread * wick)
        low.append(price - spread * (1 - wick))
    return high, low, close


@settings(max_examples=150, deadline=None)
@given(data=ohlc(), period=st.integers(1, 20))
def test_indicators_match_the_reference(
    data: tuple[list[float], list[float], list[float]], period: int
) -> None:
    high, low, close = data
    ref_a, ref_p, ref_m, ref_atr = ref_adx(high, low, close, period)
    assert _close(atr(high, low, close, period), ref_atr)
    result = adx(high, low, close, period)
    assert _close(result.plus_di, ref_p)
    assert _close(result.minus_di, ref_m)
    assert _close(result.adx, ref_a)
    if period >= 2:
        assert _close(rsi(close, period), ref_rsi(close, period))


@settings(max_examples=150, deadline=None)
@given(data=ohlc(), period=st.integers(2, 20))
def test_indicator_ranges_and_warm_up(
    data: tuple[list[float], list[float], list[float]], period: int
) -> None:
    high, low, close = data
    r, a, d = rsi(close, period), atr(high, low, close, period), adx(high, low, close, period)
    assert all(v is None for v in r[:period]) and all(v is not None for v in r[period:])
    assert all(v is None for v in d.adx[: 2 * period - 1])
    assert all(v is not None for v in d.adx[2 * period - 1 :])
    assert all(0 <= v <= 100 for v in r if v is not None)
    assert all(v >= 0 for v in a if v is not None)
    for series in (d.adx, d.plus_di, d.minus_di):
        assert all(0 <= v <= 100 + 1e-9 for v in series if v is not None)


@settings(max_examples=60, deadline=None)
@given(
    data=ohlc(min_size=30),
    shift=st.integers(0, 1000),
    scale=st.sampled_from([0.25, 0.5, 2.0, 8.0]),
)
def test_rsi_and_adx_ignore_the_price_level_and_atr_scales_with_it(
    data: tuple[list[float], list[float], list[float]], shift: int, scale: float
) -> None:
    # prices on a 1/64 grid and power-of-two scales: the moved prices are exact in binary, so
    # only the indicators' own arithmetic can differ (a flat bar stays exactly flat)
    high, low, close = ([round(x * 64) / 64 for x in xs] for xs in data)

    def moved(xs: list[float]) -> list[float]:
        return [x * scale + shift for x in xs]

    base, other = adx(high, low, close, 5), adx(moved(high), moved(low), moved(close), 5)
    for x, y in zip(base.adx + rsi(close, 5), other.adx + rsi(moved(close), 5), strict=True):
        assert x is None and y is None or x == pytest.approx(y, abs=1e-6)
    for x, y in zip(atr(high, low, close, 5), atr(moved(high), moved(low), moved(close), 5), strict=True):  # fmt: skip
        assert x is None and y is None or y == pytest.approx(x * scale, rel=1e-6, abs=1e-9)


def test_rates_as_a_numpy_structured_array_or_as_tuples_give_the_same_bars() -> None:
    np = pytest.importorskip("numpy")
    dtype = [("time", "<i8"), ("open", "<f8"), ("high", "<f8"), ("low", "<f8"), ("close", "<f8"),
             ("tick_volume", "<u8"), ("spread", "<i4"), ("real_volume", "<u8")]  # fmt: skip
    rows = [(1_700_000_000 + 3600 * i, 1.1, 1.2, 1.0, 1.15 + i / 100, 10, 2, 0) for i in range(3)]
    from_numpy = bars_from_rates(np.array(rows, dtype=dtype))
    from_tuples = bars_from_rates(rows)
    assert from_numpy == from_tuples
    assert from_tuples.close == [1.15, 1.16, 1.17]
    assert type(from_numpy.close[0]) is float and type(from_numpy.time[0]) is int
    with pytest.raises(ValueError, match="increase"):
        bars_from_rates(list(reversed(rows)))
    with pytest.raises(ValueError, match="None"):
        bars_from_rates(None)
    with pytest.raises(ValueError, match="lack the fields high, low, close"):
        bars_from_rates(np.array([(1, 1.0)], dtype=[("time", "<i8"), ("open", "<f8")]))
