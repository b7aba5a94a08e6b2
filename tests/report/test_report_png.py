"""The dashboard PNG: a valid image of a sensible size, the same bytes for the same journal,
and an image (saying there is nothing to draw) for an empty journal."""

from __future__ import annotations

import hashlib
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from tradejournal.cli.report_cmds import PANEL_NAMES
from tradejournal.projections.report import PANELS, collect, dashboard_png, render_png

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """Walk the PNG chunks, checking every CRC; return (type, data) pairs."""
    assert png[:8] == SIGNATURE
    out, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + data) == crc, kind
        out.append((kind, data))
        pos += 12 + length
    assert out[0][0] == b"IHDR" and out[-1][0] == b"IEND"
    return out


def _size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", _chunks(png)[0][1][:8])
    return width, height


def test_dashboard_is_a_valid_png_of_sensible_size(session_dir: Path) -> None:
    png = dashboard_png(session_dir, account="A1")
    width, height = _size(png)
    assert 600 <= width <= 820 and 350 <= height <= 560  # 8 x 4.8 in at 100 dpi, trimmed
    assert 10_000 < len(png) < 200_000
    kinds = {k for k, _ in _chunks(png)}
    assert b"tEXt" not in kinds and b"tIME" not in kinds  # no timestamp or software tag


def test_same_journal_same_bytes(session_dir: Path) -> None:
    png = dashboard_png(session_dir)
    assert png == dashboard_png(session_dir)
    other_process = subprocess.run(
        [sys.executable, "-c", "import sys, hashlib; from tradejournal.projections.report import "
         "dashboard_png; print(hashlib.sha256(dashboard_png(sys.argv[1])).hexdigest())",
         str(session_dir)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert other_process.stdout.strip() == hashlib.sha256(png).hexdigest()


def test_panels_stack_and_change_the_image(session_dir: Path) -> None:
    data = collect(session_dir)
    one = render_png(data)
    every = render_png(data, PANELS)
    assert _size(every)[1] > 2 * _size(one)[1]
    assert render_png(data, ("by_symbol",)) != render_png(data, ("r_histogram",))


def test_one_account_and_all_accounts_differ(session_dir: Path) -> None:
    assert dashboard_png(session_dir, account="A1") != dashboard_png(session_dir)


def test_empty_journal_still_draws(empty_dir: Path) -> None:
    png = dashboard_png(empty_dir, panels=PANELS)
    assert _size(png)[0] > 300


def test_unknown_panel_is_refused(session_dir: Path) -> None:
    with pytest.raises(ValueError, match="unknown panel"):
        dashboard_png(session_dir, panels=("pie",))


def test_cli_panel_names_match_the_library() -> None:
    assert PANEL_NAMES == PANELS
