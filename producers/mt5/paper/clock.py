"""The paper terminal's clock: UTC time in milliseconds and the broker server's time zone.

MT5 stamps every record with *trade-server* time (epoch numbers shifted by the server's UTC
offset), not UTC. :class:`ServerClock` keeps UTC internally and converts with either a fixed
offset (``utc_offset_h=2``) or a zone: a zoneinfo name (``server_tz="Europe/Athens"``: +2 in
winter, +3 in summer on the EU dates) or ``"ny-close"`` — New York time + 7 h, the "GMT+2/+3"
most forex brokers run, switching on the US dates — so a DST change at a date can be simulated.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

__all__ = ["DEFAULT_START", "NY_CLOSE", "ServerClock", "to_epoch"]

NY_CLOSE = "ny-close"
"""``server_tz`` value for New York time + 7 h (UTC+2 / UTC+3 on the US DST dates)."""

DEFAULT_START = dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.UTC)
"""A Monday: where a paper session starts unless told otherwise."""


def to_epoch(value: dt.datetime | int | float) -> float:
    """Epoch seconds of a ``datetime`` (naive = UTC) or of a number taken as epoch seconds."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.timestamp()
    return float(value)


class ServerClock:
    """UTC time (ms) that only moves forward, and its broker-server equivalent."""

    def __init__(
        self,
        start: dt.datetime = DEFAULT_START,
        *,
        utc_offset_h: float = 0.0,
        server_tz: str | None = None,
    ) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be a timezone-aware datetime")
        self._utc_ms = int(round(start.timestamp() * 1000))
        self._fixed_ms = int(round(utc_offset_h * 3_600_000))
        self._extra_ms = 0
        if server_tz == NY_CLOSE:
            server_tz, self._extra_ms = "America/New_York", 7 * 3_600_000
        self._zone = zoneinfo.ZoneInfo(server_tz) if server_tz else None

    @property
    def utc_ms(self) -> int:
        """Current UTC time, epoch milliseconds."""
        return self._utc_ms

    def utc(self) -> dt.datetime:
        """Current UTC time as an aware datetime."""
        return dt.datetime.fromtimestamp(self._utc_ms / 1000, tz=dt.UTC)

    def offset_ms(self, utc_ms: int | None = None) -> int:
        """The server's offset from UTC at ``utc_ms`` (default: now), in milliseconds."""
        if self._zone is None:
            return self._fixed_ms
        at = dt.datetime.fromtimestamp((self._utc_ms if utc_ms is None else utc_ms) / 1000, dt.UTC)
        delta = at.astimezone(self._zone).utcoffset()
        return (int(delta.total_seconds() * 1000) if delta is not None else 0) + self._extra_ms

    @property
    def server_ms(self) -> int:
        """Current broker-server time as MT5 reports it (``time_msc`` fields)."""
        return self._utc_ms + self.offset_ms()

    @property
    def server_s(self) -> int:
        """Current broker-server time in whole seconds (``time`` fields)."""
        return self.server_ms // 1000

    def advance_to(self, utc_ms: int) -> None:
        """Move to ``utc_ms``; the clock never goes back."""
        if utc_ms < self._utc_ms:
            raise ValueError("the paper clock cannot go back in time")
        self._utc_ms = utc_ms
