"""Alerts the MT5 producer raises (``alert.raised``), as traders' monitoring tools do.

- ``no_stop_loss`` (warning): a position open longer than ``no_sl_after_s`` without an SL;
- ``position_open_long`` (info): a position open longer than ``max_open_h`` hours;
- ``stop_out`` (critical): a deal closed by the broker's stop-out (reason ``so``);
- ``margin_call`` (critical): margin level at or below the account's margin-call level;
- ``terminal_disconnected`` (critical, once the outage lasted ``disconnect_after_s``) /
  ``terminal_reconnected`` (info);
- ``api_errors`` (warning): ``api_error_threshold`` terminal calls in a row failed;
- ``oco_failed`` (critical) and ``stop_modify_refused`` (warning), raised by the managers.

Per-position and per-deal alerts have ids derived from the position or deal, so each is raised
once, also across restarts; episode alerts (margin call, API errors) once per episode.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from tradejournal.events import AlertRaised, DealFilled, Event
from tradejournal.producers.config.serverclock import ServerClock

from .recorder import Recorder

__all__ = ["AlertSettings", "Alerts"]

Level = Literal["info", "warning", "critical"]


@dataclass(frozen=True)
class AlertSettings:
    """Thresholds; 0 switches an alert off."""

    no_sl_after_s: float = 60.0
    max_open_h: float = 24.0
    api_error_threshold: int = 3
    margin_call: bool = True
    margin_level_pct: float = 0.0
    """Margin-call level in %; 0: the account's own (``margin_so_call``)."""
    disconnect_after_s: float = 0.0
    """Alert on a disconnect once it lasted this long (0: at once)."""


class Alerts:
    """Raise alerts through a recorder (see the module docstring)."""

    def __init__(
        self, recorder: Recorder, settings: AlertSettings, server_time: ServerClock | None = None
    ) -> None:
        self.recorder = recorder
        self.settings = settings
        self.server_time = server_time or ServerClock()
        self._margin_call = False
        self._api_alerted = False

    def raise_(
        self,
        level: Level,
        kind: str,
        message: str,
        now: dt.datetime,
        *,
        key: str | None = None,
        position_id: int | None = None,
        symbol: str | None = None,
    ) -> list[Event]:
        """Journal one alert; ``key`` makes it once-only (its id is derived from the key)."""
        acct = self.recorder.account
        event = AlertRaised(
            id=f"mt5:{acct}:alert:{kind}:{key}" if key else self.recorder.new_id(),
            **self.recorder.envelope(now),
            level=level,
            kind=kind,
            message=message,
            position_id=position_id,
            symbol=symbol,
        )
        if event.id in self.recorder.state.alert_ids:
            return []
        return self.recorder.record([event])

    def check(
        self, positions: Any, account: Any, new_deals: list[Event], now: dt.datetime
    ) -> list[Event]:
        """The position, deal and margin alerts due now."""
        s = self.settings
        out: list[Event] = []
        for p in positions:
            age = (now - self._opened(p)).total_seconds()
            if s.no_sl_after_s and not p.sl and age > s.no_sl_after_s:
                out += self.raise_(
                    "warning", "no_stop_loss",
                    f"position {p.identifier} {p.symbol} without SL for {age:.0f} s", now,
                    key=str(p.identifier), position_id=p.identifier, symbol=p.symbol,
                )  # fmt: skip
            if s.max_open_h and age > s.max_open_h * 3600:
                out += self.raise_(
                    "info", "position_open_long",
                    f"position {p.identifier} {p.symbol} open for {age / 3600:.1f} h", now,
                    key=str(p.identifier), position_id=p.identifier, symbol=p.symbol,
                )  # fmt: skip
        for d in new_deals:
            if isinstance(d, DealFilled) and d.reason == "so":
                out += self.raise_(
                    "critical", "stop_out",
                    f"stop-out closed position {d.position_id} {d.symbol}: {d.profit}", now,
                    key=str(d.deal_ticket), position_id=d.position_id, symbol=d.symbol,
                )  # fmt: skip
        level = s.margin_level_pct or account.margin_so_call
        call = s.margin_call and account.margin > 0 and 0 < account.margin_level <= level
        if call and not self._margin_call:
            out += self.raise_(
                "critical", "margin_call",
                f"margin level {account.margin_level:.1f}% <= margin call {level:.1f}%", now,
            )  # fmt: skip
        self._margin_call = bool(call)
        return out

    def api_errors(self, count: int, now: dt.datetime) -> list[Event]:
        """An alert when ``count`` consecutive terminal calls failed (once per streak)."""
        n = self.settings.api_error_threshold
        if not n or count < n:
            self._api_alerted = False
            return []
        if self._api_alerted:
            return []
        self._api_alerted = True
        return self.raise_("warning", "api_errors", f"{count} terminal calls in a row failed", now)

    def _opened(self, p: Any) -> dt.datetime:
        return self.server_time.to_utc_msc(p.time_msc or p.time * 1000)
