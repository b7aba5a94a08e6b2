"""Issue 12 item 3: one id convention for a deal, and the projections count a deal once.

Before: deals written as the README showed (``mt5:deal:1001``) and as the importer writes them
(``mt5:<account>:deal:1001``) both counted, doubling volume and profit.
"""

from __future__ import annotations

import re
from pathlib import Path

from cli_testlib import EVENTS, jsonl, make_journal, run

from tradejournal.producers.mt5.deals import deal_event_id

ROOT = Path(__file__).resolve().parents[2]
OPEN, CLOSE = EVENTS[2], EVENTS[4]  # deals 1001 (in) and 1002 (out, +40.00) of 51234567


def _totals(journal: Path) -> str:
    sql = "SELECT count(*) AS n, sum(volume) AS lots, sum(net) AS net FROM deals"
    result = run(journal, "sql", sql, "--format", "csv")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[1]


def _trades(journal: Path) -> str:
    result = run(journal, "sql", "SELECT count(*), sum(profit) FROM trades", "--format", "csv")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[1]


def _renamed(event: dict[str, object], new_id: str) -> dict[str, object]:
    return {**event, "id": new_id}


def test_a_deal_under_two_ids_counts_once_in_one_load(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    both = [_renamed(OPEN, deal_event_id("51234567", 1001)),
            _renamed(CLOSE, deal_event_id("51234567", 1002))]  # fmt: skip
    baseline = make_journal(tmp_path / "base")

    assert run(journal, "append", input=jsonl(both)).exit_code == 0

    assert _totals(journal) == _totals(baseline) == "2,0.2,39.3"
    assert _trades(journal) == _trades(baseline)


def test_a_deal_under_two_ids_counts_once_across_catch_ups(tmp_path: Path) -> None:
    journal = make_journal(tmp_path / "j")
    before = _totals(journal)
    assert run(journal, "append", input=jsonl([_renamed(CLOSE, "mt5:deal:1002")])).exit_code == 0
    after_one = _totals(journal)
    assert run(journal, "rebuild", "--full").exit_code == 0

    assert before == after_one == _totals(journal)


def test_the_readme_shows_the_one_deal_id_convention() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")

    assert not re.search(r"mt5:deal:\d", readme)
    assert deal_event_id("51234567", 1001) == "mt5:51234567:deal:1001"
    assert "mt5:51234567:deal:1001" in readme
