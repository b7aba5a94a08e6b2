"""Build the bot's services from settings and an open journal (the one wiring point).

The journal is opened by the caller (the CLI, a test, the demo) and closed by it after the bot
stopped. The state is rebuilt from the journal here, before the first update is handled.
"""

from __future__ import annotations

from tradejournal.producers.llm import LlmClient, LlmSettings
from tradejournal.producers.stamps import Stamps
from tradejournal.store import Journal

from .services import BotServices, CycleFn, ExportFn, OrderExecutor, PictureFn, ScanFn
from .settings import BotSettings
from .sink import JournalSink
from .state import BotState

__all__ = ["open_services"]


def open_services(
    settings: BotSettings,
    llm: LlmSettings,
    journal: Journal,
    *,
    executor: OrderExecutor | None = None,
    scanner: ScanFn | None = None,
    exporter: ExportFn | None = None,
    picture: PictureFn | None = None,
    mt5_cycle: CycleFn | None = None,
    stamps: Stamps | None = None,
) -> BotServices:
    """The services for ``build_application``; the state comes from the journal.

    ``stamps`` (default: the wall clock, UUIDv7 ids, measured durations) is where every event the
    bot writes gets its time and id; a scripted run passes a scripted one."""
    sink = JournalSink(journal, stamps=stamps)
    return BotServices(
        settings=settings,
        sink=sink,
        llm=LlmClient(llm, sink.emit, stamps=sink.stamps),
        state=BotState.rebuild(journal.path),
        executor=executor,
        scanner=scanner,
        exporter=exporter,
        picture=picture,
        mt5_cycle=mt5_cycle,
    )
