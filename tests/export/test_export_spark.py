"""Apache Spark (pyspark, local mode) reads the snapshot tree and agrees with ``sql --snapshots``.

Two journals exported side by side; Spark reads the latest snapshot of each (chosen from the
manifests, as any job would) and computes per-journal trade counts and net P&L.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from export_helpers import demo_journal

from tradejournal.cli.main import cli
from tradejournal.projections.export import export_snapshot, latest_snapshots

pytestmark = pytest.mark.slow

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:  # .ci/run installs it; a bare machine skips with a reason
    pytest.skip("Spark needs Java (17+) on PATH", allow_module_level=True)


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("tradejournal-test")
        .config("spark.driver.memory", "512m")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_and_duckdb_agree_per_journal(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lake = tmp_path / "lake"
    a = demo_journal(tmp_path / "a", days=2)
    b = demo_journal(tmp_path / "b", seed=7)
    export_snapshot(a, lake / "host-a", "2026-11-29")  # older: must be ignored
    with_more = demo_journal(tmp_path / "a", days=3)  # same journal, more events
    export_snapshot(with_more, lake / "host-a", "2026-11-30")
    export_snapshot(b, lake / "host-b", "2026-11-30")

    latest = latest_snapshots(lake)
    paths = [str(folder / "tables" / "trades.parquet") for folder, _ in latest.values()]
    rows = (
        spark.read.parquet(*paths)
        .groupBy("journal")
        .agg({"*": "count", "net_pnl": "sum"})
        .collect()
    )
    from_spark = {r["journal"]: (r["count(1)"], Decimal(r["sum(net_pnl)"])) for r in rows}
    frames = [spark.read.parquet(str(folder / "events")) for folder, _ in latest.values()]
    events = frames[0].unionByName(frames[1], allowMissingColumns=True)  # one root per snapshot
    events_per_journal = {
        r["journal"]: r["count"] for r in events.groupBy("journal").count().collect()
    }

    sql = "SELECT journal, count(*) AS trades, sum(net_pnl) AS net FROM trades GROUP BY ALL"
    out = CliRunner().invoke(cli, ["sql", "--snapshots", str(lake), "--format", "json", sql])
    from_duckdb = {
        r["journal"]: (r["trades"], Decimal(str(r["net"]))) for r in json.loads(out.stdout)
    }

    assert len(from_spark) == 2 and all(n > 0 for n, _ in from_spark.values())
    assert from_spark == from_duckdb
    assert events_per_journal == {j: m.tables["events"] for j, (_f, m) in latest.items()}
