"""The price table from config and the cost of a call (exact decimals)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from bot_testlib import MODEL, PRICES

from tradejournal.producers.llm import cost_usd, find_price, parse_prices


def test_prices_from_config_and_prefix_lookup() -> None:
    table = parse_prices(
        {
            "gpt-4o": {"input": 2.5, "output": 10},
            MODEL: {"input": "0.15", "output": "0.6", "cached_input": "0.075"},
        }
    )
    assert find_price(table, "gpt-4o-mini-2024-07-18") == PRICES[MODEL]
    assert find_price(table, "gpt-4o-2024-08-06") == table["gpt-4o"]
    assert find_price(table, "claude") is None
    assert cost_usd(table["gpt-4o"], 1_000_000, 0, 500_000) == Decimal("2.5")
    with pytest.raises(ValueError, match=r"openai.prices.x.output: missing"):
        parse_prices({"x": {"input": 1}})
    with pytest.raises(ValueError, match=r"must be >= 0"):
        parse_prices({"x": {"input": -1, "output": 1}})
