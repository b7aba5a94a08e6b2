"""The journal as something to look at: the self-contained HTML report and the dashboard PNGs.

```python
from tradejournal.projections.report import render_report, dashboard_png
html = render_report("journal", since="2026-03-01", account="51234567")  # one HTML page
png = dashboard_png("journal")          # equity curve + drawdown, PNG bytes for the bot
```

``data.py`` reads the figures; ``html.py`` (trading sections), ``ops_sections.py`` (AI and
operations sections), ``blocks.py`` (tables, page template) and ``svg.py`` draw the page;
``png.py`` the PNGs (matplotlib, Agg backend, imported only when called). Labels, number formats
and every definition come from the shared presentation layer (``projections.present``,
``present_defs``, ``formats``), the same the CLI and the bot render.
"""

from __future__ import annotations

from .data import BREAKDOWNS, ReportData, collect
from .html import render_html, render_report
from .png import PANELS, dashboard_png, render_png

__all__ = [
    "BREAKDOWNS",
    "PANELS",
    "ReportData",
    "collect",
    "dashboard_png",
    "render_html",
    "render_png",
    "render_report",
]
