"""Keep secrets out of the journal when old rows are copied into it verbatim.

The old bot stored its settings next to its history, and a copied row must never carry a bot
token, an API key or a password into the journal (and from there into exports). A value is
replaced by ``[redacted]`` when its column name says it is a secret (token, api_key, password,
secret, ...), when the row names a secret in a name/key column (settings tables), or when the
text looks like a Telegram bot token or an OpenAI key wherever it appears.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["REDACTED", "redact_row", "redact_text"]

REDACTED = "[redacted]"
_SECRET_NAME = re.compile(  # whole words of a snake_case name: not "prompt_tokens"
    r"(^|[_.\s-])(token|api_?key|apikey|password|passwd|pwd|secret|private_?key|credentials?)"
    r"($|[_.\s-])",
    re.IGNORECASE,
)
_NAME_COLUMNS = ("name", "key", "setting", "option", "param")
_SECRET_VALUE = re.compile(
    r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b"  # Telegram bot token
    r"|\bsk-[A-Za-z0-9_-]{16,}"  # OpenAI API key
)


def redact_text(text: str) -> str:
    """Replace anything shaped like a bot token or an API key inside free text."""
    return _SECRET_VALUE.sub(REDACTED, text)


def redact_row(row: dict[str, Any]) -> dict[str, Any]:
    """Return the row with secret values replaced (column names are kept)."""
    named_secret = any(
        isinstance(row.get(col), str) and _SECRET_NAME.search(row[col])
        for col in row
        if col.lower() in _NAME_COLUMNS
    )
    out: dict[str, Any] = {}
    for col, value in row.items():
        if value is not None and _SECRET_NAME.search(col) and not col.lower().endswith("_env"):
            out[col] = REDACTED
        elif named_secret and col.lower() not in _NAME_COLUMNS and value is not None:
            out[col] = REDACTED
        elif isinstance(value, str):
            out[col] = redact_text(value)
        else:
            out[col] = value
    return out
