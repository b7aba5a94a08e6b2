"""``tradejournal report``: the file is written atomically, '-' prints the page, --png writes the
dashboard, and bad input exits 2 without writing anything."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from tradejournal.cli.main import cli
from tradejournal.projections.report import collect, render_html


def _run(journal: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--journal", str(journal), "report", *args])


def test_writes_the_page_and_the_png(session_dir: Path, tmp_path: Path) -> None:
    out, png = tmp_path / "sub" / "r.html", tmp_path / "d.png"
    result = _run(session_dir, "--out", str(out), "--account", "A1", "--png", str(png),
                  "--panel", "equity", "--panel", "r_histogram")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stderr and "3 closed trades" in result.stderr
    html = out.read_text()
    assert "Trading journal report: account A1" in html and "350.00" in html
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["d.png", "r.html", "sub"]  # no temp


def test_dash_prints_the_page(session_dir: Path) -> None:
    result = _run(session_dir, "--out", "-", "--since", "2024-03-04T10:36:00Z")
    assert result.exit_code == 0
    expected = render_html(collect(session_dir, since="2024-03-04T10:36:00Z"))
    strip = lambda s: s.split('<p class="meta">generated', 1)[1].split("</p>", 1)[1]  # noqa: E731
    assert strip(result.stdout) == strip(expected)
    assert "closed 2024-03-04 10:36Z to now" in result.stdout


def test_bad_input_exits_2_and_writes_nothing(session_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    for args in (["--panel", "equity"], ["--since", "yesterday"], ["--png", "x.png", "--panel", "pie"],
                 ["--since", "2024-03-05", "--until", "2024-03-04"]):  # fmt: skip
        result = _run(session_dir, "--out", str(out), *args)
        assert result.exit_code == 2, (args, result.output)
    assert not out.exists()


def test_missing_journal_is_a_clear_error(tmp_path: Path) -> None:
    result = _run(tmp_path / "nope", "--out", str(tmp_path / "r.html"))
    assert result.exit_code == 1 and "no journal at" in result.stderr
    assert not (tmp_path / "r.html").exists()
