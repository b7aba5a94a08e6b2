"""CLI reads on up-to-date projections, wall clock including the process start, as ratios.

Each command runs as a fresh process, alternating in one loop (so load on the machine hits all
of them alike), and the medians are compared with

- the floor: a Python process that imports DuckDB, attaches the same ``projections.duckdb``
  read-only and runs the same query (what no implementation of ``sql`` can beat);
- optionally an older checkout of the code (``--baseline-src DIR``, a source tree such as
  ``git archive main | tar -x -C DIR``), run on its own copy of the journal.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERY = "SELECT count(*) FROM trades"
_PACKAGES = ("events", "store", "projections", "cli", "producers")


def baseline_env(src: Path, root: Path) -> dict[str, str]:
    """Return an environment that imports ``tradejournal`` from the source tree ``src``."""
    pkg = root / "baseline-pkg" / "tradejournal"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").touch()
    for name in _PACKAGES:
        link = pkg / name
        if not link.exists():
            link.symlink_to(Path(src).resolve() / name)
    return {**os.environ, "PYTHONPATH": str(pkg.parent)}


def _run(cmd: list[str], env: dict[str, str] | None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - t


def _cli(jdir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "tradejournal.cli", "--journal", str(jdir), *args]


def _floor(jdir: Path) -> list[str]:
    db = jdir / "projections.duckdb"
    code = (
        "import duckdb; c = duckdb.connect(); "
        f"c.execute(\"ATTACH '{db}' AS j (READ_ONLY)\"); c.execute('USE j'); "
        f"print(c.execute({QUERY!r}).fetchall())"
    )
    return [sys.executable, "-c", code]


def bench(jdir: Path, baseline_src: Path | None = None, repeat: int = 9) -> dict[str, float]:
    """Median wall clock (s) of ``sql`` and ``stats`` on ``jdir`` (caught up first), the floor
    and, with ``baseline_src``, the same commands of the older code."""
    root = Path(tempfile.mkdtemp(prefix="tj-cbench-", dir=jdir.parent))
    cmds: dict[str, tuple[list[str], dict[str, str] | None]] = {}
    try:
        subprocess.run(_cli(jdir, "rebuild"), check=True, capture_output=True)
        cmds["floor"] = (_floor(jdir), None)
        cmds["sql"] = (_cli(jdir, "sql", QUERY), None)
        cmds["stats"] = (_cli(jdir, "stats"), None)
        if baseline_src is not None:
            env = baseline_env(baseline_src, root)
            old = root / "journal"
            shutil.copytree(jdir / "segments", old / "segments")
            for name in ("journal.json", "index.sqlite"):
                if (jdir / name).exists():
                    shutil.copy2(jdir / name, old / name)
            subprocess.run(_cli(old, "rebuild"), check=True, capture_output=True, env=env)
            cmds["old_sql"] = (_cli(old, "sql", QUERY), env)
            cmds["old_stats"] = (_cli(old, "stats"), env)
        for cmd, env in cmds.values():  # warm the page cache once
            _run(cmd, env)
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for _ in range(repeat):
            for key, (cmd, env) in cmds.items():
                times[key].append(_run(cmd, env))
        return {k: statistics.median(v) for k, v in times.items()}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def row(label: str, r: dict[str, float]) -> str:
    """One markdown table row for ``bench``'s result."""
    old = (
        f"{r['old_sql'] * 1000:.0f} ms / {r['old_stats'] * 1000:.0f} ms"
        if "old_sql" in r
        else "not run"
    )
    return (
        f"| {label} | {r['sql'] * 1000:.0f} ms | {r['floor'] * 1000:.0f} ms "
        f"| {r['sql'] / r['floor']:.2f}× | {r['stats'] * 1000:.0f} ms | {old} |"
    )


HEADER = (
    f"| journal | `tradejournal sql {QUERY!r}` (median) | floor: python + DuckDB attach + the "
    "query | ratio | `tradejournal stats` | old code, same run: sql / stats |\n|---|---|---|---|---|---|"
)
