"""The demo market: a per-minute price tape per symbol, with the scripted positions simulated on it.

``Market.build`` walks each symbol's tape and, at each plan's open time, hands the tape to a
``_Simulation`` that moves price along the plan's R path and records the position's timed steps
(excursions, stop moves, partial and final exits) as a ``Position``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .script import INSTRUMENTS, MINUTES, Instrument, Plan, _minute, _q


@dataclass
class Position:
    """The simulated life of one plan: entry, stops, and timed steps (excursions, moves, exits)."""

    key: str
    plan: Plan
    entry: Decimal
    sl: Decimal
    tp: Decimal | None
    open_m: int
    steps: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)

    @property
    def sign(self) -> int:
        return 1 if self.plan.side == "buy" else -1

    def open_volume(self, minute: float) -> Decimal:
        if minute <= self.open_m:
            return Decimal(0)
        closed = sum(
            (d["volume"] for m, k, d in self.steps if k == "out" and m <= minute), Decimal(0)
        )
        return self.plan.volume - closed


class Market:
    """Per-minute price tapes of the day; scripted positions are simulated on them in time order."""

    def __init__(self) -> None:
        self.tape: dict[str, list[Decimal]] = {}
        self.positions: dict[str, Position] = {}

    @classmethod
    def build(cls, rng: random.Random, plans: dict[str, Plan]) -> Market:
        market = cls()
        for symbol, inst in INSTRUMENTS.items():
            start = _q(inst.start * Decimal(1 + rng.uniform(-0.003, 0.003)), inst.digits)
            tape = market.tape[symbol] = [start]
            mine = sorted((p.open_at, k) for k, p in plans.items() if p.symbol == symbol)
            for _, key in mine:
                market.positions[key] = _Simulation(key, plans[key], tape, inst, rng).run()
            _walk(tape, inst, rng, MINUTES)
        return market

    def price(self, symbol: str, when: str | float) -> Decimal:
        minute = _minute(when) if isinstance(when, str) else when
        return self.tape[symbol][int(minute)]


class _Simulation:
    def __init__(
        self, key: str, plan: Plan, tape: list[Decimal], inst: Instrument, rng: random.Random
    ) -> None:
        self.key, self.plan, self.tape, self.inst, self.rng = key, plan, tape, inst, rng
        self.s = 1 if plan.side == "buy" else -1
        self.risk = inst.risk
        self.best = self.worst = 0.0
        self.be_done = self.partial_done = False

    def run(self) -> Position:
        plan, open_m = self.plan, _minute(self.plan.open_at)
        if plan.pending:
            _walk(self.tape, self.inst, self.rng, open_m)
            entry = self.tape[_minute(plan.pending[0])] + self.s * plan.pending[1]
            self.tape.append(entry)  # the news spike runs through the stop order
        else:
            _walk(self.tape, self.inst, self.rng, open_m + 1)
            entry = self.tape[open_m]
        self.entry = entry
        tp = None if plan.tp_r is None else self._level(plan.tp_r)
        self.pos = Position(self.key, plan, entry, self._level(-1.0), tp, open_m)
        self.sl = self.pos.sl
        end = open_m + plan.path[-1][0]
        for m in range(open_m + 1, end + 1):
            p = self._price(m - open_m)
            self.tape.append(p)
            if self._exit(m, p):
                return self.pos
            self._manage(m, p)
        self._out(end + 0.05, self.plan.volume - self._closed(), self.tape[-1], plan.end_reason, "")
        return self.pos

    def _price(self, t: int) -> Decimal:
        points = ((0, 0.0), *self.plan.path)
        for (t0, r0), (t1, r1) in zip(points, points[1:], strict=False):
            if t <= t1:
                r = r0 + (r1 - r0) * (t - t0) / (t1 - t0)
                break
        r += self.rng.uniform(-0.07, 0.07)
        return _q(self.entry + self.s * self.risk * Decimal(r), self.inst.digits)

    def _level(self, r: float) -> Decimal:
        return _q(self.entry + self.s * self.risk * Decimal(r), self.inst.digits)

    def _r(self, p: Decimal) -> float:
        return float(self.s * (p - self.entry) / self.risk)

    def _closed(self) -> Decimal:
        return self.plan.volume - self.pos.open_volume(MINUTES)

    def _exit(self, m: int, p: Decimal) -> bool:
        rest = self.plan.volume - self._closed()
        if self.s * (p - self.sl) <= 0:
            self._out(m + 0.05, rest, self.sl, "sl", f"[sl {self.sl}]")
            return True
        if self.pos.tp is not None and self.s * (p - self.pos.tp) >= 0:
            self._out(m + 0.05, rest, self.pos.tp, "tp", f"[tp {self.pos.tp}]")
            return True
        return False

    def _manage(self, m: int, p: Decimal) -> None:
        r = self._r(p)
        if r >= self.best + 0.15:
            self.best = r
            self.pos.steps.append((m + 0.01, "mfe", {"price": p}))
        elif r <= self.worst - 0.15:
            self.worst = r
            self.pos.steps.append((m + 0.01, "mae", {"price": p}))
        plan = self.plan
        if plan.partial_at is not None and not self.partial_done and r >= plan.partial_at:
            self.partial_done = self.be_done = True
            half = _q(plan.volume / 2, 2)
            self._out(m + 0.02, half, p, "expert", "partial 50% at +1R")
            self._move(m + 0.04, self.entry, p, "partial")
        elif plan.be_at is not None and not self.be_done and r >= plan.be_at:
            self.be_done = True
            self._move(m + 0.02, self.entry, p, "breakeven")
        elif self.be_done and plan.trail is not None:
            new = _q(p - self.s * self.risk * Decimal(plan.trail[0]), self.inst.digits)
            if self.s * (new - self.sl) >= self.risk * Decimal(plan.trail[1]):
                self._move(m + 0.02, new, p, "trailing")

    def _move(self, minute: float, new: Decimal, p: Decimal, method: str) -> None:
        data = {"old_sl": self.sl, "new_sl": new, "price": p, "method": method, "r": self._r(p)}
        self.pos.steps.append((minute, "stop", data))
        self.sl = new

    def _out(self, m: float, volume: Decimal, price: Decimal, reason: str, comment: str) -> None:
        data = {"volume": volume, "price": price, "reason": reason, "comment": comment}
        self.pos.steps.append((m, "out", data))


def _walk(tape: list[Decimal], inst: Instrument, rng: random.Random, length: int) -> None:
    while len(tape) < length:
        step = Decimal(rng.gauss(0.0, inst.minute_vol))
        tape.append(_q(tape[-1] + step, inst.digits))
