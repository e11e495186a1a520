"""`claude-cli tokens`: count_tokens asked with the body ask would send, nothing generated."""

from __future__ import annotations

from terminal import read_all, spawn


def counts(api) -> list:
    return [r for r in api.requests if r.path == "/v1/messages/count_tokens"]


def test_a_pipe_gets_the_number_and_nothing_is_generated(run, api) -> None:
    r = run("tokens", "-s", "Be terse", "hello there")
    assert r.code == 0, r.err
    [req] = counts(api)
    assert req.body == {
        "model": "claude-sonnet-5-5",
        "system": "Be terse",
        "messages": [{"role": "user", "content": "hello there"}],
    }
    assert r.out == f"{api.counted[0]}\n"
    assert "input tokens" in r.err and "1,000,000-token context window" in r.err
    assert api.messages_requests == []


def test_same_inputs_as_ask(run, api, tmp_path) -> None:
    (tmp_path / "n.txt").write_text("some notes")
    r = run("tokens", "-a", str(tmp_path / "n.txt"), "--web", "--schema", "name", "Summarise")
    assert r.code == 0, r.err
    body = counts(api)[0].body
    assert body["messages"][0]["content"][0]["title"] == "n.txt"
    assert [t["name"] for t in body["tools"]] == ["web_search", "web_fetch"]
    assert body["output_config"]["format"]["type"] == "json_schema"
    assert api.invalid == [] and api.messages_requests == []


def test_a_whole_session(run, api) -> None:
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    assert run("ask", "-S", "t", "hi").code == 0
    r = run("tokens", "-S", "t")
    assert r.code == 0, r.err
    messages = counts(api)[0].body["messages"]
    assert messages[:2] == [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "You said: hi"},
    ]
    assert messages[2]["role"] == "user"
    assert len(api.messages_requests) == 1  # only the ask
    missing = run("tokens", "-S", "nope")
    assert missing.code == 6  # a missing session, as `sessions show nope` says
    assert "error: no session named 'nope'" in missing.err
    assert run("sessions", "show", "nope").code == 6


def test_a_terminal_shows_count_window_and_cost(api, cli_env) -> None:
    screen = read_all(spawn(["tokens", "-m", "claude-opus-5-5", "hello"], cli_env))
    line = next(line for line in screen.text.splitlines() if "input tokens" in line)
    assert line.startswith(f"{api.counted[0]:,} input tokens · ")
    assert "of claude-opus-5-5's 1,000,000-token context window" in line
    assert "of input" in line and "$" in line


def test_help_has_an_example(run) -> None:
    out = run("tokens", "--help").out
    assert "count_tokens" in out and "claude-cli tokens -S trip-plans" in out
