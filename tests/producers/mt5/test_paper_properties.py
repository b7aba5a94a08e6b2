"""Property tests: whatever is traded, the paper broker's money and volumes stay consistent."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradejournal.producers.mt5 import PaperTerminal
from tradejournal.producers.mt5 import api as mt5

STEP = st.one_of(
    st.tuples(st.just("buy"), st.integers(1, 50)),
    st.tuples(st.just("sell"), st.integers(1, 50)),
    st.tuples(st.just("close"), st.integers(0, 10)),
    st.tuples(st.just("move"), st.integers(-80, 80)),
    st.tuples(st.just("stops"), st.integers(5, 60)),
    st.tuples(st.just("limit"), st.integers(5, 60)),
    st.tuples(st.just("wait"), st.sampled_from([60, 3_600, 86_400])),
)


def apply(term: PaperTerminal, step: tuple[str, int]) -> None:
    kind, n = step
    tick = term.symbol_info_tick("EURUSD")
    assert tick is not None
    positions = term.positions_get() or ()
    base = {"action": mt5.TRADE_ACTION_DEAL, "symbol": "EURUSD"}
    if kind in ("buy", "sell"):
        side = mt5.ORDER_TYPE_BUY if kind == "buy" else mt5.ORDER_TYPE_SELL
        term.order_send({**base, "type": side, "volume": n / 100})
    elif kind == "close" and positions:
        p = positions[n % len(positions)]
        side = mt5.ORDER_TYPE_SELL if p.type == mt5.POSITION_TYPE_BUY else mt5.ORDER_TYPE_BUY
        term.order_send({**base, "type": side, "volume": round(p.volume / 2, 2) or 0.01,
                         "position": p.ticket})  # fmt: skip
    elif kind == "move":
        bid = round(max(tick.bid + n / 10_000, 0.5), 5)
        term.set_quote("EURUSD", bid, round(bid + 0.0001, 5))
    elif kind == "stops" and positions:
        p = positions[0]
        gap = n / 10_000 * (1 if p.type == mt5.POSITION_TYPE_BUY else -1)
        term.order_send({"action": mt5.TRADE_ACTION_SLTP, "position": p.ticket,
                         "sl": round(p.price_current - gap, 5), "tp": round(p.price_current + gap, 5)})  # fmt: skip
    elif kind == "limit":
        term.order_send({"action": mt5.TRADE_ACTION_PENDING, "symbol": "EURUSD", "volume": 0.1,
                         "type": mt5.ORDER_TYPE_BUY_LIMIT, "price": round(tick.ask - n / 10_000, 5)})  # fmt: skip
    elif kind == "wait":
        term.advance(n)


def check(term: PaperTerminal) -> None:
    acc = term.account_info()
    deals = term.history_deals_get(0, 2**31) or ()
    positions = term.positions_get() or ()
    assert acc is not None
    assert round(sum(d.profit + d.commission + d.swap + d.fee for d in deals), 2) == acc.balance
    floating = sum(p.profit + p.swap for p in positions)
    assert abs(acc.equity - (acc.balance + floating)) < 0.011
    net: dict[int, float] = defaultdict(float)
    for d in deals:
        if d.type in (mt5.DEAL_TYPE_BUY, mt5.DEAL_TYPE_SELL):
            net[d.position_id] += d.volume if d.type == mt5.DEAL_TYPE_BUY else -d.volume
    open_ = {
        p.identifier: (1 if p.type == mt5.POSITION_TYPE_BUY else -1) * p.volume for p in positions
    }
    for pid, volume in net.items():
        assert abs(volume - open_.get(pid, 0.0)) < 1e-9, (pid, volume, open_)
    assert all(p.volume > 0 for p in positions)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hedging=st.booleans(), commission=st.sampled_from([0.0, 3.5]), steps=st.lists(STEP, max_size=40)
)
def test_balance_is_the_sum_of_deal_results_and_volumes_add_up(
    hedging: bool, commission: float, steps: list[tuple[str, int]]
) -> None:
    term = PaperTerminal(hedging=hedging, commission_per_lot=commission, balance=50_000.0)
    assert term.initialize()
    for step in steps:
        apply(term, step)
        check(term)
