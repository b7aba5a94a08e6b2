"""A fake OpenAI-compatible chat API: scripted answers and failures, every request recorded.

``POST /v1/chat/completions`` answers with the JSON the real API sends (id, choices, usage with
``prompt_tokens_details.cached_tokens``). Scripted replies are served in order; when the script is
empty, ``responder`` (a function of the request) answers, else a plain "ok". A reply can instead
be an HTTP error (429 with ``retry-after-ms``, 500, ...), a delay longer than the client's timeout,
or a dropped connection.

```python
with FakeLlmApi() as llm:
    llm.script(LlmReply(content='{"direction": "BUY", ...}'), LlmReply(status=429))
    client = AsyncOpenAI(base_url=llm.base_url, api_key="sk-test", max_retries=0)
```
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from ._http import LoopbackServer

__all__ = ["FakeLlmApi", "LlmReply", "LlmRequest"]


@dataclass(frozen=True)
class LlmReply:
    """One scripted answer: content and usage, or ``status`` != 200, ``delay_s``, ``drop``."""

    content: str = "ok"
    prompt_tokens: int = 100
    completion_tokens: int = 20
    cached_tokens: int = 0
    status: int = 200
    delay_s: float = 0.0
    drop: bool = False
    finish_reason: str = "stop"
    model: str | None = None


@dataclass
class LlmRequest:
    """One request the client made: path, JSON body, selected headers."""

    path: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages sent."""
        return list(self.body.get("messages", []))

    @property
    def structured(self) -> bool:
        """Whether a JSON schema response format was asked for."""
        fmt = self.body.get("response_format") or {}
        return isinstance(fmt, dict) and fmt.get("type") == "json_schema"


class FakeLlmApi(LoopbackServer):
    """The fake server; ``base_url`` is what ``OpenAI(base_url=...)`` takes."""

    def __init__(self, responder: Callable[[LlmRequest], LlmReply] | None = None) -> None:
        super().__init__()
        self.handler_class = _Handler
        self.responder = responder
        self.requests: list[LlmRequest] = []
        self._script: list[LlmReply] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        """The OpenAI ``base_url`` (ends in /v1)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, *replies: LlmReply) -> None:
        """Append replies served one per request, in order."""
        with self._lock:
            self._script.extend(replies)

    def _next(self, request: LlmRequest) -> LlmReply:
        with self._lock:
            self.requests.append(request)
            if self._script:
                return self._script.pop(0)
        return self.responder(request) if self.responder else LlmReply()

    def completion(self, reply: LlmReply, request: LlmRequest) -> dict[str, Any]:
        """The chat.completion JSON for a successful reply."""
        n = next(self._ids)
        return {
            "id": f"chatcmpl-fake{n:06d}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": reply.model or str(request.body.get("model", "fake-model")),
            "system_fingerprint": "fp_fake",
            "service_tier": "default",
            "choices": [
                {
                    "index": 0,
                    "logprobs": None,
                    "finish_reason": reply.finish_reason,
                    "message": {
                        "role": "assistant",
                        "content": reply.content,
                        "refusal": None,
                        "annotations": [],
                    },
                }
            ],
            "usage": {
                "prompt_tokens": reply.prompt_tokens,
                "completion_tokens": reply.completion_tokens,
                "total_tokens": reply.prompt_tokens + reply.completion_tokens,
                "prompt_tokens_details": {"cached_tokens": reply.cached_tokens, "audio_tokens": 0},
                "completion_tokens_details": {
                    "reasoning_tokens": 0,
                    "audio_tokens": 0,
                    "accepted_prediction_tokens": 0,
                    "rejected_prediction_tokens": 0,
                },
            },
        }


_ERRORS = {
    400: ("invalid_request_error", "bad request"),
    401: ("invalid_request_error", "invalid_api_key"),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", "server_error"),
    503: ("server_error", "overloaded"),
}


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeLlmApi/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        api: FakeLlmApi = self.server.owner  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        headers = {k.lower(): v for k, v in self.headers.items() if k.lower() != "authorization"}
        headers["authorized"] = str(self.headers.get("Authorization", "").startswith("Bearer "))
        request = LlmRequest(self.path, body, headers)
        reply = api._next(request)
        if reply.delay_s:
            time.sleep(reply.delay_s)
        if reply.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if not self.path.endswith("/chat/completions"):
            self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
        elif reply.status != 200:
            kind, code = _ERRORS.get(reply.status, ("server_error", "error"))
            error = {"message": f"fake {code}", "type": kind, "param": None, "code": code}
            self._send(reply.status, {"error": error}, {"retry-after-ms": "10"})
        else:
            self._send(200, api.completion(reply, request))

    def _send(self, status: int, body: dict[str, Any], extra: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-request-id", "req_fake")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass
