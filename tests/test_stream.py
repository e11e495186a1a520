from __future__ import annotations

import json

from claude_cli.stream import MessageBuilder, StreamError, TextDelta, ThinkingDelta, parse_event


def feed(builder: MessageBuilder, name: str, data: dict) -> None:
    event = parse_event(name, json.dumps(data))
    if event is not None:
        builder.add(event)


def delta(index: int, **d: object) -> dict:
    return {"type": "content_block_delta", "index": index, "delta": d}


def test_builds_the_message_the_api_would_return() -> None:
    b = MessageBuilder()
    feed(
        b,
        "message_start",
        {
            "type": "message_start",
            "message": {
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": "m",
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 10, "output_tokens": 1, "cache_read_input_tokens": 3},
            },
        },
    )
    feed(
        b,
        "content_block_start",
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "thinking", "thinking": ""},
        },
    )
    feed(b, "content_block_delta", delta(0, type="thinking_delta", thinking="hmm "))
    feed(b, "content_block_delta", delta(0, type="thinking_delta", thinking="ok"))
    feed(b, "content_block_delta", delta(0, type="signature_delta", signature="sig"))
    feed(b, "content_block_stop", {"type": "content_block_stop", "index": 0})
    feed(b, "ping", {"type": "ping"})
    feed(
        b,
        "content_block_start",
        {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
    )
    feed(b, "content_block_delta", delta(1, type="text_delta", text="Hello"))
    feed(b, "content_block_delta", delta(1, type="citations_delta", citation={"n": 1}))
    feed(b, "some_future_event", {"type": "some_future_event"})
    feed(b, "content_block_delta", delta(1, type="text_delta", text=" world"))
    feed(b, "content_block_stop", {"type": "content_block_stop", "index": 1})
    feed(
        b,
        "content_block_start",
        {
            "type": "content_block_start",
            "index": 2,
            "content_block": {"type": "tool_use", "id": "t1", "name": "f", "input": {}},
        },
    )
    feed(b, "content_block_delta", delta(2, type="input_json_delta", partial_json='{"q": '))
    feed(b, "content_block_delta", delta(2, type="input_json_delta", partial_json='"x"}'))
    feed(b, "content_block_stop", {"type": "content_block_stop", "index": 2})
    feed(
        b,
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use", "stop_sequence": None},
            "usage": {"output_tokens": 42},
        },
    )
    feed(b, "message_stop", {"type": "message_stop"})
    msg = b.message()
    assert b.stopped
    assert msg["id"] == "msg_1"
    assert msg["stop_reason"] == "tool_use"
    assert msg["usage"] == {"input_tokens": 10, "output_tokens": 42, "cache_read_input_tokens": 3}
    assert msg["content"] == [
        {"type": "thinking", "thinking": "hmm ok", "signature": "sig"},
        {"type": "text", "text": "Hello world", "citations": [{"n": 1}]},
        {"type": "tool_use", "id": "t1", "name": "f", "input": {"q": "x"}},
    ]
    assert b.text() == "Hello world"


def test_partial_message_includes_unfinished_text() -> None:
    b = MessageBuilder()
    feed(b, "message_start", {"type": "message_start", "message": {"id": "m", "content": []}})
    feed(
        b,
        "content_block_start",
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    )
    feed(b, "content_block_delta", delta(0, type="text_delta", text="half a rep"))
    assert b.text() == "half a rep"
    assert b.message()["content"] == [{"type": "text", "text": "half a rep"}]
    assert not b.stopped


def test_parse_event_kinds() -> None:
    assert parse_event("ping", "{}") is None
    assert parse_event("unknown_thing", '{"type": "unknown_thing"}') is None
    assert parse_event(
        "content_block_delta", json.dumps(delta(0, type="text_delta", text="a"))
    ) == TextDelta("a")
    assert parse_event(
        "content_block_delta", json.dumps(delta(0, type="thinking_delta", thinking="t"))
    ) == ThinkingDelta("t")
    err = parse_event(
        "error",
        json.dumps(
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
        ),
    )
    assert err == StreamError("overloaded_error", "Overloaded", None)
    assert isinstance(parse_event("message_start", "{not json"), StreamError)
