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
