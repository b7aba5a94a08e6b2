"""/stats, /trades, /signals, /dashboard, /defs, /export and the jobs (nightly export, scanner)
answer from the projections; hand-computed figures."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
from bot_testlib import FRIEND, OWNER, BotHarness
from factories import make_deal, ts

from tradejournal.events import SignalDetected
from tradejournal.producers.fakes import FakeBotApi, FakeLlmApi
from tradejournal.producers.telegram.jobs import EXPORT_JOB, SCANNER_JOB
from tradejournal.producers.telegram.wiring import exporter_for, picture_fn
from tradejournal.projections.api import stats
from tradejournal.projections.export import verify_snapshot
from tradejournal.projections.present import KEY_FIGURES, definitions
from tradejournal.projections.report import render_report
from tradejournal.store import Journal

pytestmark = pytest.mark.asyncio

# three closed 0.10 lot EURUSD buys, 0.70 commission per deal: +20, -10, +30 gross
TRADES = ((3001, "1.08700", "20.00"), (3002, "1.08400", "-10.00"), (3003, "1.08800", "30.00"))


def _seed(journal_dir: Path) -> None:
    events = []
    for n, (pos, exit_price, profit) in enumerate(TRADES):
        t0 = 3600 * n
        events.append(make_deal(ts=ts(t0), deal_ticket=pos * 10, order_ticket=pos, position_id=pos))
        events.append(
            make_deal(
                ts=ts(t0 + 600),
                deal_ticket=pos * 10 + 1,
                order_ticket=pos + 1,
                position_id=pos,
                side="sell",
                entry="out",
                price=Decimal(exit_price),
                profit=Decimal(profit),
            )  # fmt: skip
        )
    with Journal.open(journal_dir, create=True) as journal:
        journal.append_many(events)


async def _seeded(tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi, **kw: object) -> BotHarness:
    _seed(tmp_path / "journal")
    bot = BotHarness(tmp_path, api, llm, **kw)  # type: ignore[arg-type]
    return await bot.start()


async def test_stats_answer_matches_the_projections(
    tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi
) -> None:
    bot = await _seeded(tmp_path, api, llm)
    try:
        await bot.say(OWNER, "/stats")
        text = bot.texts(OWNER)[-1]
        figures = stats(bot.path)
        assert figures["trades"] == 3 and figures["wins"] == 2 and figures["losses"] == 1
        assert figures["net_pnl"] == Decimal("35.80")  # 18.60 - 11.40 + 28.60
        lines = text.splitlines()
        assert lines[0] == "Statistics (all)"
        assert "Trades: 3" in lines and "Wins: 2" in lines and "Losses: 1" in lines
        assert "Win rate: 66.7%" in lines and "Net P&L: 35.80" in lines
        assert "Profit factor: 4.14" in lines  # 47.20 / 11.40 = 4.1404
        await bot.say(OWNER, "/stats today")  # the seeded trades are from 2024
        assert "Trades: 0" in bot.texts(OWNER)[-1].splitlines()
        await bot.say(OWNER, "/stats fortnight")
        assert bot.texts(OWNER)[-1].startswith("unknown period 'fortnight'")
        await bot.say(OWNER, "/trades")
        assert bot.texts(OWNER)[-1].splitlines() == [
            "Last trades:", "#3001 EURUSD buy 18.60", "#3002 EURUSD buy -11.40",
            "#3003 EURUSD buy 28.60",
        ]  # fmt: skip
        await bot.say(OWNER, "/defs")
        assert "breakeven: Counted separately (B). Win rate = W / (W + L)" in bot.texts(OWNER)[-1]
    finally:
        await bot.stop()


async def test_bot_defs_and_the_report_render_the_shared_definitions(
    tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi
) -> None:
    """One definition per figure: every text of ``present.definitions()`` is in the bot's /defs
    answer and in the HTML report of the same journal, and each report card's tooltip is the
    definition of its term."""
    shared = definitions()
    assert len(shared) >= 19
    bot = await _seeded(tmp_path, api, llm)
    try:
        await bot.say(OWNER, "/defs")
        answer = "\n".join(bot.texts(OWNER)[-1:])
        page = render_report(bot.path)
    finally:
        await bot.stop()
    text = html.unescape(page)
    for term, definition in shared:
        assert f"{term}: {definition}" in answer, term
        assert f"<dt>{term}</dt><dd>{definition}</dd>" in text, term
    cards = re.findall(r'<div class="card" title="([^"]*)"><div class="k">([^<]*)</div>', page)
    labels = {label: term for label, term in KEY_FIGURES.values()}
    assert len(cards) == 7
    for title, label in cards:
        assert html.unescape(title) == dict(shared)[labels[html.unescape(label)]], label


async def test_dashboard_sends_figures_and_the_equity_png(
    tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi
) -> None:
    bot = await _seeded(tmp_path, api, llm, picture=picture_fn())
    try:
        await bot.press(OWNER, "menu:dashboard")
        assert "Net P&L: 35.80" in bot.texts(OWNER)[-2]
        (photo,) = bot.api.sent("sendPhoto")
        assert photo.params["chat_id"] == str(OWNER) and photo.params["caption"] == "Equity"
        assert photo.files["photo"].startswith(b"\x89PNG\r\n\x1a\n")
        assert "report.dashboard" in {getattr(e, "name", "") for e in bot.events("metric.timing")}
    finally:
        await bot.stop()


async def test_nightly_export_runs_on_demand_and_is_scheduled(
    tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi
) -> None:
    exports = tmp_path / "exports"
    bot = await _seeded(
        tmp_path, api, llm,
        exporter=exporter_for(tmp_path / "journal", "Europe/Berlin", 3),
        settings={"export_dir": exports, "export_time": dt.time(23, 55),
                  "export_tz": "Europe/Berlin"},
    )  # fmt: skip
    try:
        (job,) = bot.app.job_queue.get_jobs_by_name(EXPORT_JOB)
        assert job.next_t.astimezone(dt.UTC).minute == 55
        assert str(job.next_t.tzinfo) == "Europe/Berlin" and job.next_t.hour == 23
        await job.run(bot.app)
        (folder,) = [p for p in exports.iterdir() if not p.name.startswith(".")]
        _, mismatches = verify_snapshot(folder)
        assert mismatches == []
        assert bot.texts(OWNER)[-1] == f"Nightly export written: {folder.name}"
        await bot.say(FRIEND, "/export")
        assert bot.texts(FRIEND)[-1] == "Only the owner can export."
        await bot.say(OWNER, "/export")
        assert bot.texts(OWNER)[-1] == f"Export written: {folder.name}"
    finally:
        await bot.stop()


async def test_scanner_job_notifies_the_owner_above_the_threshold(
    tmp_path: Path, api: FakeBotApi, llm: FakeLlmApi
) -> None:
    def signal(symbol: str, confidence: float) -> SignalDetected:
        return SignalDetected(
            id=f"scanner:sig-{symbol}", ts=dt.datetime.now(dt.UTC), producer="scanner",
            signal_id=f"sig-{symbol}", symbol=symbol, timeframe="H1", direction="SELL",
            confidence=confidence, reason="RSI left overbought",
        )  # fmt: skip

    holder: dict[str, BotHarness] = {}

    async def scan() -> list[SignalDetected]:
        found = [signal("EURUSD", 82.0), signal("GBPUSD", 55.0)]
        await holder["bot"].svc.sink.emit(found)
        return found

    bot = BotHarness(tmp_path, api, llm, scanner=scan,
                     settings={"scanner_interval_s": 3600.0, "notify_threshold": 70.0})  # fmt: skip
    holder["bot"] = bot
    await bot.start()
    try:
        (job,) = bot.app.job_queue.get_jobs_by_name(SCANNER_JOB)
        await job.run(bot.app)
        assert bot.texts(OWNER) == ["Signal: SELL EURUSD H1 (confidence 82%)\nRSI left overbought"]
        notified = bot.events("signal.notified")
        assert [getattr(n, "signal_id", None) for n in notified] == ["sig-EURUSD"]
        await bot.say(OWNER, "/signals")
        lines = bot.texts(OWNER)[-1].splitlines()
        assert lines[0] == "Last signals:" and len(lines) == 3
        assert {line.split()[2] for line in lines[1:]} == {"EURUSD", "GBPUSD"}
    finally:
        await bot.stop()
