"""The signal scanner: RSI, ADX (+DI/-DI) and ATR with Wilder's smoothing, from terminal bars.

```python
from tradejournal.producers.scanner import Scanner
scanner = Scanner(terminal, journal, config.scanner, clock=config.mt5.clock())
written = scanner.scan_once()        # the new signal.detected events (a job for mt5 run / the bot)
```

The indicators (``rsi``, ``atr``, ``adx``, ``wilder``) are reusable, e.g. by trailing stops.
Definitions and rules: docs/scanner.md.
"""

from __future__ import annotations

from .bars import TIMEFRAMES, Bars, bar_close, bars_from_rates, timeframe_constant
from .indicators import Adx, adx, atr, rsi, true_range, wilder
from .rules import Candidate, Indicators, compute, evaluate, regime
from .scanner import PRODUCER, ScanError, Scanner, signal_id

__all__ = [
    "PRODUCER",
    "TIMEFRAMES",
    "Adx",
    "Bars",
    "Candidate",
    "Indicators",
    "ScanError",
    "Scanner",
    "adx",
    "atr",
    "bar_close",
    "bars_from_rates",
    "compute",
    "evaluate",
    "regime",
    "rsi",
    "signal_id",
    "timeframe_constant",
    "true_range",
    "wilder",
]
