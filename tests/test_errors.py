"""One error root: every exception class the packages define derives from TradejournalError.

The CLI's error handler catches that one type (no hand-kept list), so a new producer's error is
reported as a clear message without a traceback, as soon as it derives from the root.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import click
import pytest

import tradejournal
from tradejournal.events import InvalidEventError, TradejournalError

ROOT = Path(__file__).resolve().parents[1]


def _modules() -> list[str]:
    names = []
    for pkg in ("events", "store", "projections", "producers", "cli"):
        module = importlib.import_module(f"tradejournal.{pkg}")
        names.append(module.__name__)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"tradejournal.{pkg}."):
            if not info.name.endswith("__main__"):
                names.append(info.name)
    return names


def _own_exception_classes() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__.startswith("tradejournal."):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return list(found.values())


def test_every_error_class_derives_from_the_one_root() -> None:
    classes = _own_exception_classes()
    assert len(classes) >= 10  # store, projections, report, input, frame errors at least
    strays = [
        f"{c.__module__}.{c.__qualname__}"
        for c in classes
        if not issubclass(c, TradejournalError) and not issubclass(c, click.ClickException)
    ]
    assert strays == []


def test_builtin_mixins_are_kept() -> None:
    from tradejournal.producers.mt5.report import ReportError
    from tradejournal.projections.errors import ProjectionError
    from tradejournal.store import CorruptionError, JournalNotFoundError, WriteFailedError

    assert issubclass(InvalidEventError, ValueError)
    assert issubclass(CorruptionError, ValueError)
    assert issubclass(JournalNotFoundError, FileNotFoundError)
    assert issubclass(WriteFailedError, OSError)
    assert issubclass(ProjectionError, RuntimeError)
    assert issubclass(ReportError, ValueError)


def test_the_root_lives_in_the_lowest_layer() -> None:
    source = (ROOT / "events" / "errors.py").read_text("utf-8")
    assert "from tradejournal" not in source and "import tradejournal" not in source
    assert tradejournal.events.TradejournalError is TradejournalError  # type: ignore[attr-defined]


def test_the_cli_handler_keeps_no_hand_kept_list() -> None:
    source = (ROOT / "cli" / "main.py").read_text("utf-8")
    assert "sys.modules" not in source


@pytest.mark.parametrize("message", ["plugin broke: reason"])
def test_any_root_error_from_a_command_is_a_clean_message(message: str) -> None:
    from click.testing import CliRunner

    from tradejournal.cli.main import cli

    class PluginError(TradejournalError):
        pass

    @cli.command("raise-for-test", hidden=True)
    def _raise() -> None:
        raise PluginError(message)

    try:
        result = CliRunner().invoke(cli, ["raise-for-test"])
    finally:
        cli.commands.pop("raise-for-test")
    assert result.exit_code == 1
    assert f"Error: {message}" in result.output
    assert "Traceback" not in result.output
