"""`--web`: web search and fetch run by the service, against the fake server's deterministic
server_tool_use → web_search_tool_result → cited text stream (and pause_turn)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from fakeapi import API_KEY
from terminal import read_all, spawn

ANSWER = "According to the web, The answer is 42.\n"


def test_web_sends_both_tools_and_a_pipe_gets_the_answer_only(run, api) -> None:
    r = run("ask", "--web", "What is the answer?")
    assert r.code == 0, r.err
    assert api.last_body["tools"] == [
        {"type": "web_search_20260318", "name": "web_search"},
        {"type": "web_fetch_20260318", "name": "web_fetch"},
    ]
    assert r.out == ANSWER
    assert r.err == ""
    assert api.invalid == []


def test_models_before_4_6_get_the_basic_tool_versions(run, api) -> None:
    for model in ("claude-haiku-4-5", "claude-opus-4-5-20251101"):
        r = run("ask", "--web", "-m", model, "What is the answer?")
        assert r.code == 0, r.err
        assert [t["type"] for t in api.last_body["tools"]] == [
            "web_search_20250305",
            "web_fetch_20250910",
        ]
        assert r.out == ANSWER
    r = run("ask", "--web", "-m", "claude-opus-4-6", "q")
    assert [t["type"] for t in api.last_body["tools"]] == [
        "web_search_20260318",
        "web_fetch_20260318",
    ]


@pytest.mark.allow_invalid
def test_the_test_server_refuses_dynamic_filtering_versions_on_older_models(api) -> None:
    body = {
        "model": "claude-haiku-4-5",
        "max_tokens": 10,
        "messages": [{"role": "user", "content": "q"}],
        "tools": [{"type": "web_search_20260318", "name": "web_search"}],
    }
    request = urllib.request.Request(
        api.url + "/v1/messages",
        json.dumps(body).encode(),
        {"x-api-key": API_KEY, "anthropic-version": "2023-06-01"}
        | {"content-type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 400
    assert "use 'web_search_20250305'" in caught.value.read().decode()


def test_sources_go_to_stderr_when_asked(run, api) -> None:
    r = run("ask", "--web", "--sources", "What is the answer?")
    assert r.code == 0, r.err
    assert r.out == ANSWER
    assert r.err == "[1] The answer at example.com — https://example.com/answer\n"


def test_domains_and_max_searches_limit_the_tools(run, api) -> None:
    r = run(
        "ask", "--web", "--web-domains", "a.com, b.org", "--max-searches", "2", "--sources", "q"
    )
    assert r.code == 0, r.err
    search, fetch = api.last_body["tools"]
    assert search["allowed_domains"] == ["a.com", "b.org"] and search["max_uses"] == 2
    assert fetch["allowed_domains"] == ["a.com", "b.org"] and "max_uses" not in fetch
    assert "https://a.com/answer" in r.err
    for args in (["--web-domains", "a.com"], ["--max-searches", "2"]):
        bad = run("ask", *args, "q")
        assert bad.code == 2 and "needs --web" in bad.err


def test_sources_without_web_or_cite_is_a_usage_error(run, api, tmp_path) -> None:
    bad = run("ask", "--sources", "q")
    assert bad.code == 2 and "--sources needs --web or --cite" in bad.err
    assert api.requests == []
    doc = tmp_path / "notes.txt"
    doc.write_text("The sky is green here.")
    cited = run("ask", "-a", str(doc), "--cite", "--sources", "What colour is the sky?")
    assert cited.code == 0, cited.err


def test_json_keeps_every_block(run, api) -> None:
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    r = run("ask", "--web", "--json", "q")
    assert r.code == 0, r.err
    message = json.loads(r.out)
    kinds = [b["type"] for b in message["content"]]
    assert kinds == [
        "server_tool_use",
        "web_search_tool_result",
        "server_tool_use",
        "web_fetch_tool_result",
        "text",
        "text",
    ]
    assert message["content"][0]["input"] == {"query": "q"}
    assert message["content"][-1]["citations"][0]["url"] == "https://example.com/answer"
    assert message["usage"]["server_tool_use"] == {
        "web_search_requests": 1,
        "web_fetch_requests": 1,
    }


def test_pause_turn_is_continued_and_the_session_keeps_the_blocks(run, api) -> None:
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    api.reply(stop_reason="pause_turn")
    r = run("ask", "--web", "-S", "w", "q")
    assert r.code == 0, r.err
    assert r.out == "The answer is 42.\n"
    first, second = api.messages_requests
    paused = second.body["messages"][-1]
    assert paused["role"] == "assistant"
    assert [b["type"] for b in paused["content"]] == ["server_tool_use", "web_search_tool_result"]
    assert second.body["messages"][:-1] == first.body["messages"]
    # The session keeps the whole turn verbatim: the next request is valid.
    assert run("ask", "--web", "-S", "w", "and?").code == 0
    history = api.last_body["messages"]
    assert [b["type"] for b in history[1]["content"]] == [
        "server_tool_use",
        "web_search_tool_result",
        "text",
    ]
    assert api.invalid == []


def test_a_terminal_shows_each_use_and_numbered_sources(api, cli_env) -> None:
    screen = read_all(spawn(["ask", "--web", "What is the answer?"], cli_env))
    text = screen.text
    assert "searching: What is the answer?" in text
    assert "reading: https://example.com/answer" in text
    assert "The answer is 42." in text
    assert "[1] The answer at example.com — https://example.com/answer" in text
    assert text.index("The answer is 42.") < text.index("[1] The answer at")


def test_cited_document_passages_are_footnotes_on_a_terminal(api, cli_env, tmp_path) -> None:
    (tmp_path / "policy.txt").write_text("Staff get 25 days of leave.")
    api.reply(
        blocks=[
            {
                "type": "text",
                "text": "You get 25 days.",
                "citations": [
                    {
                        "type": "char_location",
                        "cited_text": "Staff get 25 days of leave.",
                        "document_index": 0,
                        "document_title": "policy.txt",
                        "start_char_index": 0,
                        "end_char_index": 27,
                    }
                ],
            }
        ]
    )
    args = ["ask", "--cite", "-a", str(tmp_path / "policy.txt"), "How much leave?"]
    screen = read_all(spawn(args, cli_env))
    assert "You get 25 days." in screen.text
    assert "[1] policy.txt — “Staff get 25 days of leave.”" in screen.text
    assert api.last_body["messages"][-1]["content"][0]["citations"] == {"enabled": True}
