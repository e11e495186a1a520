"""Messages API stream events, and assembling them into a Message.

Pure data: no HTTP, no terminal. `parse_event` turns one SSE event into a typed
event (or None for ones we ignore); `MessageBuilder` folds events into the same
Message object a non-streaming request returns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class TextDelta:
    text: str


@dataclass(slots=True)
class ThinkingDelta:
    text: str


@dataclass(slots=True)
class StreamError:
    error_type: str
    message: str
    request_id: str | None = None


@dataclass(slots=True)
class Other:
    """Any other known event: kept for the builder, ignored by renderers."""

    name: str
    data: dict[str, Any]


Event = TextDelta | ThinkingDelta | StreamError | Other


def parse_event(name: str, data: str) -> Event | None:
    if name == "ping":
        return None
    try:
        payload = json.loads(data) if data else {}
    except ValueError:
        return StreamError("invalid_stream", f"undecodable {name} event from the server")
    if not isinstance(payload, dict):
        return None
    if name == "content_block_delta":
        delta = payload.get("delta") or {}
        kind = delta.get("type")
        if kind == "text_delta":
            return TextDelta(delta.get("text", ""))
        if kind == "thinking_delta":
            return ThinkingDelta(delta.get("thinking", ""))
        return Other(name, payload)
    if name == "error":
        err = payload.get("error") or {}
        return StreamError(
            str(err.get("type", "error")),
            str(err.get("message", "error event in stream")),
            payload.get("request_id"),
        )
    if name in (
        "message_start",
        "content_block_start",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ):
        return Other(name, payload)
    return None  # unknown event types are ignored, as the API asks


@dataclass
class MessageBuilder:
    """Folds stream events into a Message dict; `message()` is valid at any point."""

    base: dict[str, Any] = field(default_factory=dict)
    blocks: list[dict[str, Any]] = field(default_factory=list)
    _parts: dict[int, list[str]] = field(default_factory=dict)
    _current: int = -1
    started: bool = False
    stopped: bool = False

    def add(self, event: Event) -> None:
        if isinstance(event, TextDelta | ThinkingDelta):
            self._parts.setdefault(self._current, []).append(event.text)
            return
        if not isinstance(event, Other):
            return
        data, name = event.data, event.name
        if name == "message_start":
            self.started = True
            self.base = dict(data.get("message") or {})
            self.base["content"] = []
        elif name == "content_block_start":
            self._close_current()
            block = dict(data.get("content_block") or {})
            self.blocks.append(block)
            self._current = len(self.blocks) - 1
        elif name == "content_block_delta":
            self._delta(data.get("delta") or {})
        elif name == "content_block_stop":
            self._close_current()
        elif name == "message_delta":
            delta = data.get("delta") or {}
            for key in ("stop_reason", "stop_sequence"):
                if key in delta:
                    self.base[key] = delta[key]
            usage = data.get("usage") or {}
            # Counts in message_delta are cumulative: the latest value wins.
            merged = dict(self.base.get("usage") or {})
            merged.update({k: v for k, v in usage.items() if v is not None})
            self.base["usage"] = merged
        elif name == "message_stop":
            self._close_current()
            self.stopped = True

    def _delta(self, delta: dict[str, Any]) -> None:
        if not self.blocks:
            return
        block = self.blocks[self._current]
        kind = delta.get("type")
        if kind == "signature_delta":
            block["signature"] = block.get("signature", "") + delta.get("signature", "")
        elif kind == "input_json_delta":
            self._parts.setdefault(self._current, []).append(delta.get("partial_json", ""))
        elif kind == "citations_delta":
            block.setdefault("citations", []).append(delta.get("citation"))

    def _close_current(self) -> None:
        index = self._current
        parts = self._parts.pop(index, None)
        if parts is None or not (0 <= index < len(self.blocks)):
            return
        block = self.blocks[index]
        joined = "".join(parts)
        kind = block.get("type")
        if kind == "text":
            block["text"] = block.get("text", "") + joined
        elif kind == "thinking":
            block["thinking"] = block.get("thinking", "") + joined
        elif kind in ("tool_use", "server_tool_use"):
            try:
                block["input"] = json.loads(joined) if joined else block.get("input", {})
            except ValueError:
                block["input"] = {"_unparsed": joined}

    def text(self) -> str:
        """All text received so far (finished and unfinished blocks)."""
        out: list[str] = []
        for i, block in enumerate(self.blocks):
            if block.get("type") == "text":
                out.append(block.get("text", ""))
                if i in self._parts:
                    out.append("".join(self._parts[i]))
        return "".join(out)

    def message(self) -> dict[str, Any]:
        msg = dict(self.base)
        blocks = []
        for i, block in enumerate(self.blocks):
            block = dict(block)
            if i in self._parts:
                extra = "".join(self._parts[i])
                key = {"text": "text", "thinking": "thinking"}.get(block.get("type", ""))
                if key:
                    block[key] = block.get(key, "") + extra
            blocks.append(block)
        msg["content"] = blocks
        return msg
