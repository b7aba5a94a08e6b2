"""The whole config file as one frozen Struct: one attribute per ``[section]``.

Every key has a default, so an empty file is a valid paper-trading config. The repr shows only
environment-variable *names* (``*_env``), never a secret: the file cannot hold one.
"""

from __future__ import annotations

from msgspec import Struct, field

from .service import (
    ExportSettings,
    JournalSettings,
    LoggingSettings,
    OpenAISettings,
    RecommendationSettings,
    TelegramSettings,
)
from .trading import (
    AlertsSettings,
    Mt5LinuxSettings,
    Mt5Settings,
    OcoSettings,
    PaperSettings,
    ScannerSettings,
    TrailingSettings,
)

__all__ = ["PATH_KEYS", "Config"]


class Config(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The config file shared by ``tradejournal mt5 run`` and ``tradejournal bot``."""

    journal: JournalSettings = field(default_factory=JournalSettings)
    mt5: Mt5Settings = field(default_factory=Mt5Settings)
    mt5linux: Mt5LinuxSettings = field(default_factory=Mt5LinuxSettings)
    paper: PaperSettings = field(default_factory=PaperSettings)
    oco: OcoSettings = field(default_factory=OcoSettings)
    trailing: TrailingSettings = field(default_factory=TrailingSettings)
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    alerts: AlertsSettings = field(default_factory=AlertsSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    openai: OpenAISettings = field(default_factory=OpenAISettings)
    recommendations: RecommendationSettings = field(default_factory=RecommendationSettings)
    export: ExportSettings = field(default_factory=ExportSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)


PATH_KEYS = (("journal", "path"), ("export", "dir"), ("paper", "csv_path"), ("logging", "dir"))
"""(section, key) of the paths that ``load_config`` makes absolute, relative to the file."""
