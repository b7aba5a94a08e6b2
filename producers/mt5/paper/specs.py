"""Symbol contract specifications of the paper broker, and their ``SymbolInfo`` records.

A :class:`SymbolSpec` holds what a broker's "Specification" window shows and what profit, margin,
swap and validation are computed from: digits, contract size, tick size and tick value (in the
account currency: profit = price move / tick size x tick value x lots), volume min/max/step,
stops level (points), swap long/short (points per lot per night, triple on Wednesday),
commission per lot per side. ``DEFAULT_SPECS`` are typical retail values for a USD account.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..api import constants as c
from ..api.info import SymbolInfo

__all__ = ["DEFAULT_SPECS", "SymbolSpec", "symbol_info"]

_ZEROS: dict[str, object] = {"bool": False, "int": 0, "float": 0.0, "str": ""}
_ALL_FILLINGS = frozenset({c.ORDER_FILLING_FOK, c.ORDER_FILLING_IOC, c.ORDER_FILLING_RETURN})


@dataclass(frozen=True, slots=True)
class SymbolSpec:
    """One symbol's contract specification (values in the account currency where money)."""

    name: str
    digits: int = 5
    contract_size: float = 100_000.0
    tick_size: float = 0.00001
    tick_value: float = 1.0
    volume_min: float = 0.01
    volume_max: float = 100.0
    volume_step: float = 0.01
    stops_level: int = 0
    freeze_level: int = 0
    swap_long: float = 0.0
    swap_short: float = 0.0
    swap_rollover3days: int = c.DAY_OF_WEEK_WEDNESDAY
    commission_per_lot: float = 0.0
    currency_base: str = "EUR"
    currency_profit: str = "USD"
    currency_margin: str = ""
    description: str = ""
    path: str = ""
    trade_mode: int = c.SYMBOL_TRADE_MODE_FULL
    calc_mode: int = c.SYMBOL_CALC_MODE_FOREX
    fillings: frozenset[int] = field(default=_ALL_FILLINGS)

    @property
    def point(self) -> float:
        """The smallest price change shown: 10 ** -digits."""
        return round(10.0**-self.digits, self.digits)


def _fx(name: str, base: str, quote: str, digits: int = 5, **kw: float) -> SymbolSpec:
    tick = round(10.0**-digits, digits)
    value = kw.pop("tick_value", 100_000 * tick)
    return SymbolSpec(
        name=name,
        digits=digits,
        tick_size=tick,
        tick_value=value,
        currency_base=base,
        currency_profit=quote,
        currency_margin=base,
        description=f"{base} vs {quote}",
        path=f"Forex\\{name}",
        **kw,  # type: ignore[arg-type]
    )


DEFAULT_SPECS: dict[str, SymbolSpec] = {
    s.name: s
    for s in (
        _fx("EURUSD", "EUR", "USD", swap_long=-7.2, swap_short=2.1),
        _fx("GBPUSD", "GBP", "USD", swap_long=-4.5, swap_short=-1.2),
        _fx("AUDUSD", "AUD", "USD", swap_long=-2.0, swap_short=-1.5),
        # tick value of a JPY-quoted pair depends on USDJPY; fixed here at 150 JPY per USD
        _fx("USDJPY", "USD", "JPY", digits=3, tick_value=0.6667, swap_long=12.0, swap_short=-25.0),
        SymbolSpec(
            name="XAUUSD",
            digits=2,
            contract_size=100.0,
            tick_size=0.01,
            tick_value=1.0,
            volume_max=50.0,
            swap_long=-35.0,
            swap_short=15.0,
            currency_base="XAU",
            currency_profit="USD",
            currency_margin="XAU",
            description="Gold vs US Dollar",
            path="Metals\\XAUUSD",
            calc_mode=c.SYMBOL_CALC_MODE_CFD,
        ),
    )
}


def symbol_info(
    spec: SymbolSpec, *, bid: float, ask: float, time: int, visible: bool
) -> SymbolInfo:
    """The 96-field ``SymbolInfo`` of ``spec`` at the quote ``bid``/``ask`` (server time ``time``)."""
    spread = int(round((ask - bid) / spec.point)) if ask and bid else 0
    filling = (1 if c.ORDER_FILLING_FOK in spec.fillings else 0) | (
        2 if c.ORDER_FILLING_IOC in spec.fillings else 0
    )
    values: dict[str, object] = {
        name: _ZEROS[str(getattr(kind, "__forward_arg__", kind))]  # 3.11: ForwardRef("bool")
        for name, kind in SymbolInfo.__annotations__.items()
    }
    values.update(
        custom=False,
        spread_float=True,
        select=visible,
        visible=visible,
        margin_hedged_use_leg=False,
        time=time,
        digits=spec.digits,
        spread=spread,
        trade_calc_mode=spec.calc_mode,
        trade_mode=spec.trade_mode,
        trade_stops_level=spec.stops_level,
        trade_freeze_level=spec.freeze_level,
        trade_exemode=c.SYMBOL_TRADE_EXECUTION_MARKET,
        swap_mode=c.SYMBOL_SWAP_MODE_POINTS,
        swap_rollover3days=spec.swap_rollover3days,
        expiration_mode=15,  # GTC | DAY | SPECIFIED | SPECIFIED_DAY
        filling_mode=filling,
        order_mode=127,  # market, limit, stop, stop limit, sl, tp, close by
        bid=bid,
        bidhigh=bid,
        bidlow=bid,
        ask=ask,
        askhigh=ask,
        asklow=ask,
        point=spec.point,
        trade_tick_value=spec.tick_value,
        trade_tick_value_profit=spec.tick_value,
        trade_tick_value_loss=spec.tick_value,
        trade_tick_size=spec.tick_size,
        trade_contract_size=spec.contract_size,
        volume_min=spec.volume_min,
        volume_max=spec.volume_max,
        volume_step=spec.volume_step,
        swap_long=spec.swap_long,
        swap_short=spec.swap_short,
        margin_hedged=spec.contract_size,
        basis="",
        category="",
        currency_base=spec.currency_base,
        currency_profit=spec.currency_profit,
        currency_margin=spec.currency_margin or spec.currency_base,
        bank="",
        description=spec.description,
        exchange="",
        formula="",
        isin="",
        name=spec.name,
        page="",
        path=spec.path,
    )
    return SymbolInfo(**values)  # type: ignore[arg-type]
