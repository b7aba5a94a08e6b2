"""Import a MetaTrader 5 report into the journal: deals become ``deal.filled``, balance
operations ``account.balance_changed``; position ids come from the report (history) or FIFO (tester).

Idempotent: ids are derived from the account and the deal ticket (``mt5:<account>:deal:<ticket>``),
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
from typing import Any

from tradejournal.events import AccountBalanceChanged, DealFilled, Event
from tradejournal.store import Journal

from .report import ParsedReport, ReportDeal, ReportError, parse_report

__all__ = ["ImportResult", "import_report", "report_events"]

_TRADE_TYPES = {"buy", "sell"}
_BALANCE_KINDS = {
    "credit": "credit",
    "bonus": "bonus",
    "charge": "charge",
    "correction": "correction",
    "commission": "commission",
    "commission daily": "commission",
    "commission monthly": "commission",
    "interest": "interest",
    "dividend": "dividend",
    "tax": "tax",
}
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
    out: list[Event] = []
    for deal in report.deals:
        common = {  # envelope and ticket shared by both event kinds
            "id": f"mt5:{account}:deal:{deal.deal}",
            "ts": (deal.time - offset).replace(tzinfo=dt.UTC),
            "producer": f"import:mt5-{report.kind}",
            "account": account,
            "deal_ticket": deal.deal,
        }
        if deal.type in _TRADE_TYPES:
            out.append(_deal_event(deal, common))
        else:
            out.append(_balance_event(report, deal, common))
    return out


def _deal_event(deal: ReportDeal, common: dict[str, Any]) -> DealFilled:
    if deal.entry is None or deal.volume is None or deal.price is None:
        raise ReportError(f"deal {deal.deal}: a {deal.type} deal without entry, volume or price")
    m = _REASON.match(deal.comment.strip())
    return DealFilled(
        **common,
        order_ticket=deal.order,
        position_id=deal.position_id,
        symbol=deal.symbol,
        side=deal.type,  # type: ignore[arg-type]
        entry=deal.entry,  # type: ignore[arg-type]
        volume=deal.volume,
        price=deal.price,
        commission=deal.commission,
        swap=deal.swap,
        fee=deal.fee,
        profit=deal.profit,
        reason=m.group(1).lower() if m else None,  # type: ignore[arg-type]
        comment=deal.comment,
        balance=deal.balance,
    )


def _balance_event(
    report: ParsedReport, deal: ReportDeal, common: dict[str, Any]
) -> AccountBalanceChanged:
    amount = deal.profit + deal.commission + deal.swap + deal.fee
    if deal.type == "balance":
        kind = "deposit" if amount >= 0 else "withdrawal"
    else:
        kind = _BALANCE_KINDS.get(deal.type, "other")
    return AccountBalanceChanged(
        **common,
        kind=kind,  # type: ignore[arg-type]
        amount=amount,
        balance=deal.balance,
        comment=deal.comment or (f"{deal.type} ({report.path.name})"),
    )
