"""Loopback fakes of the outside services the bot talks to: the Telegram Bot API and an
OpenAI-compatible chat API.

They are real HTTP servers on 127.0.0.1 (a free port), so the real python-telegram-bot and openai
clients run unchanged against them. The tests and ``make demo`` share them; they never touch the
network beyond loopback. Standard library only.
"""

from __future__ import annotations

from .botapi import FakeBotApi, SentCall
from .llmapi import FakeLlmApi, LlmReply, LlmRequest

__all__ = ["FakeBotApi", "FakeLlmApi", "LlmReply", "LlmRequest", "SentCall"]
