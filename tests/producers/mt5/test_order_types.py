"""The MT5 order-type table is the events' ``OrderType`` Literal, indexed by MT5's values."""

from __future__ import annotations

from typing import get_args

from tradejournal.events.order import OrderType
from tradejournal.producers.mt5.api import constants as c
from tradejournal.producers.mt5.trading import ORDER_TYPES


def test_order_types_is_the_literal_itself() -> None:
    assert ORDER_TYPES == get_args(OrderType)


def test_each_mt5_order_type_value_names_its_journal_type() -> None:
    assert len(c.ORDER_TYPE_NAMES) == len(ORDER_TYPES) == 9
    for value, name in c.ORDER_TYPE_NAMES.items():
        assert ORDER_TYPES[value] == name.lower()
    assert ORDER_TYPES[c.ORDER_TYPE_SELL_STOP_LIMIT] == "sell_stop_limit"
    assert ORDER_TYPES[c.ORDER_TYPE_CLOSE_BY] == "close_by"
