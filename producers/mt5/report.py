"""Parse MetaTrader 5 report files into deals and the report's own summary figures.

Owns reading the reports MT5 exports: Strategy Tester and account Trade History reports, as HTML
(UTF-16LE with BOM, UTF-8 or cp1252) or Open XML (.xlsx), with English or French labels.
Invariant: ``deals`` are exactly the rows of the Deals table in report order (totals row excluded)
and ``summary`` holds the figures as the report prints them, never recomputed.

This module finds the sections, the header and the Deals and Positions tables; ``cells`` reads
the file into rows of cells, ``summary`` the Results figures, ``pairing`` the position ids.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from .cells import (
    Cell,
    ReportError,
    Row,
    _blank,
    _cell,
    _datetime,
    _decimal,
    _int,
    _money,
    _norm,
    _read_rows,
    _required_int,
    _text,
)
from .pairing import TRADE_TYPES, _pair_fifo, _pair_history, _Position
from .report_rows import ReportDeal
from .summary import _pairs, _summary

__all__ = ["ParsedReport", "ReportDeal", "ReportError", "parse_report"]


# Section titles (normalised): a row holding only one of these starts a section.
TABLE_SECTIONS = {
    "deals": "deals",
    "transactions": "deals",
    "positions": "positions",
    "open positions": "open_positions",
    "positions ouvertes": "open_positions",
    "orders": "orders",
    "ordres": "orders",
    "working orders": "working_orders",
}
RESULT_SECTIONS = frozenset({"results", "resultats"})

# Column labels of the Deals and Positions tables -> canonical names.
COLUMNS = {
    "time": "time", "heure": "time", "deal": "deal", "operation": "deal",
    "position": "position", "symbol": "symbol", "symbole": "symbol", "type": "type",
    "direction": "entry", "volume": "volume", "price": "price", "prix": "price",
    "order": "order", "ordre": "order", "commission": "commission", "fee": "fee",
    "frais": "fee", "swap": "swap", "echange": "swap", "profit": "profit",
    "balance": "balance", "solde": "balance", "comment": "comment", "commentaire": "comment",
}  # fmt: skip

# Deal types printed in other languages -> MT5's English words (the French history reports seen
# print English deal types; these cover a terminal that translates them).
DEAL_TYPES = {"achat": "buy", "vente": "sell"}
ENTRIES = {"in": "in", "out": "out", "in/out": "inout", "inout": "inout", "out by": "out_by"}

_BUILD = re.compile(r"^(?P<server>.+?)\s*\(build \d+\)$", re.IGNORECASE)
_ACCOUNT = re.compile(r"^(?P<login>\d+)\s*(?:\((?P<details>[^)]*)\))?")


@dataclass(frozen=True, slots=True)
class ParsedReport:
    """A parsed MT5 report: its deals and the summary figures it prints."""

    path: Path
    kind: Literal["tester", "history"]
    account: str | None
    currency: str | None
    server_name: str | None
    deals: tuple[ReportDeal, ...]
    summary: dict[str, Decimal | int]


def parse_report(path: str | os.PathLike[str]) -> ParsedReport:
    """Return the deals and printed summary of an MT5 report file (HTML or xlsx).

    Raises
    ------
    ReportError
        If the file cannot be read, is not an MT5 report, or its Deals table holds no deal.
    """
    path = Path(path)
    rows = _read_rows(path)
    sections = _sections(rows)
    if "deals" not in sections:
        raise ReportError(f"{path}: not an MT5 report (no Deals table found)")
    deals = _parse_deals(path, rows, sections["deals"])
    if not deals:
        raise ReportError(f"{path}: the Deals table holds no deals")
    kind = _kind(rows, sections)
    if kind == "history" and "positions" in sections:
        ids = _pair_history(deals, *_positions_table(path, rows, sections))
    else:
        ids = _pair_fifo(deals)
    deals = [dataclasses.replace(d, position_id=pid) for d, pid in zip(deals, ids, strict=True)]
    meta = _header(rows, sections)
    return ParsedReport(
        path=path,
        kind=kind,
        account=meta.get("account"),
        currency=meta.get("currency"),
        server_name=meta.get("server") or meta.get("company"),
        deals=tuple(deals),
        summary=_summary(path, rows, sections),
    )


# --- sections and header --------------------------------------------------------------------


def _sections(rows: list[Row]) -> dict[str, int]:
    # section name -> index of its title row (first occurrence)
    found: dict[str, int] = {}
    for i, row in enumerate(rows):
        title = _title(row)
        if title in TABLE_SECTIONS:
            found.setdefault(TABLE_SECTIONS[title], i)
        elif title in RESULT_SECTIONS:
            found.setdefault("results", i)
    return found


def _title(row: Row) -> str | None:
    cells = [c for c in row if not _blank(c)]
    if len(cells) == 1 and isinstance(cells[0], str):
        return _norm(cells[0])
    return None


def _table(rows: list[Row], title_index: int) -> tuple[Row, list[Row]]:
    # header row and data rows of the table under a section title, up to a blank or title row
    i = title_index + 1
    while i < len(rows) and all(_blank(c) for c in rows[i]):
        i += 1
    header = rows[i] if i < len(rows) else []
    body: list[Row] = []
    for row in rows[i + 1 :]:
        if all(_blank(c) for c in row) or _title(row) in TABLE_SECTIONS:
            break
        body.append(row)
    return header, body


def _kind(rows: list[Row], sections: dict[str, int]) -> Literal["tester", "history"]:
    for row in rows[:5]:
        text = " ".join(_norm(c) for c in row if isinstance(c, str))
        if "tester" in text or "testeur" in text:
            return "tester"
        if "history" in text or "historique" in text:
            return "history"
    return "history" if "positions" in sections else "tester"


def _header(rows: list[Row], sections: dict[str, int]) -> dict[str, str]:
    tables = [i for name, i in sections.items() if name != "results"]
    meta: dict[str, str] = {}
    for row in rows[: min(tables, default=len(rows))]:
        first = next((c for c in row if not _blank(c)), None)
        if isinstance(first, str) and (m := _BUILD.match(first.strip())):
            meta.setdefault("server", m["server"])
        for label, value in _pairs(row):
            _header_field(meta, label, value)
    return meta


def _header_field(meta: dict[str, str], label: str, value: Cell) -> None:
    text = _text(value)
    if not text:
        return
    if label in ("company", "courtier", "broker"):
        meta.setdefault("company", text)
    elif label in ("currency", "devise"):
        meta.setdefault("currency", text)
    elif label in ("account", "compte") and (m := _ACCOUNT.match(text)):
        # "1513621052 (USD, FTMO-Demo, demo, Hedge)": login (currency, server, type, mode)
        meta.setdefault("account", m["login"])
        details = [p.strip() for p in (m["details"] or "").split(",")]
        if len(details) >= 2:
            meta.setdefault("currency", details[0])
            meta.setdefault("server", details[1])


# --- Deals and Positions tables -------------------------------------------------------------


def _parse_deals(path: Path, rows: list[Row], title_index: int) -> list[ReportDeal]:
    header, body = _table(rows, title_index)
    cols = {name: idx[0] for name, idx in _columns(header).items()}
    missing = {"time", "deal", "type", "profit"} - cols.keys()
    if missing:
        raise ReportError(
            f"{path}: not an MT5 report (Deals table lacks the columns {sorted(missing)})"
        )
    deals = []
    closed = False
    for offset, row in enumerate(body):
        if _blank(_cell(row, cols["time"])) and _blank(_cell(row, cols["deal"])):
            closed = True
            break  # the totals row closes the table
        try:
            deals.append(_deal(row, cols))
        except (ValueError, InvalidOperation, TypeError) as exc:
            if offset == len(body) - 1:
                break  # a row cut in the middle: reported as truncated below
            line = title_index + offset + 3
            raise ReportError(f"{path}: Deals table row {line} is unreadable ({exc})") from exc
    if deals and not closed:
        # MT5 always closes the Deals table with a totals row: without it, the file was cut
        raise ReportError(
            f"{path}: truncated: the Deals table stops after {len(deals)} deals without its "
            "closing totals row; nothing was imported (export the report from MT5 again)"
        )
    return deals


def _columns(header: Row) -> dict[str, list[int]]:
    cols: dict[str, list[int]] = {}
    for i, cell in enumerate(header):
        name = COLUMNS.get(_norm(cell)) if isinstance(cell, str) else None
        if name:
            cols.setdefault(name, []).append(i)
    return cols


def _deal(row: Row, cols: dict[str, int]) -> ReportDeal:
    def get(name: str) -> Cell:
        return _cell(row, cols[name]) if name in cols else None

    deal_type = _norm(get("type"))
    deal_type = DEAL_TYPES.get(deal_type, deal_type)
    entry_text = _norm(get("entry"))
    if entry_text and entry_text not in ENTRIES:
        raise ValueError(f"unknown deal direction {entry_text!r}")
    return ReportDeal(
        time=_datetime(get("time")),
        deal=_required_int(get("deal")),
        symbol=_text(get("symbol")),
        type=deal_type,
        entry=ENTRIES.get(entry_text) if deal_type in TRADE_TYPES else None,
        volume=_decimal(get("volume")),
        price=_decimal(get("price")),
        order=_int(get("order")),
        commission=_money(get("commission")) or Decimal("0.00"),
        fee=_money(get("fee")) or Decimal("0.00"),
        swap=_money(get("swap")) or Decimal("0.00"),
        profit=_money(get("profit")) or Decimal("0.00"),
        balance=_money(get("balance")),
        comment=_text(get("comment")),
        position_id=None,
    )


def _positions_table(
    path: Path, rows: list[Row], sections: dict[str, int]
) -> tuple[list[_Position], set[int]]:
    # closed positions (incl. closed parts of open ones) and the ids of every listed position
    positions: list[_Position] = []
    listed: set[int] = set()
    for name in ("positions", "open_positions"):
        if name not in sections:
            continue
        header, body = _table(rows, sections[name])
        cols = _columns(header)
        needed = {"position", "symbol", "type"} | (
            {"volume", "profit"} if name == "positions" else set()
        )
        if not needed <= cols.keys() or (name == "positions" and len(cols.get("time", [])) < 2):
            raise ReportError(f"{path}: the {name} table lacks some of its usual columns")
        for row in body:
            try:
                pid = _int(_cell(row, cols["position"][0]))
                if pid is not None and name == "positions":
                    positions.append(_position(row, cols, pid))
            except (ValueError, InvalidOperation) as exc:
                raise ReportError(
                    f"{path}: a row of the {name} table is unreadable ({exc})"
                ) from exc
            if pid is not None:  # None: the totals row
                listed.add(pid)
    return positions, listed


def _position(row: Row, cols: dict[str, list[int]], pid: int) -> _Position:
    open_col, close_col = cols["time"][:2]
    return _Position(
        id=pid,
        symbol=_text(_cell(row, cols["symbol"][0])),
        side=_norm(_cell(row, cols["type"][0])),
        open_time=_datetime(_cell(row, open_col)),
        close_time=_datetime(_cell(row, close_col)),
        volume=_decimal(_text(_cell(row, cols["volume"][0])).split("/")[0]) or Decimal(0),
        profit=_money(_cell(row, cols["profit"][0])) or Decimal(0),
    )
