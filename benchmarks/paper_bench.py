"""Paper terminal throughput, by hand: ``python -m benchmarks.paper_bench [--small]``.

Measures quotes applied per second with open positions and pending orders on the book,
``order_send`` market round trips per second, and ``copy_rates_from_pos`` latency over a long
one-minute history (aggregated to M1 and H1). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import time

from tradejournal.producers.mt5 import PaperTerminal
from tradejournal.producers.mt5 import api as mt5
from tradejournal.producers.mt5.paper import RandomWalkFeed


def _timed(fn: object, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()  # type: ignore[operator]
    return time.perf_counter() - start


def run(small: bool = False) -> str:
    """Run the measurements and return a markdown table."""
    scale = 10 if small else 1
    term = PaperTerminal(balance=10_000_000.0)
    term.initialize()
    for i in range(50):
        term.order_send({"action": mt5.TRADE_ACTION_DEAL, "symbol": "EURUSD", "volume": 0.1,
                         "type": i % 2, "sl": 0.5 if i % 2 == 0 else 2.0})  # fmt: skip
        term.order_send({"action": mt5.TRADE_ACTION_PENDING, "symbol": "EURUSD", "volume": 0.1,
                         "type": mt5.ORDER_TYPE_BUY_LIMIT, "price": 0.9 + i / 10_000})  # fmt: skip
    open_positions = len(term.book.positions)
    feed = RandomWalkFeed({"EURUSD": 1.1}, seed=1, start_utc=term.utc_now, step_points=1.0)
    quotes = 20_000 // scale
    q_time = _timed(lambda: term.run_feed(feed, max_ticks=1), quotes)
    sends = 2_000 // scale
    request = {"action": mt5.TRADE_ACTION_DEAL, "symbol": "EURUSD", "volume": 0.01, "type": 0}
    s_time = _timed(lambda: term.order_send(request), sends)
    calls = 50 // scale or 1
    m1 = _timed(lambda: term.copy_rates_from_pos("EURUSD", mt5.TIMEFRAME_M1, 0, 500), calls)
    h1 = _timed(lambda: term.copy_rates_from_pos("EURUSD", mt5.TIMEFRAME_H1, 0, 100), calls)
    bars = len(term.bars["EURUSD"])
    rows = [
        "| measure | result |",
        "|---|---|",
        f"| quotes applied ({open_positions} positions, 50 pending orders on the book) "
        f"| {quotes / q_time:,.0f}/s |",
        f"| order_send market round trips | {sends / s_time:,.0f}/s |",
        f"| copy_rates_from_pos M1 x500 over {bars:,} one-minute bars | {m1 / calls * 1000:.1f} ms |",
        f"| copy_rates_from_pos H1 x100 over {bars:,} one-minute bars | {h1 / calls * 1000:.1f} ms |",
    ]
    return "\n".join(rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="10x smaller sizes")
    print(run(parser.parse_args().small))
