"""`claude-cli ask` end to end: the real program against the local Messages API."""

from __future__ import annotations

import json

import pytest

from fakeapi import API_KEY

ANT = "What is latin for Ant? (A) Apoidea, (B) Rhopalocera, (C) Formicidae"


def test_pipe_output_is_the_exact_text(api, run) -> None:
    text = "# Title\n\nSome **bold** `code`\n\n```py\nx = 1\n```"
    api.reply(text)
    r = run("ask", "hello", "there")
    assert r.code == 0, r.err
    assert r.out == text + "\n"
    assert "\x1b" not in r.out and r.err == ""
    body = api.last_body
    assert body["messages"] == [{"role": "user", "content": "hello there"}]
    assert body["stream"] is True
    assert body["model"] == "claude-sonnet-5-5"
    assert "temperature" not in body


def test_reply_ending_in_newline_gets_no_extra_one(api, run) -> None:
    api.reply("line\n")
    assert run("ask", "x").out == "line\n"


def test_stdin_follows_the_prompt(api, run) -> None:
    r = run("ask", "Summarise:", input="line one\nline two\n")
    assert r.code == 0, r.err
    assert api.last_body["messages"][0]["content"] == "Summarise:\n\nline one\nline two\n"


def test_stdin_alone_is_the_prompt_and_large_stdin_is_kept(api, run) -> None:
    big = "word " * 200_000  # 1 MB
    api.reply("ok")  # not the echo: that would be cut off at max_tokens (exit 8)
    r = run("ask", input=big)
    assert r.code == 0, r.err
    assert api.last_body["messages"][0]["content"] == big


def test_no_prompt_is_a_usage_error(api, run) -> None:
    r = run("ask")
    assert r.code == 2
    assert "no prompt" in r.err
    assert api.requests == []


def test_prefill_example_from_the_guide(api, run) -> None:
    api.reply("C) Formicidae")
    r = run("ask", "--max-tokens", "1", "--prefill", "The answer is (", ANT)
    assert r.code == 0, r.err
    assert r.out == "The answer is (C\n"
    # The default model refuses prefill, so a prefill-capable one is used, and we say so.
    assert "claude-haiku-4-5" in r.err
    body = api.last_body
    assert body["model"] == "claude-haiku-4-5"
    assert body["max_tokens"] == 1
    assert body["messages"][-1] == {"role": "assistant", "content": "The answer is ("}


def test_prefill_trailing_whitespace_is_stripped_and_json_prefill_prints_json(api, run) -> None:
    api.reply(' "a": 1}')
    r = run("ask", "--prefill", "{ \n", "json please")
    assert r.code == 0, r.err
    assert api.last_body["messages"][-1]["content"] == "{"
    assert json.loads(r.out) == {"a": 1}


def test_prefill_model_is_configurable(api, run, home) -> None:
    (home / "config" / "claude-cli").mkdir()
    (home / "config" / "claude-cli" / "config.toml").write_text(
        'prefill_model = "claude-opus-4-5"\n'
    )
    r = run("ask", "--prefill", "Yes", "q")
    assert r.code == 0, r.err
    assert api.last_body["model"] == "claude-opus-4-5"


def test_chosen_model_that_refuses_prefill_is_a_clear_error(api, run) -> None:
    r = run("ask", "-m", "claude-opus-4-6", "--prefill", "The answer is (", ANT)
    assert r.code == 2
    assert "claude-opus-4-6 does not accept --prefill" in r.err
    assert "claude-haiku-4-5" in r.err
    assert api.requests == []


@pytest.mark.allow_invalid
def test_server_refusing_prefill_is_explained(api, run) -> None:
    # A gateway alias we cannot judge locally: the API's 400 is turned into advice.
    api.alias("my-alias", like="claude-sonnet-5-5")
    r = run("ask", "-m", "my-alias", "--prefill", "x", "q")
    assert r.code == 1
    assert r.err.count("\n") == 1
    assert "does not accept --prefill" in r.err
    assert "400" in r.err and "request-id" in r.err


def test_system_stop_and_temperature(api, run) -> None:
    api.reply("one two END three")
    r = run(
        "ask",
        "-m",
        "claude-haiku-4-5",
        "-s",
        "Be terse",
        "--stop",
        "END",
        "--stop",
        "STOP",
        "--temperature",
        "0",
        "q",
    )
    assert r.code == 0, r.err
    assert r.out == "one two \n"
    body = api.last_body
    assert body["system"] == "Be terse"
    assert body["stop_sequences"] == ["END", "STOP"]
    assert body["temperature"] == 0


def test_temperature_refused_under_new_api_version(api, run) -> None:
    r = run("ask", "--temperature", "0.5", "q", env={"CLAUDE_CLI_API_VERSION": "2026-10-21"})
    assert r.code == 2
    assert "2026-10-21" in r.err
    assert api.requests == []


def test_api_version_header_is_configurable(api, run) -> None:
    assert run("ask", "q").code == 0
    assert api.messages_requests[-1].headers["anthropic-version"] == "2023-06-01"
    assert run("ask", "q", env={"CLAUDE_CLI_API_VERSION": "2026-10-21"}).code == 0
    assert api.messages_requests[-1].headers["anthropic-version"] == "2026-10-21"


@pytest.mark.parametrize("stream", [True, False])
def test_json_output_is_the_message_object(api, run, stream: bool) -> None:
    api.reply("Hi there", thinking="pondering")
    args = ["ask", "--json", "q"] + ([] if stream else ["--no-stream"])
    r = run(*args)
    assert r.code == 0, r.err
    msg = json.loads(r.out)
    assert msg["type"] == "message" and msg["role"] == "assistant"
    # The newest models omit thinking text unless asked: the block comes empty, signed.
    thought, text = msg["content"]
    assert (thought["type"], thought["thinking"]) == ("thinking", "")
    assert thought["signature"]
    assert text == {"type": "text", "text": "Hi there"}
    assert msg["stop_reason"] == "end_turn"
    # "Hi there" is 2 tokens and the thought 1: thinking is billed as output, counted apart.
    assert msg["usage"]["output_tokens"] == 3
    assert msg["usage"]["output_tokens_details"] == {"thinking_tokens": 1}
    assert ("stream" in api.last_body) is stream


def test_no_stream_prints_text(api, run) -> None:
    api.reply("whole reply")
    r = run("ask", "--no-stream", "q")
    assert (r.code, r.out) == (0, "whole reply\n")
    assert "stream" not in api.last_body


def test_dry_run_sends_nothing_and_hides_the_key(api, run) -> None:
    r = run("ask", "--dry-run", "-s", "sys", "--prefill", "Sure", "-m", "claude-haiku-4-5", "hi")
    assert r.code == 0, r.err
    body = json.loads(r.out)
    assert body["system"] == "sys"
    assert body["messages"][-1] == {"role": "assistant", "content": "Sure"}
    assert api.requests == []
    assert "POST " in r.err and "/v1/messages" in r.err
    assert API_KEY not in r.out + r.err


def test_dry_run_needs_no_key(api, run) -> None:
    r = run("ask", "--dry-run", "hi", env={"ANTHROPIC_API_KEY": None})
    assert r.code == 0
    assert json.loads(r.out)["messages"][0]["content"] == "hi"


def test_curl_reads_the_key_from_the_environment(api, run, tmp_path) -> None:
    import subprocess

    r = run("ask", "--curl", "it's a test")
    assert r.code == 0
    assert API_KEY not in r.out
    assert '"x-api-key: $ANTHROPIC_API_KEY"' in r.out
    assert api.requests == []
    # The printed command is valid shell: bash can parse it (-n: read, don't run).
    script = tmp_path / "c.sh"
    script.write_text(r.out)
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0


def test_no_credentials_names_the_variable_and_sends_nothing(api, run) -> None:
    r = run("ask", "hi", env={"ANTHROPIC_API_KEY": None})
    assert r.code == 3
    assert "ANTHROPIC_API_KEY" in r.err
    assert "Traceback" not in r.err
    assert api.requests == []


def test_auth_token_is_sent_as_bearer(api, run) -> None:
    r = run("ask", "hi", env={"ANTHROPIC_API_KEY": None, "ANTHROPIC_AUTH_TOKEN": API_KEY})
    assert r.code == 0, r.err
    headers = api.last_request_headers = api.messages_requests[-1].headers
    assert headers["authorization"] == f"Bearer {API_KEY}"
    assert "x-api-key" not in headers


def test_bad_key_points_at_the_key_settings(api, run) -> None:
    r = run("ask", "hi", env={"ANTHROPIC_API_KEY": "sk-wrong-key"})
    assert r.code == 1
    assert "401" in r.err and "authentication_error" in r.err and "ANTHROPIC_API_KEY" in r.err
    assert "sk-wrong-key" not in r.err
    assert len(api.requests) == 1  # 401 is not retried


def test_unknown_model_is_named(api, run) -> None:
    r = run("ask", "-m", "claude-nonexistent-9", "hi")
    assert r.code == 1
    assert "404" in r.err and "claude-nonexistent-9" in r.err
    assert r.err.count("\n") == 1


def test_retries_429_honouring_retry_after(api, run) -> None:
    api.fail(429, "rate_limit_error", "slow down", headers={"retry-after": "0"})
    api.fail(529, "overloaded_error", "Overloaded", headers={"retry-after-ms": "10"})
    api.reply("finally")
    r = run("ask", "hi")
    assert (r.code, r.out) == (0, "finally\n")
    assert len(api.messages_requests) == 3


def test_gives_up_after_max_retries(api, run) -> None:
    for _ in range(3):
        api.fail(500, "api_error", "boom", headers={"retry-after-ms": "1"})
    r = run("ask", "--max-retries", "1", "hi")
    assert r.code == 1
    assert "500" in r.err and "api_error" in r.err and "boom" in r.err and "request-id" in r.err
    assert len(api.messages_requests) == 2


def test_x_should_retry_false_stops_retries(api, run) -> None:
    api.fail(503, "api_error", "no", headers={"x-should-retry": "false"})
    r = run("ask", "hi")
    assert r.code == 1
    assert len(api.messages_requests) == 1


def test_x_should_retry_true_retries_a_400(api, run) -> None:
    api.fail(
        400,
        "invalid_request_error",
        "flaky",
        headers={"x-should-retry": "true", "retry-after-ms": "1"},
    )
    api.reply("ok")
    assert run("ask", "hi").out == "ok\n"


def test_connection_refused_is_one_line_exit_4(run, api) -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = run(
        "ask", "--max-retries", "0", "hi", env={"ANTHROPIC_BASE_URL": f"http://127.0.0.1:{port}"}
    )
    assert r.code == 4
    assert "cannot reach" in r.err
    assert r.err.count("\n") == 1


def test_error_event_mid_stream_keeps_text_and_exits_non_zero(api, run) -> None:
    api.reply("one two three four", error_after=2)
    r = run("ask", "--max-retries", "0", "hi")
    assert r.code == 5
    assert r.out == "one two\n"
    assert "overloaded_error" in r.err


def test_dropped_connection_continues_from_the_text_received(api, run) -> None:
    api.reply("alpha beta gamma delta", drop_after=2)
    api.reply(" gamma delta")
    r = run("ask", "-m", "claude-haiku-4-5", "hi")
    assert r.code == 0, r.err
    assert r.out == "alpha beta gamma delta\n"
    second = api.messages_requests[1].body
    assert second["messages"][-1] == {"role": "assistant", "content": "alpha beta"}


def test_resume_after_whitespace_prints_nothing_twice(api, run) -> None:
    # "Hello " was printed; the prefill can't end in a space, so the model re-sends it.
    api.reply(pieces=["Hello ", "world", " again"], drop_after=1)
    api.reply(" world again")
    r = run("ask", "-m", "claude-haiku-4-5", "hi")
    assert (r.code, r.out) == (0, "Hello world again\n")
    assert api.messages_requests[1].body["messages"][-1]["content"] == "Hello"
    api.reply(pieces=["Hello ", "world", " again"], drop_after=1)
    api.reply(" world again")
    r = run("ask", "-m", "claude-haiku-4-5", "--json", "hi")
    assert json.loads(r.out)["content"][-1]["text"] == "Hello world again"


def test_model_without_prefill_does_not_resume(api, run) -> None:
    api.reply("alpha beta gamma", drop_after=2)
    r = run("ask", "hi")  # default model refuses prefill
    assert r.code == 5
    assert r.out == "alpha beta\n"
    assert "connection lost" in r.err or "ended before" in r.err
    assert len(api.messages_requests) == 1


def test_stream_quirks_crlf_multiline_unknown_events(api, run) -> None:
    api.reply("quirky stream ok", crlf=True, multiline_data=True, extra_events=True)
    r = run("ask", "hi")
    assert (r.code, r.out) == (0, "quirky stream ok\n")


def test_thinking_hidden_in_pipe_and_shown_on_stderr_with_flag(api, run) -> None:
    api.reply("answer", thinking="secret reasoning")
    r = run("ask", "hi")
    assert r.out == "answer\n"
    assert "secret reasoning" not in r.out + r.err
    api.reply("answer", thinking="secret reasoning")
    r = run("ask", "--show-thinking", "hi")
    assert r.out == "answer\n"
    assert "secret reasoning" in r.err


def test_think_budget_goes_to_a_model_that_takes_only_a_budget(api, run) -> None:
    api.reply("x", thinking="t")
    r = run("ask", "-m", "claude-haiku-4-5", "--think-budget", "2048", "--max-tokens", "4000", "q")
    assert r.code == 0, r.err
    assert api.last_body["thinking"] == {"type": "enabled", "budget_tokens": 2048}


def test_control_characters_pass_through_pipes_exactly(api, run) -> None:
    text = "colour \x1b[31mred\x1b[0m and title \x1b]0;pwned\x07"
    api.reply(text)
    assert run("ask", "hi").out == text + "\n"


def test_bad_config_file_is_one_line_naming_file_and_line(api, run, home) -> None:
    cfg = home / "config" / "claude-cli"
    cfg.mkdir()
    (cfg / "config.toml").write_text('model = "x"\nmax_tokens = [\n')
    r = run("ask", "hi")
    assert r.code == 3
    assert str(cfg / "config.toml") in r.err and "line" in r.err
    assert r.err.count("\n") == 1
    assert api.requests == []


def test_config_file_values_are_used(api, run, home) -> None:
    cfg = home / "config" / "claude-cli"
    cfg.mkdir()
    (cfg / "config.toml").write_text('model = "claude-haiku-5-5"\nmax_tokens = 77\nsystem = "S"\n')
    assert run("ask", "hi").code == 0
    body = api.last_body
    assert (body["model"], body["max_tokens"], body["system"]) == ("claude-haiku-5-5", 77, "S")
    assert run("ask", "-m", "claude-opus-5-5", "hi").code == 0
    assert api.last_body["model"] == "claude-opus-5-5"


def test_models_lists_every_page(api, run) -> None:
    r = run("models")
    assert r.code == 0, r.err
    ids = [line.split()[0] for line in r.out.splitlines()]
    assert ids == [m["id"] for m in api.models]
    r = run("models", "--json")
    assert [m["id"] for m in json.loads(r.out)] == ids


def test_models_pagination_is_followed(api, run) -> None:
    api.models += [
        {
            "type": "model",
            "id": f"claude-extra-{i}",
            "display_name": f"E{i}",
            "created_at": "2026-01-01T00:00:00Z",
        }
        for i in range(150)
    ]
    r = run("models", "--json")
    assert len(json.loads(r.out)) == len(api.models)
    assert len([q for q in api.requests if q.path == "/v1/models"]) >= 2


def test_version_and_help(run) -> None:
    from claude_cli import __version__

    assert run("--version").out == f"claude-cli {__version__}\n"
    r = run("ask", "--help")
    assert r.code == 0
    for option in (
        "--model",
        "--system",
        "--max-tokens",
        "--prefill",
        "--stop",
        "--temperature",
        "--json",
        "--no-stream",
        "--dry-run",
        "--curl",
        "--max-retries",
        "--timeout",
    ):
        assert option in r.out


def test_bad_option_is_a_usage_error_without_traceback(run) -> None:
    r = run("ask", "--max-tokens", "zero", "hi")
    assert r.code == 2
    assert "Traceback" not in r.err and "--max-tokens" in r.err


def test_reply_at_max_tokens_is_reported_in_json(api, run) -> None:
    api.reply("one two three four five")
    r = run("ask", "--max-tokens", "2", "--json", "hi")
    assert json.loads(r.out)["stop_reason"] == "max_tokens"


def test_a_stalled_stream_is_reported_and_the_text_kept(api, run) -> None:
    # The next word is 30 s away, so a loaded machine cannot pass it off as a stall of 0.3 s.
    api.reply("slow words arrive here", delay=30)
    r = run("ask", "--timeout", "0.3", "--max-retries", "0", "hi")
    assert r.code == 5
    assert r.out == "slow\n"
    assert "stalled" in r.err and "--timeout" in r.err


def test_a_reader_that_leaves_early_is_not_an_error(api, cli_env) -> None:
    import subprocess
    import sys

    api.reply(" ".join(f"word{i}" for i in range(2000)), chunk_tokens=5, delay=0.002)
    # `claude-cli ask ... | head -c 20`
    done = subprocess.run(
        f'{sys.executable} -m claude_cli ask hi | head -c 20; echo " ${{PIPESTATUS[0]}}"',
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=60,
    )
    assert done.stdout == "word0 word1 word2 wo 0\n"
    assert done.stderr == ""


def test_think_budget_leaves_room_for_the_answer(api, run) -> None:
    api.reply("x", thinking="t")
    haiku = ("-m", "claude-haiku-4-5")
    assert run("ask", *haiku, "--think-budget", "5000", "q").code == 0
    body = api.last_body
    assert body["thinking"]["budget_tokens"] == 5000
    assert body["max_tokens"] > 5000
    r = run("ask", *haiku, "--think-budget", "5000", "--max-tokens", "4000", "q")
    assert r.code == 2 and "--max-tokens" in r.err
    r = run("ask", *haiku, "--think-budget", "2000", "--temperature", "0.5", "q")
    assert r.code == 2 and "--temperature" in r.err


def test_show_thinking_in_a_pipe_ends_its_line(api, run) -> None:
    api.reply("answer", thinking="pondering")
    r = run("ask", "--show-thinking", "q")
    assert r.err == "pondering\n"


def test_empty_stop_sequence_is_refused(api, run) -> None:
    r = run("ask", "--stop", "", "q")
    assert r.code == 2 and "--stop" in r.err
    assert api.requests == []


def test_binary_stdin_points_at_image_option(api, run) -> None:
    r = run("ask", "what is this", input=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert r.code == 2 and "-i -" in r.err
    assert api.requests == []


def test_prefill_in_a_session_whose_model_refuses_it_is_an_error(api, run) -> None:
    # The session's model is the user's: no silent switch, as for a model from -m.
    api.reply("C")
    assert run("ask", "-S", "quiz", "--prefill", "The answer is (", "q1").code == 0
    sent = len(api.requests)
    r = run("ask", "-S", "quiz", "--prefill", "The answer is (", "q2")
    assert r.code == 2
    assert "session's model claude-sonnet-5-5 does not accept --prefill" in r.err
    assert r.err.count("\n") == 1 and len(api.requests) == sent
    api.reply("B")
    r = run("ask", "-S", "quiz", "-m", "claude-haiku-4-5", "--prefill", "The answer is (", "q2")
    assert (r.code, r.out) == (0, "The answer is (B\n")


@pytest.mark.parametrize("fault", [(400, "invalid_request_error"), (401, "authentication_error")])
def test_a_failed_request_leaves_no_prefill_on_stdout(api, run, fault) -> None:
    api.fail(fault[0], fault[1], "no")
    r = run("ask", "-m", "claude-haiku-4-5", "--prefill", "{", "--max-retries", "0", "x")
    assert r.code != 0 and r.out == ""


def test_an_unreachable_server_leaves_no_prefill_on_stdout(run) -> None:
    env = {"ANTHROPIC_BASE_URL": "http://127.0.0.1:9"}
    r = run(
        "ask", "-m", "claude-haiku-4-5", "--prefill", "PREFIX", "--max-retries", "0", "x", env=env
    )
    assert (r.code, r.out) == (4, "")


@pytest.mark.parametrize("mode", [(), ("--no-stream",)])
def test_the_prefill_is_shown_with_the_reply(api, run, mode) -> None:
    api.reply('"a": 1}')
    r = run("ask", *mode, "-m", "claude-haiku-4-5", "--prefill", "{", "x")
    assert (r.code, r.out) == (0, '{"a": 1}\n'), r.err
