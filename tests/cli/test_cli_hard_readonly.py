"""Issue 12 item 10: a journal whose projections cannot be written is still queryable.

Before: a read-only journal (a read-only mount, a backup) could not be queried as soon as
anything was new, since the catch-up must write. The tests run as any user (root ignores file
modes), so the catch-up is made impossible the way a read-only directory would: its build lock
cannot be created (a directory stands where ``projections.lock`` goes).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from cli_testlib import EVENTS, jsonl, make_journal, run

NEW = {"type": "bot.started", "id": "t:new", "ts": "2026-03-03T06:00:00Z", "producer": "telegram",
       "version": "2"}  # fmt: skip
COUNT = ("sql", "SELECT count(*) AS n FROM events", "--format", "csv")


def _unbuildable(journal: Path) -> None:
    lock = journal / "projections.lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()


def test_a_query_falls_back_to_the_last_complete_projections(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    assert run(journal, *COUNT).stdout == "n\n6\n"
    assert run(journal, "append", input=jsonl([NEW])).exit_code == 0
    _unbuildable(journal)

    result = run(journal, *COUNT)

    assert result.exit_code == 0, result.output
    assert result.stdout == "n\n6\n"
    assert "warning: cannot catch up" in result.stderr
    assert "showing the last complete projections" in result.stderr


def test_no_catch_up_queries_what_is_there(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    assert run(journal, *COUNT).stdout == "n\n6\n"
    assert run(journal, "append", input=jsonl([NEW])).exit_code == 0

    stale = run(journal, *COUNT, "--no-catch-up")
    fresh = run(journal, *COUNT)

    assert (stale.stdout, stale.stderr) == ("n\n6\n", "")
    assert fresh.stdout == "n\n7\n"


def test_without_any_projections_the_error_says_why(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j", EVENTS)
    for path in journal.glob("projections*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    _unbuildable(journal)

    result = run(journal, *COUNT)

    assert result.exit_code == 1
    assert "cannot build the projections" in result.stderr
