"""Projections: the journal's events loaded into DuckDB and shaped by numbered SQL files.

``projections.duckdb`` in the journal directory holds the ``events`` table (appended by seq
from the segments with DuckDB's ``read_json``) and the derived tables, views and macros of
``sql/*.sql`` (trades, deals, orders, stop_moves, oco_pairs, recommendations, signals,
conversations, messages, user_actions, llm_calls, equity, daily_equity, alerts, metrics,
experiments, statistics, mt5_summary, trade_story). Every read catches up first; builds happen
in another generation of the file (the previous one, or a copy) that replaces it atomically, so
readers never wait on or see a half-built state (``engine.py``, ``_generations.py``). Derived tables are recomputed when events of their input
types arrive; a changed SQL file rebuilds its outputs (``runner.py``).

```python
from tradejournal.projections import catch_up, stats, mt5_summary, query
catch_up("journal")                      # CatchUpResult(events_loaded, seconds, last_seq)
stats("journal", by="symbol")            # {"EURUSD": {"trades": 12, "win_rate": 0.58, ...}}
query("journal", "SELECT symbol, sum(net_pnl) FROM trades GROUP BY ALL")
```
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import mt5_summary, query, query_batches, stats, trade_legs, trade_story, trades
    from .docs import TableDoc, describe_tables, table_docs
    from .engine import CatchUpResult, catch_up, connect_readonly, rebuild
    from .errors import ProjectionError
    from .present import MT5_EQUITY_COLUMNS, MT5_SUMMARY_COLUMNS, STAT_DIMENSIONS

# Loaded on first use, so that ``present`` and ``formats`` import without DuckDB.
_LAZY = {
    "mt5_summary": "api", "query": "api", "query_batches": "api", "stats": "api", "trade_legs": "api",
    "trade_story": "api", "trades": "api",
    "TableDoc": "docs", "describe_tables": "docs", "table_docs": "docs",
    "CatchUpResult": "engine", "catch_up": "engine", "connect_readonly": "engine",
    "rebuild": "engine", "ProjectionError": "errors",
    "MT5_EQUITY_COLUMNS": "present", "MT5_SUMMARY_COLUMNS": "present",
    "STAT_DIMENSIONS": "present",
}  # fmt: skip

__all__ = [
    "MT5_EQUITY_COLUMNS",
    "MT5_SUMMARY_COLUMNS",
    "STAT_DIMENSIONS",
    "CatchUpResult",
    "ProjectionError",
    "TableDoc",
    "catch_up",
    "connect_readonly",
    "describe_tables",
    "mt5_summary",
    "query",
    "query_batches",
    "query_batches",
    "rebuild",
    "stats",
    "table_docs",
    "trade_legs",
    "trade_story",
    "trades",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
