"""Secrets come only from environment variables named by the config's ``*_env`` keys.

``resolve_secret`` reads one at the moment it is needed (never at load time, so a config can be
validated on a machine without the secrets) and fails with a message naming the key and the
variable — never the value. ``SECRET_KEYS`` are the key names refused in the file itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from tradejournal.events.errors import TradejournalError

__all__ = ["SECRET_KEYS", "ConfigError", "SecretMissingError", "resolve_secret"]

SECRET_KEYS = frozenset(
    {"password", "passwd", "token", "bot_token", "api_key", "apikey", "secret", "key"}
)
"""Key names that would hold a secret in the file: refused wherever they appear."""


class ConfigError(TradejournalError):
    """The config file cannot be used; ``problems`` holds one message per wrong key."""

    def __init__(self, problems: list[str], source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        where = f"config {source}" if source else "config"
        if len(self.problems) == 1:
            text = f"{where}: {self.problems[0]}"
        else:
            lines = "\n".join(f"  {p}" for p in self.problems)
            text = f"{where}: {len(self.problems)} problems:\n{lines}"
        super().__init__(text)


class SecretMissingError(ConfigError):
    """The environment variable a ``*_env`` key names is unset or empty."""


def resolve_secret(env_name: str, key: str, environ: Mapping[str, str] | None = None) -> str:
    """Return the value of the environment variable ``env_name`` (named by config key ``key``).

    Raise SecretMissingError when it is unset or empty; the message names the key and the
    variable, never a value.
    """
    env = os.environ if environ is None else environ
    value = env.get(env_name, "")
    if not value.strip():
        state = "empty" if env_name in env else "not set"
        raise SecretMissingError(
            [
                f"{key} = {env_name!r}, but the environment variable {env_name} is {state}: "
                f"export {env_name}=... before starting (or point {key} at another variable)"
            ]
        )
    return value
