"""The service sections of the config file: ``[journal]``, ``[telegram]``, ``[openai]``,
``[recommendations]``, ``[export]`` and ``[logging]``.

Same conventions as ``trading.py``: frozen Structs, each key's range and meaning in its
annotation, cross-key rules in ``problems()``, secrets only as environment-variable names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Literal

from msgspec import Meta, Struct, field

from .secrets import resolve_secret
from .trading import _Section, _tz_problems

__all__ = [
    "ExportSettings",
    "JournalSettings",
    "LoggingSettings",
    "ModelPrice",
    "OpenAISettings",
    "RecommendationSettings",
    "TelegramSettings",
]

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
PerMillion = Annotated[float, Meta(ge=0, description="US dollars per 1M tokens")]


class JournalSettings(_Section, frozen=True, kw_only=True):
    """[journal] — where the event log lives."""

    path: Annotated[str, Meta(min_length=1, description="journal directory (relative paths: from this file's folder)")] = "journal"  # fmt: skip
    durability: Annotated[Literal["always", "batch", "none"], Meta(description="fsync policy: always (every append), batch (group commit) or none")] = "always"  # fmt: skip


class TelegramSettings(_Section, frozen=True, kw_only=True):
    """[telegram] — the bot's Bot API connection and who may use it."""

    token_env: Annotated[str, Meta(min_length=1, description="name of the environment variable holding the bot token")] = "TELEGRAM_BOT_TOKEN"  # fmt: skip
    base_url: Annotated[str, Meta(pattern="^https?://", description="Bot API base URL, the token is appended (a self-hosted Bot API server works too)")] = "https://api.telegram.org/bot"  # fmt: skip
    base_file_url: Annotated[str, Meta(pattern="^https?://", description="Bot API file download base URL")] = "https://api.telegram.org/file/bot"  # fmt: skip
    allowed_users: Annotated[list[int], Meta(description="Telegram user ids allowed to use the bot (everyone else is refused)")] = []  # fmt: skip
    owner_chat_id: Annotated[int, Meta(description="chat that receives signals, alerts and /export (0: none)")] = 0  # fmt: skip
    poll_timeout_s: Annotated[float, Meta(ge=0, le=300, description="long-polling timeout of getUpdates")] = 10.0  # fmt: skip

    def token(self, environ: Mapping[str, str] | None = None) -> str:
        """Return the bot token from the environment variable ``token_env`` names."""
        return resolve_secret(self.token_env, "telegram.token_env", environ)


class ModelPrice(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """[openai.prices."MODEL"] — a model's prices, US dollars per 1M tokens."""

    input: PerMillion
    cached_input: PerMillion = 0.0
    output: PerMillion


DEFAULT_PRICES = {
    "gpt-4o-mini": ModelPrice(input=0.15, cached_input=0.075, output=0.60),
    "gpt-4o": ModelPrice(input=2.50, cached_input=1.25, output=10.00),
    "gpt-4.1-mini": ModelPrice(input=0.40, cached_input=0.10, output=1.60),
    "gpt-4.1": ModelPrice(input=2.00, cached_input=0.50, output=8.00),
}
"""Default price table (US dollars per 1M tokens); a config's [openai.prices] replaces it whole."""


class OpenAISettings(_Section, frozen=True, kw_only=True):
    """[openai] — the model behind /chatgpt and /plan (any OpenAI-compatible server)."""

    api_key_env: Annotated[str, Meta(min_length=1, description="name of the environment variable holding the API key")] = "OPENAI_API_KEY"  # fmt: skip
    base_url: Annotated[str, Meta(pattern="^https?://", description="API base URL (any OpenAI-compatible server)")] = "https://api.openai.com/v1"  # fmt: skip
    model: Annotated[str, Meta(min_length=1, description="model used for conversations and trade plans")] = "gpt-4o-mini"  # fmt: skip
    timeout_s: Annotated[float, Meta(gt=0, le=600, description="timeout of one model call, in seconds")] = 30.0  # fmt: skip
    max_retries: Annotated[int, Meta(ge=0, le=10, description="retries of a failed call (rate limit, timeout, connection)")] = 2  # fmt: skip
    prices: Annotated[dict[str, ModelPrice], Meta(description="per model: input, cached_input and output price in US dollars per 1M tokens")] = field(default_factory=lambda: dict(DEFAULT_PRICES))  # fmt: skip

    def api_key(self, environ: Mapping[str, str] | None = None) -> str:
        """Return the API key from the environment variable ``api_key_env`` names."""
        return resolve_secret(self.api_key_env, "openai.api_key_env", environ)

    def problems(self) -> list[tuple[str, str]]:
        """Check the configured model has a price (costs would be unknown otherwise)."""
        if self.model not in self.prices:
            known = ", ".join(sorted(self.prices)) or "none"
            return [("model", f"{self.model!r} has no [openai.prices.{_toml_key(self.model)}] table (priced: {known})")]  # fmt: skip
        return []


class RecommendationSettings(_Section, frozen=True, kw_only=True):
    """[recommendations] — the life of a trade plan offered in the chat."""

    expire_after_s: Annotated[float, Meta(gt=0, description="an unanswered recommendation expires after this many seconds")] = 900.0  # fmt: skip
    volume: Annotated[float, Meta(gt=0, description="lots of the market order sent when a plan is executed")] = 0.01  # fmt: skip
    symbols: Annotated[list[str], Meta(description="symbols offered by the chat's \"Get trade plan\" button (empty: scanner.symbols)")] = []  # fmt: skip


class ExportSettings(_Section, frozen=True, kw_only=True):
    """[export] — the nightly snapshot export."""

    dir: Annotated[str, Meta(min_length=1, description="folder that receives one snapshot per day (relative paths: from this file's folder)")] = "exports"  # fmt: skip
    time: Annotated[str, Meta(description="local time of the nightly export, HH:MM (24-hour)")] = "23:55"  # fmt: skip
    tz: Annotated[str, Meta(min_length=1, description="IANA time zone of export.time and of the snapshot's date label")] = "UTC"  # fmt: skip
    keep: Annotated[int, Meta(ge=0, description="snapshots to keep (0: keep all)")] = 30

    def problems(self) -> list[tuple[str, str]]:
        """Check the time is HH:MM and the zone exists."""
        found = _tz_problems("tz", self.tz)
        if not _HHMM.match(self.time):
            found.append(("time", f"{self.time!r} is not a 24-hour time HH:MM (e.g. 23:55)"))
        return found


class LoggingSettings(_Section, frozen=True, kw_only=True):
    """[logging] — the bot's and the poller's log files (never any secret)."""

    level: Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR"], Meta(description="lowest level written")] = "INFO"  # fmt: skip
    dir: Annotated[str, Meta(description="log folder (empty: logs/ inside the journal)")] = ""
    max_bytes: Annotated[int, Meta(ge=10_000, description="rotate a log file at this size")] = 10_000_000  # fmt: skip
    backups: Annotated[int, Meta(ge=0, le=100, description="rotated files kept per log")] = 5
    console: Annotated[bool, Meta(description="also log to the console")] = True


def _toml_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else f'"{name}"'
