"""Pure helpers of the bot: message splitting (property-tested), periods, variant assignment."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradejournal.producers.telegram import assign_variant, split_text
from tradejournal.producers.telegram.reports import period_since


@given(st.text(alphabet=st.sampled_from("ab \n\u00e9\U0001f600"), max_size=3000),
       st.integers(min_value=1, max_value=700))  # fmt: skip
def test_split_text_keeps_the_text_and_the_limit(text: str, limit: int) -> None:
    parts = split_text(text, limit)
    assert "".join(parts) == text
    assert all(len(p) <= limit for p in parts)
    assert all(parts) or parts == [""]


def test_split_text_prefers_line_breaks() -> None:
    text = "a" * 3000 + "\n" + "b" * 3000
    assert split_text(text) == ["a" * 3000 + "\n", "b" * 3000]


def test_assign_variant_is_deterministic_and_uses_every_variant() -> None:
    got = {u: assign_variant("exp", u, ["A", "B"]) for u in range(200)}
    assert got == {u: assign_variant("exp", u, ["B", "A"]) for u in range(200)}
    assert 60 < sum(v == "A" for v in got.values()) < 140


def test_period_since() -> None:
    now = dt.datetime(2026, 11, 30, 15, 30, tzinfo=dt.UTC)
    assert period_since("all", now) is None
    assert period_since("today", now) == dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    assert period_since("7d", now) == dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="unknown period"):
        period_since("soon", now)
