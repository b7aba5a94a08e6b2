"""The building blocks of the HTML report: sections, tables, the page template.

Every value passes through ``e`` (HTML escaping, quotes too) on its way into the markup; the
page template holds the inline CSS, the error trap script and the Content-Security-Policy that
forbids any external resource. Numbers are written by ``projections.formats`` (shared with the CLI
and the bot); section definitions come from ``projections.present_defs``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape
from typing import Any

from .. import formats
from ..present_defs import CHART_DEFINITIONS

__all__ = ["CSS", "DONE", "PAGE", "TRAP", "empty", "esc", "money", "num", "rmult", "section", "sign", "table"]  # fmt: skip


def section(key: str, title: str, body: str, define: bool = True) -> str:
    definition = f'<p class="def">{esc(CHART_DEFINITIONS[key])}</p>' if define else ""
    return f'<section id="{key}"><h2>{esc(title)}</h2>{definition}{body}</section>'


def empty(text: str) -> str:
    return f'<p class="empty">{esc(text)}</p>'


def table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    money_cols: set[int] | frozenset[int] = frozenset(),
    row_class: Callable[[Sequence[Any]], str] | None = None,
    text_cols: set[int] | frozenset[int] = frozenset(),
) -> str:
    head = "".join(
        (f'<th class="l">{esc(c)}</th>' if i in text_cols else f"<th>{esc(c)}</th>")
        for i, c in enumerate(columns)
    )
    body = []
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            cls = ""
            if i in money_cols and isinstance(v, str) and v.startswith("-"):
                cls = ' class="neg"'
            elif i in text_cols:
                cls = ' class="l"'
            cells.append(f"<td{cls}>{esc(v)}</td>")
        attr = f' class="{esc(row_class(row))}"' if row_class else ""
        body.append(f"<tr{attr}>{''.join(cells)}</tr>")
    return f'<div class="tw"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def num(value: Any) -> float | None:
    return None if value is None else float(value)


def money(value: Decimal | float | None) -> str:
    """Money as the report writes it: ``formats.money`` with thousands separators."""
    return formats.money(value, grouped=True)


def rmult(value: float | None) -> str:
    """An R-multiple as the report writes it: ``formats.r_value``, signed (``+0.67 R``)."""
    return formats.r_value(value, signed=True)


def sign(value: Decimal | None) -> str:
    return "" if value is None else ("pos" if value >= 0 else "neg")


TRAP = (
    "<script>(function(){var e=window.__reportErrors=[];function show(){"
    "var s=document.getElementById('report-status');if(!s)return;"
    "s.textContent=e.length?'errors: '+e.join(' | '):'ok';"
    "document.documentElement.setAttribute('data-report',e.length?'error':'ok')}"
    "function add(m){e.push(m);show()}window.__reportShow=show;"
    "window.addEventListener('error',function(v){add(v.message||('failed to load '+"
    "((v.target&&(v.target.src||v.target.href))||v.type)))},true);"
    "document.addEventListener('securitypolicyviolation',function(v){add('blocked '+v.blockedURI)});"
    "window.addEventListener('load',show)})();</script>"
)
DONE = "<script>window.__reportShow();</script>"
CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;
margin:0 auto;max-width:1100px;padding:16px 24px;background:#fff}
h1{font-size:22px;margin:4px 0}h2{font-size:18px;margin:28px 0 4px;border-bottom:1px solid #d0d7de}
h3{font-size:15px;margin:16px 0 4px}.meta,.src{color:#57606a;font-size:12px;margin:2px 0}
.def{color:#57606a;font-size:12px;margin:2px 0 8px;max-width:900px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(145px,1fr));gap:10px;margin:10px 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:10px 12px;cursor:help}
.card .k{font-size:12px;color:#57606a}.card .v{font-size:20px;font-weight:600}
.card .s{font-size:11px;color:#57606a}.pos{color:#1a7f37}.neg{color:#cf222e}
dl.defs{font-size:12px;color:#57606a;display:grid;grid-template-columns:max-content 1fr;gap:2px 10px}
dl.defs dt{font-weight:600}dl.defs dd{margin:0}
.empty{color:#57606a;font-style:italic;padding:8px;background:#f6f8fa;border-radius:6px}
svg.chart{width:100%;max-width:900px;height:auto;display:block;margin:6px 0}
svg .t{font-size:11px;fill:#57606a}svg .sub{font-style:italic}
svg .grid{stroke:#eaeef2}svg .axis{stroke:#8c959f}svg .hot{fill:transparent}
svg .hot:hover{fill:#0969da}
.tw{overflow-x:auto}table{border-collapse:collapse;font-size:12px;margin:6px 0}
th,td{padding:3px 8px;border-bottom:1px solid #eaeef2;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}th{background:#f6f8fa}
td:last-child{white-space:normal}td.l,th.l{text-align:left}tr.lvl-critical td{background:#ffebe9}
tr.lvl-warning td{background:#fff8c5}
@media print{section{break-inside:avoid}}
"""
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>{trap}<style>{css}</style></head>
<body><header><h1>{heading}</h1><p class="meta">{meta}</p></header>
<div id="report-status" hidden></div>
{sections}
<footer><p class="meta">Self-contained page: no external resource. Hover a card or chart element for its definition and value.</p></footer>
{done}</body></html>
"""
