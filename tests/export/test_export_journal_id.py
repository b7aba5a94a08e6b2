"""Every journal has a stable id: written at init, given to an old journal without touching its
segments, the same for every process that asks at once."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from factories import make_deal

from tradejournal.store import Journal, ensure_journal_id, init_journal, journal_id


def test_init_writes_an_id_that_stays(tmp_path: Path) -> None:
    root = init_journal(tmp_path / "j")

    first = journal_id(root)
    with Journal.open(root) as j:
        j.append(make_deal())
        assert j.journal_id == first

    assert first is not None and len(first) == 36
    assert json.loads((root / "journal.json").read_text()) == {"format": 1, "journal_id": first}
    assert journal_id(root) == first
    assert journal_id(init_journal(tmp_path / "other")) != first


def test_an_old_journal_gets_an_id_on_first_open_and_its_segments_are_untouched(
    tmp_path: Path,
) -> None:
    root = tmp_path / "j"
    with Journal.open(root, create=True, max_segment_bytes=600) as j:
        for n in range(1, 6):  # one append each: the segments roll
            j.append(make_deal(deal_ticket=n, id=f"d{n}"))
    (root / "journal.json").write_text('{"format": 1}')  # as written before ids existed
    segments = sorted((root / "segments").iterdir())
    before = {p.name: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in segments}
    assert journal_id(root) is None

    with Journal.open(root) as j:
        given = j.journal_id

    assert journal_id(root) == given
    assert json.loads((root / "journal.json").read_text()) == {"format": 1, "journal_id": given}
    after = {
        p.name: (p.read_bytes(), os.stat(p).st_mtime_ns)
        for p in sorted((root / "segments").iterdir())
    }
    assert after == before
    assert len([n for n in before if n.endswith(".seal")]) >= 1  # sealed segments kept as well


def test_processes_asking_at_once_agree_on_one_id(tmp_path: Path) -> None:
    root = init_journal(tmp_path / "j")
    (root / "journal.json").write_text('{"format": 1}')
    got: list[str] = []
    threads = [
        threading.Thread(target=lambda: got.append(ensure_journal_id(root))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(got) == 8 and len(set(got)) == 1
    assert journal_id(root) == got[0]
