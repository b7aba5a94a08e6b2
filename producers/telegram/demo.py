"""The bot demo: the real Application, driven by scripted Telegram updates through the loopback
fake Bot API (real ``getUpdates`` polling), a scripted model behind the loopback fake OpenAI
server, and the paper terminal as the broker.

``python -m tradejournal.producers.telegram.demo JOURNAL [--seed N]`` appends to ``JOURNAL``: a
refused stranger, a conversation, four plans (executed and closed at its target, dismissed,
expired, invalid), scanner signals and the owner's notifications — written by the real producers
and linked to the trades they caused, in a few seconds.

Same seed, same journal, line for line (only the store's ``recorded_ts`` differs): the paper
terminal's clock is the demo's only clock. The fake Bot API dates the updates with it, every
producer stamps its events with it (``Stamps``), the scripted model "takes" a scripted time
by moving it, and ids without a source key are drawn from a generator seeded by the seed. The
JobQueue's jobs are run by the script (``job.run``), never by a timer, so nothing races.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import json
import random
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from tradejournal.producers.config import ScannerSettings, ServerClock
from tradejournal.producers.fakes import FakeBotApi, FakeLlmApi, LlmReply, LlmRequest
from tradejournal.producers.llm import LlmSettings, Price
from tradejournal.producers.mt5 import Mt5Poller, PaperTerminal
from tradejournal.producers.mt5.paper import RandomWalkFeed
from tradejournal.producers.scanner import Scanner
from tradejournal.producers.stamps import Stamps
from tradejournal.store import Journal, read_events

from .app import BotRunner, build_application
from .assemble import open_services
from .jobs import MT5_JOB, SCANNER_JOB
from .mt5link import Mt5Link
from .settings import BotSettings
from .wiring import scanner_fn

__all__ = ["run_demo"]

OWNER, STRANGER, BOT_ID = 424242, 999001, 700700
MODEL = "gpt-4o-mini"
PLAN_EXPIRY = dt.timedelta(minutes=15)
_START = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
_SYMBOLS = ("EURUSD", "GBPUSD", "USDJPY", "XAUUSD")
_ANSWERS = [
    "Keep risk per trade at 1% of the account; size from the stop distance.",
    "After three losses in a row, halve the size until a winner.",
]


def _plans(terminal: PaperTerminal, seed: int) -> dict[str, str]:
    """The scripted model's plan per symbol, around the paper terminal's quotes."""
    plans: dict[str, str] = {}
    for n, (symbol, side, points) in enumerate(
        (("EURUSD", "BUY", 0.0050), ("GBPUSD", "SELL", 0.0060), ("XAUUSD", "BUY", 8.0))
    ):
        tick = terminal.symbol_info_tick(symbol)
        assert tick is not None
        entry = Decimal(repr(tick.ask if side == "BUY" else tick.bid))
        step = Decimal(repr(points)) * (1 if side == "BUY" else -1)
        plans[symbol] = json.dumps(
            {"symbol": symbol, "direction": side, "entry_price": float(entry),
             "sl": float(entry - step), "tp": float(entry + 2 * step),
             "confidence": 60 + (seed * 7 + n * 11) % 30, "reasoning": "Scripted demo plan.",
             "timeframe": "H1", "regime": "trending"}
        )  # fmt: skip
    # a BUY whose stop sits above the entry: the validation must refuse it
    plans["USDJPY"] = json.dumps(
        {"symbol": "USDJPY", "direction": "BUY", "entry_price": 150.0, "sl": 151.0, "tp": 152.0,
         "confidence": 70, "reasoning": "Stop on the wrong side.", "timeframe": "H1",
         "regime": "ranging"}
    )  # fmt: skip
    return plans


def scripted_stamps(terminal: PaperTerminal, seed: int) -> Stamps:
    """Stamps read from the paper clock, with UUIDv7-shaped ids drawn from ``seed``."""
    rng = random.Random(f"bot-demo:{seed}")

    def new_id() -> str:
        ms = int(terminal.utc_now.timestamp() * 1000)
        value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rng.getrandbits(12) << 64
        return str(uuid.UUID(int=value | 0b10 << 62 | rng.getrandbits(62)))

    return Stamps(
        now=lambda: terminal.utc_now, new_id=new_id,
        timer=lambda: terminal.utc_now.timestamp(), pid=lambda: None,
    )  # fmt: skip


def _responder(plans: dict[str, str], terminal: PaperTerminal, seed: int) -> Any:
    turns = iter(_ANSWERS * 10)
    rng = random.Random(f"bot-demo-model:{seed}")

    def answer(request: LlmRequest) -> LlmReply:
        # the model's scripted thinking time passes on the paper clock (the demo's only clock)
        terminal.advance(((1800 if request.structured else 900) + rng.randrange(400)) / 1000)
        if request.structured:
            asked = request.messages[-1]["content"]
            symbol = next((s for s in plans if s in asked), "EURUSD")
            return LlmReply(content=plans[symbol], prompt_tokens=420, completion_tokens=95)
        return LlmReply(content=next(turns), prompt_tokens=180, completion_tokens=40,
                        cached_tokens=64)  # fmt: skip

    return answer


def _pause(terminal: PaperTerminal, seconds: int = 20) -> None:
    """The trader's pause before the next update: to a whole second (Telegram's dates are)."""
    now = terminal.utc_now
    terminal.set_time(now.replace(microsecond=0) + dt.timedelta(seconds=seconds))


async def _step(
    api: FakeBotApi, terminal: PaperTerminal, update: Callable[[], dict[str, Any]], method: str
) -> Any:
    """After a pause, send the update ``update()`` builds; wait for the bot's next ``method``."""
    _pause(terminal)
    before = len(api.sent(method))
    api.push(update())
    return await asyncio.to_thread(api.wait_for, method, before + 1, timeout=20)


async def _run_job(runner: BotRunner, name: str) -> None:
    """Run the JobQueue job ``name`` now, as its timer would."""
    (job,) = runner.app.job_queue.get_jobs_by_name(name)
    await job.run(runner.app)


async def _scan_hours(runner: BotRunner, link: Mt5Link, feed: Any, hours: int) -> None:
    """Let the market run ``hours`` H1 bars, the scanner job scanning after each one."""
    for _ in range(hours):
        async with link.lock:
            link.terminal.run_feed(feed, max_ticks=len(_SYMBOLS))
        await _run_job(runner, SCANNER_JOB)


async def _expire_plans(runner: BotRunner, terminal: PaperTerminal, after: dt.timedelta) -> None:
    """Let ``after`` pass on the paper clock, then run the plans' expiry jobs."""
    terminal.advance(after.total_seconds())
    for job in runner.app.job_queue.jobs():
        if job.name and job.name.startswith("expire:"):
            await job.run(runner.app)
            job.schedule_removal()


async def _story(api: FakeBotApi, runner: BotRunner, link: Mt5Link, terminal: PaperTerminal,
                 feed: Any, seed: int) -> None:  # fmt: skip
    def say(user: int, text: str, username: str | None = None) -> Any:
        return _step(api, terminal, lambda: api.message_update(user, text, username=username),
                     "sendMessage")  # fmt: skip

    await _run_job(runner, MT5_JOB)
    await _scan_hours(runner, link, feed, 48)
    _plans_cache.update(_plans(terminal, seed))
    await say(OWNER, "/start", "owner")
    await say(STRANGER, "/stats", "stranger")
    await say(OWNER, "/chatgpt How much should I risk per trade?")
    await say(OWNER, "And after a losing streak?")
    await say(OWNER, "/end")
    decisions = {"EURUSD": "x", "GBPUSD": "d", "XAUUSD": None, "USDJPY": None}
    for symbol, verb in decisions.items():
        sent = await say(OWNER, f"/plan {symbol}")
        buttons = [data for _, data in sent.buttons() if data.startswith(f"rec:{verb}:")]
        if verb and buttons:
            press = functools.partial(api.callback_update, OWNER, buttons[0],
                                      message_id=sent.params.get("message_id", 1))  # fmt: skip
            await _step(api, terminal, press, "editMessageText")
    await _run_job(runner, MT5_JOB)  # the fill
    _pause(terminal, 3600)
    rec = json.loads(_plans_cache["EURUSD"])
    terminal.set_quote("EURUSD", rec["tp"] + 0.0002, rec["tp"] + 0.0003)  # the target is hit
    await _run_job(runner, MT5_JOB)
    await _expire_plans(runner, terminal, PLAN_EXPIRY)  # the XAUUSD plan expires


_plans_cache: dict[str, str] = {}


async def _run(path: Path, seed: int) -> None:
    terminal = PaperTerminal(start=_START)
    assert terminal.initialize()
    quotes = {s: (t.bid + t.ask) / 2 for s in _SYMBOLS
              if (t := terminal.symbol_info_tick(s)) is not None}  # fmt: skip
    feed = iter(
        RandomWalkFeed(quotes, seed=seed, start_utc=_START, interval_s=3600, step_points=40,
                       digits={"EURUSD": 5, "GBPUSD": 5, "XAUUSD": 2, "USDJPY": 3})
    )  # fmt: skip
    terminal.run_feed(feed, max_ticks=len(_SYMBOLS) * 300)  # the history the scanner reads
    _plans_cache.clear()
    scan = ScannerSettings(symbols=["EURUSD", "GBPUSD", "XAUUSD"], timeframes=["H1"],
                           rsi_oversold=40.0, rsi_overbought=60.0)  # fmt: skip
    stamps = scripted_stamps(terminal, seed)
    clock = stamps.now
    with (
        FakeBotApi(bot_id=BOT_ID, clock=clock) as api,
        FakeLlmApi(_responder(_plans_cache, terminal, seed)) as llm,
        Journal.open(path, create=True) as journal,
    ):
        link = Mt5Link(Mt5Poller(terminal, journal, clock=clock, ids=stamps.new_id))
        settings = BotSettings(
            journal=path, token=f"{BOT_ID}:demo-token", allowed_users=frozenset({OWNER}),
            owner_chat_id=OWNER, base_url=api.base_url, base_file_url=api.base_file_url,
            plan_expiry=PLAN_EXPIRY, scanner_interval_s=3600, notify_threshold=50.0,
            mt5_interval_s=3600, jobs_first_s=10**6, poll_timeout_s=0.2,
        )  # fmt: skip
        llm_settings = LlmSettings(
            api_key="sk-demo", model=MODEL, base_url=llm.base_url, max_retries=0,
            prices={MODEL: Price(Decimal("0.15"), Decimal("0.60"), Decimal("0.075"))},
        )  # fmt: skip
        svc = open_services(
            settings, llm_settings, journal, executor=link, mt5_cycle=link.run_once,
            scanner=scanner_fn(Scanner(terminal, journal, scan, clock=ServerClock(), now=clock),
                               link.lock),
            stamps=stamps,
        )  # fmt: skip
        runner = BotRunner(build_application(svc), poll=True)
        await runner.start()
        try:
            await _story(api, runner, link, terminal, feed, seed)
        finally:
            await runner.stop("demo finished")


def run_demo(path: str | Path, seed: int = 7) -> dict[str, int]:
    """Run the bot demo into the journal at ``path``; return event counts by type."""
    asyncio.run(_run(Path(path), seed))
    counts: dict[str, int] = {}
    for event in read_events(path):
        tag = str(event.__struct_config__.tag)
        counts[tag] = counts.get(tag, 0) + 1
    return counts


def main() -> None:
    """``python -m tradejournal.producers.telegram.demo JOURNAL [--seed N]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("journal")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    counts = run_demo(args.journal, args.seed)
    wanted = ("user.action", "access.denied", "conversation.message", "llm.called",
              "recommendation.issued", "recommendation.invalid", "recommendation.executed",
              "recommendation.dismissed", "recommendation.expired", "signal.detected",
              "signal.notified", "order.placed", "deal.filled")  # fmt: skip
    print("bot demo: " + ", ".join(f"{counts.get(t, 0)} {t}" for t in wanted))


if __name__ == "__main__":
    main()
