"""A small Server-Sent Events decoder: bytes in, (event, data) out.

Our own rather than httpx-sse: it is 50 lines, it takes raw byte chunks (so it
can be fed and fuzzed without a network), and it lets the hot path stay a
couple of `bytes.split` calls per chunk. It knows nothing of HTTP or terminals.
Follows the WHATWG rules: CR, LF or CRLF line ends; `data:` lines joined with
LF; `:` comments ignored; an empty line dispatches; one leading space after
the colon is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple


class ServerSentEvent(NamedTuple):
    event: str
    data: str


class SSEDecoder:
    def __init__(self) -> None:
        self._buffer = b""
        self._event = ""
        self._data: list[str] = []
        self._pending_cr = False

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode one chunk; returns the events it completed."""
        if self._pending_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]  # the LF of a CRLF split across two chunks
        self._pending_cr = chunk.endswith(b"\r")
        data = self._buffer + chunk
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = data.split(b"\n")
        self._buffer = lines.pop()
        out: list[ServerSentEvent] = []
        for line in lines:
            event = self._line(line.decode("utf-8", errors="replace"))
            if event is not None:
                out.append(event)
        return out

    def flush(self) -> list[ServerSentEvent]:
        """End of stream: an unterminated last event is dropped, as the spec says."""
        self._buffer = b""
        self._event, self._data = "", []
        return []

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            if not self._data and not self._event:
                return None
            event = ServerSentEvent(self._event or "message", "\n".join(self._data))
            self._event, self._data = "", []
            return event
        if line[0] == ":":
            return None
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        # `id` and `retry` are not used by the Messages API; ignore them.
        return None


def iter_events(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.flush()
