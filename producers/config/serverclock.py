"""Convert MT5 broker-server timestamps to UTC and back, with a fixed offset or a DST-aware zone.

MT5 writes times (deal ``time``, bar ``time``, ``time_msc``) as epoch numbers of the broker
server's *wall clock*, not UTC. Brokers run UTC+2 in winter and UTC+3 in summer (following US
DST), so a fixed offset is wrong half the year: ``ServerClock(tz="Europe/Athens")`` (or any IANA
zone) follows the changes; ``ServerClock(offset_h=2)`` is a fixed offset. During the hour a DST
change repeats, server wall times are read as the first occurrence (``fold=0``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = ["ServerClock"]


class ServerClock:
    """The broker server's clock: a fixed UTC offset in hours, or an IANA time zone (wins)."""

    def __init__(self, offset_h: float = 0.0, tz: str | None = None) -> None:
        if not -14 <= offset_h <= 14:
            raise ValueError(f"offset_h: must be within -14..14 hours, was {offset_h}")
        self.offset_h = offset_h
        self.tz = tz
        self._zone = ZoneInfo(tz) if tz else dt.timezone(dt.timedelta(hours=offset_h))

    def __repr__(self) -> str:
        return f"ServerClock(tz={self.tz!r})" if self.tz else f"ServerClock({self.offset_h:+g} h)"

    def offset_at(self, when: dt.datetime) -> dt.timedelta:
        """Return the server's UTC offset at the aware instant ``when``."""
        offset = when.astimezone(self._zone).utcoffset()
        return offset if offset is not None else dt.timedelta(0)

    def to_utc(self, server_ts: float) -> dt.datetime:
        """Return the aware UTC instant of a server epoch timestamp (seconds, may be fractional)."""
        wall = dt.datetime.fromtimestamp(0, dt.UTC) + dt.timedelta(seconds=server_ts)
        return wall.replace(tzinfo=self._zone).astimezone(dt.UTC)

    def to_utc_msc(self, server_msc: int) -> dt.datetime:
        """Return the aware UTC instant of a server ``time_msc`` (milliseconds)."""
        wall = dt.datetime.fromtimestamp(0, dt.UTC) + dt.timedelta(milliseconds=server_msc)
        return wall.replace(tzinfo=self._zone).astimezone(dt.UTC)

    def from_utc(self, when: dt.datetime) -> int:
        """Return the server epoch timestamp (whole seconds) of the aware instant ``when``."""
        wall = when.astimezone(self._zone).replace(tzinfo=dt.UTC)
        return int(wall.timestamp())
