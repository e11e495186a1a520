"""Hypothesis: random bytes and random events never get anything but our own errors out
of the SSE decoder and the stream assembler, and what they build stays well formed."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jiter import from_json  # comes with the official SDK (a test dependency)

from claude_cli.api.partial_json import parse_partial
from claude_cli.api.sse import SSEDecoder, iter_events
from claude_cli.api.stream import MessageBuilder, StreamError, parse_event
from claude_cli.errors import ProtocolError

# derandomize: the same examples on every run, so CI is repeatable (and a failure can be rerun).
FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

# Bytes that mean something to the decoder, mixed with anything.
SSE_BYTES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                b"\n",
                b"\r",
                b"\r\n",
                b"\n\n",
                b"data: ",
                b"event: ",
                b":",
                b"\xef\xbb\xbf",
                b"data:{}",
                b"event: message_start",
                b"\xff",
                b"\xe2\x9c",
            ]
        ),
        st.binary(max_size=20),
    ),
    max_size=40,
).map(b"".join)


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


@FUZZ
@given(SSE_BYTES, st.lists(st.integers(0, 10_000), max_size=8))
def test_sse_decoder_any_bytes_any_chunking(data: bytes, cuts: list[int]) -> None:
    whole = list(iter_events([data]))
    assert list(iter_events(split(data, cuts))) == whole
    assert list(iter_events([data[i : i + 1] for i in range(len(data))])) == whole


@FUZZ
@given(st.binary(max_size=300), st.integers(1, 64))
def test_sse_decoder_with_a_small_line_cap(data: bytes, cap: int) -> None:
    decoder = SSEDecoder(max_line=cap)
    try:
        for i in range(0, len(data), 7):
            decoder.feed(data[i : i + 7])
        decoder.flush()
    except ProtocolError:
        pass


JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10),
    st.text(max_size=5),
    st.floats(allow_nan=False, allow_infinity=False),
)
ANY_JSON = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
KINDS = st.sampled_from(
    [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
        "ping",
        "error",
        "future",
    ]
)
DELTA_KINDS = st.sampled_from(
    [
        "text_delta",
        "thinking_delta",
        "signature_delta",
        "input_json_delta",
        "citations_delta",
        "future_delta",
    ]
)
BLOCK_KINDS = st.sampled_from(["text", "thinking", "tool_use", "server_tool_use", "future"])
FIELD = st.one_of(ANY_JSON, st.text(max_size=8))


@st.composite
def events(draw: st.DrawFn) -> Any:
    """Mostly well-shaped events with random values in every field."""
    if draw(st.integers(0, 9)) == 0:
        return draw(ANY_JSON)
    kind = draw(KINDS)
    event: dict[str, Any] = {"type": kind}
    index = draw(st.one_of(st.integers(-1, 4), FIELD))
    if kind == "message_start":
        event["message"] = draw(
            st.one_of(
                st.fixed_dictionaries(
                    {
                        "id": FIELD,
                        "content": st.one_of(st.just([]), FIELD),
                        "usage": st.one_of(
                            st.dictionaries(
                                st.sampled_from(["input_tokens", "output_tokens", "service_tier"]),
                                FIELD,
                            ),
                            FIELD,
                        ),
                    }
                ),
                FIELD,
            )
        )
    elif kind == "content_block_start":
        event["index"] = index
        event["content_block"] = draw(
            st.one_of(
                st.fixed_dictionaries(
                    {"type": BLOCK_KINDS},
                    optional={
                        "text": FIELD,
                        "thinking": FIELD,
                        "input": FIELD,
                        "citations": FIELD,
                        "signature": FIELD,
                    },
                ),
                FIELD,
            )
        )
    elif kind == "content_block_delta":
        event["index"] = index
        event["delta"] = draw(
            st.one_of(
                st.fixed_dictionaries(
                    {"type": DELTA_KINDS},
                    optional={
                        "text": FIELD,
                        "thinking": FIELD,
                        "signature": FIELD,
                        "partial_json": st.one_of(st.text(max_size=6), FIELD),
                        "citation": FIELD,
                    },
                ),
                FIELD,
            )
        )
    elif kind == "content_block_stop":
        event["index"] = index
    elif kind == "message_delta":
        event["delta"] = draw(st.one_of(st.dictionaries(st.text(max_size=12), FIELD), FIELD))
        event["usage"] = draw(
            st.one_of(
                st.dictionaries(
                    st.sampled_from(
                        ["output_tokens", "input_tokens", "server_tool_use", "service_tier", "x"]
                    ),
                    FIELD,
                ),
                FIELD,
            )
        )
    elif kind == "error":
        event["error"] = draw(FIELD)
    return event


@FUZZ
@given(st.lists(st.tuples(KINDS, events()), max_size=25), st.booleans())
def test_the_assembler_takes_any_events(stream: list[tuple[str, Any]], start: bool) -> None:
    builder = MessageBuilder()
    if start:
        builder.add(parse_event('{"type": "message_start", "message": {"id": "m"}}'))
    try:
        for name, payload in stream:
            event = parse_event(json.dumps(payload), name)
            if event is not None and not isinstance(event, StreamError):
                builder.add(event)
    except ProtocolError as e:
        assert "\n" not in e.message and e.message.startswith("protocol error")
    message = builder.message()
    json.dumps(message)  # always serialisable: it is what --json prints and sessions keep
    assert isinstance(message["content"], list)
    assert all(isinstance(b, dict) and isinstance(b.get("type"), str) for b in message["content"])
    for block in message["content"]:
        if block["type"] == "text":
            assert isinstance(block.get("text", ""), str)
    assert isinstance(builder.text(), str)
    for key, value in (message.get("usage") or {}).items():
        if key.endswith("_tokens"):
            assert value is None or type(value) is int


@FUZZ
@given(SSE_BYTES)
def test_random_bytes_through_decoder_and_assembler(data: bytes) -> None:
    builder = MessageBuilder()
    try:
        for sse in iter_events([data]):
            event = parse_event(sse.data, sse.event)
            if event is not None and not isinstance(event, StreamError):
                builder.add(event)
    except ProtocolError:
        pass
    json.dumps(builder.message())


@FUZZ
@given(ANY_JSON.filter(lambda v: isinstance(v, dict | list)), st.integers(0, 10_000))
def test_partial_json_matches_jiter_on_every_prefix(value: Any, cut: int) -> None:
    text = json.dumps(value)
    prefix = text[: cut % (len(text) + 1)]
    try:
        expected = from_json(prefix.encode(), partial_mode=True)
    except ValueError:
        try:
            parse_partial(prefix)
        except ValueError:
            return
        raise AssertionError(f"jiter refuses {prefix!r}; we parse it") from None
    assert parse_partial(prefix) == expected
