"""Message text helpers: splitting long answers under Telegram's 4096-character limit."""

from __future__ import annotations

__all__ = ["MAX_MESSAGE", "split_text"]

MAX_MESSAGE = 4096


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` characters, preferring line breaks.

    Joining the chunks gives back the text (breaks at a newline keep it at the chunk's end).
    """
    if limit < 1:
        raise ValueError("limit: must be >= 1")
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        cut = limit if cut <= 0 else cut + 1
        chunks.append(rest[:cut])
        rest = rest[cut:]
    if rest or not chunks:
        chunks.append(rest)
    return chunks
