"""The two lock files pin the same versions: requirements.txt (what installs use, with hashes)
and pylock.toml (the same lock in the PEP 751 format, written from it by ``make lock``)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_pylock_pins_exactly_what_requirements_txt_pins() -> None:
    text = (ROOT / "requirements.txt").read_text("utf-8")
    pinned = {
        (_normal(n), v) for n, v in re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", text, re.M)
    }
    lock = tomllib.loads((ROOT / "pylock.toml").read_text("utf-8"))
    locked = {(_normal(p["name"]), p["version"]) for p in lock["packages"]}
    assert {"duckdb", "msgspec", "python-telegram-bot"} <= {n for n, _ in pinned}
    assert locked == pinned
    for package in lock["packages"]:  # every artifact carries a hash to check it against
        files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
        assert files and all(f["hashes"].get("sha256") for f in files), package["name"]
