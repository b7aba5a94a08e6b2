"""A paper-trading session for the MT5 producer tests: terminal, journal, poller, managers.

``Session`` wires the real parts — :class:`PaperTerminal`, the real store, :class:`Mt5Poller`,
the order wrapper, OCO and trailing managers — with the paper clock as the producers' clock.
``check_agreement`` is the cross-check every scenario ends with: the journal's ``trades``
projection and MT5 summary agree to the cent with the paper broker's own account.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from tradejournal import projections as P
from tradejournal.events import Event, event_tag
from tradejournal.producers.config import ServerClock
from tradejournal.producers.mt5 import (
    Mt5Poller,
    OcoManager,
    PaperTerminal,
    PollerSettings,
    TrailingManager,
    TrailingSettings,
)
from tradejournal.producers.mt5 import api as mt5
from tradejournal.store import Journal

__all__ = ["Session", "check_agreement", "market", "pending", "summary"]

FAR = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def market(symbol: str, side: str, volume: float, price: float, **kw: Any) -> dict[str, Any]:
    """A TRADE_ACTION_DEAL request."""
    return {
        "action": mt5.TRADE_ACTION_DEAL, "symbol": symbol, "volume": volume,
        "type": mt5.ORDER_TYPE_BUY if side == "buy" else mt5.ORDER_TYPE_SELL,
        "price": price, "deviation": 20, "type_filling": mt5.ORDER_FILLING_IOC, **kw,
    }  # fmt: skip


def pending(symbol: str, order_type: int, volume: float, price: float, **kw: Any) -> dict[str, Any]:
    """A TRADE_ACTION_PENDING request."""
    return {
        "action": mt5.TRADE_ACTION_PENDING, "symbol": symbol, "volume": volume,
        "type": order_type, "price": price, "type_filling": mt5.ORDER_FILLING_RETURN, **kw,
    }  # fmt: skip


def summary(events: list[Event]) -> list[tuple[Any, ...]]:
    """(tag, the event's identifying fields) of each event, for exact comparisons."""
    keys = ("entry", "reason", "method", "rule", "excursion", "kind", "order_type", "retcode")
    out = []
    for e in events:
        if event_tag(e) in ("account.snapshot", "symbol.spec_changed", "position.excursion"):
            continue
        out.append(
            (event_tag(e), *[getattr(e, k) for k in keys if getattr(e, k, None) is not None])
        )
    return out


class Session:
    """A paper terminal and the producers that journal it."""

    def __init__(
        self,
        root: Path,
        *,
        terminal: PaperTerminal | None = None,
        server_time: ServerClock | None = None,
        trailing: TrailingSettings | None = None,
        **poller: Any,
    ) -> None:
        self.root = root
        self.terminal = terminal or PaperTerminal()
        self.terminal.initialize()
        self.server_time = server_time or ServerClock()
        self.poller_kw = poller
        self.trailing_settings = trailing or TrailingSettings(breakeven_at_r=0)
        self.journal = Journal.open(root / "journal", durability="none", create=True)
        self.start()

    def start(self) -> None:
        """(Re)build the producers from the journal, as a restarted process does."""
        settings = PollerSettings(server_time=self.server_time, **self.poller_kw)
        self.poller = Mt5Poller(
            self.terminal, self.journal, settings, clock=lambda: self.terminal.utc_now
        )
        self.trader = self.poller.trader
        self.oco = OcoManager(self.trader, self.poller.alerts)
        self.trailing = TrailingManager(self.trader, self.poller.alerts, self.trailing_settings)

    @property
    def account(self) -> str:
        """The account label."""
        return self.poller.account

    def poll(self) -> list[Event]:
        """One cycle of the run loop: poll, settle OCO groups, trail."""
        out = self.poller.poll_once()
        out += self.oco.check()
        out += self.trailing.run_once()
        return out

    def all_events(self) -> list[Event]:
        """Every event in the journal."""
        return list(self.journal.read())

    def close(self) -> None:
        """Close the journal."""
        self.journal.close()


def check_agreement(session: Session) -> dict[str, Any]:
    """Assert the journal agrees with the paper broker to the cent; return the figures."""
    t = session.terminal
    deals = t.history_deals_get(dt.datetime(1970, 1, 2, tzinfo=dt.UTC), FAR)
    assert deals is not None
    trade = [d for d in deals if d.type in (mt5.DEAL_TYPE_BUY, mt5.DEAL_TYPE_SELL)]
    money = [d for d in deals if d.type not in (mt5.DEAL_TYPE_BUY, mt5.DEAL_TYPE_SELL)]

    def dec(x: float) -> Decimal:
        return Decimal(repr(x))

    net = sum((dec(d.profit) + dec(d.commission) + dec(d.swap) + dec(d.fee) for d in trade),
              Decimal(0))  # fmt: skip
    deposits = sum((dec(d.profit) for d in money), Decimal(0))
    info = t.account_info()
    assert info is not None
    balance_change = dec(info.balance) - deposits
    assert balance_change == net, "the paper broker's own books disagree"
    jd = session.journal.path
    acct = session.account
    summ = P.mt5_summary(jd, account=acct)
    trades = P.trades(jd, account=acct)
    _, rows = P.query(jd, f"SELECT count(*) FROM deals WHERE account = '{acct}'")
    closed = [r for r in trades if r["status"] == "closed"]
    assert rows[0][0] == len(trade)
    assert summ["total_net_profit"] == net
    if all(r["status"] == "closed" for r in trades):
        assert sum((r["net_pnl"] for r in closed), Decimal(0)) == net
    return {"net": net, "balance_change": balance_change, "deals": len(trade), "trades": trades}
