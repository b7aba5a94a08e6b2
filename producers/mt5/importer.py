"""Import a MetaTrader 5 report into the journal: deals become ``deal.filled``, balance
operations ``account.balance_changed``; position ids come from the report (history) or FIFO (tester).

Idempotent: ids come from the shared translator (``deals.py``: ``mt5:<account>:deal:<ticket>``),
so importing the same report twice appends nothing the second time. Report times are broker
server time; ``server_utc_offset`` (hours) converts them to UTC. The producer is
``import:mt5-tester`` or ``import:mt5-history``: the two report kinds define "average loss trade"
differently (see projections' mt5_summary).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tradejournal.events import DealFilled, Event
from tradejournal.store import Journal

from .deals import Mt5Deal, deal_to_event
from .report import ParsedReport, ReportDeal, ReportError, parse_report

__all__ = ["ImportResult", "import_report", "report_events"]

_REASON = re.compile(r"^\[?(sl|tp|so)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did."""

    report: ParsedReport
    account: str
    appended: int
    duplicates: int
    deals: int
    balance_operations: int


def import_report(
    journal: str | os.PathLike[str],
    report_path: str | os.PathLike[str],
    account: str | None = None,
    server_utc_offset: float = 0.0,
    durability: str = "always",
) -> ImportResult:
    """Parse an MT5 report and append its deals to the journal in one all-or-nothing batch."""
    report = parse_report(report_path)
    label = account or report.account or Path(report_path).stem
    events = report_events(report, label, server_utc_offset)
    with Journal.open(journal, durability=durability) as j:  # type: ignore[arg-type]
        appended = len(j.append_many(events).new)
    trades = sum(isinstance(e, DealFilled) for e in events)
    return ImportResult(
        report=report,
        account=label,
        appended=appended,
        duplicates=len(events) - appended,
        deals=trades,
        balance_operations=len(events) - trades,
    )


def report_events(
    report: ParsedReport, account: str, server_utc_offset: float = 0.0
) -> list[Event]:
    """Return the events of a parsed report (pure: no journal involved)."""
    offset = dt.timedelta(hours=server_utc_offset)
    producer = f"import:mt5-{report.kind}"
    out: list[Event] = []
    for deal in report.deals:
        try:
            out.append(
                deal_to_event(
                    _normalise(deal, offset),
                    account=account,
                    producer=producer,
                    source=report.path.name,
                )
            )
        except ValueError as exc:
            raise ReportError(str(exc)) from None
    return out


def _normalise(deal: ReportDeal, offset: dt.timedelta) -> Mt5Deal:
    """A report row as the shared :class:`Mt5Deal` (report times are broker-server time)."""
    m = _REASON.match(deal.comment.strip())
    return Mt5Deal(
        ticket=deal.deal,
        time=(deal.time - offset).replace(tzinfo=dt.UTC),
        type=deal.type,
        symbol=deal.symbol,
        entry=deal.entry,
        volume=deal.volume,
        price=deal.price,
        order=deal.order,
        position_id=deal.position_id,
        commission=deal.commission,
        swap=deal.swap,
        fee=deal.fee,
        profit=deal.profit,
        reason=m.group(1).lower() if m else None,
        comment=deal.comment,
        balance=deal.balance,
    )
