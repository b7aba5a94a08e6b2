"""Issue 12 items 2, 4 and 14: MT5 report imports never double-count and refuse bad input.

Before: the same tester report under another file name was imported again (tester reports carry
no login, so the account defaulted to the file name) and ``stats --mt5`` tripled every figure; a
truncated HTML report imported part of its deals with exit 0; ``--server-utc-offset nan`` gave a
traceback.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_testlib import make_journal, run
from test_cli_mt5_import import REPORTS, SKIP_REASON, _import, _mt5_json

from tradejournal.store import read_events

TESTER = [p for p in REPORTS if p.name == "didinska21_didinska-MT5__ReportTester.html"]


def _tester() -> Path:
    if not TESTER:
        pytest.skip(SKIP_REASON)
    return TESTER[0]


def test_a_renamed_tester_report_adds_nothing(tmp_path: Path) -> None:
    original = _tester()
    journal = make_journal(tmp_path / "j", [])
    copies = [tmp_path / name for name in ("run-a.html", "run-b.html", "final.html")]
    for copy in copies:
        shutil.copyfile(original, copy)

    first = _import(journal, copies[0])
    figures = _mt5_json(journal, "run-a")
    events = [e.id for e in read_events(journal)]
    again = [_import(journal, copy) for copy in copies[1:]]

    assert first.group(4) == "run-a"
    assert [m.group(4, 5) for m in again] == [("run-a", "0"), ("run-a", "0")]
    assert [e.id for e in read_events(journal)] == events
    assert _mt5_json(journal, "run-a") == figures


def test_an_explicit_other_account_for_known_deals_is_refused_unless_forced(
    tmp_path: Path,
) -> None:
    report = _tester()
    journal = make_journal(tmp_path / "j", [])
    _import(journal, report, "--account", "tester")
    events = [e.id for e in read_events(journal)]

    refused = run(journal, "import", "mt5-report", str(report), "--account", "other")
    same = _import(journal, report, "--account", "tester")

    assert refused.exit_code == 1
    assert "already in the journal as account tester" in refused.stderr
    assert "--account tester" in refused.stderr and "--force" in refused.stderr
    assert [e.id for e in read_events(journal)] == events
    assert same.group(5) == "0"
    forced = _import(journal, report, "--account", "other", "--force")
    assert forced.group(4) == "other" and int(forced.group(5)) > 0


@pytest.mark.parametrize("percent", [60, 75, 90])
def test_a_truncated_html_report_is_refused(tmp_path: Path, percent: int) -> None:
    data = _tester().read_bytes()
    cut = tmp_path / "cut.html"
    cut.write_bytes(data[: len(data) * percent // 100 // 2 * 2])  # UTF-16: whole code units
    journal = make_journal(tmp_path / "j", [])

    result = run(journal, "import", "mt5-report", str(cut))

    assert result.exit_code == 1, result.output
    assert f"{cut}: truncated" in result.stderr
    assert list(read_events(journal)) == []


@pytest.mark.parametrize("offset", ["nan", "inf", "-inf", "1e9", "14.5", "-15"])
def test_a_server_utc_offset_beyond_14_hours_is_a_usage_error(tmp_path: Path, offset: str) -> None:
    journal = make_journal(tmp_path / "j", [])
    report = tmp_path / "r.html"
    report.write_text("<table></table>")

    result = run(journal, "import", "mt5-report", str(report), f"--server-utc-offset={offset}")

    assert result.exit_code == 2
    assert "within ±14" in result.stderr
    assert "Traceback" not in result.output


def test_the_library_refuses_a_bad_offset_too(tmp_path: Path) -> None:
    from tradejournal.producers.mt5.importer import import_report
    from tradejournal.producers.mt5.report import ReportError

    with pytest.raises(ReportError, match="within ±14"):
        import_report(tmp_path / "j", _tester(), server_utc_offset=float("nan"))
