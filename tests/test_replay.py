"""Recorded streams, assembled by us and by the official SDK, must give the same Message.

tests/fixtures/streams/ holds the SDK's own streaming fixtures (sdk/, vendored
unchanged), streams shaped like the Anthropic docs' examples (docs/) and edge
cases (edge/). Each is fed to our SSEDecoder + MessageBuilder and to the SDK's
accumulator (`anthropic.lib.streaming._messages.accumulate_event`, driven as the
SDK's `Stream` drives it). Nothing is skipped: where we differ on purpose, the
test says why and asserts our behaviour. A few are also replayed through the
real CLI against tests/hostile_server.py.
"""

from __future__ import annotations

import json
import random
import warnings
from pathlib import Path
from typing import Any

import anthropic._streaming as anthropic_streaming  # the official SDK: a test dependency
import pytest
from anthropic.lib.streaming._messages import accumulate_event
from hostile_server import SSE_HEADERS, Answer, HostileServer

from claude_cli.api.sse import SSEDecoder, iter_events
from claude_cli.api.stream import MessageBuilder, StreamError, parse_event

ROOT = Path(__file__).parent / "fixtures" / "streams"
FIXTURES = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("*/*") if p.is_file())


def _add_event_lines(data: bytes) -> bytes:
    out = []
    for block in data.decode().split("\n\n"):
        if block.startswith("data: "):
            kind = json.loads(block[6:])["type"]
            block = f"event: {kind}\n{block}"
        out.append(block)
    return "\n\n".join(out).encode()


# Where we differ from the SDK on purpose: what the SDK would need to be given to
# assemble the Message we assemble, and why.
DIFFERENT = {
    # WHATWG's decoder drops one leading BOM; the SDK's keeps it, so its first
    # field name is "\ufeffevent", message_start is lost and accumulation fails.
    "edge/bom.sse": lambda data: data[3:],
    # We route on the JSON `type`; the SDK skips any event without an `event:` line.
    "edge/data_only.sse": _add_event_lines,
}
# Streams that end before the reply is whole: both keep what arrived; we also say so.
INCOMPLETE = {"edge/cut_inside_block.sse", "edge/cut_inside_tool_input.sse", "docs/error.sse"}
# Streams carrying an `error` event: the SDK raises, we yield a StreamError.
ERRORS = {"docs/error.sse": "overloaded_error"}


class SDKStreamError(Exception):
    def __init__(self, body: Any) -> None:
        super().__init__(str(body))
        self.body = body


def sdk_message(data: bytes) -> dict[str, Any]:
    """What the SDK's MessageStream assembles (its Stream.__stream__ loop, inlined)."""
    snapshot = None
    json_bufs: dict[int, bytes] = {}
    decoder = anthropic_streaming.SSEDecoder()
    for sse in decoder.iter_bytes(iter([data])):
        if sse.event in ("ping", None):
            continue
        if sse.event == "error":
            raise SDKStreamError(sse.json())
        if not sse.data:
            continue
        snapshot = accumulate_event(
            event=sse.json(), current_snapshot=snapshot, json_bufs=json_bufs
        )
    assert snapshot is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydantic's union serializer warnings
        return snapshot.to_dict(mode="json")


def our_message(chunks: list[bytes]) -> tuple[dict[str, Any], bool, list[StreamError]]:
    builder = MessageBuilder()
    errors = []
    for sse in iter_events(chunks):
        event = parse_event(sse.data, sse.event)
        if isinstance(event, StreamError):
            errors.append(event)
        elif event is not None:
            builder.add(event)
    return builder.message(), builder.complete, errors


def no_nulls(value: Any) -> Any:
    """null and absent are the same to the API's readers (the SDK's models set
    optional fields to None; we keep only what was sent)."""
    if isinstance(value, dict):
        return {k: no_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [no_nulls(v) for v in value]
    return value


def extra_keys(ours: Any, theirs: Any, path: str = "") -> list[str]:
    """Assert `ours` holds everything `theirs` does; return the keys only we have."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), path
        extra = [f"{path}.{k}" for k in ours if k not in theirs]
        for key, value in theirs.items():
            assert key in ours, f"{path}.{key} is missing"
            extra += extra_keys(ours[key], value, f"{path}.{key}")
        return extra
    if isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), path
        return [
            k
            for i, (a, b) in enumerate(zip(ours, theirs, strict=True))
            for k in extra_keys(a, b, f"{path}[{i}]")
        ]
    assert ours == theirs, f"{path}: {ours!r} != {theirs!r}"
    return []


def chunkings(data: bytes) -> list[list[bytes]]:
    rng = random.Random(data)
    out = [[data], [data[i : i + 1] for i in range(len(data))]]
    for _ in range(5):
        cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randint(1, 40))))
        out.append([data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)])
    return out


def test_every_fixture_is_replayed() -> None:
    assert len([f for f in FIXTURES if f.startswith("sdk/")]) == 10
    assert len(FIXTURES) >= 35
    for name in [*DIFFERENT, *INCOMPLETE, *ERRORS]:
        assert name in FIXTURES


@pytest.mark.parametrize("name", FIXTURES)
def test_we_assemble_what_the_sdk_assembles(name: str) -> None:
    data = (ROOT / name).read_bytes()
    results = [our_message(chunks) for chunks in chunkings(data)]
    assert all(r == results[0] for r in results), "chunking changed the result"
    ours, complete, errors = results[0]
    assert complete is (name not in INCOMPLETE)

    if name in ERRORS:
        with pytest.raises(SDKStreamError) as raised:
            sdk_message(data)
        assert raised.value.body["error"]["type"] == ERRORS[name]
        assert [e.error_type for e in errors] == [ERRORS[name]]
        return
    assert errors == []

    if name in DIFFERENT:
        try:
            agrees = no_nulls(sdk_message(data)) == no_nulls(ours)
        except Exception:  # it fails outright: it lost message_start
            agrees = False
        assert not agrees, "the SDK now agrees here: drop this exception"
        theirs = sdk_message(DIFFERENT[name](data))
    else:
        theirs = sdk_message(data)
    extra = extra_keys(no_nulls(ours), no_nulls(theirs))
    # What we keep and the SDK's typed models drop (usage.iterations, usage.fallback_credit:
    # fields newer than its types) was sent by the server: nothing is invented.
    for key in extra:
        assert f'"{key.rsplit(".", 1)[-1]}"'.encode() in data, key


def test_partial_tool_input_matches_the_sdks_jiter_parse() -> None:
    data = (ROOT / "sdk/incomplete_partial_json_response.txt").read_bytes()
    ours, complete, _ = our_message([data])
    assert complete  # message_delta and message_stop came: cut by max_tokens, not broken
    assert ours["content"][1]["input"] == {
        "filename": "taxes.txt",
        "lines_of_text": [
            "# COMPREHENSIVE TAX GUIDE FOR INDIVIDUALS WITH MULTIPLE W-2s",
            "",
            "## INTRODUCTION",
            "",
        ],
    }
    assert "_unparsed" not in json.dumps(ours)


def test_decoder_reuse_matches_iter_events() -> None:
    data = (ROOT / "sdk/tool_use_response.txt").read_bytes()
    decoder = SSEDecoder()
    events = [e for line in data.splitlines(keepends=True) for e in decoder.feed(line)]
    assert events + decoder.flush() == list(iter_events([data]))


# -- through the real CLI ----------------------------------------------------------------

CLI_REPLAYS = [
    "sdk/basic_response.txt",
    "sdk/tool_use_response.txt",
    "sdk/refusal_response.txt",
    "sdk/incomplete_partial_json_response.txt",
    "sdk/stream-a-refusal.sse",
    "docs/thinking.sse",
    "docs/web_search.sse",
    "edge/bom.sse",
    "edge/crlf.sse",
    "edge/trailing_space_event_name.sse",
    "edge/ends_after_message_delta.sse",
]


@pytest.fixture(scope="module")
def hostile():
    server = HostileServer().start()
    yield server
    server.stop()


@pytest.mark.parametrize("name", CLI_REPLAYS)
def test_the_cli_prints_the_message_the_sdk_assembles(run, hostile, name: str) -> None:
    data = (ROOT / name).read_bytes()
    hostile.requests.clear()
    # Sent in small pieces, as a network would.
    hostile.script(Answer(200, SSE_HEADERS, [data[i : i + 97] for i in range(0, len(data), 97)]))
    r = run("ask", "--json", "hi", env={"ANTHROPIC_BASE_URL": hostile.url})
    printed = json.loads(r.out)
    # A refusal is a complete reply, but not an answer: exit 7; one cut off at max_tokens
    # is incomplete: exit 8 (README, exit codes).
    expected = {"refusal": 7, "max_tokens": 8}.get(printed.get("stop_reason"), 0)
    assert r.code == expected, r.err
    assert len(hostile.requests) == 1  # complete at once: nothing re-sent
    source = DIFFERENT[name](data) if name in DIFFERENT else data
    extra_keys(no_nulls(printed), no_nulls(sdk_message(source)))


def test_the_cli_prints_the_text_of_a_replayed_stream(run, hostile) -> None:
    data = (ROOT / "sdk/stream-b-fallback.sse").read_bytes()
    hostile.script(Answer(200, SSE_HEADERS, [data]))
    r = run("ask", "hi", env={"ANTHROPIC_BASE_URL": hostile.url})
    assert r.code == 0, r.err
    text = "".join(b["text"] for b in sdk_message(data)["content"] if b["type"] == "text")
    assert r.out == text + "\n"
