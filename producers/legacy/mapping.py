"""From one old row to typed events: the mapping of each known table of the old bot.

Every function takes the row and a ``Context`` and returns the typed events (possibly none)
plus, when none, the reason. Ids are deterministic, ``legacy:<account>:<table>:<key>[:<part>]``,
so importing again adds nothing. Known tables: trades, events (the old log), equity,
chatgpt_conversations, chatgpt_messages, ai_recommendations, signal_scanner_results,
user_actions (journal.sqlite) and oco_pairs (oco_tracker.db). Decisions the old files force:

* The old bot kept no deal tickets: a trade's opening deal gets the position ticket and its
  closing deal the negative ticket (unique, and recognisable as synthetic).
* ``equity`` rows have no margin: ``account.snapshot`` gets margin 0 and free margin = equity.
* Confidences stored as fractions (every value of the table <= 1) are scaled to percent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from tradejournal.events import (
    AccountSnapshot,
    ConversationMessage,
    ConversationStarted,
    DealFilled,
    Event,
    OcoCreated,
    OcoFailed,
    OcoTriggered,
    PositionStopMoved,
    RecommendationExecuted,
    RecommendationIssued,
    SignalDetected,
    TradeAnnotated,
    UserAction,
)
from tradejournal.events.deal import DealReason
from tradejournal.events.errors import TradejournalError

from .rows import Row, as_decimal, as_int, as_text, as_ts, pick

__all__ = ["MAPPERS", "Context", "Skip"]


class Skip(TradejournalError):
    """The row yields no typed event; the message says why (it is still kept raw)."""


@dataclass(frozen=True, slots=True)
class Context:
    """What every mapping needs besides the row."""

    account: str
    currency: str
    table: str
    key: str
    cause: str
    """The id of the row's legacy.row_imported event (the typed events' causation_id)."""
    confidence_scale: Decimal = Decimal(1)

    def id(self, part: str = "") -> str:
        base = f"legacy:{self.account}:{self.table}:{self.key}"
        return f"{base}:{part}" if part else base

    def env(self, ts: dt.datetime, part: str = "") -> dict[str, Any]:
        return {"id": self.id(part), "ts": ts, "producer": "import", "account": self.account,
                "causation_id": self.cause}  # fmt: skip


def _need(value: Any, what: str) -> Any:
    if value is None:
        raise Skip(f"no {what}")
    return value


Side = Literal["buy", "sell"]
Direction = Literal["BUY", "SELL", "HOLD"]


def _side(value: Any) -> Side:
    text = str(value).strip().lower() if value is not None else ""
    if text in ("buy", "long", "0", "b"):
        return "buy"
    if text in ("sell", "short", "1", "s"):
        return "sell"
    raise Skip(f"side {value!r} is neither buy nor sell")


def _direction(value: Any) -> Direction:
    text = str(value).strip().upper() if value is not None else ""
    if text in ("BUY", "LONG"):
        return "BUY"
    if text in ("SELL", "SHORT"):
        return "SELL"
    if text in ("HOLD", "NEUTRAL", "WAIT", "NONE"):
        return "HOLD"
    raise Skip(f"direction {value!r} is not BUY, SELL or HOLD")


def _close_reason(text: str | None) -> DealReason:
    t = (text or "").lower()
    words = set(re.split(r"[^a-z]+", t))
    if words & {"sl", "stop", "stopped", "stoploss"} or "stop_loss" in t:
        return "sl"
    if words & {"tp", "target", "takeprofit"} or "take" in t:
        return "tp"
    return "client" if words & {"manual", "user", "closed_by_user"} else "other"


def trades(row: Row, c: Context) -> list[Event]:
    ticket = _need(as_int(pick(row, "ticket", "position", "position_id")), "ticket")
    symbol = _need(as_text(pick(row, "symbol")), "symbol")
    side = _side(pick(row, "side", "direction", "type"))
    volume = _need(as_decimal(pick(row, "volume", "lot", "lots")), "volume")
    price = _need(as_decimal(pick(row, "entry_price", "open_price", "price")), "entry_price")
    opened = _need(as_ts(pick(row, "opened_ts", "open_time", "opened_at", "ts")), "opened_ts")
    sl, tp = as_decimal(pick(row, "sl")), as_decimal(pick(row, "tp"))
    out: list[Event] = [
        DealFilled(**c.env(opened, "in"), deal_ticket=ticket, order_ticket=ticket,
                   position_id=ticket, symbol=symbol, side=side, entry="in", volume=volume,
                   price=price, comment="legacy import")
    ]  # fmt: skip
    if sl or tp:
        out.append(PositionStopMoved(**c.env(opened, "stops"), position_id=ticket, symbol=symbol,
                                     new_sl=sl or None, new_tp=tp or None, method="initial"))  # fmt: skip
    strategy, regime = as_text(pick(row, "strategy")), as_text(pick(row, "regime"))
    if strategy or regime:
        out.append(TradeAnnotated(**c.env(opened, "note"), position_id=ticket, strategy=strategy,
                                  regime=regime))  # fmt: skip
    closed = as_ts(pick(row, "closed_ts", "close_time", "closed_at"))
    exit_price = as_decimal(pick(row, "exit_price", "close_price"))
    if closed is not None and exit_price is not None:
        reason = as_text(pick(row, "close_reason", "reason"))
        out.append(DealFilled(
            **c.env(closed, "out"), deal_ticket=-ticket, order_ticket=None, position_id=ticket,
            symbol=symbol, side="sell" if side == "buy" else "buy", entry="out", volume=volume,
            price=exit_price, profit=as_decimal(pick(row, "pnl", "profit")) or Decimal(0),
            reason=_close_reason(reason),
            comment=(reason or "legacy import")[:200]))  # fmt: skip
    return out


_STOP_KINDS = {"trail": "trailing", "breakeven": "breakeven", "be": "breakeven",
               "sl": "manual", "modify": "manual", "stop": "manual", "partial": "partial"}  # fmt: skip


def old_events(row: Row, c: Context) -> list[Event]:
    kind = (as_text(pick(row, "event", "type", "kind")) or "").lower()
    method = next((m for k, m in _STOP_KINDS.items() if k in kind.replace("-", "_").split("_")
                   or kind.startswith(k)), None)  # fmt: skip
    if method is None or "open" in kind or "close" in kind:
        raise Skip(f"event {kind or '?'!r}: opens and closes come from the trades table")
    position = _need(as_int(pick(row, "position", "ticket")), "position/ticket")
    sl = _need(as_decimal(pick(row, "sl")), "new SL")
    ts = _need(as_ts(pick(row, "ts", "time", "created_at")), "ts")
    return [PositionStopMoved(**c.env(ts), position_id=position, symbol=as_text(pick(row, "symbol")),
                              new_sl=sl, new_tp=as_decimal(pick(row, "tp")),
                              price=as_decimal(pick(row, "price")), method=method)]  # type: ignore[arg-type]  # fmt: skip


def equity(row: Row, c: Context) -> list[Event]:
    ts = _need(as_ts(pick(row, "ts", "time", "timestamp")), "ts")
    balance = _need(as_decimal(pick(row, "balance")), "balance")
    eq = _need(as_decimal(pick(row, "equity")), "equity")
    return [AccountSnapshot(**c.env(ts), balance=balance, equity=eq, margin=Decimal(0),
                            free_margin=eq, currency=c.currency)]  # fmt: skip


def conversations(row: Row, c: Context) -> list[Event]:
    ts = _need(as_ts(pick(row, "created_at", "started_at", "ts", "timestamp")), "created_at")
    return [ConversationStarted(
        **c.env(ts), conversation_id=f"legacy:{c.key}",
        user_id=_need(as_int(pick(row, "user_id")), "user_id"),
        chat_id=_need(as_int(pick(row, "chat_id", "user_id")), "chat_id"),
        title=as_text(pick(row, "title", "topic")))]  # fmt: skip


def messages(row: Row, c: Context) -> list[Event]:
    ts = _need(as_ts(pick(row, "created_at", "ts", "timestamp")), "created_at")
    conv = _need(as_text(pick(row, "conversation_id", "conv_id")), "conversation_id")
    role = (as_text(pick(row, "role")) or "").lower()
    if role not in ("user", "assistant", "system"):
        raise Skip(f"role {role!r} is not user, assistant or system")
    prompt = as_int(pick(row, "prompt_tokens", "tokens_in", "input_tokens"))
    completion = as_int(pick(row, "completion_tokens", "tokens_out", "output_tokens"))
    if prompt is None and completion is None and role == "assistant":
        completion = as_int(pick(row, "tokens"))
    return [ConversationMessage(
        **c.env(ts), conversation_id=f"legacy:{conv}", role=role,  # type: ignore[arg-type]
        content=str(pick(row, "content", "text", "message") or ""),
        model=as_text(pick(row, "model")), prompt_tokens=prompt, completion_tokens=completion,
        cost_usd=as_decimal(pick(row, "cost_usd", "cost")),
        user_id=as_int(pick(row, "user_id")), chat_id=as_int(pick(row, "chat_id")))]  # fmt: skip


def recommendations(row: Row, c: Context) -> list[Event]:
    ts = _need(as_ts(pick(row, "created_at", "ts", "timestamp")), "created_at")
    confidence = _need(as_decimal(pick(row, "confidence")), "confidence") * c.confidence_scale
    rec_id = f"legacy:{c.key}"
    out: list[Event] = [RecommendationIssued(
        **c.env(ts), recommendation_id=rec_id,
        symbol=_need(as_text(pick(row, "symbol")), "symbol"),
        direction=_direction(pick(row, "direction", "side", "action")),
        entry_price=as_decimal(pick(row, "entry_price", "entry", "price")),
        sl=as_decimal(pick(row, "sl", "stop_loss")), tp=as_decimal(pick(row, "tp", "take_profit")),
        confidence=float(confidence), reasoning=str(pick(row, "reasoning", "reason") or ""),
        timeframe=as_text(pick(row, "timeframe")), regime=as_text(pick(row, "regime")),
        model=as_text(pick(row, "model")) or "legacy",
        prompt_variant=as_text(pick(row, "prompt_variant", "variant")))]  # fmt: skip
    ticket = as_int(pick(row, "ticket", "position_id"))
    if _truthy(pick(row, "executed")) and ticket is not None:
        out.append(RecommendationExecuted(**c.env(ts, "executed"), recommendation_id=rec_id,
                                          order_ticket=ticket, position_id=ticket))  # fmt: skip
    return out


def signals(row: Row, c: Context) -> list[Event]:
    ts = _need(as_ts(pick(row, "created_at", "ts", "timestamp", "scanned_at")), "created_at")
    direction = _direction(pick(row, "direction", "signal", "side"))
    if direction == "HOLD":
        raise Skip("no side (HOLD/NEUTRAL): not a signal")
    confidence = as_decimal(pick(row, "confidence", "strength", "score")) or Decimal(0)
    return [SignalDetected(
        **c.env(ts), signal_id=f"legacy:{c.key}",
        symbol=_need(as_text(pick(row, "symbol")), "symbol"),
        timeframe=as_text(pick(row, "timeframe", "tf")) or "?", direction=direction,
        confidence=float(confidence * c.confidence_scale),
        rsi=_float(pick(row, "rsi")), adx=_float(pick(row, "adx")), atr=_float(pick(row, "atr")),
        regime=as_text(pick(row, "regime")), reason=str(pick(row, "reason", "notes") or ""),
        price=as_decimal(pick(row, "price", "entry_price", "entry")))]  # fmt: skip


def user_actions(row: Row, c: Context) -> list[Event]:
    ts = _need(as_ts(pick(row, "ts", "created_at", "timestamp")), "ts")
    action = str(_need(pick(row, "action", "command", "data"), "action"))
    details = as_text(pick(row, "details", "data", "payload"))
    data = action if details is None or details == action else f"{action} {details}"
    kind_text = (as_text(pick(row, "kind", "action_type")) or "").lower()
    kind = ("command" if action.startswith("/") else
            "button" if "button" in kind_text or "callback" in kind_text else "message")  # fmt: skip
    return [UserAction(**c.env(ts), user_id=_need(as_int(pick(row, "user_id")), "user_id"),
                       chat_id=_need(as_int(pick(row, "chat_id", "user_id")), "chat_id"),
                       kind=kind, data=data[:4000], username=as_text(pick(row, "username")))]  # type: ignore[arg-type]  # fmt: skip


def oco_pairs(row: Row, c: Context) -> list[Event]:
    group = _need(as_text(pick(row, "oco_group_id")), "oco_group_id")
    a = _need(as_int(pick(row, "order_a_ticket")), "order_a_ticket")
    b = _need(as_int(pick(row, "order_b_ticket")), "order_b_ticket")
    created = _need(as_ts(pick(row, "created_at")), "created_at")
    updated = as_ts(pick(row, "updated_at")) or created
    out: list[Event] = [OcoCreated(**c.env(created), oco_group_id=group,
                                   symbol=_need(as_text(pick(row, "symbol")), "symbol"),
                                   leg_a_ticket=a, leg_b_ticket=b)]  # fmt: skip
    status = (as_text(pick(row, "status")) or "").upper()
    if status in ("FILLED_A", "FILLED_B"):
        filled, cancel = (a, b) if status == "FILLED_A" else (b, a)
        out.append(OcoTriggered(**c.env(updated, "done"), oco_group_id=group,
                                filled_ticket=filled, cancel_ticket=cancel))  # fmt: skip
    elif status == "BOTH_FILLED":
        out.append(OcoFailed(**c.env(updated, "done"), oco_group_id=group, kind="both_filled",
                             error=as_text(pick(row, "comment"))))  # fmt: skip
    return out


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "y", "executed")


def _float(value: Any) -> float | None:
    d = as_decimal(value)
    return float(d) if d is not None else None


MAPPERS: dict[str, Callable[[Row, Context], list[Event]]] = {
    "trades": trades,
    "events": old_events,
    "equity": equity,
    "chatgpt_conversations": conversations,
    "chatgpt_messages": messages,
    "ai_recommendations": recommendations,
    "signal_scanner_results": signals,
    "user_actions": user_actions,
    "oco_pairs": oco_pairs,
}
"""Table name -> its mapping (tables not listed are kept raw only)."""

SCALED_TABLES = ("ai_recommendations", "signal_scanner_results")
"""Tables whose confidence is scaled to percent when every value is a fraction (<= 1)."""
