"""The post-run audit: what happened in a monitored session, read from the projections.

``audit(journal, start, end)`` returns plain values (a ``SessionAudit``) for the window
``[start, end)``: alerts by kind and by hour, positions open at the end without a stop or older
than ``aged_after``, emergency closes, API errors, latency quantiles, activity per hour and a
timeline of the critical events. ``audit_text`` renders it for a terminal; ``as_dict`` for JSON.
Hours are UTC hours (the hour's start).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict, dataclass
from typing import Any

from .api import _run
from .engine import connect_readonly
from .errors import ProjectionError
from .formats import timestamp

__all__ = ["EMERGENCY_REASONS", "SessionAudit", "audit", "audit_text"]

PathLike = str | os.PathLike[str]
EMERGENCY_REASONS = ("so",)
"""Close reasons that are emergency closes by themselves (MT5's stop out)."""
_W = "ts >= CAST($1 AS TIMESTAMPTZ) AND ts < CAST($2 AS TIMESTAMPTZ)"


@dataclass
class SessionAudit:
    """The audit of one window; every list is in time (or count) order, empty when quiet.

    ``activity`` rows: hour, events, by_family {event family: count} (largest first)."""

    start: dt.datetime
    end: dt.datetime
    events: int
    alerts_by_kind: list[dict[str, Any]]
    alerts_by_hour: list[dict[str, Any]]
    unprotected: list[dict[str, Any]]
    aged: list[dict[str, Any]]
    emergency_closes: list[dict[str, Any]]
    api_errors: list[dict[str, Any]]
    latency: list[dict[str, Any]]
    activity: list[dict[str, Any]]
    timeline: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        """The audit as nested dicts and lists (for JSON)."""
        return asdict(self)


def audit(
    journal_dir: PathLike,
    start: dt.datetime,
    end: dt.datetime,
    *,
    aged_after: dt.timedelta = dt.timedelta(hours=4),
) -> SessionAudit:
    """Audit the window ``[start, end)`` (aware datetimes); ``aged_after``: how long a position
    may stay open before it counts as aged at ``end``."""
    for value in (start, end):
        if value.tzinfo is None:
            raise ProjectionError(f"naive datetime {value}: pass an aware (UTC) datetime")
    if end <= start:
        raise ProjectionError(
            f"the audit window is empty: {start.isoformat()} >= {end.isoformat()}"
        )
    w = [start.astimezone(dt.UTC).isoformat(), end.astimezone(dt.UTC).isoformat()]
    aged_ts = (end - aged_after).astimezone(dt.UTC).isoformat()
    con = connect_readonly(journal_dir)
    try:
        return SessionAudit(
            start=start.astimezone(dt.UTC),
            end=end.astimezone(dt.UTC),
            events=_run(con, f"SELECT count(*) AS n FROM events WHERE {_W}", w)[0]["n"],
            alerts_by_kind=_run(con, _ALERTS_BY_KIND, w),
            alerts_by_hour=_run(con, _ALERTS_BY_HOUR, w),
            unprotected=_run(
                con,
                _OPEN_AT_END + " AND initial_sl IS NULL AND final_sl IS NULL "
                "ORDER BY open_ts, trade_id",
                w[1:],
            ),  # fmt: skip
            aged=_run(
                con,
                _OPEN_AT_END + " AND open_ts <= CAST($2 AS TIMESTAMPTZ) ORDER BY open_ts, trade_id",
                [w[1], aged_ts],
            ),  # fmt: skip
            emergency_closes=_run(con, _EMERGENCY, [*w, list(EMERGENCY_REASONS)]),
            api_errors=_run(con, _API_ERRORS, w),
            latency=_run(con, _LATENCY, w),
            activity=_run(con, _ACTIVITY, w),
            timeline=_run(con, _TIMELINE, w),
        )
    finally:
        con.close()


_ALERTS_BY_KIND = f"""
SELECT kind, count(*) AS alerts, count(*) FILTER (WHERE level = 'critical') AS critical,
    count(*) FILTER (WHERE level = 'warning') AS warning, count(*) FILTER (WHERE level = 'info') AS info
FROM alerts WHERE {_W} GROUP BY kind ORDER BY alerts DESC, kind
"""
_ALERTS_BY_HOUR = f"""
SELECT timezone('UTC', date_trunc('hour', timezone('UTC', ts))) AS hour, count(*) AS alerts,
    count(*) FILTER (WHERE level = 'critical') AS critical, list(DISTINCT kind ORDER BY kind) AS kinds
FROM alerts WHERE {_W} GROUP BY 1 ORDER BY 1
"""
_OPEN_AT_END = """
SELECT trade_id, account, symbol, side, volume_in AS volume, open_ts,
    epoch(CAST($1 AS TIMESTAMPTZ) - open_ts) / 3600.0 AS hours_open, initial_sl, final_sl
FROM trades
WHERE open_ts < CAST($1 AS TIMESTAMPTZ) AND (close_ts IS NULL OR close_ts >= CAST($1 AS TIMESTAMPTZ))
"""
_EMERGENCY = f"""
SELECT ts, 'alert' AS source, kind AS what, symbol, position_id, message AS detail
FROM alerts WHERE {_W} AND kind = 'emergency_close'
UNION ALL
SELECT ts, 'deal' AS source, 'close reason ' || reason AS what, symbol, position_id,
    'deal ' || deal_ticket || ', net ' || CAST(CAST(net AS DECIMAL(18, 2)) AS VARCHAR) AS detail
FROM deals WHERE {_W} AND entry IN ('out', 'out_by', 'inout') AND list_contains($3, reason)
ORDER BY ts, source
"""
_API_ERRORS = f"""
SELECT ts, 'alert' AS source, kind AS what, message AS detail FROM alerts
WHERE {_W} AND kind IN ('api_errors', 'api_error')
UNION ALL
SELECT ts, 'llm' AS source, 'llm.called ' || status AS what,
    coalesce(model, '') || ': ' || coalesce(error, '') AS detail
FROM llm_calls WHERE {_W} AND status <> 'ok'
UNION ALL
SELECT rejected_ts AS ts, 'mt5' AS source, 'order.rejected' AS what,
    concat_ws(' ', 'order', coalesce(CAST(order_ticket AS VARCHAR), '(no ticket)'), symbol,
        'retcode ' || retcode) || coalesce(': ' || reject_comment, '') AS detail
FROM orders WHERE rejected_ts >= CAST($1 AS TIMESTAMPTZ) AND rejected_ts < CAST($2 AS TIMESTAMPTZ)
UNION ALL
SELECT ts, 'mt5' AS source, type AS what, coalesce(oco_group_id, recommendation_id, '') || ': '
    || coalesce(error, '') || coalesce(' retcode ' || CAST(retcode AS VARCHAR), '') AS detail
FROM events WHERE {_W} AND type IN ('oco.failed', 'recommendation.failed')
ORDER BY ts, source, what
"""
_LATENCY = f"""
SELECT name, count(*) AS n, quantile_cont(duration_ms, 0.5) AS p50_ms,
    quantile_cont(duration_ms, 0.95) AS p95_ms, quantile_cont(duration_ms, 0.99) AS p99_ms,
    max(duration_ms) AS max_ms
FROM metrics WHERE {_W} GROUP BY name ORDER BY name
"""
_ACTIVITY = f"""
WITH f AS (
    SELECT timezone('UTC', date_trunc('hour', timezone('UTC', ts))) AS hour,
        split_part(type, '.', 1) AS family, count(*) AS n
    FROM events WHERE {_W} GROUP BY 1, 2
)
SELECT hour, sum(n)::BIGINT AS events, map(list(family ORDER BY n DESC, family),
    list(n ORDER BY n DESC, family)) AS by_family
FROM f GROUP BY hour ORDER BY hour
"""
_TIMELINE = f"""
SELECT ts, 'alert ' || level AS what, kind || coalesce(' ' || symbol, '') || ': ' || message AS detail
FROM alerts WHERE {_W} AND (level = 'critical' OR kind = 'emergency_close')
UNION ALL
SELECT ts, type AS what, coalesce(producer, '') || coalesce(' v' || version, '')
    || coalesce(' (' || reason || ')', '') AS detail
FROM events WHERE {_W} AND type IN ('bot.started', 'bot.stopped')
UNION ALL
SELECT ts, type AS what, coalesce(oco_group_id, recommendation_id, '') || ': ' || coalesce(error, '')
FROM events WHERE {_W} AND type IN ('oco.failed', 'recommendation.failed')
UNION ALL
SELECT ts, 'deal ' || reason AS what, symbol || ' position ' || position_id || ' closed, net '
    || CAST(CAST(net AS DECIMAL(18, 2)) AS VARCHAR) AS detail FROM deals
WHERE {_W} AND entry IN ('out', 'out_by', 'inout') AND reason = 'so'
ORDER BY ts, what
"""


def audit_text(a: SessionAudit) -> str:
    """The audit as plain text sections for a terminal (times UTC)."""
    out = [f"Session audit {timestamp(a.start)} -> {timestamp(a.end)} ({a.events} events)", ""]

    def section(title: str, rows: list[str], empty: str) -> None:
        out.append(f"{title}:")
        out.extend(f"  {r}" for r in rows) if rows else out.append(f"  {empty}")
        out.append("")

    section("Alerts by kind", [f"{r['kind']}: {r['alerts']} ({r['critical']} critical, "
            f"{r['warning']} warning, {r['info']} info)" for r in a.alerts_by_kind], "none")  # fmt: skip
    section("Alerts by hour", [f"{timestamp(r['hour'])[11:16]}  {r['alerts']} ({r['critical']} critical): "
            + ", ".join(r["kinds"]) for r in a.alerts_by_hour], "none")  # fmt: skip
    section("Unprotected positions (open at the end, no stop)", [_pos(r) for r in a.unprotected], "none")  # fmt: skip
    section("Aged positions (open at the end for longer than the limit)", [_pos(r) for r in a.aged], "none")  # fmt: skip
    section("Emergency closes", [f"{timestamp(r['ts'])}  {r['what']} {r['symbol'] or ''} "
            f"{r['position_id'] or ''}: {r['detail']}" for r in a.emergency_closes], "none")  # fmt: skip
    section("API errors", [f"{timestamp(r['ts'])}  {r['source']} {r['what']}: {r['detail']}"
            for r in a.api_errors], "none")  # fmt: skip
    section("Latency (ms)", [f"{r['name']}: n {r['n']}, p50 {r['p50_ms']:.1f}, p95 {r['p95_ms']:.1f}, "
            f"p99 {r['p99_ms']:.1f}, max {r['max_ms']:.1f}" for r in a.latency], "no timing")  # fmt: skip
    section("Activity per hour", [f"{timestamp(r['hour'])[11:16]}  {r['events']} events: " + ", ".join(
            f"{n} {f}" for f, n in r["by_family"].items()) for r in a.activity], "no event")  # fmt: skip
    section("Timeline of critical events", [f"{timestamp(r['ts'])}  {r['what']}: {r['detail']}"
            for r in a.timeline], "none")  # fmt: skip
    return "\n".join(out).rstrip() + "\n"


def _pos(r: dict[str, Any]) -> str:
    return (f"{r['trade_id']} {r['symbol']} {r['side']} {r['volume']} lots, open since "
            f"{timestamp(r['open_ts'])} ({r['hours_open']:.1f} h), stop {r['final_sl'] or 'none'}")  # fmt: skip
