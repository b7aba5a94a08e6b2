"""Fixtures for the report and audit tests: the session scenario and an empty journal."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_scenario import session, write


@pytest.fixture(scope="module")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A journal holding report_scenario.session() (tests only read it)."""
    return write(tmp_path_factory.mktemp("session") / "journal", session())


@pytest.fixture
def empty_dir(tmp_path: Path) -> Path:
    """A journal without events."""
    return write(tmp_path / "empty", [])
