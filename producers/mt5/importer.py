"""Import a MetaTrader 5 report into the journal: deals become ``deal.filled``, balance
operations ``account.balance_changed``; position ids come from the report (history) or FIFO (tester).

Idempotent: ids come from the shared translator (``deals.py``: ``mt5:<account>:deal:<ticket>``),
so importing the same report twice appends nothing the second time. A report is recognised by its
content, not its file name: when its deals (ticket, symbol, side, entry, volume, price, profit)
are already in the journal under another account label (a tester report has no login, so its
label defaults to the file name), a default label becomes that account (a renamed copy adds
nothing), and an explicit different ``account`` is refused naming it, unless ``force``. Report times are broker
server time; ``server_utc_offset`` (hours) converts them to UTC. The producer is
``import:mt5-tester`` or ``import:mt5-history``: the two report kinds define "average loss trade"
differently (see projections' mt5_summary).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tradejournal.events import DealFilled, Event
from tradejournal.store import Journal, JournalNotFoundError, read_events

from .deals import Mt5Deal, deal_to_event
from .report import ParsedReport, ReportDeal, ReportError, parse_report

__all__ = ["MAX_UTC_OFFSET", "ImportResult", "accounts_holding", "import_report", "report_events"]

MAX_UTC_OFFSET = 14.0
"""Bound of ``server_utc_offset`` in hours (UTC-12 .. UTC+14 are the real zones)."""

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
    force: bool = False,
) -> ImportResult:
    """Parse an MT5 report and append its deals to the journal in one all-or-nothing batch.

    Raises ``ReportError`` for a file that is not a complete report, an offset beyond
    ±``MAX_UTC_OFFSET`` hours, or (unless ``force``) an explicit ``account`` other than the one
    already holding these deals.
    """
    if not (math.isfinite(server_utc_offset) and abs(server_utc_offset) <= MAX_UTC_OFFSET):
        raise ReportError(
            f"server UTC offset must be a number of hours within ±{MAX_UTC_OFFSET:g}, "
            f"was {server_utc_offset}"
        )
    report = parse_report(report_path)
    label = account or report.account or Path(report_path).stem
    events = report_events(report, label, server_utc_offset)
    held: Counter[str] = Counter() if force else accounts_holding(journal, events)
    held.pop(label, None)
    if held:
        existing, count = held.most_common(1)[0]
        if account is not None and account != existing:
            raise ReportError(
                f"{report.path}: {count} of its {_deal_count(events)} deals are already in the "
                f"journal as account {existing} (imported before, perhaps from a file of another "
                f"name): import into that account (`--account {existing}`, which adds nothing "
                f"already there), or pass --force to import them again as account {account} "
                "(their figures would then count twice)"
            )
        label = existing
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


def accounts_holding(journal: str | os.PathLike[str], events: list[Event]) -> Counter[str]:
    """Return, per account label, how many of these deals the journal already holds (matched by
    content: ticket, symbol, side, entry, volume, price, profit; not by id or account)."""
    wanted = {_deal_key(e) for e in events if isinstance(e, DealFilled)}
    found: Counter[str] = Counter()
    try:
        for e in read_events(journal, types=["deal.filled"]):
            if isinstance(e, DealFilled) and e.account is not None and _deal_key(e) in wanted:
                found[e.account] += 1
    except JournalNotFoundError:
        pass
    return found


def _deal_key(e: DealFilled) -> tuple[object, ...]:
    return (e.deal_ticket, e.symbol, e.side, e.entry, e.volume, e.price, e.profit)


def _deal_count(events: list[Event]) -> int:
    return sum(isinstance(e, DealFilled) for e in events)


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
                    source=f"MT5 {report.kind} report",  # not the file name: content decides
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
