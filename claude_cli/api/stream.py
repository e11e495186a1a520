"""Messages API stream events, and assembling them into a Message.

Pure data: no HTTP, no terminal. `parse_event` turns one SSE event's data into a
typed event (or None for ones we ignore), routed on the JSON `type` as the SDK
does (the SSE `event:` name only tells an `error` apart). `MessageBuilder` folds
events into the same Message object a non-streaming request returns, following
the official SDK's accumulator: deltas update the block at their `index`, a
delta of the wrong kind for its block is ignored, the last signature wins,
every field of `message_delta` is kept.

Every shape is checked on the way in: what the server got wrong is a
ProtocolError (one line for the user), never a crash later on. Only what the
next step reads is checked, so the hot path (a text delta) costs a few `type()`
comparisons.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from claude_cli.errors import FlawedReply, ProtocolError


@dataclass(slots=True)
class TextDelta:
    """Text to show as it arrives."""

    text: str
    index: int = 0


@dataclass(slots=True)
class ThinkingDelta:
    """Thinking to show (dimmed) as it arrives."""

    text: str
    index: int = 0


@dataclass(slots=True)
class StreamError:
    """An `error` event inside the stream."""

    error_type: str
    message: str
    request_id: str | None = None


@dataclass(slots=True)
class Other:
    """Any other known event: kept for the builder, ignored by renderers."""

    name: str
    data: dict[str, Any]


Event = TextDelta | ThinkingDelta | StreamError | Other

KNOWN = frozenset(
    (
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    )
)


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")  # json.loads pairs the valid ones


def whole_unicode(text: str) -> str:
    """`text` with lone surrogates (a JSON "\\udc9b" alone) as U+FFFD: they cannot be
    written as UTF-8, and a C locale's stdout would write them as raw bytes."""
    return _LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text


def bad(what: str) -> ProtocolError:
    return ProtocolError(f"protocol error: the server sent {what}")


def parse_event(data: str, name: str = "") -> Event | None:
    """One SSE event's data (and its `event:` name) as an Event; None to ignore."""
    if not data:
        return None  # an empty event (a keep-alive without data) carries nothing
    try:
        payload = json.loads(data)
    except (ValueError, RecursionError):
        raise bad(f"a {_shown(name) or 'stream'} event that is not JSON") from None
    if type(payload) is not dict:
        raise bad(f"a {_shown(name) or 'stream'} event that is not a JSON object")
    kind = payload.get("type")
    if kind == "content_block_delta":
        delta = payload.get("delta")
        index = payload.get("index")
        if type(delta) is not dict:
            raise bad("a content_block_delta whose delta is not an object")
        if type(index) is not int:
            raise bad("a content_block_delta without a block index")
        dkind = delta.get("type")
        if dkind == "text_delta":
            text = delta.get("text")
            if type(text) is not str:
                raise bad("a text_delta whose text is not a string")
            return TextDelta(whole_unicode(text) if "\\u" in data else text, index)
        if dkind == "thinking_delta":
            text = delta.get("thinking")
            if type(text) is not str:
                raise bad("a thinking_delta whose thinking is not a string")
            return ThinkingDelta(whole_unicode(text) if "\\u" in data else text, index)
        return Other(kind, payload)
    if kind == "error" or name == "error":
        err = payload.get("error")
        err = err if isinstance(err, dict) else {}
        request_id = payload.get("request_id")
        return StreamError(
            str(err.get("type") or "error"),
            str(err.get("message") or "error event in stream"),
            request_id if isinstance(request_id, str) else None,
        )
    if kind in KNOWN:
        return Other(kind, payload)
    return None  # ping and unknown event types are ignored, as the API asks


def carries(event: Event) -> bool:
    """Whether `event` moves the reply on, so counts against the idle deadline: an empty
    text, thinking, JSON or signature delta adds nothing, however often it comes (a
    gateway sending one every second would otherwise keep a dead reply alive forever)."""
    if type(event) is TextDelta or type(event) is ThinkingDelta:
        return bool(event.text)
    if type(event) is Other and event.name == "content_block_delta":
        delta = event.data.get("delta")
        return any(value for key, value in delta.items() if key != "type")
    return True  # block and message starts and stops, message_delta, errors


def _shown(name: str) -> str:
    return name if name.isidentifier() and len(name) <= 40 else ""


# -- shapes -------------------------------------------------------------------


def check_usage(usage: Any, where: str) -> dict[str, Any]:
    """A usage object whose counts (`*_tokens`, `*_requests`, at any depth) are ints or
    null; other fields (service_tier, and what comes) are kept as they are."""
    if type(usage) is not dict:
        raise bad(f"a {where} whose usage is not an object")
    _check_counts(usage, where, "usage", 0)
    return usage


def _check_counts(obj: dict[str, Any], where: str, path: str, depth: int) -> None:
    for key, value in obj.items():
        if value is None or type(value) is int:
            continue
        if type(key) is str and _is_count(key):
            raise bad(f"a {where} whose {path}.{_key(key)} is not a number")
        if type(value) is dict and depth < 4:
            _check_counts(value, where, f"{path}.{_key(key)}", depth + 1)


def _is_count(key: str) -> bool:
    return key.endswith(("_tokens", "_requests"))


def _key(key: Any) -> str:
    text = str(key)
    return text if text.isidentifier() and len(text) <= 60 else "?"


# Which string field each block kind carries, and the delta that extends it.
TEXT_FIELD = {"text": "text", "thinking": "thinking"}
TOOL_KINDS = ("tool_use", "server_tool_use")


def check_block(block: Any, where: str) -> dict[str, Any]:
    if type(block) is not dict or type(block.get("type")) is not str:
        raise bad(f"a {where} whose content block has no type")
    key = TEXT_FIELD.get(block["type"])
    if key is not None and type(block.get(key, "")) is not str:
        raise bad(f"a {where} whose {block['type']} block's {key} is not a string")
    if key is not None and key in block:
        block[key] = whole_unicode(block[key])
    citations = block.get("citations")
    if block["type"] == "text" and citations is not None and type(citations) is not list:
        raise bad(f"a {where} whose text block's citations are not a list")
    if block["type"] == "thinking" and type(block.get("signature", "")) is not str:
        raise bad(f"a {where} whose thinking block's signature is not a string")
    return block


def check_message(message: Any) -> dict[str, Any]:
    """A whole Message (a non-streaming answer) in the shape the rest of us read."""
    if type(message) is not dict:
        raise bad("a reply that is not a JSON object")
    content = message.get("content")
    if type(content) is not list:
        raise bad("a reply whose content is not a list")
    for block in content:
        check_block(block, "reply")
    if "usage" in message:
        try:
            check_usage(message["usage"], "reply")
        except ProtocolError as e:  # the content is good and paid for: kept, usage unknown
            reply = {k: v for k, v in message.items() if k != "usage"}
            raise FlawedReply(e.message, reply) from None
    return message


def events_from_message(message: dict[str, Any]) -> list[Event]:
    """The events a stream would have carried for a whole Message: for a gateway that
    answers `"stream": true` with plain JSON, so its (paid) reply is shown and kept."""
    message = check_message(message)
    head = {k: v for k, v in message.items() if k not in ("content", "stop_reason")}
    events: list[Event] = [Other("message_start", {"type": "message_start", "message": head})]
    for index, block in enumerate(message["content"]):
        key = TEXT_FIELD.get(block["type"])
        start = {**block, key: ""} if key else block
        events.append(Other("content_block_start", {"index": index, "content_block": start}))
        if block["type"] == "text":
            events.append(TextDelta(block.get("text", ""), index))
        elif block["type"] == "thinking":
            events.append(ThinkingDelta(block.get("thinking", ""), index))
        events.append(Other("content_block_stop", {"index": index}))
    delta = {k: message[k] for k in ("stop_reason", "stop_sequence") if k in message}
    usage = message.get("usage") or {}
    events.append(Other("message_delta", {"delta": delta, "usage": usage}))
    events.append(Other("message_stop", {}))
    return events


# -- assembly -----------------------------------------------------------------


class MessageBuilder:
    """Folds stream events into a Message dict; `message()` is valid at any point.

    `add` returns whether the event changed the Message: a renderer shows only
    deltas the builder took, so what is printed is what is kept.
    """

    def __init__(self) -> None:
        self.base: dict[str, Any] = {}
        self.blocks: list[dict[str, Any]] = []
        self._text: dict[int, list[str]] = {}  # text blocks' pieces, by index
        self._thinking: dict[int, list[str]] = {}
        self._json: dict[int, list[str]] = {}  # tool input JSON, raw, by index
        self.started = False
        self.stopped = False  # message_stop arrived
        self.finished = False  # message_delta arrived: every block is in
        # A malformed message_delta (its usage or delta) after the content: the reply is
        # still whole, so the caller keeps it and then reports this (errors.FlawedReply).
        self.flaw: ProtocolError | None = None
        self._usage_unknown = False

    @property
    def complete(self) -> bool:
        return self.stopped or self.finished

    def add(self, event: Event) -> bool:
        kind = type(event)
        if kind is TextDelta:
            parts = self._text.get(event.index)  # type: ignore[union-attr]
            if parts is None:
                return self._stray(event.index)  # type: ignore[union-attr]
            parts.append(event.text)  # type: ignore[union-attr]
            return True
        if kind is ThinkingDelta:
            parts = self._thinking.get(event.index)  # type: ignore[union-attr]
            if parts is None:
                return self._stray(event.index)  # type: ignore[union-attr]
            parts.append(event.text)  # type: ignore[union-attr]
            return True
        if kind is not Other:
            return False
        name, data = event.name, event.data  # type: ignore[union-attr]
        if name == "message_start":
            if self.started:
                return False  # a second start changes nothing, as in the SDK
            self._start(data)
            return True
        if not self.started:
            raise bad(f"{name} before message_start")
        if name == "content_block_delta":
            return self._delta(data["index"], data["delta"])
        if name == "content_block_start":
            index = data.get("index")
            if type(index) is not int or index != len(self.blocks):
                raise bad(
                    f"a content_block_start for block {_num(index)} after {len(self.blocks)} blocks"
                )
            self._append(check_block(data.get("content_block"), "content_block_start"))
            return True
        if name == "content_block_stop":
            index = data.get("index")
            if type(index) is not int or not 0 <= index < len(self.blocks):
                raise bad(f"a content_block_stop for block {_num(index)}, which never started")
            return True
        if name == "message_delta":
            self._message_delta(data)
            return True
        if name == "message_stop":
            self.stopped = True
            return True
        return False

    def _start(self, data: dict[str, Any]) -> None:
        message = data.get("message")
        if type(message) is not dict:
            raise bad("a message_start without a message")
        if "usage" in message:
            check_usage(message["usage"], "message_start")
        content = message.get("content") or []
        if type(content) is not list:
            raise bad("a message_start whose content is not a list")
        self.started = True
        self.base = {k: v for k, v in message.items() if k != "content"}
        for block in content:
            self._append(check_block(block, "message_start"))

    def _append(self, block: dict[str, Any]) -> None:
        index = len(self.blocks)
        kind = block["type"]
        if kind == "text":
            self._text[index] = [block.get("text", "")]
        elif kind == "thinking":
            self._thinking[index] = [block.get("thinking", "")]
        elif kind in TOOL_KINDS:
            self._json[index] = []
        self.blocks.append(dict(block))

    def _stray(self, index: int) -> bool:
        """A text/thinking delta for a block of another kind is ignored (as the SDK
        does); one for a block that does not exist is a protocol error."""
        if not self.started:
            raise bad("a content_block_delta before message_start")
        if not 0 <= index < len(self.blocks):
            raise bad(f"a content_block_delta for block {index}, which never started")
        return False

    def _delta(self, index: int, delta: dict[str, Any]) -> bool:
        if not 0 <= index < len(self.blocks):
            raise bad(f"a content_block_delta for block {index}, which never started")
        block = self.blocks[index]
        kind = delta.get("type")
        if kind == "input_json_delta":
            piece = delta.get("partial_json")
            if type(piece) is not str:
                raise bad("an input_json_delta whose partial_json is not a string")
            parts = self._json.get(index)
            if parts is None:
                return False
            parts.append(piece)
            return True
        if kind == "signature_delta":
            signature = delta.get("signature")
            if type(signature) is not str:
                raise bad("a signature_delta whose signature is not a string")
            if block["type"] != "thinking":
                return False
            block["signature"] = signature  # each one is whole: the last wins
            return True
        if kind == "citations_delta":
            if "citation" not in delta:
                raise bad("a citations_delta without a citation")
            if block["type"] != "text":
                return False
            citations = block.get("citations")
            block["citations"] = (
                [*citations, delta["citation"]] if citations else [delta["citation"]]
            )
            return True
        return False  # an unknown delta type: ignored, never fatal

    def _message_delta(self, data: dict[str, Any]) -> None:
        self.finished = True
        delta = data.get("delta", {})
        if type(delta) is not dict:
            self.flaw = self.flaw or bad("a message_delta whose delta is not an object")
            delta = {}
        self.base.update(delta)  # stop_reason, stop_details, container, and what comes
        try:
            usage = check_usage(data.get("usage", {}), "message_delta")
        except ProtocolError as e:
            self.flaw = self.flaw or e
            self.base.pop("usage", None)  # unknown from now on: no half-true counts
            self._usage_unknown = True
            return
        if self._usage_unknown:
            return
        # Counts in message_delta are cumulative: the latest non-null value wins.
        merged = dict(self.base.get("usage") or {})
        merged.update({k: v for k, v in usage.items() if v is not None})
        self.base["usage"] = merged

    def text(self) -> str:
        """All text received so far (finished and unfinished blocks)."""
        return "".join("".join(parts) for _, parts in sorted(self._text.items()))

    def message(self) -> dict[str, Any]:
        msg = dict(self.base)
        blocks = []
        for i, block in enumerate(self.blocks):
            block = dict(block)
            if i in self._text:
                block["text"] = "".join(self._text[i])
            elif i in self._thinking:
                block["thinking"] = "".join(self._thinking[i])
            elif self._json.get(i):
                block["input"] = _tool_input("".join(self._json[i]), block.get("input"))
            blocks.append(block)
        msg["content"] = blocks
        return msg


def _tool_input(raw: str, start: Any) -> Any:
    """The tool input JSON; an unfinished one parsed as far as it goes (as the SDK
    does); one that is wrong keeps the block's starting input."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        pass
    from claude_cli.api.partial_json import parse_partial  # rare: only a cut-off tool input

    try:
        return parse_partial(raw)
    except (ValueError, RecursionError):
        return start if start is not None else {}


def _num(value: Any) -> str:
    return str(value) if type(value) is int else "?"
