"""The paper terminal: a simulated MT5 broker with the MetaTrader5 package's interface.

``PaperTerminal`` (module :mod:`.terminal`) is what callers use; the other modules are its
parts — clock and server time (:mod:`.clock`), symbol specifications (:mod:`.specs`), books and
money (:mod:`.book`), request reading and checks (:mod:`.requests`, :mod:`.checks`), execution
(:mod:`.execution`), pending orders (:mod:`.pending`), the server's own reactions to prices and
time (:mod:`.market`), the trade server (:mod:`.trade`), bars (:mod:`.bars`), price feeds
(:mod:`.feeds`, :mod:`.session`), faults (:mod:`.faults`) and history selection
(:mod:`.history`), the read side (:mod:`.queries`) and the controls (:mod:`.core`).
"""

from __future__ import annotations

from .clock import DEFAULT_START, ServerClock
from .core import DEFAULT_QUOTES
from .feeds import CsvBar, CsvBarFeed, FeedTick, RandomWalkFeed, read_bars
from .session import FEEDS, paper_session
from .specs import DEFAULT_SPECS, SymbolSpec
from .terminal import PaperTerminal

__all__ = [
    "DEFAULT_QUOTES",
    "DEFAULT_SPECS",
    "DEFAULT_START",
    "FEEDS",
    "CsvBar",
    "CsvBarFeed",
    "FeedTick",
    "PaperTerminal",
    "RandomWalkFeed",
    "ServerClock",
    "SymbolSpec",
    "paper_session",
    "read_bars",
]
