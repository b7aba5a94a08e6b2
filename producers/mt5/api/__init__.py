"""The MetaTrader5 package's surface: constants, result records and the :class:`Terminal` protocol.

``from tradejournal.producers.mt5 import api as mt5`` gives the same names and values as
``import MetaTrader5 as mt5`` for constants (``mt5.ORDER_TYPE_BUY``, ``mt5.TRADE_RETCODE_DONE``,
...) and the record types (``mt5.TradeDeal`` ...), without needing the Windows-only package.
"""

from __future__ import annotations

from .constants import *  # noqa: F403  (every MetaTrader5 constant, by its real name)
from .info import AccountInfo as AccountInfo
from .info import SymbolInfo as SymbolInfo
from .info import TerminalInfo as TerminalInfo
from .protocol import DateLike as DateLike
from .protocol import Rates as Rates
from .protocol import Terminal as Terminal
from .records import RATES_DTYPE as RATES_DTYPE
from .records import TICKS_DTYPE as TICKS_DTYPE
from .records import BookInfo as BookInfo
from .records import OrderCheckResult as OrderCheckResult
from .records import OrderSendResult as OrderSendResult
from .records import Tick as Tick
from .records import TradeDeal as TradeDeal
from .records import TradeOrder as TradeOrder
from .records import TradePosition as TradePosition
from .records import TradeRequest as TradeRequest
