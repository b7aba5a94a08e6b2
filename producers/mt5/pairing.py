"""Give each deal of an MT5 report its position id, which the Deals table does not print.

History reports list their positions (id, symbol, side, open and close time, closed volume and
profit): ``_pair_history`` matches the closing deals to them, exactly where it can, by a bounded
search per group of overlapping positions otherwise. Tester reports list none: ``_pair_fifo``
pairs each closing deal with the oldest open lot of the opposite side on its symbol.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .report_rows import ReportDeal

TRADE_TYPES = frozenset({"buy", "sell"})
CLOSING_ENTRIES = frozenset({"out", "inout", "out_by"})


@dataclass(slots=True)
class _Position:
    # a row of a history report's Positions table; volume and profit count down while matching
    id: int
    symbol: str
    side: str  # position direction: "buy" = long
    open_time: datetime
    close_time: datetime
    volume: Decimal  # volume closed, as listed ("0.02 / 0.05" = 0.02 closed of 0.05)
    profit: Decimal  # total profit of its closing deals, as listed


@dataclass(slots=True)
class _Lot:
    id: int
    side: str
    volume: Decimal


def _pair_fifo(deals: Sequence[ReportDeal]) -> list[int | None]:
    # Tester reports print no position id: an entry deal opens a position whose id is its order;
    # a closing deal closes the oldest open position of the opposite side on its symbol,
    # preferring one with exactly the closing volume (grid EAs close legs of different sizes).
    books: dict[str, list[_Lot]] = {}
    ids: list[int | None] = []
    for d in deals:
        if d.type not in TRADE_TYPES or d.entry is None:
            ids.append(None)
            continue
        lots = books.setdefault(d.symbol, [])
        volume = d.volume or Decimal(0)
        if d.entry == "in":
            lots.append(_Lot(d.order if d.order is not None else d.deal, d.type, volume))
            ids.append(lots[-1].id)
            continue
        pid, left = _close_lots(lots, _opposite(d.type), volume)
        if d.entry == "inout" and left > 0:
            pid = pid if pid is not None else (d.order or d.deal)  # a reversal keeps the id
            lots.append(_Lot(pid, d.type, left))
        ids.append(pid)
    return ids


def _close_lots(lots: list[_Lot], side: str, volume: Decimal) -> tuple[int | None, Decimal]:
    candidates = [lot for lot in lots if lot.side == side]
    if not candidates:
        return None, volume
    exact = [lot for lot in candidates if lot.volume == volume][:1]
    order = exact + [lot for lot in candidates if lot not in exact]
    left = volume
    for lot in order:
        if left <= 0:
            break
        used = min(lot.volume, left)
        lot.volume -= used
        left -= used
        if lot.volume <= 0:
            lots.remove(lot)
    return order[0].id, left


def _pair_history(
    deals: Sequence[ReportDeal], positions: list[_Position], listed: set[int]
) -> list[int | None]:
    # History reports list each position (id = its entry deal's order) with symbol, side, open
    # and close time, closed volume and profit. A position's closing deals must add up to its
    # volume and profit, the last one at its close time. Single-deal positions are matched on
    # that directly; the other closing deals by a small search per group of overlapping positions.
    ids = _entry_ids(deals, listed)
    closes = [
        i for i, d in enumerate(deals) if d.type in TRADE_TYPES and d.entry in CLOSING_ENTRIES
    ]
    pending = _match_whole_closes(deals, closes, positions, ids)
    options = {i: _open_at(deals[i], positions) for i in pending}
    for group in _groups(pending, options):
        if len(group) > 500 or not _search(deals, group, options, ids, [50_000], 0):
            _assign_greedily(deals, group, options, ids)
    return ids


def _entry_ids(deals: Sequence[ReportDeal], listed: set[int]) -> list[int | None]:
    ids: list[int | None] = []
    last: dict[tuple[str, str], int] = {}
    for d in deals:
        pid = None
        if d.type in TRADE_TYPES and d.entry == "in":
            pid = d.order if d.order is not None else d.deal
            if pid not in listed and (d.symbol, d.type) in last:
                pid = last[d.symbol, d.type]  # netting: an added entry keeps the position's id
            last[d.symbol, d.type] = pid
        ids.append(pid)
    return ids


def _match_whole_closes(
    deals: Sequence[ReportDeal],
    closes: list[int],
    positions: list[_Position],
    ids: list[int | None],
) -> list[int]:
    # a deal at a position's close time with all of its volume and profit closes it alone
    at: dict[tuple[str, str, datetime, Decimal | None, Decimal], list[int]] = {}
    for i in closes:
        d = deals[i]
        at.setdefault((d.symbol, d.type, d.time, d.volume, d.profit), []).append(i)
    taken: set[int] = set()
    for p in positions:
        key = (p.symbol, _opposite(p.side), p.close_time, p.volume, p.profit)
        found = next((i for i in at.get(key, []) if i not in taken), None)
        if found is not None:
            _assign(p, deals[found], found, ids)
            taken.add(found)
    return [i for i in closes if i not in taken]


def _open_at(d: ReportDeal, positions: list[_Position]) -> list[_Position]:
    fits = [
        p
        for p in positions
        if p.volume > 0
        and p.symbol == d.symbol
        and p.side == _opposite(d.type)
        and p.open_time <= d.time <= p.close_time
    ]
    return sorted(fits, key=lambda p: (p.close_time, p.open_time))


def _groups(pending: list[int], options: dict[int, list[_Position]]) -> list[list[int]]:
    # closing deals that may close a common position, transitively, in report order
    groups: list[tuple[set[int], list[int]]] = []
    for i in pending:
        keys = {p.id for p in options[i]}
        joined = [g for g in groups if g[0] & keys]
        merged: tuple[set[int], list[int]] = (keys, [])
        for g in joined:
            merged[0].update(g[0])
            merged[1].extend(g[1])
            groups.remove(g)
        merged[1].append(i)
        merged[1].sort()
        groups.append(merged)
    return [g[1] for g in groups]


def _search(
    deals: Sequence[ReportDeal],
    group: list[int],
    options: dict[int, list[_Position]],
    ids: list[int | None],
    budget: list[int],
    k: int,
) -> bool:
    # depth-first: each deal to a position with room for it; a position whose volume reaches 0
    # must have its profit matched at its close time, and none may be left open past its close
    budget[0] -= 1
    if budget[0] < 0:
        return False
    now = deals[group[k]].time if k < len(group) else None
    touched = {p.id: p for i in group for p in options[i]}.values()
    if any(p.volume > 0 and (now is None or p.close_time < now) for p in touched):
        return False
    if now is None:
        return all(p.profit == 0 for p in touched)
    i = group[k]
    d, volume = deals[i], deals[i].volume or Decimal(0)
    for p in options[i]:
        ends = p.volume == volume
        if p.volume < volume or (ends and (p.profit != d.profit or p.close_time != d.time)):
            continue
        _assign(p, d, i, ids)
        if _search(deals, group, options, ids, budget, k + 1):
            return True
        _assign(p, d, i, ids, undo=True)
    return False


def _assign_greedily(
    deals: Sequence[ReportDeal],
    group: list[int],
    options: dict[int, list[_Position]],
    ids: list[int | None],
) -> None:
    # no consistent assignment found: the earliest-closing open position with room for the deal
    for i in group:
        volume = deals[i].volume or Decimal(0)
        p = next((p for p in options[i] if p.volume >= volume), None)
        if p is not None:
            _assign(p, deals[i], i, ids)


def _assign(p: _Position, d: ReportDeal, i: int, ids: list[int | None], undo: bool = False) -> None:
    sign = -1 if undo else 1
    p.volume -= sign * (d.volume or Decimal(0))
    p.profit -= sign * d.profit
    ids[i] = None if undo else p.id


def _opposite(side: str) -> str:
    return "sell" if side == "buy" else "buy"
