"""A real loopback HTTP server speaking the OpenAI chat-completions protocol, with canned answers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class CannedServer:
    """What a test can see and steer: the base URL, the requests received, and how to misbehave."""

    answers: list[str]
    base_url: str = ""
    delay_s: float = 0.0
    status: int = 200
    body: bytes | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list, metadata={"doc": "lower-cased names"})
    _served: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def next_answer(self) -> str:
        """Answers in order, repeating the last one once the queue is used up."""
        with self._lock:
            answer = self.answers[min(self._served, len(self.answers) - 1)] if self.answers else ""
            self._served += 1
            return answer


def _completion(answer: str, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-canned",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(model: str, delta: dict[str, str], finish: str | None = None) -> bytes:
    data = {
        "id": "chatcmpl-canned",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def _handler(state: CannedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
            pass

        def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            try:
                self._answer()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to report

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, b'{"error": {"message": "not found"}}')
                return
            payload = json.loads(raw or b"{}")
            state.requests.append(payload)
            state.headers.append({k.lower(): v for k, v in self.headers.items()})
            if state.delay_s:
                time.sleep(state.delay_s)
            if state.status != 200 or state.body is not None:
                self._send(state.status, state.body if state.body is not None else b'{"error": {"message": "boom"}}')
                return
            answer, model = state.next_answer(), payload.get("model", "canned")
            if not payload.get("stream"):
                self._send(200, json.dumps(_completion(answer, model), ensure_ascii=False).encode())
                return
            # Server-sent events without Content-Length: the connection closes after [DONE].
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(_chunk(model, {"role": "assistant", "content": ""}))
            for i in range(0, len(answer), 3):
                self.wfile.write(_chunk(model, {"content": answer[i : i + 3]}))
                self.wfile.flush()
            self.wfile.write(_chunk(model, {}, finish="stop"))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

    return Handler


@contextmanager
def openai_server(
    answers: list[str] | None = None, *, delay_s: float = 0.0, status: int = 200, body: bytes | None = None
) -> Iterator[CannedServer]:
    """Run the canned server on 127.0.0.1 (random port) for the duration of the block."""
    state = CannedServer(answers=list(answers or []), delay_s=delay_s, status=status, body=body)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True  # a handler still sleeping past a client timeout must not block shutdown
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def canned_openai_server(answers: list[str], **kwargs: Any) -> Iterator[str]:
    """`with canned_openai_server(["答案"]) as base_url:` — answers served in order, the last one repeated."""
    with openai_server(answers, **kwargs) as state:
        yield state.base_url
