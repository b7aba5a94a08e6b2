"""The scanner's rules on hand-built indicator series: when they fire, regime, confidence, reason."""

from __future__ import annotations

import msgspec

from tradejournal.producers.config import ScannerSettings
from tradejournal.producers.scanner import Candidate, Indicators, evaluate, regime

DEFAULT = ScannerSettings()  # oversold 30 / overbought 70, base 50, depth 30/15, adx 20/50


def _ind(rsi: list[float | None], adx: float, pdi: float, mdi: float) -> Indicators:
    n = len(rsi)
    return Indicators(rsi=rsi, adx=[adx] * n, plus_di=[pdi] * n, minus_di=[mdi] * n, atr=[0.0012] * n)  # fmt: skip


def _with(**changes: object) -> ScannerSettings:
    return msgspec.structs.replace(DEFAULT, **changes)


def test_rsi_leaving_oversold_with_the_trend_is_a_buy_scored_by_depth_and_adx() -> None:
    # the excursion below 30 reached 22 (depth 8): 50 + 30 * 8/15 + 20 * 30/50 = 78
    ind = _ind([None, 35, 28, 22, 26, 33], adx=30, pdi=25, mdi=20)
    assert evaluate(ind, 5, DEFAULT) == [
        Candidate(
            rule="rsi_reversal", direction="BUY", confidence=78.0, rsi=33, adx=30, plus_di=25,
            minus_di=20, atr=0.0012, regime="trending",
            reason="RSI(14) rose back above 30 after a low of 22.0; ADX 30.0 trending, "
            "+DI 25.0 / -DI 20.0 (with the trend)",
        )
    ]  # fmt: skip
    assert evaluate(ind, 4, DEFAULT) == []  # still inside the zone: nothing yet


def test_a_counter_trend_signal_loses_confidence_and_is_dropped_in_a_strong_trend() -> None:
    against = evaluate(_ind([None, 35, 22, 33], adx=30, pdi=20, mdi=25), 3, DEFAULT)
    assert [(c.confidence, c.reason.endswith("(against the trend)")) for c in against] == [(54.0, True)]  # fmt: skip
    assert evaluate(_ind([None, 35, 22, 33], adx=40, pdi=20, mdi=25), 3, DEFAULT) == []
    kept = evaluate(_ind([None, 35, 22, 33], adx=40, pdi=20, mdi=25), 3, _with(counter_trend_max_adx=100))  # fmt: skip
    assert [c.confidence for c in kept] == [50 + 16 - 16]


def test_rsi_leaving_overbought_is_a_sell_and_depth_saturates() -> None:
    # high of 95: depth 25 > scale 15 -> full 30; ranging ADX 10, -DI leads: +20 * 10/50
    ind = _ind([None, 60, 80, 95, 72, 65], adx=10, pdi=15, mdi=18)
    (sell,) = evaluate(ind, 5, DEFAULT)
    assert (sell.direction, sell.confidence, sell.regime) == ("SELL", 84.0, "ranging")
    assert sell.reason.startswith(
        "RSI(14) fell back below 70 after a high of 95.0; ADX 10.0 ranging"
    )


def test_enter_trigger_fires_when_rsi_reaches_the_zone() -> None:
    settings = _with(trigger="enter")
    (buy,) = evaluate(_ind([None, 35, 24], adx=22, pdi=20, mdi=20), 2, settings)
    # depth 6: 50 + 12; +DI = -DI: no ADX term; ADX 22 is a transition
    assert (buy.direction, buy.confidence, buy.regime) == ("BUY", 62.0, "transition")
    assert buy.reason == "RSI(14) fell to 24.0, at or below 30; ADX 22.0 transition, +DI 20.0 / -DI 20.0 (no DI trend)"  # fmt: skip
    (sell,) = evaluate(_ind([None, 65, 71], adx=22, pdi=20, mdi=20), 2, settings)
    assert (sell.direction, sell.confidence) == ("SELL", 52.0)
    assert evaluate(_ind([None, 25, 20], adx=22, pdi=20, mdi=20), 2, settings) == []  # already in


def test_min_adx_filters_and_warm_up_gives_nothing() -> None:
    ind = _ind([None, 35, 22, 33], adx=15, pdi=25, mdi=20)
    assert evaluate(ind, 3, _with(min_adx=20)) == []
    assert len(evaluate(ind, 3, DEFAULT)) == 1
    assert evaluate(_ind([None, None, 22, 33], adx=15, pdi=25, mdi=20), 2, DEFAULT) == []
    assert evaluate(ind, 0, DEFAULT) == []


def test_di_cross_needs_a_trending_adx_and_scores_the_spread() -> None:
    settings = _with(rules=["di_cross"])
    ind = Indicators(
        rsi=[50, 52], adx=[28, 30], plus_di=[18, 26], minus_di=[20, 17], atr=[0.5, 0.5]
    )
    (buy,) = evaluate(ind, 1, settings)
    # spread 9: 50 + 30 * 9/15 + 20 * 30/50 = 80
    assert (buy.rule, buy.direction, buy.confidence) == ("di_cross", "BUY", 80.0)
    assert buy.reason == "+DI crossed above -DI with ADX >= 25; ADX 30.0 trending, +DI 26.0 / -DI 17.0 (with the trend)"  # fmt: skip
    weak = Indicators(rsi=[50, 52], adx=[18, 20], plus_di=[18, 26], minus_di=[20, 17], atr=[0.5, 0.5])  # fmt: skip
    assert evaluate(weak, 1, settings) == []
    down = Indicators(rsi=[50, 48], adx=[28, 30], plus_di=[22, 15], minus_di=[20, 24], atr=[0.5, 0.5])  # fmt: skip
    assert [c.direction for c in evaluate(down, 1, settings)] == ["SELL"]


def test_both_rules_can_fire_on_one_bar_and_confidence_is_clamped() -> None:
    settings = _with(rules=["rsi_reversal", "di_cross"], confidence_base=95)
    ind = Indicators(
        rsi=[25, 35], adx=[28, 30], plus_di=[18, 26], minus_di=[20, 17], atr=[0.5, 0.5]
    )
    found = evaluate(ind, 1, settings)
    assert [(c.rule, c.confidence) for c in found] == [("rsi_reversal", 100.0), ("di_cross", 100.0)]  # fmt: skip


def test_regime_bounds() -> None:
    assert [regime(v, DEFAULT) for v in (0, 19.99, 20, 24.99, 25, 80)] == [
        "ranging", "ranging", "transition", "transition", "trending", "trending"
    ]  # fmt: skip
