"""A loopback HTTP server that says exactly the bytes a test scripts.

Unlike tests/fakeapi.py (a faithful Messages API), this one is hostile on
purpose: raw SSE bytes, delays, endless pings, huge lines, gzip bombs,
pagination cursors that never move. Each request takes the next scripted
answer; when the script runs out the last answer is repeated (so retries see
the same). Every request is recorded (method, path, headers, body).
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Body = Iterable[bytes] | Callable[[], Iterable[bytes]]


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Body = ()
    delay: float = 0.0  # seconds to sleep before each chunk


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class HostileServer:
    def __init__(self) -> None:
        self.answers: list[Answer] = []
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.hostile = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> HostileServer:
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def script(self, *answers: Answer) -> None:
        self.answers = list(answers)

    def next_answer(self, request: Request) -> Answer:
        with self._lock:
            self.requests.append(request)
            if len(self.answers) > 1:
                return self.answers.pop(0)
            return self.answers[0] if self.answers else Answer(404)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # close-delimited bodies: the script decides where they end

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
        )
        answer = self.server.hostile.next_answer(request)  # type: ignore[attr-defined]
        try:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.flush()
            chunks = answer.body() if callable(answer.body) else answer.body
            for chunk in chunks:
                if answer.delay:
                    time.sleep(answer.delay)
                self.wfile.write(chunk)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: that is often what the test wants

    do_GET = _answer
    do_POST = _answer


# -- building answers -----------------------------------------------------------

SSE_HEADERS = {"content-type": "text/event-stream"}


def event(name: str, data: Any) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data)
    return f"event: {name}\ndata: {payload}\n\n".encode()


def message_start(**extra: Any) -> dict[str, Any]:
    message = {
        "id": "msg_hostile",
        "type": "message",
        "role": "assistant",
        "model": "claude-hostile",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 5, "output_tokens": 1},
        **extra,
    }
    return {"type": "message_start", "message": message}


def text_events(text: str, index: int = 0, **block: Any) -> list[bytes]:
    return [
        event(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": index,
                "content_block": {"type": "text", "text": "", **block},
            },
        ),
        event(
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "text_delta", "text": text},
            },
        ),
        event("content_block_stop", {"type": "content_block_stop", "index": index}),
    ]


def message_delta(stop_reason: str = "end_turn", usage: Any = None, **delta: Any) -> bytes:
    return event(
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": stop_reason, "stop_sequence": None, **delta},
            "usage": usage if usage is not None else {"output_tokens": 3},
        },
    )


MESSAGE_STOP = event("message_stop", {"type": "message_stop"})


def stream(*parts: bytes | list[bytes], **headers: str) -> Answer:
    chunks: list[bytes] = []
    for part in parts:
        chunks.extend(part if isinstance(part, list) else [part])
    return Answer(200, {**SSE_HEADERS, **headers}, chunks)


def reply_stream(text: str = "Hello") -> Answer:
    """A whole, well-formed stream of one text block."""
    return stream(
        event("message_start", message_start()), text_events(text), message_delta(), MESSAGE_STOP
    )


def endless(chunk: bytes) -> Callable[[], Iterator[bytes]]:
    def gen() -> Iterator[bytes]:
        while True:
            yield chunk

    return gen


def gzip_bomb(size: int) -> bytes:
    """`size` zero bytes, gzipped (about a thousandth of the size)."""
    return gzip.compress(b"\0" * size, compresslevel=6)


def error_body(error_type: str, message: str) -> bytes:
    return json.dumps({"type": "error", "error": {"type": error_type, "message": message}}).encode()
