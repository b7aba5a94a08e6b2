"""What the bot needs to run, independent of where it came from (the TOML config or a test).

Secrets (the bot token, the API key) are fields with ``repr=False``: they never show in a repr,
a log line or an event. ``from_config`` is the one place the TOML file's keys are mapped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from tradejournal.producers.config import Config
from tradejournal.producers.llm import LlmSettings, Price

__all__ = ["DEFAULT_VARIANTS", "BotSettings", "assign_variant", "settings_from_config"]

_PLAN_RULES = (
    " Answer only with the JSON trade plan. For BUY the stop (sl) is below the entry and the "
    "target (tp) above it; for SELL the reverse. Use HOLD with null prices when there is no "
    "trade. confidence is 0-100."
)
DEFAULT_VARIANTS: dict[str, str] = {
    "A": "You are a disciplined intraday trading assistant." + _PLAN_RULES,
    "B": (
        "You are a trend-following trading assistant: name the market regime first and "
        "trade only with the trend." + _PLAN_RULES
    ),
}
"""The built-in A/B prompt variants for trade plans (config may replace them)."""


@dataclass(frozen=True)
class BotSettings:
    """The bot's settings. ``token`` is secret."""

    journal: Path
    token: str = field(repr=False)
    allowed_users: frozenset[int]
    owner_chat_id: int | None = None
    base_url: str | None = None
    base_file_url: str | None = None
    chat_system_prompt: str = "You are a concise assistant for a discretionary trader."
    plan_variants: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_VARIANTS))
    experiment_id: str = "plan-prompt"
    plan_symbols: tuple[str, ...] = ("EURUSD", "XAUUSD")
    plan_expiry: dt.timedelta = dt.timedelta(minutes=15)
    order_volume: Decimal = Decimal("0.01")
    history_limit: int = 20
    scanner_interval_s: float | None = None
    notify_threshold: float = 70.0
    export_dir: Path | None = None
    export_time: dt.time | None = None
    export_tz: str = "UTC"
    poll_interval_s: float = 0.0
    poll_timeout_s: float = 1.0
    mt5_interval_s: float = 1.0
    jobs_first_s: float | None = None
    """Seconds before the MT5 and scanner jobs first run (default 0.2 s and 1 s); a scripted run
    that runs them itself (``await job.run(app)``) puts it beyond its end."""
    extra_secrets: tuple[str, ...] = field(default=(), repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value, for log redaction."""
        return tuple(s for s in (self.token, *self.extra_secrets) if s)


def assign_variant(experiment_id: str, user_id: int, variants: list[str]) -> str:
    """Deterministic A/B assignment: the same user always gets the same variant."""
    if not variants:
        raise ValueError("variants: need at least one")
    digest = hashlib.sha256(f"{experiment_id}:{user_id}".encode()).digest()
    return sorted(variants)[int.from_bytes(digest[:8], "big") % len(variants)]


def settings_from_config(
    config: Config, token: str, api_key: str, other_secrets: tuple[str, ...] = ()
) -> tuple[BotSettings, LlmSettings]:
    """Map the config file's sections to the bot's and the model client's settings.

    The secrets are passed in (read from the environment by the caller), never taken from the
    file.
    """
    tg, ex, rec = config.telegram, config.export, config.recommendations
    hour, minute = (int(x) for x in ex.time.split(":"))
    prices = {
        name: Price(_dec(p.input), _dec(p.output), _dec(p.cached_input))
        for name, p in config.openai.prices.items()
    }
    bot = BotSettings(
        journal=Path(config.journal.path),
        token=token,
        allowed_users=frozenset(tg.allowed_users),
        owner_chat_id=tg.owner_chat_id or None,
        base_url=tg.base_url,
        base_file_url=tg.base_file_url,
        plan_symbols=tuple(rec.symbols or config.scanner.symbols),
        plan_expiry=dt.timedelta(seconds=rec.expire_after_s),
        order_volume=_dec(rec.volume),
        scanner_interval_s=config.scanner.interval_s if config.scanner.enabled else None,
        notify_threshold=config.scanner.notify_threshold,
        export_dir=Path(ex.dir),
        export_time=dt.time(hour, minute),
        export_tz=ex.tz,
        poll_timeout_s=tg.poll_timeout_s,
        mt5_interval_s=config.mt5.poll_interval_s,
        extra_secrets=(api_key, *other_secrets),
    )
    llm = LlmSettings(
        api_key=api_key,
        model=config.openai.model,
        base_url=config.openai.base_url,
        timeout_s=config.openai.timeout_s,
        max_retries=config.openai.max_retries,
        prices=prices,
    )
    return bot, llm


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))
