"""``export_ml``: one row per recommendation, its features and its outcome, for model training.

Columns: the recommendation (id, time, account, symbol, direction, confidence, entry/SL/TP,
planned R:R, timeframe, regime, model, prompt variant, generation time, LLM cost), the features
of the signal behind it (signal confidence, RSI, ADX, ATR, signal regime), what became of it
(status, executed, trade status) and the result (net P&L, R multiple, won). One SQL statement
over the projections, written by DuckDB as Parquet (zstd) or CSV (header, RFC 3339 UTC times),
chosen by the file's suffix.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from .._files import release
from ..engine import connect_readonly
from ..errors import ProjectionError

__all__ = ["ML_SQL", "export_ml"]

ML_SQL = """
SELECT r.recommendation_id, r.ts, r.account, r.symbol, r.direction, r.confidence,
    r.confidence_bucket, r.entry_price, r.sl, r.tp, r.planned_r AS rr, r.timeframe, r.regime,
    r.model, r.prompt_variant, r.generation_ms, r.cost_usd,
    r.signal_id, s.confidence AS signal_confidence, s.rsi, s.adx, s.atr,
    s.regime AS signal_regime,
    r.status, r.executed, r.filled, r.trade_status, r.net_pnl, r.r_multiple, r.won
FROM recommendations r
LEFT JOIN signals s USING (signal_id)
ORDER BY r.ts, r.recommendation_id
"""


def export_ml(journal: str | os.PathLike[str], out: str | os.PathLike[str]) -> int:
    """Write the training set to ``out`` (``.parquet`` or ``.csv``); return its row count."""
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise ProjectionError(f"{path}: the ML export writes .parquet or .csv files")
    if "'" in str(path):
        raise ProjectionError(f"{path}: a quote in the file name is not supported")
    options = (
        "FORMAT parquet, COMPRESSION zstd"
        if suffix == ".parquet"
        else "FORMAT csv, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%fZ'"
    )
    con = connect_readonly(journal)
    try:
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        try:
            row = con.execute(f"COPY ({ML_SQL}) TO '{tmp}' ({options})").fetchone()
            os.replace(tmp, path)
        except duckdb.Error as exc:
            raise ProjectionError(f"writing {path}: {exc}") from exc
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        release(con)
    return int(row[0]) if row else 0
