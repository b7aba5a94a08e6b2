"""The demo journal's report in headless Chromium (Debian's ``chromium``): the page loads with no
console message and no script or resource error, and a screenshot shows the charts' colours.

Skipped only when chromium is missing and this is not CI (``CI=true``: it must run; ``.ci/run``
installs it). The page's own trap (``data-report`` on ``<html>``) reports script errors, failed
loads and Content-Security-Policy violations; Chromium's log (``--enable-logging=stderr``)
reports every console line, and the report writes none.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tradejournal.cli.main import cli

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)  # fmt: skip
IN_CI = os.environ.get("CI", "").lower() == "true"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]  # fmt: skip
BLUE, RED, GREEN = (0x09, 0x69, 0xDA), (0xCF, 0x22, 0x2E), (0x1A, 0x7F, 0x37)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not IN_CI,
    reason="chromium is not installed (apt-get install chromium); CI installs it and runs this",
)


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        pytest.fail("CI=true but chromium is missing: .ci/run should have installed it")
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``tradejournal demo`` then ``tradejournal report`` into a temporary folder."""
    root = tmp_path_factory.mktemp("chromium")
    runner = CliRunner()
    journal = str(root / "journal")
    assert runner.invoke(cli, ["--journal", journal, "demo"]).exit_code == 0
    result = runner.invoke(cli, ["--journal", journal, "report", "--out", str(root / "report.html")])  # fmt: skip
    assert result.exit_code == 0, result.output
    return root / "report.html"


def _console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_page_loads_without_errors(demo_report: Path, tmp_path: Path) -> None:
    run = _chromium(tmp_path / "profile", "--dump-dom", demo_report.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert _console_lines(run.stderr) == []
    assert 'data-report="ok"' in run.stdout, re.findall(
        r'id="report-status"[^>]*>[^<]*', run.stdout
    )
    assert run.stdout.count("<svg") >= 8 and "Equity curve and drawdown" in run.stdout


def test_the_error_trap_and_log_parsing_catch_errors(demo_report: Path, tmp_path: Path) -> None:
    """The checks above can fail: the same page with a script error and an external image."""
    broken = tmp_path / "broken.html"
    bad = '<script>undefinedFn();</script><img src="https://example.invalid/x.png"><footer>'
    broken.write_text(demo_report.read_text().replace("<footer>", bad, 1))
    run = _chromium(tmp_path / "profile", "--dump-dom", broken.as_uri())
    assert 'data-report="error"' in run.stdout
    status = re.search(r'id="report-status"[^>]*>([^<]*)', run.stdout)
    assert status and "undefinedFn is not defined" in status.group(1)
    assert "blocked https://example.invalid/x.png" in status.group(1)  # the CSP refused it
    assert any("Uncaught ReferenceError" in line for line in _console_lines(run.stderr))


def test_screenshot_shows_the_charts(demo_report: Path, tmp_path: Path) -> None:
    from matplotlib.image import imread

    shot = Path(os.environ.get("REPORT_SCREENSHOT", tmp_path / "report.png"))
    run = _chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,2400",
                    demo_report.as_uri())  # fmt: skip
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    pixels = imread(str(shot))
    assert pixels.shape[:2] == (2400, 1200)
    rgb = {tuple(int(round(c * 255)) for c in px[:3]) for px in pixels[::2, ::2].reshape(-1, pixels.shape[2])}  # fmt: skip
    for colour, what in ((BLUE, "equity line"), (RED, "drawdown / losses"), (GREEN, "gains")):
        assert any(_near(c, colour) for c in rgb), f"no {what} colour in the screenshot"
    assert len(rgb) > 50  # text, charts and cards, not a blank page


def _near(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return all(abs(x - y) <= 6 for x, y in zip(a, b, strict=True))
