"""A ``MetaTrader5`` module backed by a PaperTerminal, importable in the loopback RPyC server.

Only the mt5linux backend tests put this directory on the server process's PYTHONPATH; the
module forwards every attribute (functions and constants) to one paper terminal, ``paper``.
"""

from typing import Any

from tradejournal.producers.mt5 import PaperTerminal

paper = PaperTerminal(utc_offset_h=2)


def __getattr__(name: str) -> Any:
    return getattr(paper, name)
