"""A fake Telegram Bot API server: records every call, serves scripted updates to getUpdates.

PTB posts form-encoded parameters (every value a string, ``reply_markup`` a JSON string) to
``<base_url><token>/<method>`` and multipart bodies for uploads. The fake answers like the real
API (``{"ok": true, "result": ...}``), enforces the real text (4096) and callback data (64 bytes)
limits with a 400, and keeps the sent messages so tests can read what a user would see.
Message dates come from the wall clock, or from ``clock`` when a scripted run passes one.

```python
with FakeBotApi() as api:
    app = Application.builder().token(TOKEN).base_url(api.base_url).build()
    api.push_message(user_id=7, text="/start")       # served to getUpdates
    call = api.wait_for("sendMessage")
```
"""

from __future__ import annotations

import datetime as dt
import email.parser
import email.policy
import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from ._http import LoopbackServer

__all__ = ["BOT_USERNAME", "FakeBotApi", "SentCall"]

BOT_USERNAME = "tradejournal_test_bot"
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64


@dataclass
class SentCall:
    """One request the bot made: method, decoded params, uploaded files (name -> bytes)."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    token: str = ""

    @property
    def text(self) -> str:
        """The message text (or photo caption), '' if none."""
        return str(self.params.get("text") or self.params.get("caption") or "")

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of every inline button in ``reply_markup``."""
        markup = self.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        return [(b.get("text", ""), b.get("callback_data", "")) for row in rows for b in row]


class FakeBotApi(LoopbackServer):
    """The fake server; ``base_url`` is what PTB's ``base_url`` builder option takes."""

    def __init__(
        self,
        bot_id: int = 123456,
        *,
        max_poll_wait: float = 0.5,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__()
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        """Where message dates come from (aware UTC; the wall clock unless scripted)."""
        self.handler_class = _Handler
        self.bot_id = bot_id
        self.max_poll_wait = max_poll_wait
        self.calls: list[SentCall] = []
        self._updates: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)

    # --- addresses ------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """PTB ``base_url``: the token is appended, then ``/<method>``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB ``base_file_url``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    def _date(self) -> int:
        return int(self.clock().timestamp())

    # --- scripting updates ----------------------------------------------------------------------
    def message_update(
        self, user_id: int, text: str, *, chat_id: int | None = None, username: str | None = None
    ) -> dict[str, Any]:
        """Return (without queueing) an update carrying a private text message from a user."""
        msg: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": self._date(),
            "chat": {"id": chat_id or user_id, "type": "private"},
            "from": _user(user_id, username),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"update_id": next(self._update_ids), "message": msg}

    def callback_update(
        self,
        user_id: int,
        data: str,
        *,
        chat_id: int | None = None,
        message_id: int = 1,
        username: str | None = None,
    ) -> dict[str, Any]:
        """Return (without queueing) an update carrying a button press on a bot message."""
        message = {
            "message_id": message_id,
            "date": self._date(),
            "chat": {"id": chat_id or user_id, "type": "private"},
            "from": self.me(),
            "text": "…",
        }
        query = {
            "id": f"cq{next(self._update_ids)}",
            "from": _user(user_id, username),
            "chat_instance": f"ci{user_id}",
            "message": message,
            "data": data,
        }
        return {"update_id": next(self._update_ids), "callback_query": query}

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates and return it."""
        with self._cond:
            self._updates.append(update)
            self._cond.notify_all()
        return update

    def push_message(self, user_id: int, text: str, **kw: Any) -> dict[str, Any]:
        """Queue a text message from ``user_id``."""
        return self.push(self.message_update(user_id, text, **kw))

    def push_callback(self, user_id: int, data: str, **kw: Any) -> dict[str, Any]:
        """Queue a button press from ``user_id``."""
        return self.push(self.callback_update(user_id, data, **kw))

    # --- reading what the bot did ---------------------------------------------------------------
    def me(self) -> dict[str, Any]:
        """The bot user (getMe)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Trade Journal",
            "username": BOT_USERNAME,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[SentCall]:
        """Recorded calls, optionally one method and/or one chat."""
        with self._cond:
            calls = list(self.calls)
        return [
            c
            for c in calls
            if (method is None or c.method == method)
            and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    def wait_for(
        self, method: str, count: int = 1, *, timeout: float = 10.0, chat_id: int | None = None
    ) -> SentCall:
        """Wait until ``count`` calls of ``method`` were made; return the last; TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                calls = self.sent(method, chat_id)
                if len(calls) >= count:
                    return calls[count - 1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{method}: {len(calls)} of {count} calls after {timeout}s")
                self._cond.wait(left)

    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by a later getUpdates offset."""
        with self._cond:
            return len(self._updates)

    # --- serving ---------------------------------------------------------------------------------
    def handle(self, method: str, call: SentCall) -> tuple[int, dict[str, Any]]:
        """Answer one call (runs in the server thread)."""
        if method != "getUpdates":
            with self._cond:
                self.calls.append(call)
                self._cond.notify_all()
        error = _check_limits(call.params)
        if error:
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}
        answer = getattr(self, f"_m_{method}", None)
        result = answer(call.params) if answer else True
        return 200, {"ok": True, "result": result}

    def _m_getMe(self, p: dict[str, Any]) -> Any:  # noqa: N802 - Bot API method names
        return self.me()

    def _m_getUpdates(self, p: dict[str, Any]) -> Any:  # noqa: N802
        offset = int(p.get("offset") or 0)
        wait = min(float(p.get("timeout") or 0), self.max_poll_wait)
        deadline = time.monotonic() + wait
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            return list(self._updates)

    def _m_sendMessage(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return self._message(p, text=p.get("text", ""))

    def _m_sendPhoto(self, p: dict[str, Any]) -> Any:  # noqa: N802
        photo = [{"file_id": "photo1", "file_unique_id": "u1", "width": 800, "height": 400}]
        return self._message(p, photo=photo, caption=p.get("caption"))

    def _m_sendDocument(self, p: dict[str, Any]) -> Any:  # noqa: N802
        doc = {"file_id": "doc1", "file_unique_id": "d1", "file_name": "export"}
        return self._message(p, document=doc, caption=p.get("caption"))

    def _m_editMessageText(self, p: dict[str, Any]) -> Any:  # noqa: N802
        return self._message(p, text=p.get("text", ""), message_id=int(p.get("message_id", 1)))

    def _message(self, p: dict[str, Any], message_id: int | None = None, **body: Any) -> Any:
        chat_id = int(p.get("chat_id") or 0)
        return {
            "message_id": message_id or next(self._message_ids),
            "date": self._date(),
            "chat": {"id": chat_id, "type": "private"},
            "from": self.me(),
            **{k: v for k, v in body.items() if v is not None},
        }


def _check_limits(p: dict[str, Any]) -> str | None:
    if len(str(p.get("text", ""))) > MAX_TEXT:
        return "message is too long"
    markup = p.get("reply_markup")
    if isinstance(markup, dict):
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if len(str(button.get("callback_data", "")).encode()) > MAX_CALLBACK_DATA:
                    return "BUTTON_DATA_INVALID"
    return None


def _user(user_id: int, username: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
    if username:
        user["username"] = username
    return user


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeBotApi/1"

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr
        pass

    def do_POST(self) -> None:  # noqa: N802
        api: FakeBotApi = self.server.owner  # type: ignore[attr-defined]
        parts = self.path.strip("/").split("/")
        if len(parts) < 2 or not parts[0].startswith("bot"):
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = parts[0][3:], parts[-1]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        params, files = _decode(self.headers.get("Content-Type", ""), body)
        status, answer = api.handle(method, SentCall(method, params, files, token))
        self._reply(status, answer)

    def _reply(self, status: int, answer: dict[str, Any]) -> None:
        data = json.dumps(answer).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client left (a stopped poller)
            pass


def _decode(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    if content_type.startswith("multipart/"):
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                payload = b""
            if part.get_filename():
                files[str(name)] = payload
            else:
                params[str(name)] = payload.decode()
    elif content_type.startswith("application/json"):
        params = json.loads(body or b"{}")
    else:
        params = {k: v for k, v in urllib.parse.parse_qsl(body.decode())}
    for key in ("reply_markup", "entities", "allowed_updates", "link_preview_options"):
        if isinstance(params.get(key), str):
            try:
                params[key] = json.loads(params[key])
            except ValueError:
                pass
    return params, files
