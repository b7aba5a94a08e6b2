"""MetaTrader 5 producers: report import, the terminal surface (:mod:`.api`), the paper terminal,
the live poller, the journaling order wrapper, the OCO and trailing managers.

```python
from tradejournal.producers.config import ServerClock
from tradejournal.producers.mt5 import Mt5Poller, PollerSettings
poller = Mt5Poller(terminal, journal, PollerSettings(server_time=ServerClock(tz="Europe/Athens")))
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
    "Trader",
    "TrailingManager",
    "TrailingSettings",
    "backfill",
    "wilder_atr",
]
