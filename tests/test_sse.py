from __future__ import annotations

import random

from claude_cli.sse import ServerSentEvent, SSEDecoder, iter_events

STREAM = (
    b'event: message_start\ndata: {"a": 1}\n\n'
    b": a comment line\n\n"
    b"event: ping\ndata: {}\n\n"
    b'event: content_block_delta\ndata: {"x":\ndata:  2}\n\n'
    b"data: no event name\n\n"
)
EXPECTED = [
    ServerSentEvent("message_start", '{"a": 1}'),
    ServerSentEvent("ping", "{}"),
    ServerSentEvent("content_block_delta", '{"x":\n 2}'),
    ServerSentEvent("message", "no event name"),
]


def test_decodes_events_comments_and_multiline_data() -> None:
    assert list(iter_events([STREAM])) == EXPECTED


def test_crlf_and_cr_line_endings() -> None:
    assert list(iter_events([STREAM.replace(b"\n", b"\r\n")])) == EXPECTED
    assert list(iter_events([STREAM.replace(b"\n", b"\r")])) == EXPECTED


def test_any_chunking_gives_the_same_events() -> None:
    data = STREAM.replace(b"\n", b"\r\n") + "event: t\ndata: héllo ✓\n\n".encode()
    whole = list(iter_events([data]))
    rng = random.Random(7)
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, len(data)), rng.randint(1, 30)))
        chunks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
        assert list(iter_events(chunks)) == whole
    assert whole[-1] == ServerSentEvent("t", "héllo ✓")


def test_one_byte_at_a_time() -> None:
    decoder = SSEDecoder()
    events = [e for i in range(len(STREAM)) for e in decoder.feed(STREAM[i : i + 1])]
    assert events == EXPECTED


def test_unterminated_last_event_is_dropped() -> None:
    assert list(iter_events([b"event: a\ndata: 1\n\nevent: b\ndata: 2"])) == [
        ServerSentEvent("a", "1")
    ]


def test_field_without_space_and_unknown_fields() -> None:
    events = list(iter_events([b"event:x\ndata:1\nid: 5\nretry: 10\nbogus\n\n"]))
    assert events == [ServerSentEvent("x", "1")]
