"""JobQueue jobs: the scanner pass every ``scanner_interval_s`` and the nightly export.

The scanner pass journals ``signal.detected`` (the scanner does); at or above the notify
threshold the owner gets a message and ``signal.notified`` is journaled. The nightly export runs
at ``export_time`` in ``export_tz`` through the export library function; both can be run on
demand (``await job.run(application)``).
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram.ext import Application, CallbackContext

from tradejournal.events import MetricTiming, SignalNotified

from .services import services

__all__ = [
    "EXPORT_JOB",
    "MT5_JOB",
    "SCANNER_JOB",
    "export_job",
    "mt5_job",
    "scanner_job",
    "schedule_jobs",
]

log = logging.getLogger(__name__)

SCANNER_JOB = "scanner"
MT5_JOB = "mt5"
EXPORT_JOB = "nightly-export"


async def scanner_job(context: CallbackContext) -> None:  # type: ignore[type-arg]
    """One scanner pass; notify the owner of strong signals."""
    svc = services(context)
    if svc.scanner is None:
        return
    async with svc.sink.timed("scanner.scan"):
        found = await svc.scanner()
    owner = svc.settings.owner_chat_id
    for signal in found:
        if owner is None or signal.confidence < svc.settings.notify_threshold:
            continue
        text = (
            f"Signal: {signal.direction} {signal.symbol} {signal.timeframe} "
            f"(confidence {signal.confidence:g}%)"
        )
        if signal.reason:
            text += f"\n{signal.reason}"
        await context.bot.send_message(owner, text)
        await svc.sink.record(
            SignalNotified, id=f"{signal.id}:notified:{owner}", signal_id=signal.signal_id,
            chat_id=owner, correlation_id=signal.id, causation_id=signal.id,
        )  # fmt: skip


async def mt5_job(context: CallbackContext) -> None:  # type: ignore[type-arg]
    """One MT5 cycle: poll the terminal, settle OCO groups, trail stops."""
    svc = services(context)
    if svc.mt5_cycle is None:
        return
    stamps = svc.sink.stamps
    started = stamps.timer()
    written = await svc.mt5_cycle()
    ms = stamps.elapsed_ms(started)
    if written or ms >= 1000:  # an idle poll every second is not worth an event
        await svc.sink.emit(
            [
                MetricTiming(
                    id=stamps.new_id(),
                    ts=stamps.now(),
                    producer="telegram",
                    name="mt5.cycle",
                    duration_ms=ms,
                )  # fmt: skip
            ]
        )


async def export_job(context: CallbackContext) -> None:  # type: ignore[type-arg]
    """The nightly export; tell the owner where it went (or that it failed)."""
    svc = services(context)
    if svc.exporter is None or svc.settings.export_dir is None:
        return
    owner = svc.settings.owner_chat_id
    try:
        async with svc.sink.timed("export.nightly"):
            path = await svc.exporter(svc.settings.export_dir, svc.sink.now())
    except Exception as exc:  # a failed export must not stop the bot
        log.exception("nightly export failed")
        if owner is not None:
            await context.bot.send_message(owner, f"Nightly export failed: {exc}")
        return
    log.info("nightly export written: %s", path)
    if owner is not None:
        await context.bot.send_message(owner, f"Nightly export written: {path.name}")


def schedule_jobs(app: Application) -> None:  # type: ignore[type-arg]
    """Schedule the scanner and the nightly export as the services and settings allow."""
    svc = app.bot_data["tradejournal"]
    jq = app.job_queue
    if jq is None:
        raise RuntimeError("the JobQueue is missing: install python-telegram-bot[job-queue]")
    s = svc.settings
    if svc.mt5_cycle is not None:
        first = 0.2 if s.jobs_first_s is None else s.jobs_first_s
        jq.run_repeating(mt5_job, interval=s.mt5_interval_s, first=first, name=MT5_JOB)
    if svc.scanner is not None and s.scanner_interval_s:
        first = 1.0 if s.jobs_first_s is None else s.jobs_first_s
        jq.run_repeating(scanner_job, interval=s.scanner_interval_s, first=first, name=SCANNER_JOB)
    if svc.exporter is not None and s.export_dir is not None and s.export_time is not None:
        when = s.export_time.replace(tzinfo=ZoneInfo(s.export_tz))
        jq.run_daily(export_job, time=when, name=EXPORT_JOB)
