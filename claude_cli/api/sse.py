"""A small Server-Sent Events decoder: bytes in, (event, data) out.

Our own rather than httpx-sse: it takes raw byte chunks (so it can be fed and
fuzzed without a network), and it lets the hot path stay a couple of
`bytes.split` calls per chunk. It knows nothing of HTTP or terminals.
Follows the WHATWG rules: one leading BOM dropped; CR, LF or CRLF line ends;
`data:` lines joined with LF; `:` comments ignored; an empty line dispatches;
one leading space after the colon is dropped. One deliberate difference: at
the end of the stream a pending event is dispatched (the SDK's fixtures end
without the final blank line); the caller decides whether it is whole.

A line is at most `max_line` bytes: an unending line is a protocol error, not
a way to fill memory. Pieces of a long line are kept in a list and joined once,
so decoding stays linear however the bytes are chunked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from claude_cli.errors import ProtocolError

BOM = b"\xef\xbb\xbf"
MAX_LINE = 16 * 1024 * 1024


class ServerSentEvent(NamedTuple):
    event: str
    data: str


class SSEDecoder:
    def __init__(self, max_line: int = MAX_LINE) -> None:
        self.max_line = max_line
        self._pieces: list[bytes] = []  # the unfinished last line, in pieces
        self._size = 0
        self._event = ""
        self._data: list[str] = []
        self._pending_cr = False
        self._head: bytes | None = b""  # bytes seen while looking for a BOM; None after

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode one chunk; returns the events it completed."""
        if not chunk:
            return []  # keeps a pending CR pending: an empty chunk splits nothing
        if self._head is not None:
            head = self._head + chunk
            if len(head) < len(BOM) and BOM.startswith(head):
                self._head = head
                return []
            self._head = None
            chunk = head[len(BOM) :] if head.startswith(BOM) else head
            if not chunk:
                return []
        if self._pending_cr:
            self._pending_cr = False
            if chunk[0] == 0x0A:  # the LF of a CRLF split across two chunks
                chunk = chunk[1:]
                if not chunk:
                    return []
        if b"\r" in chunk:
            self._pending_cr = chunk[-1] == 0x0D
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if b"\n" not in chunk:
            self._pieces.append(chunk)
            self._size += len(chunk)
            if self._size > self.max_line:
                self._too_long()
            return []
        lines = chunk.split(b"\n")
        if self._pieces:
            self._pieces.append(lines[0])
            lines[0] = b"".join(self._pieces)
        tail = lines.pop()
        self._pieces = [tail] if tail else []
        self._size = len(tail)
        limit = self.max_line
        if len(lines[0]) > limit or (len(chunk) > limit and max(map(len, [*lines, tail])) > limit):
            self._too_long()
        # Decoded once per chunk (LF never occurs inside a UTF-8 sequence), and the
        # common lines handled inline: this loop runs for every delta of every reply.
        text = (lines[0] if len(lines) == 1 else b"\n".join(lines)).decode("utf-8", "replace")
        out: list[ServerSentEvent] = []
        data = self._data
        for line in text.split("\n"):
            if line.startswith("data:"):
                data.append(line[6:] if line.startswith("data: ") else line[5:])
            elif line.startswith("event:"):
                self._event = line[7:] if line.startswith("event: ") else line[6:]
            elif not line:
                if data or self._event:
                    out.append(ServerSentEvent(self._event or "message", "\n".join(data)))
                    self._event, data = "", []
                    self._data = data
            else:
                self._line(line)
        return out

    def flush(self) -> list[ServerSentEvent]:
        """End of stream: finish the last line and dispatch a pending event."""
        out: list[ServerSentEvent] = []
        if self._pieces:
            line = b"".join(self._pieces)
            self._pieces, self._size = [], 0
            self._line(line.decode("utf-8", errors="replace"))
        event = self._line("")
        if event is not None:
            out.append(event)
        return out

    def _too_long(self) -> None:
        self._pieces, self._size = [], 0
        raise ProtocolError(
            f"the server sent a stream line over {self.max_line // (1024 * 1024)} MB; "
            "not reading further"
        )

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
