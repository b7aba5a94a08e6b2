"""Describe the machine a benchmark ran on (CPU, cores, memory, filesystem, versions)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path


def describe(path: Path) -> str:
    """Return one markdown line naming the machine, the filesystem of ``path`` and the date."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    fs = ""
    try:
        out = (
            subprocess.run(["df", "-T", str(path)], capture_output=True, text=True, check=True)
            .stdout.splitlines()[-1]
            .split()
        )
        fs = f", filesystem {out[1]} on {out[0]}"
    except (OSError, subprocess.CalledProcessError, IndexError):
        pass
    import duckdb
    import msgspec

    return (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d}, {cpu}, {os.cpu_count()} cores{mem}{fs}, "
        f"Python {platform.python_version()}, msgspec {msgspec.__version__}, "
        f"duckdb {duckdb.__version__}"
    )
