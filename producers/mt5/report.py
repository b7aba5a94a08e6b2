"""Parse MetaTrader 5 report files into deals and the report's own summary figures.

Owns reading the reports MT5 exports: Strategy Tester and account Trade History reports, as HTML
(UTF-16LE with BOM, UTF-8 or cp1252) or Open XML (.xlsx), with English or French labels.
Invariant: ``deals`` are exactly the rows of the Deals table in report order (totals row excluded)
and ``summary`` holds the figures as the report prints them, never recomputed.
"""

from __future__ import annotations

import dataclasses
import os
import re
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

__all__ = ["ParsedReport", "ReportDeal", "ReportError", "parse_report"]

Cell = str | float | int | datetime | None
Row = list[Cell]

CENT = Decimal("0.01")
TRADE_TYPES = frozenset({"buy", "sell"})
CLOSING_ENTRIES = frozenset({"out", "inout", "out_by"})

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

# Summary labels (normalised, English and French) -> keys of the figure(s) printed.
SUMMARY_LABELS: dict[str, tuple[str, ...]] = {
    "total net profit": ("total_net_profit",),
    "profit total net": ("total_net_profit",),
    "gross profit": ("gross_profit",),
    "profit brut": ("gross_profit",),
    "gross loss": ("gross_loss",),
    "perte brut": ("gross_loss",),
    "perte brute": ("gross_loss",),
    "profit factor": ("profit_factor",),
    "facteur de profit": ("profit_factor",),
    "expected payoff": ("expected_payoff",),
    "remboursement attendu": ("expected_payoff",),
    "total trades": ("total_trades",),
    "nb trades": ("total_trades",),
    "profit trades (% of total)": ("profit_trades", "profit_trades_pct"),
    "positions gagnantes (% du total)": ("profit_trades", "profit_trades_pct"),
    "loss trades (% of total)": ("loss_trades", "loss_trades_pct"),
    "positions perdantes (% du total)": ("loss_trades", "loss_trades_pct"),
    "short trades (won %)": ("short_trades", "short_won_pct"),
    "positions courtes (gagnees %)": ("short_trades", "short_won_pct"),
    "long trades (won %)": ("long_trades", "long_won_pct"),
    "positions longues (gagnees %)": ("long_trades", "long_won_pct"),
    "largest profit trade": ("largest_profit_trade",),
    "plus large position gagnante": ("largest_profit_trade",),
    "largest loss trade": ("largest_loss_trade",),
    "plus large position perdante": ("largest_loss_trade",),
    "average profit trade": ("average_profit_trade",),
    "moyenne position gagnante": ("average_profit_trade",),
    "average loss trade": ("average_loss_trade",),
    "moyenne position perdante": ("average_loss_trade",),
    "maximum consecutive wins ($)": ("max_consecutive_wins", "max_consecutive_wins_money"),
    "maximum realisations consecutives ($)": ("max_consecutive_wins", "max_consecutive_wins_money"),
    "maximum consecutive losses ($)": ("max_consecutive_losses", "max_consecutive_losses_money"),
    "maximum pertes consecutives ($)": ("max_consecutive_losses", "max_consecutive_losses_money"),
    "maximal consecutive profit (count)": (
        "maximal_consecutive_profit",
        "maximal_consecutive_profit_count",
    ),
    "maximum gains consecutifs (nombre)": (
        "maximal_consecutive_profit",
        "maximal_consecutive_profit_count",
    ),
    "maximal consecutive loss (count)": (
        "maximal_consecutive_loss",
        "maximal_consecutive_loss_count",
    ),
    "maximum pertes consecutives (nombre)": (
        "maximal_consecutive_loss",
        "maximal_consecutive_loss_count",
    ),
    "balance drawdown absolute": ("balance_drawdown_absolute",),
    "solde drawdown absolu": ("balance_drawdown_absolute",),
    "balance drawdown maximal": ("balance_drawdown_maximal", "balance_drawdown_maximal_pct"),
    "solde drawdown maximal": ("balance_drawdown_maximal", "balance_drawdown_maximal_pct"),
    "balance drawdown relative": ("balance_drawdown_relative_pct", "balance_drawdown_relative"),
    "solde drawdown relatif": ("balance_drawdown_relative_pct", "balance_drawdown_relative"),
}
# xlsx testers garble some labels to "Maximum :"; the intact label of the pair sits in the same row.
GARBLED_LABELS = {
    "maximum": ("maximum consecutive wins ($)", "maximum consecutive losses ($)"),
    "maximal": ("maximal consecutive profit (count)", "maximal consecutive loss (count)"),
    "average": ("average consecutive wins", "average consecutive losses"),
}
INT_KEYS = frozenset({
    "total_trades", "profit_trades", "loss_trades", "short_trades", "long_trades",
    "max_consecutive_wins", "max_consecutive_losses", "maximal_consecutive_profit_count",
    "maximal_consecutive_loss_count",
})  # fmt: skip
MONEY_KEYS = frozenset({
    "total_net_profit", "gross_profit", "gross_loss", "largest_profit_trade",
    "largest_loss_trade", "max_consecutive_wins_money", "max_consecutive_losses_money",
    "maximal_consecutive_profit", "maximal_consecutive_loss", "balance_drawdown_absolute",
    "balance_drawdown_maximal", "balance_drawdown_relative",
})  # fmt: skip

_FIGURE = re.compile(r"^(?P<a>[^()%]*?)\s*%?\s*(?:\((?P<b>[^()%]*?)\s*%?\s*\))?$")
_BUILD = re.compile(r"^(?P<server>.+?)\s*\(build \d+\)$", re.IGNORECASE)
_ACCOUNT = re.compile(r"^(?P<login>\d+)\s*(?:\((?P<details>[^)]*)\))?")


class ReportError(ValueError):
    """Not an MT5 report, unreadable, or no deals. Message names the file and why."""


@dataclass(frozen=True, slots=True)
class ReportDeal:
    """One row of a report's Deals table (times are naive broker server time, as printed)."""

    time: datetime
    deal: int
    symbol: str
    type: str
    entry: str | None
    volume: Decimal | None
    price: Decimal | None
    order: int | None
    commission: Decimal
    fee: Decimal
    swap: Decimal
    profit: Decimal
    balance: Decimal | None
    comment: str
    position_id: int | None


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


# --- reading files into rows of cells -------------------------------------------------------


def _read_rows(path: Path) -> list[Row]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise ReportError(f"{path}: empty file, not an MT5 report")
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(path)
    text = _decode(path, data)
    if "<table" not in text.lower():
        raise ReportError(f"{path}: not an MT5 report (neither an xlsx workbook nor an HTML table)")
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    return parser.rows


def _decode(path: Path, data: bytes) -> str:
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8")
        if data[1:2] == b"\x00" and data[3:4] == b"\x00":  # UTF-16LE without BOM
            return data.decode("utf-16-le")
    except UnicodeDecodeError as exc:
        raise ReportError(f"{path}: not an MT5 report (undecodable text: {exc.reason})") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _xlsx_rows(path: Path) -> list[Row]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # only needed for xlsx

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # MT5 workbooks have no default style
            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()  # MT5 writes a dimension that omits the totals row
                return [list(r) for r in sheet.iter_rows(values_only=True)]
            finally:
                workbook.close()
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign zip
        raise ReportError(f"{path}: not a readable xlsx workbook ({exc})") from exc


class _TableParser(HTMLParser):
    # Flattens every <tr> into a row; a cell with colspan=n is followed by n-1 None cells,
    # which gives HTML reports the same layout as the merged cells of xlsx exports.
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[Row] = []
        self._row: Row | None = None
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._end_row()
            self._row = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self._row is None:
                self._row = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.strip().isdigit() else 1
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._end_cell()
        elif tag in ("tr", "table"):
            self._end_row()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def close(self) -> None:
        super().close()
        self._end_row()

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            text = " ".join("".join(self._cell).split())
            self._row.append(text or None)
            self._row.extend([None] * (self._span - 1))
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None:
            self.rows.append(self._row)
        self._row = None


# --- sections, header and summary -----------------------------------------------------------


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


def _summary(path: Path, rows: list[Row], sections: dict[str, int]) -> dict[str, Decimal | int]:
    start = sections.get("results")
    if start is None:
        return {}
    later = [i for name, i in sections.items() if name != "results" and i > start]
    summary: dict[str, Decimal | int] = {}
    for row in rows[start + 1 : min(later, default=len(rows))]:
        for label, value in _resolve_garbled(list(_pairs(row))):
            keys = SUMMARY_LABELS.get(label)
            if keys and not _blank(value):
                summary.update(_figures(path, label, keys, value))
    return summary


def _pairs(row: Row) -> Iterator[tuple[str, Cell]]:
    # (normalised label, value) for each "Label:" cell followed by its value cell
    label: str | None = None
    for cell in row:
        if isinstance(cell, str) and cell.strip().endswith(":"):
            if label is not None:
                yield label, None
            label = _norm(cell.strip()[:-1])
        elif label is not None and not _blank(cell):
            yield label, cell
            label = None
    if label is not None:
        yield label, None


def _resolve_garbled(pairs: list[tuple[str, Cell]]) -> list[tuple[str, Cell]]:
    present = {label for label, _ in pairs}
    resolved = []
    for label, value in pairs:
        if label in GARBLED_LABELS:
            free = [name for name in GARBLED_LABELS[label] if name not in present]
            if not free:
                continue
            label = free[0]
            present.add(label)
        resolved.append((label, value))
    return resolved


def _figures(
    path: Path, label: str, keys: tuple[str, ...], value: Cell
) -> dict[str, Decimal | int]:
    raw = [value] if isinstance(value, int | float) else _split_figure(value)
    if raw is None or len(raw) < len(keys):
        raise ReportError(f"{path}: summary figure {label!r} has an unexpected value {value!r}")
    out: dict[str, Decimal | int] = {}
    for key, item in zip(keys, raw, strict=False):
        try:
            number = _decimal(item)
        except (ValueError, InvalidOperation):
            number = None
        if number is None:
            raise ReportError(f"{path}: summary figure {label!r} has an unexpected value {value!r}")
        if key in INT_KEYS:
            out[key] = int(number)
        elif key in MONEY_KEYS and isinstance(item, float):
            out[key] = number.quantize(CENT)
        else:
            out[key] = number
    return out


def _split_figure(value: Cell) -> list[Cell] | None:
    # "278 (69.33%)" -> ["278", "69.33"]; "20.82% (2 694.44)" -> ["20.82", "2 694.44"]
    match = _FIGURE.match(_text(value))
    if match is None:
        return None
    return [part for part in (match["a"], match["b"]) if part]


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
    for offset, row in enumerate(body):
        if _blank(_cell(row, cols["time"])) and _blank(_cell(row, cols["deal"])):
            break  # the totals row closes the table
        try:
            deals.append(_deal(row, cols))
        except (ValueError, InvalidOperation, TypeError) as exc:
            line = title_index + offset + 3
            raise ReportError(f"{path}: Deals table row {line} is unreadable ({exc})") from exc
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


@dataclass(slots=True)
class _Position:
    # a row of a history report's Positions table; volume and profit count down while matching
    id: int
    symbol: str
    side: str  # position direction: "buy" = long
    open_time: datetime
    close_time: datetime
    volume: Decimal  # volume closed, as listed ("0.02 / 0.05" = 0.02 closed of 0.05)
    profit: Decimal  # total profit of its closing deals, as listed


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


# --- position ids -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Lot:
    id: int
    side: str
    volume: Decimal


def _pair_fifo(deals: Sequence[ReportDeal]) -> list[int | None]:
    # Tester reports print no position id: an entry deal opens a position whose id is its order;
    # a closing deal closes the oldest open position of the opposite side on its symbol,
    # preferring one with exactly the closing volume (grid EAs close legs of different sizes).
    books: dict[str, list[_Lot]] = {}
    ids: list[int | None] = []
    for d in deals:
        if d.type not in TRADE_TYPES or d.entry is None:
            ids.append(None)
            continue
        lots = books.setdefault(d.symbol, [])
        volume = d.volume or Decimal(0)
        if d.entry == "in":
            lots.append(_Lot(d.order if d.order is not None else d.deal, d.type, volume))
            ids.append(lots[-1].id)
            continue
        pid, left = _close_lots(lots, _opposite(d.type), volume)
        if d.entry == "inout" and left > 0:
            pid = pid if pid is not None else (d.order or d.deal)  # a reversal keeps the id
            lots.append(_Lot(pid, d.type, left))
        ids.append(pid)
    return ids


def _close_lots(lots: list[_Lot], side: str, volume: Decimal) -> tuple[int | None, Decimal]:
    candidates = [lot for lot in lots if lot.side == side]
    if not candidates:
        return None, volume
    exact = [lot for lot in candidates if lot.volume == volume][:1]
    order = exact + [lot for lot in candidates if lot not in exact]
    left = volume
    for lot in order:
        if left <= 0:
            break
        used = min(lot.volume, left)
        lot.volume -= used
        left -= used
        if lot.volume <= 0:
            lots.remove(lot)
    return order[0].id, left


def _pair_history(
    deals: Sequence[ReportDeal], positions: list[_Position], listed: set[int]
) -> list[int | None]:
    # History reports list each position (id = its entry deal's order) with symbol, side, open
    # and close time, closed volume and profit. A position's closing deals must add up to its
    # volume and profit, the last one at its close time. Single-deal positions are matched on
    # that directly; the other closing deals by a small search per group of overlapping positions.
    ids = _entry_ids(deals, listed)
    closes = [
        i for i, d in enumerate(deals) if d.type in TRADE_TYPES and d.entry in CLOSING_ENTRIES
    ]
    pending = _match_whole_closes(deals, closes, positions, ids)
    options = {i: _open_at(deals[i], positions) for i in pending}
    for group in _groups(pending, options):
        if len(group) > 500 or not _search(deals, group, options, ids, [50_000], 0):
            _assign_greedily(deals, group, options, ids)
    return ids


def _entry_ids(deals: Sequence[ReportDeal], listed: set[int]) -> list[int | None]:
    ids: list[int | None] = []
    last: dict[tuple[str, str], int] = {}
    for d in deals:
        pid = None
        if d.type in TRADE_TYPES and d.entry == "in":
            pid = d.order if d.order is not None else d.deal
            if pid not in listed and (d.symbol, d.type) in last:
                pid = last[d.symbol, d.type]  # netting: an added entry keeps the position's id
            last[d.symbol, d.type] = pid
        ids.append(pid)
    return ids


def _match_whole_closes(
    deals: Sequence[ReportDeal],
    closes: list[int],
    positions: list[_Position],
    ids: list[int | None],
) -> list[int]:
    # a deal at a position's close time with all of its volume and profit closes it alone
    at: dict[tuple[str, str, datetime, Decimal | None, Decimal], list[int]] = {}
    for i in closes:
        d = deals[i]
        at.setdefault((d.symbol, d.type, d.time, d.volume, d.profit), []).append(i)
    taken: set[int] = set()
    for p in positions:
        key = (p.symbol, _opposite(p.side), p.close_time, p.volume, p.profit)
        found = next((i for i in at.get(key, []) if i not in taken), None)
        if found is not None:
            _assign(p, deals[found], found, ids)
            taken.add(found)
    return [i for i in closes if i not in taken]


def _open_at(d: ReportDeal, positions: list[_Position]) -> list[_Position]:
    fits = [
        p
        for p in positions
        if p.volume > 0
        and p.symbol == d.symbol
        and p.side == _opposite(d.type)
        and p.open_time <= d.time <= p.close_time
    ]
    return sorted(fits, key=lambda p: (p.close_time, p.open_time))


def _groups(pending: list[int], options: dict[int, list[_Position]]) -> list[list[int]]:
    # closing deals that may close a common position, transitively, in report order
    groups: list[tuple[set[int], list[int]]] = []
    for i in pending:
        keys = {p.id for p in options[i]}
        joined = [g for g in groups if g[0] & keys]
        merged: tuple[set[int], list[int]] = (keys, [])
        for g in joined:
            merged[0].update(g[0])
            merged[1].extend(g[1])
            groups.remove(g)
        merged[1].append(i)
        merged[1].sort()
        groups.append(merged)
    return [g[1] for g in groups]


def _search(
    deals: Sequence[ReportDeal],
    group: list[int],
    options: dict[int, list[_Position]],
    ids: list[int | None],
    budget: list[int],
    k: int,
) -> bool:
    # depth-first: each deal to a position with room for it; a position whose volume reaches 0
    # must have its profit matched at its close time, and none may be left open past its close
    budget[0] -= 1
    if budget[0] < 0:
        return False
    now = deals[group[k]].time if k < len(group) else None
    touched = {p.id: p for i in group for p in options[i]}.values()
    if any(p.volume > 0 and (now is None or p.close_time < now) for p in touched):
        return False
    if now is None:
        return all(p.profit == 0 for p in touched)
    i = group[k]
    d, volume = deals[i], deals[i].volume or Decimal(0)
    for p in options[i]:
        ends = p.volume == volume
        if p.volume < volume or (ends and (p.profit != d.profit or p.close_time != d.time)):
            continue
        _assign(p, d, i, ids)
        if _search(deals, group, options, ids, budget, k + 1):
            return True
        _assign(p, d, i, ids, undo=True)
    return False


def _assign_greedily(
    deals: Sequence[ReportDeal],
    group: list[int],
    options: dict[int, list[_Position]],
    ids: list[int | None],
) -> None:
    # no consistent assignment found: the earliest-closing open position with room for the deal
    for i in group:
        volume = deals[i].volume or Decimal(0)
        p = next((p for p in options[i] if p.volume >= volume), None)
        if p is not None:
            _assign(p, deals[i], i, ids)


def _assign(p: _Position, d: ReportDeal, i: int, ids: list[int | None], undo: bool = False) -> None:
    sign = -1 if undo else 1
    p.volume -= sign * (d.volume or Decimal(0))
    p.profit -= sign * d.profit
    ids[i] = None if undo else p.id


def _opposite(side: str) -> str:
    return "sell" if side == "buy" else "buy"


# --- cell conversion ------------------------------------------------------------------------


def _cell(row: Row, index: int) -> Cell:
    return row[index] if index < len(row) else None


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell: Cell) -> str:
    return "" if cell is None else " ".join(str(cell).split())


def _norm(cell: Cell) -> str:
    # lowercase, accents removed, whitespace collapsed: "Résultats" -> "resultats"
    text = unicodedata.normalize("NFKD", _text(cell))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _decimal(cell: Cell) -> Decimal | None:
    if _blank(cell):
        return None
    if isinstance(cell, bool | datetime):
        raise ValueError(f"expected a number, found {cell!r}")
    if isinstance(cell, float):
        return Decimal(repr(cell))
    if isinstance(cell, int):
        return Decimal(cell)
    # HTML prints a space (or a no-break space) as the thousands separator: "3 000.00"
    text = "".join(str(cell).split()).replace("\u202f", "")
    return Decimal(text)


def _money(cell: Cell) -> Decimal | None:
    value = _decimal(cell)
    return None if value is None else value.quantize(CENT)


def _int(cell: Cell) -> int | None:
    value = _decimal(cell)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise ValueError(f"expected an integer, found {cell!r}")
    return int(value)


def _required_int(cell: Cell) -> int:
    value = _int(cell)
    if value is None:
        raise ValueError("the deal ticket is empty")
    return value


def _datetime(cell: Cell) -> datetime:
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=None)
    text = _text(cell)
    # MT5 prints "2025.07.18 07:00:00" (seconds sometimes absent)
    return datetime.fromisoformat(text[:10].replace(".", "-") + text[10:])
