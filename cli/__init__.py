"""The ``tradejournal`` command line (click + rich): thin commands over the library.

``tradejournal.cli.main:main`` is the console script; ``python -m tradejournal.cli`` runs it too.
"""

from __future__ import annotations

from .main import cli, main

__all__ = ["cli", "main"]
