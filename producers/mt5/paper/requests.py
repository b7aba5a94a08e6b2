"""Reading an ``order_send`` / ``order_check`` request dict the way the MetaTrader5 package does.

The real package accepts a plain dict with the ``MqlTradeRequest`` keys (action, magic, order,
symbol, volume, price, stoplimit, sl, tp, deviation, type, type_filling, type_time, expiration,
comment, position, position_by); missing keys default to 0 / ''. An unknown key or a value of the
wrong type makes the call fail locally: ``order_send`` returns ``None`` and ``last_error()`` says
why (:class:`BadRequest`). ``expiration`` may be an epoch number (server time) or a datetime.
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tradejournal.events.errors import TradejournalError

from ..api.records import TradeRequest

__all__ = ["BadRequest", "Request", "read_request"]

_INTS = ("action", "magic", "order", "deviation", "type", "type_filling", "type_time")
_INTS2 = ("position", "position_by")
_FLOATS = ("volume", "price", "stoplimit", "sl", "tp")


class BadRequest(TradejournalError, ValueError):
    """The request cannot even be sent (the real package's ``RES_E_INVALID_PARAMS``)."""


@dataclass(frozen=True, slots=True)
class Request:
    """A validated-for-shape trade request (all keys present)."""

    action: int = 0
    magic: int = 0
    order: int = 0
    symbol: str = ""
    volume: float = 0.0
    price: float = 0.0
    stoplimit: float = 0.0
    sl: float = 0.0
    tp: float = 0.0
    deviation: int = 0
    type: int = 0
    type_filling: int = 0
    type_time: int = 0
    expiration: int = 0
    comment: str = ""
    position: int = 0
    position_by: int = 0

    def echo(self) -> TradeRequest:
        """The ``TradeRequest`` the result carries."""
        return TradeRequest(
            self.action, self.magic, self.order, self.symbol, self.volume, self.price,
            self.stoplimit, self.sl, self.tp, self.deviation, self.type, self.type_filling,
            self.type_time, self.expiration, self.comment, self.position, self.position_by,
        )  # fmt: skip


def _number(key: str, value: Any, kind: type) -> Any:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise BadRequest(f'Invalid "{key}" argument')
    if kind is int and isinstance(value, numbers.Integral):
        return int(value)  # exact, even for tickets beyond 2**53
    number = float(value)
    if kind is int:
        if not number.is_integer():
            raise BadRequest(f'Invalid "{key}" argument')
        return int(number)
    return number


def read_request(request: Mapping[str, Any]) -> Request:
    """``request`` as a :class:`Request`, or :class:`BadRequest` if the package would refuse it."""
    if not isinstance(request, Mapping):
        raise BadRequest("Invalid arguments")
    unknown = sorted(set(request) - set(Request.__dataclass_fields__))
    if unknown:
        raise BadRequest(f'Invalid keyword "{unknown[0]}"')
    values: dict[str, Any] = {}
    for key, value in request.items():
        if key in _INTS or key in _INTS2:
            values[key] = _number(key, value, int)
        elif key in _FLOATS:
            values[key] = _number(key, value, float)
        elif key in ("symbol", "comment"):
            if not isinstance(value, str):
                raise BadRequest(f'Invalid "{key}" argument')
            values[key] = value
        elif key == "expiration":
            if isinstance(value, dt.datetime):
                aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
                values[key] = int(aware.timestamp())
            else:
                values[key] = _number(key, value, int)
    return Request(**values)
