"""The paper-trading demo: a scripted, seeded session through the real MT5 producer components.

``python -m tradejournal.producers.mt5.demo JOURNAL [--seed N]`` (run by ``make demo``) trades on a
:class:`~.paper.PaperTerminal` (account 5000777, an EET/EEST broker clock, 3.50 commission per
lot) with the journaling order wrapper, and journals it with the poller, the OCO manager and the
trailing manager, exactly as ``tradejournal mt5 run`` would:

- EURUSD long 1 lot (the first request requoted → ``order.rejected``), stop to breakeven at
  +1 R, half closed at +1.2 R, trailed from +1.5 R, the rest stopped out on the trailed stop;
- a GBPUSD OCO bracket: the buy stop fills, the sell stop is cancelled (``oco.triggered``), the
  position reaches its target;
- a two-minute loss of the terminal's connection (``terminal.disconnected`` / ``connected``
  and their alerts);
- a USDJPY short opened by hand in the terminal without a stop: a ``no_stop_loss`` alert, then
  the trader sets a stop (``position.stop_moved`` initial) that is hit.

The seed jitters the intermediate prices (never the outcome); ids of events without a source key
count from the seed, so the same seed gives the same events. Runs in well under a second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tradejournal.events import Event, event_tag
from tradejournal.producers.config import ServerClock
from tradejournal.store import Journal

from .alerts import AlertSettings
from .api import constants as c
from .oco import OcoManager
from .paper import PaperTerminal
from .poller import Mt5Poller, PollerSettings
from .trailing import TrailingManager, TrailingSettings

__all__ = ["DEMO_LOGIN", "DEMO_START", "run_demo"]

DEMO_LOGIN = 5_000_777
DEMO_START = dt.datetime(2026, 3, 3, 6, 0, tzinfo=dt.UTC)
_ZONE = "Europe/Athens"


class _Session:
    def __init__(self, journal: Journal, seed: int) -> None:
        self.rng = random.Random(seed)
        self.t = PaperTerminal(login=DEMO_LOGIN, start=DEMO_START, server_tz=_ZONE,
                               commission_per_lot=3.5)  # fmt: skip
        self.t.initialize()
        counter = itertools.count(1)
        ids: Callable[[], str] = lambda: f"demo-mt5:{seed}:{next(counter)}"  # noqa: E731
        settings = PollerSettings(
            server_time=ServerClock(tz=_ZONE),
            snapshot_interval_s=1800,
            excursion_step_r=0.25,
            alerts=AlertSettings(no_sl_after_s=60, max_open_h=12, disconnect_after_s=0),
        )
        self.poller = Mt5Poller(self.t, journal, settings, clock=lambda: self.t.utc_now, ids=ids)
        self.trader = self.poller.trader
        self.oco = OcoManager(self.trader, self.poller.alerts)
        rules = TrailingSettings(breakeven_at_r=1.0, breakeven_offset_points=20, start_at_r=1.5,
                                 fixed_distance_points=250)  # fmt: skip
        self.trailing = TrailingManager(self.trader, self.poller.alerts, rules)

    def cycle(self) -> None:
        self.poller.poll_once()
        self.t.advance(0.15)  # the loop's own latency: an OCO cancel lands 150 ms after the poll
        self.oco.check()
        self.trailing.run_once()

    def walk(self, symbol: str, to_bid: float, steps: int, seconds: float = 60) -> None:
        """Move the bid to ``to_bid`` in ``steps`` (jittered in between), a cycle at each."""
        spec = self.t.book.specs[symbol]
        tick = self.t.symbol_info_tick(symbol)
        assert tick is not None
        spread = round(tick.ask - tick.bid, spec.digits)
        start = tick.bid
        for i in range(1, steps + 1):
            bid = start + (to_bid - start) * i / steps
            if i < steps:
                bid += self.rng.randint(-3, 3) * spec.point
            bid = round(bid, spec.digits)
            self.t.advance(seconds)
            self.t.set_quote(symbol, bid, round(bid + spread, spec.digits))
            self.cycle()

    def market(self, symbol: str, side: str, volume: float, **kw: Any) -> Any:
        tick = self.t.symbol_info_tick(symbol)
        assert tick is not None
        request = {
            "action": c.TRADE_ACTION_DEAL, "symbol": symbol, "volume": volume,
            "type": c.ORDER_TYPE_BUY if side == "buy" else c.ORDER_TYPE_SELL,
            "price": tick.ask if side == "buy" else tick.bid, "deviation": 10,
            "type_filling": c.ORDER_FILLING_IOC, "magic": 7007, **kw,
        }  # fmt: skip
        return request


def run_demo(journal: str | Path, seed: int = 42) -> list[Event]:
    """Trade the scripted session into ``journal`` (created if needed); return what was written."""
    with Journal.open(journal, create=True) as j:
        before = j.last_seq
        s = _Session(j, seed)
        t = s.t
        s.cycle()
        # EURUSD: requoted once, then long 1 lot, SL 30 pips, TP 60 pips
        t.advance(300)
        t.requote_next()
        s.trader.send(s.market("EURUSD", "buy", 1.0, sl=1.0971, tp=1.1061, comment="demo long"))
        s.trader.send(s.market("EURUSD", "buy", 1.0, sl=1.0971, tp=1.1061, comment="demo long"))
        s.cycle()
        s.walk("EURUSD", 1.1032, 6)  # +1.03 R: the stop goes to entry + 2 pips
        position = _ticket(t, "EURUSD")
        s.trader.send(s.market("EURUSD", "sell", 0.5, position=position, comment="half off"))
        s.walk("EURUSD", 1.1052, 8)  # +1.7 R: trailed 25 pips behind
        s.walk("EURUSD", 1.1020, 4)  # back through the trailed stop
        # the terminal loses its connection for two minutes
        t.advance(600)
        t.disconnect()
        s.cycle()
        t.advance(120)
        t.reconnect()
        s.cycle()
        # GBPUSD: an OCO bracket 20 pips either side; the upside breaks
        t.advance(1800)
        s.cycle()
        tick = t.symbol_info_tick("GBPUSD")
        assert tick is not None
        legs = [
            {"action": c.TRADE_ACTION_PENDING, "symbol": "GBPUSD", "volume": 0.5,
             "type": c.ORDER_TYPE_BUY_STOP, "price": 1.2720, "sl": 1.2700, "tp": 1.2760,
             "type_filling": c.ORDER_FILLING_RETURN, "magic": 7007, "comment": "bracket up"},
            {"action": c.TRADE_ACTION_PENDING, "symbol": "GBPUSD", "volume": 0.5,
             "type": c.ORDER_TYPE_SELL_STOP, "price": 1.2680, "sl": 1.2700, "tp": 1.2640,
             "type_filling": c.ORDER_FILLING_RETURN, "magic": 7007, "comment": "bracket down"},
        ]  # fmt: skip
        s.oco.create(legs[0], legs[1])
        s.cycle()
        s.walk("GBPUSD", 1.2725, 5)  # the buy stop fills, the sell stop is cancelled
        s.walk("GBPUSD", 1.2761, 6)  # the target
        # USDJPY: a short opened by hand in the terminal, without a stop
        t.advance(1800)
        with t.manual():  # a person in the terminal window: reason client
            t.order_send(s.market("USDJPY", "sell", 0.3, magic=0, comment="manual"))
        s.cycle()
        t.advance(90)
        s.cycle()  # no stop after 60 s: alert
        short = _ticket(t, "USDJPY")
        with t.manual():
            t.order_send({"action": c.TRADE_ACTION_SLTP, "position": short, "sl": 150.400})
        s.cycle()
        s.walk("USDJPY", 150.400, 5)  # stopped out
        t.advance(3600)
        s.cycle()
        return [e for e in j.read(from_seq=before + 1) if e.account == s.poller.account]


def _ticket(t: PaperTerminal, symbol: str) -> int:
    found = t.positions_get(symbol=symbol)
    assert found, f"the script expects an open {symbol} position"
    return found[0].ticket


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m tradejournal.producers.mt5.demo JOURNAL [--seed N]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("journal", type=Path)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    written = run_demo(args.journal, args.seed)
    counts = Counter(event_tag(e) for e in written)
    print(
        f"paper session (account {DEMO_LOGIN}, seed {args.seed}): {len(written)} events — "
        + ", ".join(f"{n} {tag}" for tag, n in sorted(counts.items()))
    )


if __name__ == "__main__":
    main()
