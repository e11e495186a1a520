"""The real CLI against a server that misbehaves on purpose (tests/hostile_server.py).

Each test is an input that once hung, crashed (exit 70), lost data or cost extra
requests; each asserts what the user sees and what the server received.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hostile_server import (
    MESSAGE_STOP,
    SSE_HEADERS,
    Answer,
    HostileServer,
    endless,
    error_body,
    event,
    gzip_bomb,
    message_delta,
    message_start,
    reply_stream,
    stream,
    text_events,
)

START = event("message_start", message_start())


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer().start()
    yield server
    server.stop()


@pytest.fixture
def ask(run, hostile):
    def _ask(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
        return run(
            "ask",
            *args,
            env={"ANTHROPIC_BASE_URL": hostile.url, **(env or {})},
            timeout=timeout,
        )

    return _ask


def one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("claude-cli: error:"), err
    return lines[0]


# -- stream assembly ---------------------------------------------------------------


def test_events_are_routed_on_the_json_type_not_the_sse_name(hostile, ask) -> None:
    delta = {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "text_delta", "text": "shown"},
    }
    hostile.script(
        stream(
            START,
            text_events("")[0],
            b"event: content_block_delta \ndata: " + json.dumps(delta).encode() + b"\n\n",
            message_delta(),
            MESSAGE_STOP,
        )
    )
    r = ask("hi")
    assert (r.code, r.out) == (0, "shown\n"), r.err


def test_citations_null_then_a_citations_delta(hostile, ask) -> None:
    citation = {"type": "char_location", "cited_text": "x", "document_index": 0}
    hostile.script(
        stream(
            START,
            text_events("cited", citations=None)[:2],
            event(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "citations_delta", "citation": citation},
                },
            ),
            event("content_block_stop", {"type": "content_block_stop", "index": 0}),
            message_delta(),
            MESSAGE_STOP,
        )
    )
    r = ask("--json", "hi")
    assert r.code == 0, r.err
    assert json.loads(r.out)["content"] == [
        {"type": "text", "text": "cited", "citations": [citation]}
    ]


def test_message_delta_fields_are_kept_when_streaming(hostile, ask) -> None:
    details = {"type": "refusal", "category": "cyber", "explanation": "Refused by policy."}
    container = {"id": "container_1", "expires_at": "2026-12-01T00:00:00Z"}
    hostile.script(
        stream(
            START,
            text_events(""),
            message_delta("refusal", stop_details=details, container=container, future=1),
            MESSAGE_STOP,
        )
    )
    r = ask("--json", "hi")
    assert r.code == 7, r.err  # a refusal is not an answer (README, exit codes)
    assert "cyber" in r.err and "Refused by policy." in r.err
    message = json.loads(r.out)
    assert message["stop_reason"] == "refusal"
    assert message["stop_details"] == details
    assert message["container"] == container
    assert message["future"] == 1


def error_event(error_type: str) -> bytes:
    return event("error", {"type": "error", "error": {"type": error_type, "message": "bad"}})


def test_a_non_retryable_error_event_is_sent_once_and_exits_like_http(hostile, ask) -> None:
    hostile.script(stream(START, error_event("invalid_request_error")))
    r = ask("hi")
    assert r.code == 1
    assert "invalid_request_error" in one_line_error(r.err)
    assert len(hostile.requests) == 1


def test_a_retryable_error_event_is_retried(hostile, ask) -> None:
    hostile.script(stream(START, error_event("overloaded_error")), reply_stream("fine"))
    r = ask("hi")
    assert (r.code, r.out) == (0, "fine\n"), r.err
    assert len(hostile.requests) == 2


def test_an_error_event_without_the_sse_name(hostile, ask) -> None:
    body = {"type": "error", "error": {"type": "permission_error", "message": "no"}}
    hostile.script(stream(START, b"data: " + json.dumps(body).encode() + b"\n\n"))
    r = ask("hi")
    assert r.code == 1
    assert "permission_error" in one_line_error(r.err)
    assert len(hostile.requests) == 1


def test_a_stream_without_the_final_blank_line_is_complete(hostile, ask) -> None:
    hostile.script(stream(START, text_events("whole"), message_delta(), MESSAGE_STOP.rstrip(b"\n")))
    r = ask("hi")
    assert (r.code, r.out) == (0, "whole\n"), r.err
    assert len(hostile.requests) == 1


def test_a_stream_that_ends_after_message_delta_is_complete(hostile, ask) -> None:
    hostile.script(stream(START, text_events("whole"), message_delta("refusal")))
    r = ask("--json", "hi")
    assert r.code == 7, r.err  # complete, and a refusal (README, exit codes)
    assert json.loads(r.out)["stop_reason"] == "refusal"
    assert len(hostile.requests) == 1


def test_a_stream_cut_inside_a_block_is_interrupted(hostile, ask) -> None:
    hostile.script(stream(START, text_events("half")[:2]))
    r = ask("--max-retries", "0", "hi")
    assert r.code == 5
    assert r.out == "half\n"
    one_line_error(r.err)


def test_a_stream_cut_inside_the_last_event_is_interrupted(hostile, ask) -> None:
    hostile.script(stream(START, text_events("half")[:2], b'event: message_delta\ndata: {"ty'))
    r = ask("--max-retries", "0", "hi")
    assert r.code == 5
    assert "ended before the reply was complete" in one_line_error(r.err)


MALFORMED = {
    "delta is a string": event(
        "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": "x"}
    ),
    "text is null": event(
        "content_block_delta",
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": None}},
    ),
    "index out of range": event(
        "content_block_delta",
        {"type": "content_block_delta", "index": 7, "delta": {"type": "text_delta", "text": "x"}},
    ),
    "usage is a list": message_delta(usage=[1, 2]),
    "usage count is a string": message_delta(usage={"output_tokens": "5"}),
    "event is not an object": b"event: content_block_delta\ndata: [1]\n\n",
    "event is not JSON": b"event: content_block_delta\ndata: {nope\n\n",
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_event_is_a_one_line_protocol_error(hostile, ask, case: str) -> None:
    hostile.script(stream(START, text_events("kept")[:2], MALFORMED[case], MESSAGE_STOP))
    r = ask("hi")
    assert r.code == 5, r.err
    assert "protocol error" in one_line_error(r.err)
    assert r.out == "kept\n"  # what had arrived stays
    assert len(hostile.requests) == 1  # a server that breaks the protocol is not asked again


def test_a_malformed_non_streaming_reply_is_a_protocol_error(hostile, ask) -> None:
    message = {
        "id": "m",
        "type": "message",
        "role": "assistant",
        "content": [{"type": "text", "text": "hi"}],
        "usage": {"input_tokens": [1]},
    }
    hostile.script(
        Answer(200, {"content-type": "application/json"}, [json.dumps(message).encode()])
    )
    r = ask("--no-stream", "hi")
    assert r.code == 5
    assert "usage.input_tokens" in one_line_error(r.err)


FLAWED_METADATA = {
    "usage is a list": message_delta(usage=[1, 2]),
    "usage count is a string": message_delta(usage={"output_tokens": "5"}),
    "delta is a string": event(
        "message_delta", {"type": "message_delta", "delta": "x", "usage": {"output_tokens": 3}}
    ),
}


def saved_session(home, name: str) -> dict:
    return json.loads((home / "data" / "claude-cli" / "sessions" / f"{name}.json").read_text())


@pytest.mark.parametrize("case", FLAWED_METADATA, ids=list(FLAWED_METADATA))
def test_a_whole_reply_with_malformed_metadata_is_kept(hostile, ask, home, case: str) -> None:
    """The text arrived whole and was paid for: only what came with it is malformed. It is
    shown and saved (usage unknown), then the protocol error; the next ask carries it."""
    flawed = stream(START, text_events("the paid text"), FLAWED_METADATA[case], MESSAGE_STOP)
    hostile.script(flawed, reply_stream("next"))
    r = ask("-S", "s", "hi")
    assert r.code == 5, r.err
    line = one_line_error(r.err)
    assert "protocol error" in line and "kept in session s" in line
    assert r.out == "the paid text\n"
    doc = saved_session(home, "s")
    assert [(m["role"], m["content"]) for m in doc["messages"]] == [
        ("user", "hi"),
        ("assistant", "the paid text"),
    ]
    if "usage" in case:  # no counts made up: the reply is there, its usage is not
        assert "usage unknown" in line and doc["replies"] == []
    else:
        assert [r["usage"]["output_tokens"] for r in doc["replies"]] == [3]
    assert len(hostile.requests) == 1
    again = ask("-S", "s", "and?")
    assert again.code == 0, again.err
    sent = json.loads(hostile.requests[1].body)["messages"]
    assert sent[1] == {"role": "assistant", "content": "the paid text"}  # not paid again


def test_an_unnamed_ask_keeps_a_reply_with_malformed_usage(hostile, ask, run) -> None:
    hostile.script(stream(START, text_events("paid"), message_delta(usage=[1]), MESSAGE_STOP))
    r = ask("hi")
    assert r.code == 5, r.err
    assert r.out == "paid\n"
    assert "kept in session ask-" in one_line_error(r.err)
    listed = run("sessions", "list")
    assert "ask-" in listed.out


@pytest.mark.parametrize("usage", [[1], {"input_tokens": "5"}])
def test_a_non_streaming_reply_with_malformed_usage_is_shown_and_kept(
    hostile, ask, home, usage
) -> None:
    message = {
        "id": "m",
        "type": "message",
        "role": "assistant",
        "content": [{"type": "text", "text": "the paid text"}],
        "stop_reason": "end_turn",
        "usage": usage,
    }
    hostile.script(
        Answer(200, {"content-type": "application/json"}, [json.dumps(message).encode()])
    )
    r = ask("--no-stream", "-S", "ns", "hi")
    assert r.code == 5, r.err
    assert r.out == "the paid text\n"
    line = one_line_error(r.err)
    assert "usage" in line and "kept in session ns, its usage unknown" in line
    assert saved_session(home, "ns")["messages"][-1]["content"] == "the paid text"


def test_a_reply_with_malformed_usage_whose_save_fails_goes_to_recovery(hostile, ask, home) -> None:
    hostile.script(reply_stream("one"))
    assert ask("-S", "rf", "first").code == 0
    target = home / "data" / "claude-cli" / "sessions" / "rf.json"
    chunks = stream(START, text_events("paid"), message_delta(usage=[1]), MESSAGE_STOP).body

    def answer() -> Iterator[bytes]:  # the session's file becomes a folder while it comes
        target.unlink()
        target.mkdir()
        yield from chunks

    hostile.script(Answer(200, SSE_HEADERS, answer))
    r = ask("-S", "rf", "hi")
    assert r.out == "paid\n"
    assert r.code == 6, r.err
    (kept,) = list((home / "cache" / "claude-cli" / "recovered").iterdir())
    assert json.loads(kept.read_text())["messages"][-1]["content"] == "paid"


# -- transport -----------------------------------------------------------------------


def test_endless_pings_do_not_defeat_the_timeout(hostile, ask) -> None:
    ping = event("ping", {"type": "ping"})
    hostile.script(Answer(200, SSE_HEADERS, lambda: _pings_after_start(ping), delay=0.05))
    r = ask("--timeout", "1", "--max-retries", "0", "hi", timeout=30)
    assert r.code == 5
    assert "stalled" in one_line_error(r.err)


def _pings_after_start(ping: bytes) -> Iterator[bytes]:
    yield START
    yield from endless(ping)()


def test_comments_forever_do_not_defeat_the_timeout(hostile, ask) -> None:
    hostile.script(Answer(200, SSE_HEADERS, endless(b": keep-alive\n"), delay=0.05))
    r = ask("--timeout", "1", "--max-retries", "0", "hi", timeout=30)
    assert r.code == 5
    assert "stalled" in one_line_error(r.err)


@pytest.mark.parametrize(
    "delta",
    [
        {"type": "text_delta", "text": ""},
        {"type": "input_json_delta", "partial_json": ""},
        {"type": "signature_delta", "signature": ""},
    ],
)
def test_empty_deltas_forever_do_not_defeat_the_timeout(hostile, ask, delta) -> None:
    """A delta that adds nothing is a keep-alive in disguise: it must not reset --timeout."""
    nothing = event(
        "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}
    )
    block = text_events("")[0]  # content_block_start
    hostile.script(Answer(200, SSE_HEADERS, lambda: _after(START + block, nothing), delay=0.1))
    r = ask("--timeout", "1", "--max-retries", "0", "hi", timeout=30)  # bounds a hang only
    assert r.code == 5, r.err
    assert "stalled" in one_line_error(r.err)


def _after(first: bytes, again: bytes) -> Iterator[bytes]:
    yield first
    yield from endless(again)()


def test_a_trickling_non_streaming_body_meets_an_overall_deadline(hostile, ask) -> None:
    hostile.script(Answer(200, {"content-type": "application/json"}, endless(b" "), delay=0.05))
    r = ask("--no-stream", "--timeout", "1", "--max-retries", "0", "hi", timeout=30)
    assert r.code == 4
    assert "did not arrive within 1 s" in one_line_error(r.err)


def test_an_endless_stream_line_is_capped(hostile, ask) -> None:
    hostile.script(stream(START, b"data: " + b"x" * (17 * 1024 * 1024) + b"\n\n", MESSAGE_STOP))
    r = ask("hi")
    assert r.code == 5
    assert "over 16 MB" in one_line_error(r.err)


def test_a_gzip_bomb_reply_is_refused_not_inflated(hostile, ask) -> None:
    bomb = gzip_bomb(200 * 1024 * 1024)
    hostile.script(
        Answer(200, {"content-type": "application/json", "content-encoding": "gzip"}, [bomb])
    )
    r = ask("--no-stream", "hi")
    assert r.code == 5
    assert "over 64 MB" in one_line_error(r.err)


def test_a_gzip_bomb_error_body_is_read_only_in_part(hostile, ask) -> None:
    body = gzip_bomb(200 * 1024 * 1024)
    hostile.script(
        Answer(400, {"content-type": "application/json", "content-encoding": "gzip"}, [body])
    )
    r = ask("hi")
    assert r.code == 1
    one_line_error(r.err)
    assert len(r.err) < 500


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_a_compressed_reply_is_read(hostile, ask, encoding: str) -> None:
    import gzip
    import zlib

    message = {
        "id": "m",
        "type": "message",
        "role": "assistant",
        "model": "x",
        "content": [{"type": "text", "text": "zipped"}],
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }
    raw = json.dumps(message).encode()
    if encoding == "gzip":
        body = gzip.compress(raw)
    elif encoding == "deflate":
        body = zlib.compress(raw)
    else:
        deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        body = deflate.compress(raw) + deflate.flush()
    name = encoding.removeprefix("raw-")
    hostile.script(
        Answer(200, {"content-type": "application/json", "content-encoding": name}, [body])
    )
    r = ask("--no-stream", "hi")
    assert (r.code, r.out) == (0, "zipped\n"), r.err
    assert hostile.requests[0].headers["accept-encoding"] == "gzip, deflate"


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "1e400"])
def test_bad_retry_after_ms_does_not_crash_or_hang(hostile, ask, value: str) -> None:
    overloaded = Answer(
        529, {"retry-after-ms": value}, [error_body("overloaded_error", "Overloaded")]
    )
    hostile.script(overloaded, reply_stream("after"))
    r = ask("--max-retries", "1", "hi", timeout=30)
    assert (r.code, r.out) == (0, "after\n"), r.err
    assert len(hostile.requests) == 2


def test_models_with_a_repeating_cursor_stop(run, hostile) -> None:
    page = {"data": [{"id": "m1", "type": "model"}], "has_more": True, "last_id": "m1"}
    hostile.script(Answer(200, {"content-type": "application/json"}, [json.dumps(page).encode()]))
    r = run("models", "--json", env={"ANTHROPIC_BASE_URL": hostile.url}, timeout=30)
    assert r.code == 0, r.err
    assert len(hostile.requests) == 2  # the second page repeats the cursor: stop there
    assert hostile.requests[1].path.endswith("after_id=m1")
    assert json.loads(r.out) == [page["data"][0]] * 2
    assert "may be incomplete" in r.err and "cursor" in r.err  # not silently cut short


def test_models_pages_are_capped(run, hostile) -> None:
    pages = [
        Answer(
            200,
            {"content-type": "application/json"},
            [json.dumps({"data": [], "has_more": True, "last_id": f"m{i}"}).encode()],
        )
        for i in range(150)
    ]
    hostile.script(*pages)
    r = run("models", "--json", env={"ANTHROPIC_BASE_URL": hostile.url}, timeout=60)
    assert r.code == 0, r.err
    assert len(hostile.requests) == 100
    assert "may be incomplete" in r.err and "100 pages" in r.err  # not silently cut short


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HTTPS_PROXY", "http://[bad"),
        ("HTTPS_PROXY", "http://[::1"),
        ("HTTP_PROXY", "ftp://u:pw@proxy"),
        ("ALL_PROXY", "http://proxy:99999"),
    ],
)
def test_a_malformed_proxy_variable_is_a_config_error(
    hostile, ask, variable: str, value: str
) -> None:
    r = ask("hi", env={variable: value})
    assert r.code == 3
    assert variable in one_line_error(r.err)
    assert value not in r.err  # the value may hold a password: not printed
    assert hostile.requests == []


def test_a_key_with_a_newline_is_not_printed(hostile, ask) -> None:
    key = "sk-ant-secret-value-123\nx"
    r = ask("hi", env={"ANTHROPIC_API_KEY": key})
    assert r.code == 3, r.err
    assert "secret-value" not in r.err
    one_line_error(r.err)


def test_our_user_agent_is_our_own(hostile, ask) -> None:
    hostile.script(reply_stream())
    r = ask("hi")
    assert r.code == 0, r.err
    agent = hostile.requests[0].headers["user-agent"]
    assert agent.startswith("claude-cli-py/")
    assert not agent.startswith("claude-cli/")


_BOMB: list[bytes] = []


def big_gzip_bomb() -> bytes:
    """1 GiB of zeros as a 4.7 MB gzip body (made once, in pieces: never 1 GiB at once)."""
    if not _BOMB:
        import zlib

        deflate = zlib.compressobj(1, zlib.DEFLATED, 31)
        zeros = b"\0" * (1 << 24)
        _BOMB.append(b"".join([*(deflate.compress(zeros) for _ in range(64)), deflate.flush()]))
    return _BOMB[0]


@pytest.mark.parametrize(("status", "args", "code"), [(200, ["--no-stream"], 5), (400, [], 1)])
def test_a_gzip_bomb_is_never_inflated_whole(
    hostile, cli_env, status: int, args: list[str], code: int
) -> None:
    import resource
    import subprocess
    import sys

    def limit_memory() -> None:  # 1 GiB of address space: the bomb cannot fit
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    headers = {"content-type": "application/json", "content-encoding": "gzip"}
    hostile.script(Answer(status, headers, [big_gzip_bomb()]))
    done = subprocess.run(
        [sys.executable, "-m", "claude_cli", "ask", *args, "hi"],
        env={**cli_env, "ANTHROPIC_BASE_URL": hostile.url},
        capture_output=True,
        timeout=120,
        preexec_fn=limit_memory,
        stdin=subprocess.DEVNULL,
    )
    err = done.stderr.decode()
    assert done.returncode == code, err
    one_line_error(err)


def test_httpx_error_text_never_carries_the_credential() -> None:
    # A connection error whose text quotes what was sent cannot be made to happen on
    # loopback; a mock transport raises one.
    import httpx

    from claude_cli.api.client import Client
    from claude_cli.config import Credentials
    from claude_cli.errors import TransportError

    key = "sk-ant-api03-very-secret-key"

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"failed sending x-api-key: {key}", request=request)

    client = Client(
        "http://127.0.0.1:9",
        Credentials(api_key=key),
        "2023-06-01",
        max_retries=0,
        transport=httpx.MockTransport(handler),
    )
    with pytest.raises(TransportError) as raised:
        client.create({"model": "m", "max_tokens": 1, "messages": []})
    assert key not in raised.value.message
    assert "***" in raised.value.message


# -- a 2xx that is not an event stream -------------------------------------------------


def test_a_login_page_instead_of_a_stream_is_named_and_not_resent(hostile, ask) -> None:
    page = b"<html><body>Please log in to the hotel wifi</body></html>"
    hostile.script(Answer(200, {"content-type": "text/html; charset=utf-8"}, [page]))
    r = ask("hi")
    assert (r.code, r.out) == (5, "")
    line = one_line_error(r.err)
    assert "text/html, not an event stream" in line and "base_url" in line
    assert len(hostile.requests) == 1


def test_a_gateway_that_answers_a_stream_with_json_still_gets_the_reply_shown(
    hostile, ask, run, home
) -> None:
    message = {
        "id": "msg_json",
        "type": "message",
        "role": "assistant",
        "model": "claude-hostile",
        "content": [{"type": "text", "text": "Paris, of course."}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 9, "output_tokens": 4},
    }
    body = [json.dumps(message).encode()]
    hostile.script(Answer(200, {"content-type": "application/json"}, body))
    r = ask("-S", "gw", "capital of France?")
    assert (r.code, r.out) == (0, "Paris, of course.\n"), r.err
    assert len(hostile.requests) == 1
    shown = run("sessions", "show", "gw")
    assert "Paris, of course." in shown.out


@pytest.mark.parametrize("mode", [(), ("--no-stream",)])
def test_lone_surrogates_reach_a_pipe_and_the_session_as_the_same_u_fffd(
    run, api, home, mode
) -> None:
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    api.reply("caf\udce9 \ud800!")
    r = run("ask", *mode, "-S", "sur", "hi", env={"PYTHONIOENCODING": "utf-8:surrogateescape"})
    assert (r.code, r.out) == (0, "caf\ufffd \ufffd!\n"), r.err
    shown = run("sessions", "export", "sur", "--format", "json")
    content = json.loads(shown.out)["messages"][-1]["content"]
    text = content if isinstance(content, str) else content[0]["text"]
    assert text == "caf\ufffd \ufffd!"


# -- a broken stream continued (prefill) ---------------------------------------------

SEAMS = [
    # (received before the break, the continuation of its stripped text, the whole text)
    ("Hello wor  ", "ld!", "Hello world!"),
    ("The answer is ", " 42", "The answer is 42"),
    ("Lines:\n\n", "\n\n- one", "Lines:\n\n- one"),
    ("   ", "Fresh start", "Fresh start"),  # only whitespace came: asked again from scratch
]


@pytest.mark.parametrize(("before", "after", "whole"), SEAMS)
def test_a_continued_reply_is_the_stripped_text_plus_the_continuation(
    hostile, ask, home, before: str, after: str, whole: str
) -> None:
    hostile.script(
        stream(START, text_events(before)[:2]),  # cut after the first delta
        stream(START, text_events(after), message_delta(), MESSAGE_STOP),
    )
    r = ask("-m", "claude-haiku-4-5", "-S", "seam", "hi")
    assert r.code == 0, r.err
    assert r.out == whole + "\n"
    assert len(hostile.requests) == 2
    resent = json.loads(hostile.requests[1].body)["messages"]
    if before.strip():
        assert resent[-1] == {"role": "assistant", "content": before.rstrip()}
    else:
        assert resent[-1]["role"] == "user"
    saved = json.loads((home / "data" / "claude-cli" / "sessions" / "seam.json").read_text())
    reply = saved["messages"][-1]
    texts = reply["content"] if isinstance(reply["content"], str) else reply["content"][0]["text"]
    assert texts == whole


def test_whitespace_held_back_is_shown_when_the_reply_cannot_go_on(hostile, ask) -> None:
    hostile.script(
        stream(START, text_events("cut here  ")[:2]),
        stream(START, text_events(" and here  ")[:2]),  # the last try breaks too
    )
    r = ask("-m", "claude-haiku-4-5", "--max-retries", "1", "--no-save", "hi")
    assert r.code == 5, r.err
    assert r.out == "cut here and here  \n"  # everything paid for is shown


@pytest.mark.parametrize("many", [False, True], ids=["one image", "two images"])
def test_describe_image_shows_and_keeps_a_description_with_malformed_usage(
    hostile, run, home, tmp_path, many: bool
) -> None:
    from test_images import make_image, write

    images = [write(tmp_path / f"{n}.png", make_image("PNG")) for n in ("a", "b")[: 1 + many]]
    flawed = {
        "id": "m",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-5-5",
        "stop_reason": "end_turn",
        "content": [{"type": "text", "text": "a red square"}],
        "usage": [1],
    }
    good = {**flawed, "content": [{"type": "text", "text": "a blue one"}], "usage": {}}
    good["usage"] = {"input_tokens": 5, "output_tokens": 3}
    answers = [flawed, good][: 1 + many]
    hostile.script(
        *(
            Answer(200, {"content-type": "application/json"}, [json.dumps(m).encode()])
            for m in answers
        )
    )
    r = run("describe-image", "-S", "pics", *images, env={"ANTHROPIC_BASE_URL": hostile.url})
    assert r.code == 5, r.err
    assert "a red square" in r.out  # paid for: shown
    assert ("a blue one" in r.out) == many
    assert "usage is not an object; the description is shown and kept, its usage unknown" in r.err
    doc = saved_session(home, "pics")
    texts = [m["content"] for m in doc["messages"] if m["role"] == "assistant"]
    # Kept, both; which image got which answer depends on which request went first.
    assert sorted(texts) == sorted(["a red square", "a blue one"][: 1 + many])
    assert [rep["usage"]["output_tokens"] for rep in doc["replies"]] == ([3] if many else [])
