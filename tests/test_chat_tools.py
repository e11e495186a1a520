"""`chat` with structured output, web tools and citations: the same request shaping as
`ask` (request.shape), flags at start-up and slash commands while chatting."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pexpect
import pytest

from terminal import emulate, spawn

ANSWER = "According to the web, The answer is 42."
FOOTNOTE = "[1] The answer at example.com — https://example.com/answer"


def _session(home: Path, name: str) -> dict:
    path = home / "data" / "claude-cli" / "sessions" / f"{name}.json"
    return json.loads(path.read_text())


def test_web_in_a_pipe_answers_only_and_later_turns_send_the_blocks_back(run, api, home) -> None:
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    r = run("chat", "-S", "w", "--web", "--sources", input="What is the answer?\nAnd why?\n")
    assert r.code == 0, r.err
    assert r.out == f"{ANSWER}\n{ANSWER}\n"
    assert r.err.count(FOOTNOTE) == 2  # --sources: the footnotes on stderr
    first, second = api.messages_requests
    assert [t["type"] for t in first.body["tools"]] == ["web_search_20260318", "web_fetch_20260318"]
    # The reply is kept verbatim (encrypted content and indexes too): the test server
    # refuses web blocks sent back without them.
    reply = second.body["messages"][1]
    assert [b["type"] for b in reply["content"]] == [
        "server_tool_use",
        "web_search_tool_result",
        "server_tool_use",
        "web_fetch_tool_result",
        "text",
        "text",
    ]
    assert reply["content"][-1]["citations"][0]["encrypted_index"] == "ZW5j"
    assert _session(home, "w")["messages"][1] == reply
    assert api.invalid == []


def test_without_sources_a_pipe_gets_no_footnotes(run, api) -> None:
    r = run("chat", "--web", input="q\n")
    assert r.code == 0, r.err
    assert r.out == f"{ANSWER}\n" and FOOTNOTE not in r.err


def test_web_domains_and_max_searches_reach_the_tools(run, api) -> None:
    r = run("chat", "--web", "--web-domains", "a.com", "--max-searches", "2", input="q\n")
    assert r.code == 0, r.err
    search, fetch = api.last_body["tools"]
    assert search["allowed_domains"] == ["a.com"] and search["max_uses"] == 2
    assert fetch["allowed_domains"] == ["a.com"]
    bad = run("chat", "--web-domains", "a.com", input="q\n")
    assert bad.code == 2 and "--web-domains needs --web" in bad.err
    assert len(api.messages_requests) == 1  # refused before the first message


@pytest.mark.changes_prefix  # /web off after a thinking reply: the chat says what it costs
def test_slash_web_turns_the_tools_on_and_off(run, api) -> None:
    r = run("chat", input="/web on\nfirst\n/web\n/web off\nsecond\n/web maybe\n")
    assert r.code == 2  # the bad /web ends a piped chat, like any error
    first, second = api.messages_requests
    assert [t["name"] for t in first.body["tools"]] == ["web_search", "web_fetch"]
    assert "tools" not in second.body
    assert "web search and fetch: on" in r.err and "web search and fetch: off" in r.err
    assert "/web takes on or off" in r.err


def test_schema_flag_prints_checked_compact_json(run, api, home) -> None:
    api.reply('{"name": "Ada", "age": 36}')
    api.reply('{"name": "Bo"}')  # no age: not what was asked
    r = run("chat", "-S", "s", "--schema", "name, age int", input="Ada, 36\nBo\n")
    assert r.code == 1
    assert r.out == '{"name":"Ada","age":36}\n'
    assert "does not match the schema" in r.err and '{"name": "Bo"}' in r.err
    first, second = api.messages_requests
    for req in (first, second):
        assert req.body["output_config"]["format"]["schema"]["required"] == ["name", "age"]
    # Both replies are saved: the one that did not match too (it was paid for).
    assert len(_session(home, "s")["messages"]) == 4


def test_slash_schema_sets_lists_and_removes_it(run, api, home) -> None:
    api.reply('{"items": [{"name": "Ann"}, {"name": "Bo"}]}')
    api.reply('{"city": "Lima"}')
    lines = [
        "/schema --multi name",
        "Ann and Bo",
        '/schema {"type": "object", "properties": {"city": {"type": "string"}}}',
        "/schema",
        "capital of Peru",
        "/schema -",
        "thanks",
    ]
    r = run("chat", "-S", "sc", input="\n".join(lines) + "\n")
    assert r.code == 0, r.err
    assert r.out == '[{"name":"Ann"},{"name":"Bo"}]\n{"city":"Lima"}\nYou said: thanks\n'
    multi, single, plain = api.messages_requests
    assert multi.body["output_config"]["format"]["schema"]["required"] == ["items"]
    assert single.body["output_config"]["format"]["schema"]["additionalProperties"] is False
    assert "output_config" not in plain.body
    assert 'replies are JSON matching: {"type": "object"' in r.err
    assert len(_session(home, "sc")["messages"]) == 6


def test_a_bad_schema_fails_before_anything_is_sent(run, api) -> None:
    r = run("chat", "--schema", "name int[", input="q\n")
    assert r.code == 2 and "--schema" in r.err
    r = run("chat", "--schema-multi", input="q\n")
    assert r.code == 2 and "--schema-multi needs --schema" in r.err
    r = run("chat", input="/schema {bad json\nq\n")
    assert r.code == 2
    assert api.messages_requests == []


def test_cite_puts_citations_on_attached_documents(run, api, tmp_path) -> None:
    (tmp_path / "policy.txt").write_text("Staff get 25 days of leave.")
    doc = tmp_path / "policy.txt"
    lines = [f"/attach {doc}", "How much leave?", "/cite on", f"/attach {doc}", "Sure?", "/cite"]
    r = run("chat", input="\n".join(lines) + "\n")
    assert r.code == 0, r.err
    first, second = api.messages_requests
    assert "citations" not in first.body["messages"][0]["content"][0]
    assert second.body["messages"][-1]["content"][0]["citations"] == {"enabled": True}
    assert "citations from attached documents: on" in r.err
    r = run("chat", "--cite", input=f"/attach {doc}\nq\n")
    assert api.last_body["messages"][0]["content"][0]["citations"] == {"enabled": True}


def test_a_terminal_shows_each_search_and_numbered_sources(api, cli_env) -> None:
    child = spawn(["chat", "--web"], {**cli_env, "PROMPT_TOOLKIT_NO_CPR": "1"}, rows=40, cols=100)
    child.logfile_read = log = io.StringIO()
    child.expect("Ctrl-D to quit")
    child.expect("›")
    child.send("What is the answer?\r")
    child.expect("\\[1\\] The answer at")
    child.expect("›")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    text = emulate(log.getvalue()).text
    assert "searching: What is the answer?" in text
    assert "reading: https://example.com/answer" in text
    assert text.index("The answer is 42.") < text.index(FOOTNOTE)


@pytest.mark.changes_prefix  # what the note warns of
def test_turning_web_on_after_thinking_says_what_it_costs(run, api) -> None:
    api.think_by_default = False  # so that the second chat has no thinking to warn about
    r = run("chat", "--think", input="hi\n/web on\nq\n")
    assert r.code == 0, r.err
    first, second = api.messages_requests
    assert any(b["type"] == "thinking" for b in second.body["messages"][1]["content"])
    assert "tools" in second.body and "tools" not in first.body
    assert "earlier thinking was made without them" in r.err
    r = run("chat", input="hi\n/web on\nq\n")  # no thinking in the conversation: no note
    assert "earlier thinking" not in r.err
