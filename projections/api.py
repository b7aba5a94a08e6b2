"""The read side of the projections: ad-hoc SQL, statistics, the MT5 summary, trades, stories.

Every function catches up first (``connect_readonly``), runs SQL defined in ``sql/*.sql``
(macros and views) on a read-only connection, and returns plain Python values: money as
``Decimal``, counts as ``int``, ratios as ``float``, timestamps as aware UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb

from . import _reader
from ._fetch import fetch, fetch_batches, fetch_dicts
from ._interrupt import interruptible, projection_error
from .formats import plain_decimal
from .present import MT5_EQUITY_COLUMNS, MT5_SUMMARY_COLUMNS, STAT_DIMENSIONS

if TYPE_CHECKING:
    from .errors import ProjectionError

__all__ = [
    "DEFAULT_QUERY_TIMEOUT",
    "MT5_EQUITY_COLUMNS",
    "MT5_SUMMARY_COLUMNS",
    "STAT_DIMENSIONS",
    "mt5_summary",
    "query",
    "query_batches",
    "run_readonly",
    "stats",
    "trade_legs",
    "trade_story",
    "trades",
]

PathLike = str | os.PathLike[str]
T = TypeVar("T")
_ALLOWED = {"SELECT", "EXPLAIN"}
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_EXPLAIN = re.compile(r"^\s*EXPLAIN(\s+ANALY[SZ]E\b|\s*\([^)]*\))*\s*", re.IGNORECASE)


_PIVOT_HINT = (
    "; the PIVOT statement runs several statements: write SELECT * FROM (PIVOT t ON col IN "
    "('a', 'b') USING sum(x)), with the values listed"
)


def _connect(
    journal_dir: PathLike, sandbox: bool = False, catch_up_first: bool = True
) -> duckdb.DuckDBPyConnection:
    """The projections, current: at once when nothing changed since the last build (``_reader``:
    neither the engine, the store nor the event types are imported), else through the engine's
    full check and catch-up (``engine.connect_readonly``)."""
    con = _reader.open_if_current(Path(journal_dir))
    if con is not None:
        return _reader.sandbox(con) if sandbox else con
    from .engine import connect_readonly

    return connect_readonly(journal_dir, sandbox=sandbox, catch_up_first=catch_up_first)


def _tidy(value: Any) -> Any:
    """Drop the DECIMAL(38,10) padding: Decimal('3.6000000000') -> Decimal('3.6')."""
    return plain_decimal(value) if isinstance(value, Decimal) else value


def _tidy_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _tidy(v) for k, v in row.items()}


def _ts(value: dt.datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise projection_error()(f"naive datetime {value}: pass an aware (UTC) datetime")
        return value.astimezone(dt.UTC).isoformat()
    return value


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[dict[str, Any]]:
    try:
        return [_tidy_row(r) for r in fetch_dicts(con, sql, params)]
    except duckdb.Error as exc:
        raise projection_error()(str(exc)) from exc


def _statement_kind(con: duckdb.DuckDBPyConnection, statement: Any) -> str:
    """Return the statement type; for EXPLAIN, the type of what it explains (ANALYZE runs it)."""
    kind = str(statement.type.name)
    if kind in ("MULTI", "LOAD"):  # PIVOT parses as MULTI, INSTALL as LOAD: name what was written
        words = re.findall(r"[A-Za-z_]+", _COMMENTS.sub(" ", str(statement.query)))
        return words[0].upper() if words else kind
    if kind != "EXPLAIN":
        return kind
    inner = _EXPLAIN.sub("", str(statement.query), count=1)
    try:
        explained = con.extract_statements(inner)
    except duckdb.Error:
        return "EXPLAIN of an unparsable statement"
    return (
        "EXPLAIN"
        if all(e.type.name == "SELECT" for e in explained)
        else "EXPLAIN " + (explained[0].type.name if explained else "?")
    )


TIMEOUT_MESSAGE = (
    "query stopped after {:g} s, its time limit (raise it with --timeout, or narrow the query)"
)
DEFAULT_QUERY_TIMEOUT = 300.0
"""Seconds an ad-hoc query may run before it is stopped (``query(timeout=...)``, ``sql --timeout``)."""


def query(
    journal_dir: PathLike,
    sql: str,
    *,
    timeout: float | None = DEFAULT_QUERY_TIMEOUT,
    catch_up: bool = True,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read-only SQL statement (SELECT / EXPLAIN) and return (columns, rows).

    Statements that could modify anything (INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, ATTACH,
    COPY, SET, PRAGMA, CALL, ...) are refused with ``ProjectionError``; DuckDB's own message is
    kept for syntax and execution errors. The query sees only the projections: the connection has
    no file, network or extension access (``read_csv('/etc/passwd')`` is refused).
    ``timeout``: seconds before the statement is stopped with ``ProjectionError`` (None: no
    limit). Ctrl-C (``KeyboardInterrupt``) stops the statement too and is raised again.
    ``catch_up=False`` queries the last complete projections as they are (a read-only journal).
    """
    columns, batches = query_batches(journal_dir, sql, timeout=timeout, catch_up=catch_up)
    return columns, [row for batch in batches for row in batch]


def query_batches(
    journal_dir: PathLike,
    sql: str,
    *,
    timeout: float | None = DEFAULT_QUERY_TIMEOUT,
    catch_up: bool = True,
    size: int = 10_000,
) -> tuple[list[str], Iterator[list[tuple[Any, ...]]]]:
    """Like ``query``, but the rows come in batches of ``size`` as they are read, so a large
    result is written out without ever being held whole (``sql --format csv|json|jsonl``)."""
    con = _connect(journal_dir, sandbox=True, catch_up_first=catch_up)
    deadline = None if timeout is None else time.monotonic() + timeout

    def run(work: Callable[[], T]) -> T:
        left = None if deadline is None else max(0.001, deadline - time.monotonic())
        try:
            return interruptible(con.interrupt, work, left)
        except projection_error() as exc:  # the time limit ran out: name the whole limit
            raise projection_error()(TIMEOUT_MESSAGE.format(timeout)) from exc
        except duckdb.Error as exc:
            raise _translated(exc) from exc

    try:
        _check_read_only(con, sql)
        try:
            columns, batches = fetch_batches(con, sql, size, run)
        except duckdb.Error as exc:
            raise _translated(exc) from exc
    except BaseException:
        con.close()
        raise

    def stream() -> Iterator[list[tuple[Any, ...]]]:
        try:
            yield from batches
        finally:
            con.close()

    return columns, stream()


def _translated(exc: duckdb.Error) -> ProjectionError:
    if isinstance(exc, duckdb.PermissionException):
        return projection_error()(
            f"query reads only the projections: file, network and extension access is "
            f"disabled ({exc})"
        )
    return projection_error()(str(exc))


def _check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise projection_error()(str(exc)) from exc
    if len(statements) != 1:
        raise projection_error()(f"query runs exactly one statement, got {len(statements)}")
    kind = _statement_kind(con, statements[0])
    if kind not in _ALLOWED:
        raise projection_error()(
            f"query is read-only: {kind} statements are refused (only SELECT and EXPLAIN)"
            + (_PIVOT_HINT if kind == "PIVOT" else "")
        )


def run_readonly(
    con: duckdb.DuckDBPyConnection, sql: str
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one statement on a sandboxed connection if it is read-only (see ``query``)."""
    _check_read_only(con, sql)
    try:
        return fetch(con, sql)
    except duckdb.Error as exc:
        raise _translated(exc) from exc


def stats(
    journal_dir: PathLike,
    by: str | None = None,
    since: dt.datetime | str | None = None,
    until: dt.datetime | str | None = None,
    account: str | None = None,
    *,
    tol: Decimal | int | float = 0,
    tz: str = "UTC",
) -> dict[str, Any]:
    """Return the journal statistics of closed trades (docs/statistics.md section 2).

    ``by=None``: one dict of figures (``trades``, ``wins``, ``win_rate``, ``profit_factor``,
    ``expectancy_r``, ``sqn``, ``max_drawdown``, ...). The drawdown comes from the sum of each
    selected account's own curve, cash flows excluded (docs/statistics.md): its
    account.snapshot equity where it has 2 snapshots or more, else its realised balance from
    ``start_balance``; ``curve_by_account`` says which ({account: 'equity' | 'realised'}) and
    ``drawdown_source`` is 'equity', 'realised' or 'mixed'. With every account on equity,
    ``sharpe`` and ``sortino`` follow (cash-flow-adjusted daily returns, days in ``tz``).
    ``by`` in ``STAT_DIMENSIONS``: {group value: figures}, each group's drawdown on realised P&L
    (``drawdown_source`` 'realised' in every group). ``since``/``until``
    filter on close time (until exclusive); ``tol`` is the breakeven tolerance in money;
    weekday/hour/month use time zone ``tz``.
    """
    if by is not None and by not in STAT_DIMENSIONS:
        raise projection_error()(
            f"unknown breakdown {by!r}; choose one of {', '.join(STAT_DIMENSIONS)}"
        )
    params = [by, Decimal(str(tol)), tz, _ts(since), _ts(until), account]
    con = _connect(journal_dir)
    try:
        if params == [None, 0, "UTC", None, None, None]:  # the defaults: kept by the build
            rows = _run(con, "SELECT * EXCLUDE (sort_key) FROM _stats_overall")
        else:
            rows = _run(
                con,
                "SELECT * EXCLUDE (sort_key) FROM trade_stats(dim := ?, tol := ?, tz := ?, "
                "since := ?, until := ?, acct := ?)",
                params,
            )
        if by is not None:
            return {r.pop("group"): {**r, "drawdown_source": "realised"} for r in rows}
        figures = rows[0] if rows else _empty_stats(con)
        figures.pop("group", None)
        _curve_figures(con, figures, params[3:], tz)
        return figures
    finally:
        con.close()


def _empty_stats(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    cols, _ = fetch(con, "SELECT * EXCLUDE (sort_key) FROM trade_stats() LIMIT 0")
    counts = {"trades", "wins", "losses", "breakevens", "trades_with_r", "trades_without_r"}
    return {c: (0 if c in counts else None) for c in cols}


def _curve_figures(
    con: duckdb.DuckDBPyConnection, figures: dict[str, Any], sel: list[Any], tz: str
) -> None:
    """Replace the drawdown with the combined per-account curve's (docs/statistics.md)."""
    since, until, account = sel
    params = [since, until, account]
    kinds = _run(con, "SELECT * FROM perf_accounts(since := ?, until := ?, acct := ?)", params)
    figures["curve_by_account"] = {k["account"]: k["curve"] for k in kinds}
    used = {k["curve"] for k in kinds}
    figures["drawdown_source"] = used.pop() if len(used) == 1 else ("mixed" if used else "realised")
    dd = _run(con, "SELECT * FROM perf_drawdown(since := ?, until := ?, acct := ?)", params)
    if dd:
        for key in _DRAWDOWN_KEYS:
            figures[key] = dd[0][key]
    if figures["drawdown_source"] == "equity":
        ratios = _run(
            con,
            "SELECT * FROM perf_ratios(since := ?, until := ?, acct := ?, tz := ?)",
            [*params, tz],
        )
        figures["sharpe"] = ratios[0]["sharpe"] if ratios else None
        figures["sortino"] = ratios[0]["sortino"] if ratios else None


_DRAWDOWN_KEYS = (
    "max_drawdown",
    "max_drawdown_pct",
    "drawdown_peak_ts",
    "drawdown_trough_ts",
    "current_drawdown",
)


def mt5_summary(
    journal_dir: PathLike, account: str | None = None
) -> dict[str, Decimal | int | None]:
    """Return MetaTrader 5's report summary (keys = ``MT5_SUMMARY_COLUMNS``) from the deals.

    ``account=None`` pools every account (right for a one-account journal). Money is exact;
    percentages and ratios are unrounded; ``profit_factor`` is None without a loss and the
    balance drawdowns are None without a balance operation. No deal: every count/money is 0.
    The equity drawdown (``MT5_EQUITY_COLUMNS``) follows only when the account has
    ``account.snapshot`` events (pooled: when one account holds every deal and snapshot); it is
    never estimated from the deals.
    """
    con = _connect(journal_dir)
    try:
        if account is None:
            rows = _run(con, "SELECT * FROM mt5_summary")
        else:
            rows = _run(con, "SELECT * FROM mt5_summary_for(?)", [account])
    finally:
        con.close()
    if not rows:
        empty: dict[str, Decimal | int | None] = {c: 0 for c in MT5_SUMMARY_COLUMNS}
        for c in MT5_SUMMARY_COLUMNS:
            if c == "profit_factor" or c.startswith("balance_drawdown"):
                empty[c] = None
        return empty
    row = rows[0]
    keys: tuple[str, ...] = MT5_SUMMARY_COLUMNS
    if row["equity_drawdown_maximal"] is not None:
        keys += MT5_EQUITY_COLUMNS
    return {c: row[c] for c in keys}


def trades(
    journal_dir: PathLike,
    open: bool | None = None,
    symbol: str | None = None,
    since: dt.datetime | str | None = None,
    account: str | None = None,
    until: dt.datetime | str | None = None,
) -> list[dict[str, Any]]:
    """Return trades (one dict per row of ``trades``) ordered by open time. ``open``: True only
    open ones, False only closed ones; ``since`` / ``until``: opened or closed at or after / before
    (exclusive) that time; both: the trades whose open-to-close span meets the window."""
    status = None if open is None else ("open" if open else "closed")
    con = _connect(journal_dir)
    try:
        return _run(
            con,
            "SELECT * FROM trades WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR symbol = $2)"
            " AND ($3 IS NULL OR greatest(open_ts, coalesce(close_ts, open_ts)) >= CAST($3 AS TIMESTAMPTZ))"
            " AND ($5 IS NULL OR least(open_ts, coalesce(close_ts, open_ts)) < CAST($5 AS TIMESTAMPTZ))"
            " AND ($4 IS NULL OR account = $4) ORDER BY open_ts NULLS FIRST, trade_id",
            [status, symbol, _ts(since), account, _ts(until)],
        )
    finally:
        con.close()


def trade_legs(
    journal_dir: PathLike, position_id: int, account: str | None = None
) -> list[dict[str, Any]]:
    """Return the rows of ``trades`` of one position (one per leg; several accounts may hold
    the same position id when ``account`` is None), ordered by account and leg."""
    con = _connect(journal_dir)
    try:
        return _run(
            con,
            "SELECT * FROM trades WHERE position_id = $1 AND ($2 IS NULL OR account = $2) "
            "ORDER BY account, leg",
            [int(position_id), account],
        )
    finally:
        con.close()


def trade_story(
    journal_dir: PathLike, position_id: int, account: str | None = None
) -> list[dict[str, Any]]:
    """Return the position's whole story in time order (see ``sql/400_trade_story.sql``).

    Each dict has seq (None for the synthetic ``trade.result`` rows), ts, type, a one-line
    ``summary`` and the main fields (symbol, side, volume, price, sl, tp, net, r_multiple).
    """
    con = _connect(journal_dir)
    try:
        return _run(con, "SELECT * FROM trade_story(?, acct := ?)", [int(position_id), account])
    finally:
        con.close()
