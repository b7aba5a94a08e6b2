"""Smoke test: every ``tradejournal.*`` package is imported from this repository, not site-packages.

``events``, ``store`` and ``projections`` are also PyPI names; a stray install must never shadow
the code under test.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ("events", "store", "projections", "producers", "producers.mt5", "cli")


@pytest.mark.parametrize("name", EXPECTED)
def test_package_resolves_inside_the_repo(name: str) -> None:
    qualified = f"tradejournal.{name}"
    if importlib.util.find_spec(qualified) is None:
        pytest.skip(f"{qualified} does not exist yet")

    module = importlib.import_module(qualified)

    assert module.__file__ is not None, f"{qualified} is a namespace package, expected a file"
    path = Path(module.__file__).resolve()
    assert path.is_relative_to(ROOT), f"{qualified} resolved to {path}, expected under {ROOT}"
    assert "site-packages" not in path.relative_to(ROOT).parts
    assert path.parent == ROOT.joinpath(*name.split(".")), f"{qualified} lives in {path.parent}"


def test_the_event_catalogue_package_exists() -> None:
    assert importlib.util.find_spec("tradejournal.events") is not None


def _package_folders() -> set[str]:
    roots = ("events", "store", "projections", "producers", "cli")
    return {
        "tradejournal." + ".".join(init.parent.relative_to(ROOT).parts)
        for root in roots
        for init in (ROOT / root).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }


@pytest.mark.slow
def test_every_package_folder_and_sql_file_is_in_the_wheel(tmp_path: Path) -> None:
    """A folder with an ``__init__.py`` imports in the editable install; it must ship too."""
    import subprocess
    import sys
    import zipfile

    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("tradejournal-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        n.removesuffix("/__init__.py").replace("/", ".")
        for n in names
        if n.endswith("/__init__.py")
    }
    assert _package_folders() <= shipped, f"missing from the wheel: {_package_folders() - shipped}"
    sql = {p.name for p in (ROOT / "projections" / "sql").glob("*.sql")}
    assert sql == {
        n.rsplit("/", 1)[1] for n in names if n.startswith("tradejournal/projections/sql/")
    }
