"""The scanner job: terminal bars -> indicators -> rules -> ``signal.detected`` in the journal.

``Scanner(terminal, journal, settings).scan_once()`` fetches ``settings.bars`` bars per
configured symbol and timeframe with ``copy_rates_from_pos(symbol, TIMEFRAME_*, 0, n)``,
evaluates the rules at the last closed bar (MT5's position 0 is the bar still forming: dropped
unless ``include_forming_bar``) and appends one event per rule that fired. The signal id is
derived from symbol, timeframe, bar open time and rule, so scanning the same bar again adds
nothing; ``scan_once`` returns only the events it wrote. A symbol the terminal cannot serve is
skipped and reported in ``errors`` (and logged), never fatal to the other symbols.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tradejournal.events import SignalDetected
from tradejournal.events.errors import TradejournalError

from ..config import ScannerSettings, ServerClock
from .bars import Bars, bar_close, bars_from_rates, timeframe_constant
from .rules import Candidate, compute, evaluate

__all__ = ["PRODUCER", "ScanError", "Scanner", "signal_id"]

PRODUCER = "scanner"
log = logging.getLogger(__name__)


class ScanError(TradejournalError):
    """One symbol and timeframe could not be scanned (the terminal refused or sent bad bars)."""


def signal_id(symbol: str, timeframe: str, bar_open_server: int, rule: str) -> str:
    """Return the deterministic signal id of a rule firing on a bar (open time in server time)."""
    wall = dt.datetime.fromtimestamp(bar_open_server, dt.UTC)
    return f"sig-{symbol}-{timeframe}-{wall:%Y%m%dT%H%M}-{rule}"


class Scanner:
    """Scan the configured symbols and timeframes of a terminal and journal new signals.

    ``terminal`` is anything with the MetaTrader5 package's ``copy_rates_from_pos`` (and
    ``last_error``): the package itself, an mt5linux client or ``PaperTerminal``. ``journal`` is
    an open ``tradejournal.store.Journal``. ``clock`` converts server bar times to UTC (default:
    UTC, offset 0). A signal's ``ts`` is its bar's close in UTC; on a bar still forming
    (``include_forming_bar``) it is ``now()`` (default the system clock; a paper session passes
    its own clock).
    """

    def __init__(
        self,
        terminal: Any,
        journal: Any,
        settings: ScannerSettings,
        *,
        clock: ServerClock | None = None,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.terminal = terminal
        self.journal = journal
        self.settings = settings
        self.clock = clock or ServerClock()
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self.errors: list[str] = []
        """What the last ``scan_once`` could not scan, one message per symbol and timeframe."""

    def scan_once(self) -> list[SignalDetected]:
        """Scan every symbol and timeframe once; append and return the new signals."""
        found: list[SignalDetected] = []
        self.errors = []
        for symbol in self.settings.symbols:
            for timeframe in self.settings.timeframes:
                try:
                    found += self.signals(symbol, timeframe)
                except ScanError as exc:
                    self.errors.append(str(exc))
                    log.warning("scanner: %s", exc)
        if not found:
            return []
        seqs = self.journal.append_many(found)
        new = set(seqs.new)
        return [event for event, seq in zip(found, seqs, strict=True) if seq in new]

    def signals(self, symbol: str, timeframe: str) -> list[SignalDetected]:
        """Return the signals of one symbol and timeframe at its last closed bar (nothing written)."""
        bars = self.bars(symbol, timeframe)
        if not self.settings.include_forming_bar:
            bars = bars.head(len(bars) - 1)
        if len(bars) < 2:
            return []
        last = len(bars) - 1
        fired = evaluate(compute(bars, self.settings), last, self.settings)
        return [self._event(symbol, timeframe, bars, last, c) for c in fired]

    def bars(self, symbol: str, timeframe: str) -> Bars:
        """Return the last ``settings.bars`` bars of a symbol; raise ScanError."""
        constant = timeframe_constant(self.terminal, timeframe)
        try:
            rates = self.terminal.copy_rates_from_pos(symbol, constant, 0, self.settings.bars)
        except Exception as exc:  # a bridge (RPyC) or terminal failure: this symbol only
            raise ScanError(f"{symbol} {timeframe}: copy_rates_from_pos failed: {exc}") from exc
        if rates is None or len(rates) == 0:
            error = self.terminal.last_error() if hasattr(self.terminal, "last_error") else None
            raise ScanError(f"{symbol} {timeframe}: no bars from the terminal (last_error {error})")
        try:
            return bars_from_rates(rates)
        except ValueError as exc:
            raise ScanError(f"{symbol} {timeframe}: {exc}") from exc

    def _event(
        self, symbol: str, timeframe: str, bars: Bars, i: int, found: Candidate
    ) -> SignalDetected:
        opened = bars.time[i]
        closes = bar_close(dt.datetime.fromtimestamp(opened, dt.UTC), timeframe)
        ts = self.clock.to_utc(closes.timestamp())
        if self.settings.include_forming_bar and i == len(bars) - 1:
            ts = min(ts, self._now())  # a bar still forming closes in the future
        sid = signal_id(symbol, timeframe, opened, found.rule)
        return SignalDetected(
            id=f"{PRODUCER}:{sid}",
            ts=ts,
            producer=PRODUCER,
            signal_id=sid,
            symbol=symbol,
            timeframe=timeframe,
            direction=found.direction,
            confidence=found.confidence,
            rsi=round(found.rsi, 2),
            adx=round(found.adx, 2),
            atr=float(f"{found.atr:.10g}"),
            regime=found.regime,
            reason=found.reason,
            price=Decimal(repr(bars.close[i])),
        )
