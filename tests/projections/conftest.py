"""Fixtures for the projection tests: journals written with the real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from proj_helpers import write
from proj_scenario import two_accounts


@pytest.fixture
def journal_dir(tmp_path: Path) -> Path:
    """An empty journal directory."""
    jd = tmp_path / "journal"
    write(jd, [])
    return jd


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A journal holding the two_accounts scenario (tests only read it)."""
    jd = tmp_path_factory.mktemp("scenario") / "journal"
    write(jd, two_accounts())
    return jd
