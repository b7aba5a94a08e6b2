"""Turn an MT5 report file into rows of cells, and read typed values out of those cells.

Owns the file level of report parsing: sniffing xlsx vs HTML, decoding HTML (UTF-16 with or
without BOM, UTF-8, cp1252), flattening tables into rows (a ``colspan=n`` cell is followed by n-1
``None`` cells, as in xlsx merged cells), and converting cells to text, exact ``Decimal``, int and
naive datetimes. Also defines ``ReportError``, raised for any file that is not a readable report.
"""

from __future__ import annotations

import unicodedata
import warnings
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from tradejournal.events import TradejournalError

Cell = str | float | int | datetime | None
Row = list[Cell]


CENT = Decimal("0.01")


class ReportError(TradejournalError, ValueError):
    """Not an MT5 report, unreadable, or no deals. Message names the file and why."""


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
