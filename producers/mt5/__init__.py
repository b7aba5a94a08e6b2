"""MetaTrader 5 producers: report import, the live poller, the order wrapper, OCO and trailing,
the paper terminal.

```python
from tradejournal.producers.mt5 import Mt5Poller
poller = Mt5Poller(terminal, journal, PollerSettings(server_time=parse_server_offset("ny+7")))
written = poller.poll_once()
```
"""

from __future__ import annotations

from .alerts import Alerts, AlertSettings
from .backfill import BackfillResult, backfill
from .oco import OcoManager
from .paper import PaperTerminal
from .poller import Mt5Error, Mt5Poller, PollerSettings
from .recorder import Recorder
from .servertime import ServerTime, parse_server_offset
from .trading import Trader
from .trailing import TrailingManager, TrailingSettings, wilder_atr

__all__ = [
    "AlertSettings",
    "Alerts",
    "BackfillResult",
    "Mt5Error",
    "Mt5Poller",
    "OcoManager",
    "PaperTerminal",
    "PollerSettings",
    "Recorder",
    "ServerTime",
    "Trader",
    "TrailingManager",
    "TrailingSettings",
    "backfill",
    "parse_server_offset",
    "wilder_atr",
]
