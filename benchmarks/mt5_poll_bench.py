"""MT5 poller cost, by hand: ``python -m benchmarks.mt5_poll_bench [--small]``.

On a paper terminal with open positions and a journal that already holds a trading history:
the latency of ``poll_once`` when nothing changed (the steady state of ``mt5 run``), after a fill,
and the start-up of a poller that rebuilds its state from the journal. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from tradejournal.producers.mt5 import Mt5Poller, PaperTerminal, PollerSettings
from tradejournal.producers.mt5 import api as mt5
from tradejournal.store import Journal


def _market(symbol: str, side: str, price: float, **kw: object) -> dict[str, object]:
    return {"action": mt5.TRADE_ACTION_DEAL, "symbol": symbol, "volume": 0.1,
            "type": mt5.ORDER_TYPE_BUY if side == "buy" else mt5.ORDER_TYPE_SELL,
            "price": price, "type_filling": mt5.ORDER_FILLING_IOC, **kw}  # fmt: skip


def run(small: bool = False) -> str:
    """Run the measurements and return a markdown table."""
    trades = 200 if small else 2000
    with tempfile.TemporaryDirectory() as tmp:
        t = PaperTerminal(balance=1_000_000.0)
        t.initialize()
        with Journal.open(Path(tmp) / "j", create=True, durability="none") as j:
            poller = Mt5Poller(t, j, PollerSettings(), clock=lambda: t.utc_now)
            for _ in range(trades):  # history: open and close, polled as it happens
                t.advance(60)
                poller.trader.send(_market("EURUSD", "buy", 1.1001, sl=1.09))
                pos = t.positions_get()[-1]
                t.advance(60)
                poller.trader.send(_market("EURUSD", "sell", 1.1, position=pos.ticket))
                poller.poll_once()
            for _ in range(10):
                poller.trader.send(_market("EURUSD", "buy", 1.1001, sl=1.09))
            poller.poll_once()
            idle = []
            for _ in range(50):
                t0 = time.perf_counter()
                poller.poll_once()
                idle.append(time.perf_counter() - t0)
            fills = []
            for _ in range(20):
                t.advance(1)
                poller.trader.send(_market("GBPUSD", "buy", 1.27012, sl=1.26))
                t0 = time.perf_counter()
                poller.poll_once()
                fills.append(time.perf_counter() - t0)
            events = j.last_seq
            t0 = time.perf_counter()
            Mt5Poller(t, j, PollerSettings(), clock=lambda: t.utc_now)
            startup = time.perf_counter() - t0
    rows = [
        ("poll_once, nothing new (10 open positions)", f"{statistics.median(idle) * 1000:.1f} ms"),
        ("poll_once after a fill", f"{statistics.median(fills) * 1000:.1f} ms"),
        (f"start-up: state rebuilt from {events} events", f"{startup * 1000:.0f} ms"),
    ]
    lines = ["| measurement | median |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(lines)


def main() -> None:
    """Parse arguments and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="10x less history (a quick check)")
    print(run(small=parser.parse_args().small))


if __name__ == "__main__":
    main()
