"""Projections: the journal's events loaded into DuckDB and shaped by numbered SQL files.

``projections.duckdb`` in the journal directory holds the ``events`` table (appended by seq
from the segments with DuckDB's ``read_json``) and the derived tables, views and macros of
``sql/*.sql`` (trades, deals, orders, stop_moves, oco_pairs, recommendations, signals,
conversations, messages, user_actions, llm_calls, equity, daily_equity, alerts, metrics,
experiments, statistics, mt5_summary, trade_story). Every read catches up first; builds happen
in a temporary copy that replaces the file atomically, so readers never wait on or see a
half-built state (``engine.py``). Derived tables are recomputed when events of their input
types arrive; a changed SQL file rebuilds its outputs (``runner.py``).

```python
from tradejournal.projections import catch_up, stats, mt5_summary, query
catch_up("journal")                      # CatchUpResult(events_loaded, seconds, last_seq)
stats("journal", by="symbol")            # {"EURUSD": {"trades": 12, "win_rate": 0.58, ...}}
query("journal", "SELECT symbol, sum(net_pnl) FROM trades GROUP BY ALL")
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import (
        MT5_SUMMARY_COLUMNS,
        STAT_DIMENSIONS,
        mt5_summary,
        query,
        query_batches,
        stats,
        trade_story,
        trades,
    )
    from .docs import TableDoc, describe_tables, table_docs
    from .engine import CatchUpResult, catch_up, connect_readonly, rebuild
    from .errors import ProjectionError

# Imported on first use (PEP 562): a query on current projections needs ``api`` only, not the
# engine, the store or the event types (``_reader``).
_HOME = {
    **dict.fromkeys(
        ("MT5_SUMMARY_COLUMNS", "STAT_DIMENSIONS", "mt5_summary", "query", "query_batches",
         "stats", "trade_story", "trades"), "api"),
    **dict.fromkeys(("TableDoc", "describe_tables", "table_docs"), "docs"),
    **dict.fromkeys(("CatchUpResult", "catch_up", "connect_readonly", "rebuild"), "engine"),
    "ProjectionError": "errors",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    import importlib

    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
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
    "rebuild",
    "stats",
    "table_docs",
    "trade_story",
    "trades",
]
