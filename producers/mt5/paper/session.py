"""Building a paper-trading session: a PaperTerminal with its price feed attached.

``paper_session(feed="random", seed=7)`` moves every default symbol by a seeded random walk;
``paper_session(feed="csv", csv="eurusd_m1.csv", symbol="EURUSD", bar_seconds=60, warmup=200)``
replays a CSV of bars (the first ``warmup`` bars become history for ``copy_rates_*``, and the
session starts where the replay starts; ``csv_utc_offset_h`` if its times are server times). Any other keyword goes to :class:`PaperTerminal`.
Prices move when the caller runs ``terminal.step(n)`` (the poll loop does, once per poll).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .core import DEFAULT_QUOTES
from .feeds import CsvBarFeed, RandomWalkFeed
from .specs import DEFAULT_SPECS
from .terminal import PaperTerminal

__all__ = ["FEEDS", "paper_session"]

FEEDS = ("none", "random", "csv")


def paper_session(
    *,
    feed: str = "none",
    seed: int = 0,
    interval_s: float = 60.0,
    step_points: float = 10.0,
    csv: str | Path | None = None,
    symbol: str = "EURUSD",
    bar_seconds: int = 60,
    warmup: int = 0,
    spread_points: int = 10,
    csv_utc_offset_h: float = 0.0,
    **terminal: Any,
) -> PaperTerminal:
    """A :class:`PaperTerminal` with a ``"random"`` or ``"csv"`` feed attached (or none)."""
    if feed == "none":
        return PaperTerminal(**terminal)
    if feed == "random":
        term = PaperTerminal(**terminal)
        mids = {s: round((q.bid + q.ask) / 2, 6) for s, q in term.book.quotes.items()}
        digits = {s: term.book.specs[s].digits for s in mids}
        term.attach_feed(
            RandomWalkFeed(
                mids, seed=seed, start_utc=term.utc_now, interval_s=interval_s,
                step_points=step_points, spread_points=spread_points, digits=digits,
            )
        )  # fmt: skip
        return term
    if feed != "csv":
        raise ValueError(f"unknown paper feed {feed!r}: use one of {', '.join(FEEDS)}")
    if csv is None:
        raise ValueError("the csv feed needs csv=<path of a bars CSV>")
    specs = {s.name: s for s in terminal.get("symbols") or DEFAULT_SPECS.values()}
    places = specs[symbol].digits if symbol in specs else 5
    bars = CsvBarFeed(csv, symbol, bar_seconds=bar_seconds, spread_points=spread_points,
                      digits=places, warmup=warmup, utc_offset_h=csv_utc_offset_h)  # fmt: skip
    first = next(iter(bars), None)  # the opening quote; the feed goes on from the next one
    if first is None:
        raise ValueError(f"{csv}: no bars to replay after the {warmup} warm-up bars")
    terminal.setdefault("start", dt.datetime.fromtimestamp(first.utc_ms / 1000, dt.UTC))
    quotes = {k: v for k, v in DEFAULT_QUOTES.items() if k != symbol}
    quotes[symbol] = (first.bid, first.ask)
    terminal.setdefault("quotes", quotes)
    term = PaperTerminal(**terminal)
    term.load_bars(symbol, bars.history)
    term.attach_feed(bars)
    return term
