"""The ``tradejournal`` command line (click + rich): thin commands over the library.

``tradejournal.cli.main:main`` is the console script; ``python -m tradejournal.cli`` runs it too.
``main`` defines the group and the log commands; the modules imported below register theirs
onto it (projections: rebuild, sql, stats, trades, trade; import: mt5-report; report, audit;
mt5: run, backfill).
"""

from __future__ import annotations

from . import import_cmds, mt5_cmds, projection_cmds, report_cmds, stats_cmd  # noqa: F401  (they register commands)
from .main import cli, main

__all__ = ["cli", "main"]
