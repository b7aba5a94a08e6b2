"""A MetaTrader5 terminal over RPyC, as ``mt5linux`` serves it: the Linux backend.

``mt5linux`` runs an RPyC *classic* server inside a Python that has the ``MetaTrader5`` package
(Windows Python under Wine, or its Docker image) and a client that evaluates ``mt5.<function>(…)``
there. :class:`Mt5LinuxTerminal` is such a client: it connects with RPyC's classic protocol,
imports ``MetaTrader5`` on the server, sends each call as source text (arguments by ``repr``:
dicts, numbers, strings and UTC datetimes, which is what the real functions need — never proxies),
and brings the result back by value. The package's result records cannot be pickled (they are C
types), so the server converts them to tagged dicts first and this client rebuilds them as the
:mod:`.api` records of the same name and field order. Constants are the local :mod:`.api` values
(identical to the package's).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Callable
from typing import Any

import numpy as np

from .api import constants as _constants
from .api import info, records

__all__ = ["Mt5LinuxTerminal", "materialize"]

_SERVER_CODE = """
import datetime
import MetaTrader5 as mt5

def _tj_plain(x):
    if hasattr(x, "_asdict"):
        d = {k: _tj_plain(v) for k, v in x._asdict().items()}
        d["__mt5type__"] = type(x).__name__
        return d
    if type(x) in (tuple, list):
        return type(x)(_tj_plain(i) for i in x)
    return x

def _tj_call(name, args, kwargs):
    return _tj_plain(getattr(mt5, name)(*args, **kwargs))
"""

_RECORDS: dict[str, Any] = {
    name: getattr(module, name)
    for module in (records, info)
    for name in module.__all__
    if isinstance(getattr(module, name), type) and hasattr(getattr(module, name), "_fields")
}
_CONSTANTS = {k: v for k, v in vars(_constants).items() if k.isupper() and isinstance(v, int)}


def materialize(value: Any) -> Any:
    """Rebuild tagged dicts (``__mt5type__``) as the :mod:`.api` records, recursively."""
    if isinstance(value, dict):
        kind = value.get("__mt5type__")
        fields = {k: materialize(v) for k, v in value.items() if k != "__mt5type__"}
        cls = _RECORDS.get(kind) if isinstance(kind, str) else None
        if cls is None:
            return fields
        missing = [f for f in cls._fields if f not in fields]
        if missing:
            raise ValueError(f"{kind} from the terminal lacks fields {missing}")
        return cls(**{f: fields[f] for f in cls._fields})
    if type(value) in (tuple, list):
        return type(value)(materialize(v) for v in value)
    return value


def _plain_arg(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    if isinstance(value, np.generic):  # numpy scalars: their repr is not valid on the server
        return value.item()
    if isinstance(value, dict):
        return {k: _plain_arg(v) for k, v in value.items()}
    return value


class Mt5LinuxTerminal:
    """The MetaTrader5 functions of a remote terminal, through an RPyC classic server."""

    def __init__(
        self, host: str = "localhost", port: int = 18812, *, timeout: float = 60.0
    ) -> None:
        rpyc = importlib.import_module("rpyc")
        factory = importlib.import_module("rpyc.utils.factory")
        self._obtain: Callable[[Any], Any] = rpyc.classic.obtain
        self._conn = factory.connect(
            host, port, rpyc.core.service.ClassicService,
            config={"sync_request_timeout": timeout},
        )  # fmt: skip
        self._conn.execute(_SERVER_CODE)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        args = tuple(_plain_arg(a) for a in args)
        kwargs = {k: _plain_arg(v) for k, v in kwargs.items()}
        code = f"_tj_call({name!r}, {args!r}, {kwargs!r})"
        return materialize(self._obtain(self._conn.eval(code)))

    def __getattr__(self, name: str) -> Any:
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        if name.startswith("_"):
            raise AttributeError(name)
        return functools.partial(self._call, name)

    def eval(self, code: str) -> Any:
        """Evaluate ``code`` on the server (``mt5`` is the MetaTrader5 module there)."""
        return self._obtain(self._conn.eval(code))

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()
