"""Opening a terminal: the real ``MetaTrader5`` package, an ``mt5linux`` server, or paper.

``open_terminal(backend, **settings)`` returns an object with the MetaTrader5 functions
(:class:`~.api.Terminal`); nothing is initialized yet — call ``initialize()`` as with the package.

- ``"metatrader5"``: the ``MetaTrader5`` module itself (Windows only; the ``mt5`` extra).
- ``"mt5linux"``: a terminal behind an RPyC classic server (``mt5linux``'s server under Wine or
  its Docker image): settings ``host``, ``port``, ``timeout``. ``client="rpyc"`` (default) uses
  :class:`~.mt5linux_client.Mt5LinuxTerminal` (records come back by value, as the ``api``
  records); ``client="package"`` uses the ``mt5linux`` package's own ``MetaTrader5(host=…,
  port=…)`` class (1.0.x: records come back as RPyC proxies, read attribute by attribute).
- ``"paper"``: a :class:`~.paper.PaperTerminal` built by :func:`~.paper.session.paper_session`
  (``feed="random"`` with ``seed``, or ``feed="csv"`` with ``csv``/``symbol``/``bar_seconds``/
  ``warmup``; other settings are PaperTerminal's keyword arguments: ``balance``, ``hedging``,
  ``leverage``, ``commission_per_lot``, ``utc_offset_h`` or ``server_tz``, ``start`` …).
"""

from __future__ import annotations

import importlib
from typing import Any, cast

from tradejournal.events.errors import TradejournalError

from .api.protocol import Terminal

__all__ = ["BACKENDS", "BackendUnavailable", "open_terminal"]

BACKENDS = ("metatrader5", "mt5linux", "paper")


class BackendUnavailable(TradejournalError, RuntimeError):
    """The backend's package is missing or cannot run here (the message says what to do)."""


def _metatrader5() -> Terminal:
    try:
        module = importlib.import_module("MetaTrader5")
    except ImportError as exc:
        raise BackendUnavailable(
            "the MetaTrader5 package is not installed (it exists for Windows only): on Windows "
            "run `pip install tradejournal[mt5]`; elsewhere use the 'mt5linux' or 'paper' backend"
        ) from exc
    return cast(Terminal, module)


def _mt5linux(settings: dict[str, Any]) -> Terminal:
    client = settings.pop("client", "rpyc")
    host = settings.pop("host", "localhost")
    port = int(settings.pop("port", 18812))
    if client == "rpyc":
        from .mt5linux_client import Mt5LinuxTerminal

        try:
            return cast(Terminal, Mt5LinuxTerminal(host, port, **settings))
        except ImportError as exc:
            raise BackendUnavailable(
                "rpyc is not installed: run `pip install tradejournal[mt5linux]`"
            ) from exc
        except OSError as exc:
            raise BackendUnavailable(f"no mt5linux server at {host}:{port}: {exc}") from exc
    if client != "package":
        raise ValueError(f"unknown mt5linux client {client!r}: use 'rpyc' or 'package'")
    try:
        module = importlib.import_module("mt5linux")
    except ImportError as exc:
        raise BackendUnavailable(
            "the mt5linux package is not installed: run `pip install tradejournal[mt5linux]`"
        ) from exc
    except SyntaxError as exc:
        raise BackendUnavailable(
            "this mt5linux version needs a newer Python (1.1.x uses Python 3.12 syntax and "
            "manages docker containers); install mt5linux 1.0.x or use client='rpyc'"
        ) from exc
    try:
        return cast(Terminal, module.MetaTrader5(host=host, port=port, **settings))
    except OSError as exc:
        raise BackendUnavailable(f"no mt5linux server at {host}:{port}: {exc}") from exc


def open_terminal(backend: str, **settings: Any) -> Terminal:
    """A terminal of ``backend`` (one of :data:`BACKENDS`) configured by ``settings``."""
    if backend == "metatrader5":
        if settings:
            raise ValueError(f"the metatrader5 backend takes no settings, got {sorted(settings)}")
        return _metatrader5()
    if backend == "mt5linux":
        return _mt5linux(dict(settings))
    if backend == "paper":
        from .paper.session import paper_session

        return paper_session(**settings)
    raise ValueError(f"unknown MT5 backend {backend!r}: use one of {', '.join(BACKENDS)}")
