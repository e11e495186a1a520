from __future__ import annotations

import random

import pytest

from claude_cli.api.sse import ServerSentEvent, SSEDecoder, iter_events
from claude_cli.errors import ProtocolError

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


def test_unterminated_last_event_is_dispatched_at_the_end() -> None:
    # The SDK's fixtures end without the final blank line (some without a final LF);
    # whether the event is whole is for the caller to judge (its JSON parses or not).
    expected = [ServerSentEvent("a", "1"), ServerSentEvent("b", "2")]
    assert list(iter_events([b"event: a\ndata: 1\n\nevent: b\ndata: 2"])) == expected
    assert list(iter_events([b"event: a\ndata: 1\n\nevent: b\ndata: 2\n"])) == expected
    assert list(iter_events([b"event: a\ndata: 1\n\n: only a comment"])) == expected[:1]


def test_one_leading_bom_is_dropped() -> None:
    body = b"\xef\xbb\xbfevent: a\ndata: 1\n\n"
    assert list(iter_events([body])) == [ServerSentEvent("a", "1")]
    # split across chunks, byte by byte
    assert list(iter_events([body[i : i + 1] for i in range(len(body))])) == [
        ServerSentEvent("a", "1")
    ]
    # only one: a second BOM makes the first field name unknown, so `event:` is lost
    assert list(iter_events([b"\xef\xbb\xbf" + body])) == [ServerSentEvent("message", "1")]
    # not at the start: kept as data
    assert list(iter_events([b"data: \xef\xbb\xbfx\n\n"])) == [
        ServerSentEvent("message", "\ufeffx")
    ]


def test_an_empty_chunk_after_a_cr_does_not_split_a_crlf() -> None:
    chunks = [b"event: a\r", b"", b"\ndata: 1\r\n\r\n"]
    assert list(iter_events(chunks)) == [ServerSentEvent("a", "1")]


def test_a_long_line_in_many_chunks() -> None:
    text = "x" * 300_000
    data = f"event: big\ndata: {text}\n\n".encode()
    chunks = [data[i : i + 1000] for i in range(0, len(data), 1000)]
    assert list(iter_events(chunks)) == [ServerSentEvent("big", text)]


@pytest.mark.parametrize("chunk", [1000, 10**6])
def test_an_overlong_line_is_a_protocol_error(chunk: int) -> None:
    decoder = SSEDecoder(max_line=100_000)
    data = b"data: " + b"x" * 200_000
    with pytest.raises(ProtocolError, match="stream line over"):
        for i in range(0, len(data), chunk):
            decoder.feed(data[i : i + chunk])


def test_the_default_line_cap_is_16_mb() -> None:
    decoder = SSEDecoder()
    piece = b"y" * (1024 * 1024)
    decoder.feed(b"data: ")
    for _ in range(15):
        decoder.feed(piece)
    with pytest.raises(ProtocolError, match="over 16 MB"):
        decoder.feed(piece * 2)


def test_field_without_space_and_unknown_fields() -> None:
    events = list(iter_events([b"event:x\ndata:1\nid: 5\nretry: 10\nbogus\n\n"]))
    assert events == [ServerSentEvent("x", "1")]
