from __future__ import annotations

import json

import pytest

from claude_cli.api.stream import MessageBuilder, StreamError, TextDelta, ThinkingDelta, parse_event
from claude_cli.errors import ProtocolError


def feed(builder: MessageBuilder, name: str, data: dict) -> bool:
    event = parse_event(json.dumps(data), name)
    return event is not None and builder.add(event)


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
    assert parse_event('{"type": "ping"}', "ping") is None
    assert parse_event('{"type": "unknown_thing"}', "unknown_thing") is None
    assert parse_event(json.dumps(delta(0, type="text_delta", text="a"))) == TextDelta("a", 0)
    assert parse_event(
        json.dumps(delta(3, type="thinking_delta", thinking="t")), "content_block_delta"
    ) == ThinkingDelta("t", 3)
    err = parse_event(
        json.dumps(
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
        ),
        "error",
    )
    assert err == StreamError("overloaded_error", "Overloaded", None)
    with pytest.raises(ProtocolError):
        parse_event("{not json", "message_start")


def start(b: MessageBuilder, **message: object) -> None:
    feed(
        b,
        "message_start",
        {"type": "message_start", "message": {"id": "m", "content": [], **message}},
    )


def block(b: MessageBuilder, index: int, **content_block: object) -> None:
    feed(
        b,
        "content_block_start",
        {"type": "content_block_start", "index": index, "content_block": content_block},
    )


def test_routes_on_the_json_type_not_the_sse_name() -> None:
    b = MessageBuilder()
    start(b)
    block(b, 0, type="text", text="")
    assert feed(b, "content_block_delta ", delta(0, type="text_delta", text="a"))
    assert feed(b, "message", delta(0, type="text_delta", text="b"))
    assert b.message()["content"] == [{"type": "text", "text": "ab"}]


def test_deltas_update_the_block_at_their_index() -> None:
    b = MessageBuilder()
    start(b)
    block(b, 0, type="thinking", thinking="")
    block(b, 1, type="text", text="")
    assert feed(b, "content_block_delta", delta(0, type="thinking_delta", thinking="th"))
    assert feed(b, "content_block_delta", delta(1, type="text_delta", text="te"))
    assert feed(b, "content_block_delta", delta(0, type="signature_delta", signature="s1"))
    assert feed(b, "content_block_delta", delta(0, type="signature_delta", signature="s2"))
    # the wrong kind of delta for its block: ignored, not appended
    assert not feed(b, "content_block_delta", delta(0, type="text_delta", text="X"))
    assert not feed(b, "content_block_delta", delta(1, type="thinking_delta", thinking="Y"))
    assert not feed(b, "content_block_delta", delta(1, type="signature_delta", signature="Z"))
    assert not feed(b, "content_block_delta", delta(1, type="input_json_delta", partial_json="{"))
    assert not feed(b, "content_block_delta", delta(0, type="future_delta", x=1))
    assert b.message()["content"] == [
        {"type": "thinking", "thinking": "th", "signature": "s2"},  # the last signature wins
        {"type": "text", "text": "te"},
    ]
    assert b.text() == "te"


def test_events_before_message_start_are_a_protocol_error() -> None:
    b = MessageBuilder()
    with pytest.raises(ProtocolError, match="before message_start"):
        block(b, 0, type="text", text="")
    with pytest.raises(ProtocolError, match="before message_start"):
        feed(b, "content_block_delta", delta(0, type="text_delta", text="a"))
    assert b.message()["content"] == []


def test_citations_may_start_as_null() -> None:
    b = MessageBuilder()
    start(b)
    block(b, 0, type="text", text="", citations=None)
    feed(b, "content_block_delta", delta(0, type="citations_delta", citation={"n": 1}))
    feed(b, "content_block_delta", delta(0, type="citations_delta", citation={"n": 2}))
    assert b.message()["content"][0]["citations"] == [{"n": 1}, {"n": 2}]


def test_message_delta_keeps_every_field() -> None:
    b = MessageBuilder()
    start(b, usage={"input_tokens": 3, "output_tokens": 1, "cache_read_input_tokens": 7})
    details = {"type": "refusal", "category": "cyber", "explanation": "no"}
    feed(
        b,
        "message_delta",
        {
            "type": "message_delta",
            "delta": {
                "stop_reason": "refusal",
                "stop_sequence": None,
                "stop_details": details,
                "container": {"id": "c"},
                "new_field": [1],
            },
            "usage": {"output_tokens": 9, "input_tokens": None},
        },
    )
    msg = b.message()
    assert (msg["stop_reason"], msg["stop_details"], msg["container"]) == (
        "refusal",
        details,
        {"id": "c"},
    )
    assert msg["new_field"] == [1]
    assert msg["usage"] == {"input_tokens": 3, "output_tokens": 9, "cache_read_input_tokens": 7}
    assert b.complete and not b.stopped


def test_unfinished_tool_input_is_parsed_as_far_as_it_goes() -> None:
    b = MessageBuilder()
    start(b)
    block(b, 0, type="tool_use", id="t", name="f", input={})
    feed(
        b,
        "content_block_delta",
        delta(0, type="input_json_delta", partial_json='{"path": "a.txt", "lines": ["one", "tw'),
    )
    assert b.message()["content"][0]["input"] == {"path": "a.txt", "lines": ["one"]}
    # JSON that is wrong, not just short, keeps the input the block started with
    b = MessageBuilder()
    start(b)
    block(b, 0, type="tool_use", id="t", name="f", input={})
    feed(b, "content_block_delta", delta(0, type="input_json_delta", partial_json='{"a" 1}'))
    assert b.message()["content"][0]["input"] == {}


MALFORMED = [
    ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": "x"}),
    ("content_block_delta", delta(0, type="text_delta", text=None)),
    ("content_block_delta", delta(5, type="text_delta", text="x")),
    ("content_block_delta", delta(-1, type="citations_delta", citation={})),
    ("content_block_delta", {"type": "content_block_delta", "delta": {"type": "text_delta"}}),
    ("content_block_delta", delta(0, type="signature_delta", signature=5)),
    ("content_block_delta", delta(0, type="input_json_delta", partial_json=None)),
    ("message_delta", {"type": "message_delta", "delta": {}, "usage": [1]}),
    ("message_delta", {"type": "message_delta", "delta": "end", "usage": {}}),
    ("message_delta", {"type": "message_delta", "delta": {}, "usage": {"output_tokens": "5"}}),
    (
        "message_delta",
        {
            "type": "message_delta",
            "delta": {},
            "usage": {"server_tool_use": {"web_search_requests": "1"}},
        },
    ),
    ("message_delta", {"type": "message_delta", "delta": {}, "usage": {"output_tokens": True}}),
    (
        "content_block_start",
        {
            "type": "content_block_start",
            "index": 1,
            "content_block": {"type": "text", "text": None},
        },
    ),
    ("content_block_start", {"type": "content_block_start", "index": 1, "content_block": "x"}),
    (
        "content_block_start",
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    ),
    ("content_block_stop", {"type": "content_block_stop", "index": 9}),
    ("message_start", {"type": "message_start", "message": {"usage": "lots"}}),
]


@pytest.mark.parametrize(("name", "data"), MALFORMED)
def test_malformed_shapes_are_protocol_errors(name: str, data: dict) -> None:
    b = MessageBuilder()
    if name != "message_start":
        start(b, usage={"input_tokens": 1, "output_tokens": 1})
        block(b, 0, type="text", text="")
    if name == "message_delta":  # after the content: the reply is kept, the flaw noted
        feed(b, name, data)
        assert isinstance(b.flaw, ProtocolError)
        assert b.flaw.message.startswith("protocol error: the server sent")
    else:
        with pytest.raises(ProtocolError, match="protocol error: the server sent"):
            feed(b, name, data)
    usage = b.message().get("usage", {})
    assert all(type(v) is int for v in usage.values())


def test_a_second_message_start_changes_nothing() -> None:
    b = MessageBuilder()
    start(b)
    block(b, 0, type="text", text="a")
    assert not feed(b, "message_start", {"type": "message_start", "message": {"id": "other"}})
    assert b.message() == {"id": "m", "content": [{"type": "text", "text": "a"}]}


def test_deeply_nested_json_is_an_error_not_a_crash() -> None:
    with pytest.raises(ProtocolError):
        parse_event('{"type": "message_start", "message": ' + "[" * 100_000 + "]" * 100_000 + "}")
    b = MessageBuilder()
    start(b)
    block(b, 0, type="tool_use", id="t", name="f", input={})
    feed(b, "content_block_delta", delta(0, type="input_json_delta", partial_json="[" * 50_000))
    assert b.message()["content"][0]["input"] == {}
