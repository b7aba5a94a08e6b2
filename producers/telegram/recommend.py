"""Trade plans in the chat: /plan SYMBOL or the "Get trade plan" button, then Execute / Dismiss.

The plan comes from the LLM producer (structured output, validated) with the user's A/B prompt
variant (``experiment.assigned`` the first time). Execute journals ``recommendation.approved`` and
sends the order through the MT5 producer's executor: ``.executed`` (order and position linked) or
``.failed``. Dismiss journals ``.dismissed``. A JobQueue job journals ``.expired`` when nobody
decided in time; a decision or expiry is final (the first wins).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackContext, ContextTypes

from tradejournal.events import (
    ExperimentAssigned,
    RecommendationApproved,
    RecommendationDismissed,
    RecommendationExecuted,
    RecommendationExpired,
    RecommendationFailed,
    RecommendationIssued,
)
from tradejournal.producers.llm import PlanRequest, request_plan

from .reply import action_id, answer, args_of
from .services import KEY, BotServices, services, user_chat
from .settings import assign_variant

__all__ = ["ask_symbol", "on_decision", "plan", "plan_text", "schedule_expiry"]

_SYMBOL = re.compile(r"^[A-Z0-9._#-]{2,20}$")


def plan_text(rec: RecommendationIssued) -> str:
    """The plan as the user reads it."""
    lines = [f"{rec.direction} {rec.symbol}  (confidence {rec.confidence:g}%)"]
    if rec.direction != "HOLD":
        lines.append(f"entry {rec.entry_price}  SL {rec.sl}  TP {rec.tp}")
    extra = ", ".join(x for x in (rec.timeframe, rec.regime) if x)
    if extra:
        lines.append(extra)
    if rec.reasoning:
        lines.append(rec.reasoning)
    if rec.prompt_variant:
        lines.append(f"(prompt variant {rec.prompt_variant})")
    return "\n".join(lines)


async def ask_symbol(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The menu's "Get trade plan": one button per configured symbol."""
    symbols = services(context).settings.plan_symbols
    rows = [[InlineKeyboardButton(s, callback_data=f"plan:ask:{s}")] for s in symbols]
    await answer(update, context, "Which symbol?", InlineKeyboardMarkup(rows))


async def plan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/plan SYMBOL (or the symbol button): ask the model and show the plan with buttons."""
    svc = services(context)
    args = args_of(update, context)
    if not args or not _SYMBOL.match(args[0].upper()):
        await answer(update, context, "Usage: /plan SYMBOL, for example /plan EURUSD")
        return
    symbol = args[0].upper()
    user_id, chat_id = user_chat(update)
    cause = action_id(update, context)
    variant = await _variant(svc, user_id, cause)
    async with svc.sink.timed("plan.generate", causation_id=cause):
        outcome = await request_plan(
            svc.llm,
            PlanRequest(
                symbol=symbol, system_prompt=svc.settings.plan_variants[variant],
                prompt_variant=variant, expires_after=svc.settings.plan_expiry,
                correlation_id=cause, causation_id=cause,
            ),
        )  # fmt: skip
    if outcome.issued is None:
        text = outcome.result.user_message or (
            "The model's plan did not pass validation, so nothing can be executed. "
            "Please ask again."
        )
        await answer(update, context, text)
        return
    rec = outcome.issued
    if rec.direction == "HOLD":
        await answer(update, context, plan_text(rec))
        return
    svc.state.pending[rec.recommendation_id] = rec
    svc.state.rec_chats[rec.recommendation_id] = chat_id
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Execute", callback_data=f"rec:x:{rec.recommendation_id}"),
                InlineKeyboardButton("Dismiss", callback_data=f"rec:d:{rec.recommendation_id}"),
            ]
        ]
    )
    await answer(update, context, plan_text(rec), buttons)
    schedule_expiry(context.application, rec)


async def _variant(svc: BotServices, user_id: int, cause: str) -> str:
    key = (svc.settings.experiment_id, user_id)
    if key not in svc.state.variants:
        variant = assign_variant(key[0], user_id, list(svc.settings.plan_variants))
        await svc.sink.record(
            ExperimentAssigned, id=f"experiment:{key[0]}:user:{user_id}", experiment_id=key[0],
            user_id=user_id, variant=variant, causation_id=cause,
        )  # fmt: skip
        svc.state.variants[key] = variant
    return svc.state.variants[key]


async def on_decision(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Execute (``rec:x:<id>``) or Dismiss (``rec:d:<id>``) a pending plan."""
    svc = services(context)
    query = update.callback_query
    assert query is not None
    _, verb, rec_id = (query.data or "::").split(":", 2)
    user_id, _ = user_chat(update)
    rec = svc.state.take_pending(rec_id)
    if rec is None:
        await query.answer("This plan was already decided or has expired.")
        return
    _cancel_expiry(context.application, rec_id)
    cause = action_id(update, context)
    if verb == "d":
        await svc.sink.record(
            RecommendationDismissed, recommendation_id=rec_id, user_id=user_id,
            correlation_id=rec.correlation_id, causation_id=cause,
        )  # fmt: skip
        await query.answer("Dismissed")
        await query.edit_message_text(plan_text(rec) + "\n\nDismissed.")
        return
    await query.answer("Sending the order…")
    approved = await svc.sink.record(
        RecommendationApproved, recommendation_id=rec_id, user_id=user_id,
        correlation_id=rec.correlation_id, causation_id=cause,
    )  # fmt: skip
    await query.edit_message_text(plan_text(rec) + "\n\n" + await _execute(svc, rec, approved.id))


async def _execute(svc: BotServices, rec: RecommendationIssued, cause: str) -> str:
    links: dict[str, Any] = {"correlation_id": rec.correlation_id, "causation_id": cause}
    if svc.executor is None:
        result_error, retcode = "no MT5 terminal is configured", None
        ticket = position = None
        ok = False
    else:
        async with svc.sink.timed("mt5.order", **links):
            done = await svc.executor.execute(rec, svc.settings.order_volume, causation_id=cause)
        ok, ticket, position = done.ok, done.order_ticket, done.position_id
        result_error, retcode = done.error, done.retcode
    if ok:
        await svc.sink.record(
            RecommendationExecuted, recommendation_id=rec.recommendation_id,
            order_ticket=ticket, position_id=position, **links,
        )  # fmt: skip
        return f"Executed: order {ticket}, position {position}."
    await svc.sink.record(
        RecommendationFailed, recommendation_id=rec.recommendation_id,
        error=(result_error or "order failed")[:500], retcode=retcode, **links,
    )  # fmt: skip
    return f"Not executed: {result_error}"


def schedule_expiry(app: Application, rec: RecommendationIssued) -> None:  # type: ignore[type-arg]
    """Run ``expire`` when the plan's time is up (at once if it is already past)."""
    if app.job_queue is None or rec.expires_ts is None:
        return
    now = app.bot_data[KEY].sink.now()
    delay = max((rec.expires_ts - now).total_seconds(), 0.0)
    app.job_queue.run_once(
        _expire, when=dt.timedelta(seconds=delay), data=rec.recommendation_id,
        name=f"expire:{rec.recommendation_id}",
    )  # fmt: skip


def _cancel_expiry(app: Application, rec_id: str) -> None:  # type: ignore[type-arg]
    if app.job_queue is not None:
        for job in app.job_queue.get_jobs_by_name(f"expire:{rec_id}"):
            job.schedule_removal()


async def _expire(context: CallbackContext) -> None:  # type: ignore[type-arg]
    svc = services(context)
    assert context.job is not None
    rec_id = str(context.job.data)
    chat_id = svc.state.rec_chats.get(rec_id)
    rec = svc.state.take_pending(rec_id)
    if rec is None:
        return
    await svc.sink.record(
        RecommendationExpired, recommendation_id=rec_id, correlation_id=rec.correlation_id,
        causation_id=rec.id,
    )  # fmt: skip
    if chat_id is not None:
        await context.bot.send_message(chat_id, f"Plan expired: {rec.direction} {rec.symbol}.")
