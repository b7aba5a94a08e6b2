"""The config file shared by ``tradejournal mt5 run`` and ``tradejournal bot``: one TOML file.

```python
from tradejournal.producers.config import load_config, ConfigError
config = load_config("tradejournal.toml")     # ConfigError(.problems): one message per wrong key
config.mt5.poll_interval_s, config.scanner.symbols, config.openai.prices["gpt-4o-mini"].output
token = config.telegram.token()                # read from $TELEGRAM_BOT_TOKEN at use time
```

Every key has a default (an empty file is a paper-trading config); secrets are never in the
file, only the names of the environment variables that hold them. Reference: docs/configuration.md.
"""

from __future__ import annotations

from .example import example_toml, reference_markdown, write_example
from .load import load_config, parse_config
from .model import Config
from .secrets import SECRET_KEYS, ConfigError, SecretMissingError, resolve_secret
from .serverclock import ServerClock
from .service import (
    DEFAULT_PRICES,
    ExportSettings,
    JournalSettings,
    LoggingSettings,
    ModelPrice,
    OpenAISettings,
    RecommendationSettings,
    TelegramSettings,
)
from .trading import (
    TIMEFRAME_NAMES,
    AlertsSettings,
    Mt5LinuxSettings,
    Mt5Settings,
    OcoSettings,
    PaperSettings,
    ScannerSettings,
    Timeframe,
    TrailingSettings,
)

__all__ = [
    "DEFAULT_PRICES",
    "SECRET_KEYS",
    "TIMEFRAME_NAMES",
    "AlertsSettings",
    "Config",
    "ConfigError",
    "ExportSettings",
    "JournalSettings",
    "LoggingSettings",
    "ModelPrice",
    "Mt5LinuxSettings",
    "Mt5Settings",
    "OcoSettings",
    "OpenAISettings",
    "PaperSettings",
    "RecommendationSettings",
    "ScannerSettings",
    "SecretMissingError",
    "ServerClock",
    "TelegramSettings",
    "Timeframe",
    "TrailingSettings",
    "example_toml",
    "load_config",
    "parse_config",
    "reference_markdown",
    "resolve_secret",
    "write_example",
]
