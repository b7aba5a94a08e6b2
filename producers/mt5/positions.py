"""Open positions → ``position.stop_moved`` for SL/TP changes nobody journaled, and new extremes.

A stop change the order wrapper or the trailing manager made is already in the journal (with its
method), so the state matches the terminal and nothing is written here; anything else — a change in
the terminal's window, another EA, the broker, a change made while the poller was down — is
journaled with method ``initial`` (the first stops a position is seen with) or ``manual``.

Excursions: the position's ``price_current`` beyond the best (MFE) or worst (MAE) price journaled
so far — the entry price at first — by at least ``excursion_step_points`` points (or
``excursion_step_r`` R when set and the position has an initial stop). Extremes between
two polls are not seen (a poller samples; the terminal keeps no per-position extremes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tradejournal.events import Event, PositionExcursion, PositionStopMoved

from .state import AccountState
from .trading import dec, price_or_none, r_at

if TYPE_CHECKING:
    from .poller import PollerSettings

__all__ = ["position_events"]


def position_events(
    positions: Any,
    state: AccountState,
    settings: PollerSettings,
    account: str,
    now: dt.datetime,
    symbol_info: Callable[[str], Any],
) -> list[Event]:
    """Stop moves and excursions of the open ``positions`` the journal does not hold yet."""
    out: list[Event] = []
    env: dict[str, Any] = {"producer": settings.producer, "account": account}
    for p in positions:
        view = state.position(p.identifier)
        side = view.side or ("buy" if p.type == 0 else "sell")
        entry = view.entry_price or dec(p.price_open)
        sl, tp, current = price_or_none(p.sl), price_or_none(p.tp), dec(p.price_current)
        if not view.stops_known and (sl is not None or tp is not None):
            method = "initial"
        elif view.stops_known and (sl != view.sl or tp != view.tp):
            method = "manual"
        else:
            method = ""
        if method:
            initial = view.initial_sl if view.initial_sl is not None else sl
            out.append(
                PositionStopMoved(
                    **env,
                    id=f"mt5:{account}:position:{p.identifier}:stop:{view.stop_moves + 1}",
                    ts=_update_ts(p, settings, now),
                    position_id=p.identifier,
                    symbol=p.symbol,
                    old_sl=view.sl if view.stops_known else None,
                    new_sl=sl,
                    old_tp=view.tp if view.stops_known else None,
                    new_tp=tp,
                    price=current,
                    method=method,  # type: ignore[arg-type]
                    r_at_move=r_at(side, entry, initial, current),
                )
            )
        risk = abs(entry - view.initial_sl) if view.initial_sl is not None else None
        out += _excursions(
            p, view.mfe, view.mae, side, entry, risk, settings, account, now, symbol_info
        )
    return out


def _update_ts(p: Any, settings: PollerSettings, now: dt.datetime) -> dt.datetime:
    msc = p.time_update_msc or p.time_update * 1000
    return settings.server_time.to_utc_msc(msc) if msc else now


def _excursions(
    p: Any,
    mfe: Decimal | None,
    mae: Decimal | None,
    side: str,
    entry: Decimal,
    risk: Decimal | None,
    settings: PollerSettings,
    account: str,
    now: dt.datetime,
    symbol_info: Callable[[str], Any],
) -> list[Event]:
    if p.price_current <= 0:
        return []
    info = symbol_info(p.symbol)
    point = dec(info.point) if info is not None and info.point else Decimal(0)
    step = point * dec(settings.excursion_step_points)
    if settings.excursion_step_r > 0 and risk:
        step = risk * dec(settings.excursion_step_r)
    sign = 1 if side == "buy" else -1
    current = dec(p.price_current)
    out: list[Event] = []
    for kind, best in (("mfe", mfe), ("mae", mae)):
        ref = best if best is not None else entry
        gain = (current - ref) * sign if kind == "mfe" else (ref - current) * sign
        if gain > 0 and gain >= step:
            out.append(
                PositionExcursion(
                    id=f"mt5:{account}:position:{p.identifier}:{kind}:{current}",
                    ts=now,
                    producer=settings.producer,
                    account=account,
                    position_id=p.identifier,
                    symbol=p.symbol,
                    excursion=kind,  # type: ignore[arg-type]
                    price=current,
                )
            )
    return out
