"""Model prices (per 1M input, cached input and output tokens) and the cost of one call.

Prices are configuration, never constants in code. A response names a dated snapshot
(``gpt-4o-mini-2024-07-18``), so a price is looked up by exact model name, then by the longest
configured name the model starts with. Cached tokens are a subset of the prompt tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["Price", "cost_usd", "find_price", "parse_prices"]

_MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Price:
    """US dollars per 1M tokens."""

    input_per_1m: Decimal
    output_per_1m: Decimal
    cached_input_per_1m: Decimal | None = None


def parse_prices(raw: Mapping[str, Any]) -> dict[str, Price]:
    """Build the price table from config: ``{model: {input, output, cached_input?}}``.

    Raise ValueError naming the model and key for a missing or non-numeric price.
    """
    table: dict[str, Price] = {}
    for model, entry in raw.items():
        if not isinstance(entry, Mapping):
            raise ValueError(f"openai.prices.{model}: must be a table with input and output")
        values: dict[str, Decimal | None] = {}
        for key in ("input", "output", "cached_input"):
            value = entry.get(key)
            if value is None:
                if key != "cached_input":
                    raise ValueError(f"openai.prices.{model}.{key}: missing")
                values[key] = None
                continue
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                raise ValueError(f"openai.prices.{model}.{key}: not a number: {value!r}") from None
            if not number.is_finite() or number < 0:
                raise ValueError(f"openai.prices.{model}.{key}: must be >= 0, was {value!r}")
            values[key] = number
        unknown = set(entry) - {"input", "output", "cached_input"}
        if unknown:
            raise ValueError(f"openai.prices.{model}: unknown key {sorted(unknown)[0]!r}")
        table[str(model)] = Price(values["input"], values["output"], values["cached_input"])  # type: ignore[arg-type]
    return table


def find_price(prices: Mapping[str, Price], model: str) -> Price | None:
    """The price of ``model``: exact name, else the longest configured prefix, else None."""
    if model in prices:
        return prices[model]
    matches = [name for name in prices if model.startswith(name)]
    return prices[max(matches, key=len)] if matches else None


def cost_usd(
    price: Price | None, prompt_tokens: int, completion_tokens: int, cached_tokens: int = 0
) -> Decimal | None:
    """Dollar cost of one call, exact; None without a price."""
    if price is None:
        return None
    cached = min(cached_tokens, prompt_tokens)
    cached_rate = price.cached_input_per_1m
    if cached_rate is None:
        cached_rate = price.input_per_1m
    total = (
        (prompt_tokens - cached) * price.input_per_1m
        + cached * cached_rate
        + completion_tokens * price.output_per_1m
    )
    return total / _MILLION
