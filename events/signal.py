"""Signal family: indicator signals from the scanner and their notification."""

from __future__ import annotations

from ._base import Direction, Event, Percent, Price

__all__ = ["SignalDetected", "SignalNotified"]


class SignalDetected(
    Event, tag="signal.detected", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: signal.detected — the scanner found a setup (BUY or SELL, never HOLD)."""

    signal_id: str
    symbol: str
    timeframe: str
    direction: Direction
    confidence: Percent
    rsi: float | None = None
    adx: float | None = None
    atr: float | None = None
    regime: str | None = None
    reason: str = ""
    price: Price | None = None

    def validate(self) -> None:
        """A signal always has a side."""
        if self.direction == "HOLD":
            raise ValueError("direction: a signal must be BUY or SELL, was HOLD")


class SignalNotified(
    Event, tag="signal.notified", frozen=True, kw_only=True, forbid_unknown_fields=True
):
    """Tag: signal.notified — the signal was sent to a chat."""

    signal_id: str
    chat_id: int
