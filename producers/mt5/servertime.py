"""Broker-server time ↔ UTC: MT5 stamps deals, orders and ticks with the trade server's wall clock.

The epoch numbers the terminal returns (``time``, ``time_msc``, ``time_setup`` …) are the server's
local wall-clock time written as if it were UTC. :class:`ServerTime` converts them with one of:

- a fixed offset in hours (``2``, ``3``, ``-5``, ``5.5``);
- an IANA zone name (``"Europe/Athens"``), whose daylight-saving rules apply;
- ``"ny+7"`` (any ``ny±N``): New York time plus N hours — the common MT5 broker clock (UTC+2 in
  winter, UTC+3 in summer, switching with the US daylight-saving dates).

At a backward clock change the repeated wall-clock hour is read as its first occurrence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["ServerTime", "parse_server_offset"]

_NY = re.compile(r"^ny\s*([+-]\s*\d+(?:\.\d+)?)?$", re.IGNORECASE)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class ServerTime:
    """How the broker's server clock relates to UTC (see the module docstring)."""

    offset_h: float = 0.0
    zone: str | None = None
    shift_h: float = 0.0  # hours added to ``zone``'s local time (``ny+7`` -> 7)

    def to_utc(self, server_epoch: float) -> dt.datetime:
        """The aware UTC datetime of a server epoch (seconds; a float keeps milliseconds)."""
        wall = _EPOCH + dt.timedelta(seconds=server_epoch)
        if self.zone is None:
            return (wall - dt.timedelta(hours=self.offset_h)).replace(tzinfo=dt.UTC)
        local = (wall - dt.timedelta(hours=self.shift_h)).replace(tzinfo=ZoneInfo(self.zone))
        return local.astimezone(dt.UTC)

    def msc_to_utc(self, server_msc: int) -> dt.datetime:
        """The aware UTC datetime of a server epoch in milliseconds (``time_msc``)."""
        return self.to_utc(server_msc / 1000)

    def offset_at(self, when: dt.datetime) -> dt.timedelta:
        """The server clock's offset from UTC at the aware instant ``when``."""
        if self.zone is None:
            return dt.timedelta(hours=self.offset_h)
        local = when.astimezone(ZoneInfo(self.zone))
        return (local.utcoffset() or dt.timedelta(0)) + dt.timedelta(hours=self.shift_h)

    def from_utc(self, when: dt.datetime) -> float:
        """The server epoch (seconds) of the aware UTC instant ``when``."""
        if self.zone is None:
            wall = when.astimezone(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=self.offset_h)
        else:
            wall = when.astimezone(ZoneInfo(self.zone)).replace(tzinfo=None)
            wall += dt.timedelta(hours=self.shift_h)
        return (wall - _EPOCH).total_seconds()


def parse_server_offset(value: float | int | str) -> ServerTime:
    """A :class:`ServerTime` from a config value: hours, ``"Europe/Athens"`` or ``"ny+7"``.

    Raise ``ValueError`` with a clear message for anything else.
    """
    if isinstance(value, bool):
        raise ValueError(f"server UTC offset: expected hours or a zone name, was {value!r}")
    if isinstance(value, int | float):
        if not -14 <= value <= 14:
            raise ValueError(f"server UTC offset: {value} h is outside -14..14")
        return ServerTime(offset_h=float(value))
    text = value.strip()
    try:
        return parse_server_offset(float(text))
    except ValueError as exc:
        if "outside" in str(exc):
            raise
    if m := _NY.match(text):
        shift = float(m.group(1).replace(" ", "")) if m.group(1) else 0.0
        return ServerTime(zone="America/New_York", shift_h=shift)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"server UTC offset: {text!r} is neither hours, an IANA zone (Europe/Athens) nor ny+N"
        ) from None
    return ServerTime(zone=text)
