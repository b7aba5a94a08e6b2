"""Terminal tuples → events: deals, orders (active or from history), snapshots, symbol specs.

Pure functions over the terminal's named tuples and the journal's :class:`~.state.AccountState`;
they return only what the state does not hold yet. Ids derive from tickets
(``mt5:<account>:deal:<ticket>``, ``mt5:<account>:order:<ticket>:placed`` / ``:cancelled``), so a
repeat — a second poller, a backfill of a period already journaled — appends nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tradejournal.events import (
    AccountSnapshot,
    Event,
    OrderCancelled,
    OrderPlaced,
    OrderRejected,
    SymbolSpecChanged,
    new_id,
)
from tradejournal.events.order import OrderType

from .api.constants import (
    ORDER_STATE_CANCELED,
    ORDER_STATE_EXPIRED,
    ORDER_STATE_REJECTED,
    TRADE_RETCODE_REJECT,
)
from .deals import deal_to_event, from_trade_deal
from .state import AccountState
from .trading import ORDER_TYPES, dec, price_or_none

if TYPE_CHECKING:
    from .poller import PollerSettings

__all__ = ["deal_events", "history_order_events", "snapshot_event", "spec_event"]


def deal_events(
    deals: Any, state: AccountState, settings: PollerSettings, account: str
) -> list[Event]:
    """Events of the deals the journal does not hold yet, in (time, ticket) order."""
    out: list[Event] = []
    for d in sorted(deals, key=lambda d: (d.time_msc or d.time * 1000, d.ticket)):
        if d.ticket in state.deal_tickets:
            continue
        deal = from_trade_deal(d, settings.server_time.to_utc_msc)
        out.append(deal_to_event(deal, account=account, producer=settings.producer))
    return out


def history_order_events(
    o: Any, state: AccountState, settings: PollerSettings, account: str
) -> list[Event]:
    """``order.placed`` for an order the journal lacks, plus its end if it was cancelled,
    expired or rejected (a filled order's end is its deal)."""
    out: list[Event] = []
    to_utc = settings.server_time.to_utc_msc
    env: dict[str, Any] = {"producer": settings.producer, "account": account}
    known = state.orders.get(o.ticket)
    type_: OrderType = ORDER_TYPES[o.type] if 0 <= o.type < len(ORDER_TYPES) else "buy"
    if known is None:
        price = o.price_open or o.price_current
        out.append(
            OrderPlaced(
                **env,
                id=f"mt5:{account}:order:{o.ticket}:placed",
                ts=to_utc(o.time_setup_msc or o.time_setup * 1000),
                order_ticket=o.ticket,
                symbol=o.symbol,
                order_type=type_,
                volume=dec(o.volume_initial),
                price=dec(price),
                sl=price_or_none(o.sl),
                tp=price_or_none(o.tp),
                magic=o.magic,
                comment=o.comment,
                position_id=o.position_id or None,
                expires_ts=settings.server_time.to_utc(o.time_expiration)
                if o.time_expiration
                else None,
            )
        )
    elif known.status != "pending":
        return out
    done = (
        to_utc(o.time_done_msc or o.time_done * 1000) if (o.time_done_msc or o.time_done) else None
    )
    if o.state in (ORDER_STATE_CANCELED, ORDER_STATE_EXPIRED) and done is not None:
        out.append(
            OrderCancelled(
                **env,
                id=f"mt5:{account}:order:{o.ticket}:cancelled",
                ts=done,
                order_ticket=o.ticket,
                symbol=o.symbol,
                reason="expired" if o.state == ORDER_STATE_EXPIRED else "user",
                oco_group_id=known.oco_group_id if known else None,
            )
        )
    elif o.state == ORDER_STATE_REJECTED and done is not None:
        out.append(
            OrderRejected(
                **env,
                id=f"mt5:{account}:order:{o.ticket}:rejected",
                ts=done,
                order_ticket=o.ticket,
                symbol=o.symbol,
                order_type=type_,
                retcode=TRADE_RETCODE_REJECT,
                comment=o.comment,
                action="pending" if o.type >= 2 else "deal",
            )
        )
    return out


def snapshot_event(
    info: Any, account: str, now: dt.datetime, producer: str = "mt5", id: str | None = None
) -> Event:
    """``account.snapshot`` of an ``AccountInfo`` tuple."""
    return AccountSnapshot(
        id=id or new_id(),
        ts=now,
        producer=producer,
        account=account,
        balance=dec(info.balance),
        equity=dec(info.equity),
        margin=dec(info.margin),
        free_margin=dec(info.margin_free),
        margin_level=float(info.margin_level) if info.margin else None,
        currency=info.currency,
    )


def spec_event(
    info: Any,
    account: str,
    producer: str,
    now: dt.datetime,
    ids: Callable[[], str] = new_id,
) -> SymbolSpecChanged:
    """``symbol.spec_changed`` of a ``SymbolInfo`` tuple."""
    return SymbolSpecChanged(
        id=ids(),
        ts=now,
        producer=producer,
        account=account,
        symbol=info.name,
        digits=int(info.digits),
        point=dec(info.point),
        tick_size=dec(info.trade_tick_size),
        tick_value=dec(info.trade_tick_value),
        contract_size=dec(info.trade_contract_size),
        volume_min=dec(info.volume_min),
        volume_step=dec(info.volume_step),
        volume_max=dec(info.volume_max),
        currency_base=info.currency_base,
        currency_profit=info.currency_profit,
        currency_margin=info.currency_margin,
    )
