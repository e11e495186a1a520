"""Issue 11's smaller newcomer defects, against the real CLI and the fake server."""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from fakeapi import API_KEY
from terminal import read_all, spawn


def noise_png(path: Path, size: tuple[int, int] = (400, 300)) -> str:
    """An image that does not compress: its base64 is far over one argument's limit."""
    rng = random.Random(11)
    im = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return str(path)


# -- --curl ------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_curl_with_an_image_runs_in_sh_and_pipes_to_json(run, api, cli_env, tmp_path):
    image = noise_png(tmp_path / "noise.png")
    assert os.path.getsize(image) > 300_000  # base64 of it: > 131072, one argument's limit
    printed = run("ask", "--curl", "--no-stream", "-i", image, "What is this?")
    assert printed.code == 0, printed.err
    assert printed.out.startswith("curl -sS ")
    assert api.requests == []
    done = subprocess.run(
        ["sh"], input=printed.out.encode(), capture_output=True, env=cli_env, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""  # -sS: no progress meter
    message = json.loads(done.stdout)  # the body is all the service received
    assert message["type"] == "message"
    sent = api.last_body["messages"][-1]["content"]
    assert sent[0]["type"] == "image" and len(sent[0]["source"]["data"]) > 131072


def test_curl_says_when_the_key_comes_from_api_key_command(run, api, home, tmp_path):
    config = home / "config" / "claude-cli" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"api_key_command = 'echo {API_KEY}'\n")
    printed = run("ask", "--curl", "--no-stream", "hi", env={"ANTHROPIC_API_KEY": None})
    assert printed.code == 0, printed.err
    assert "api_key_command" in printed.out
    assert API_KEY not in printed.out  # a command holding the key itself is not printed
    assert "set ANTHROPIC_API_KEY first" in printed.out


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_curl_runs_the_api_key_command_itself(run, api, home, cli_env, tmp_path):
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    # A bare program (no arguments to hide) is printed as it is, so the shell runs it.
    keyfile = tmp_path / "print-key"
    keyfile.write_text(f"#!/bin/sh\necho {API_KEY}\n")
    keyfile.chmod(0o700)
    config = home / "config" / "claude-cli" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"api_key_command = '{keyfile}'\n")
    env = {**cli_env}
    env.pop("ANTHROPIC_API_KEY")
    printed = run("ask", "--curl", "--no-stream", "hi", env={"ANTHROPIC_API_KEY": None})
    assert printed.code == 0, printed.err
    assert "# the key comes from api_key_command" in printed.out
    assert f'ANTHROPIC_API_KEY="$({keyfile})"' in printed.out
    done = subprocess.run(["sh"], input=printed.out.encode(), capture_output=True, env=env)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["content"][0]["text"] == "You said: hi"
    assert api.messages_requests[-1].headers["x-api-key"] == API_KEY


# -- base URL and proxies ----------------------------------------------------------


def test_a_base_url_ending_in_v1_is_accepted_with_a_note(run, api):
    result = run("ask", "hi", env={"ANTHROPIC_BASE_URL": api.url + "/v1/"})
    assert result.code == 0, result.err
    assert result.out == "You said: hi\n"
    assert "base_url ends in /v1" in result.err and api.url in result.err
    assert api.messages_requests[-1].path == "/v1/messages"


def test_a_refused_proxy_is_named_not_only_the_target(run, api):
    env = {"HTTP_PROXY": "http://user:pw@127.0.0.1:9", "NO_PROXY": None, "no_proxy": None}
    result = run("ask", "--max-retries", "0", "hi", env=env)
    assert result.code == 4, result.err
    assert "through the proxy http://user:***@127.0.0.1:9 (HTTP_PROXY)" in result.err
    assert api.url in result.err and "pw" not in result.err
    assert api.requests == []


# -- max_tokens -----------------------------------------------------------------------


def test_a_reply_cut_off_by_max_tokens_says_so_and_exits_8(run, api, home):
    api.reply("one two three four five six seven")
    config = home / "config" / "claude-cli" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("max_tokens = 3\n")
    result = run("ask", "count")
    assert result.code == 8, result.err
    assert result.out.startswith("one")  # what came is printed, and kept
    assert "cut off at max_tokens (3)" in result.err
    assert run("ask", "-c", "go on").code == 8  # the cut-off ask was saved


def test_a_chosen_max_tokens_is_noted_but_not_a_failure(run, api):
    api.reply("one two three four five six seven")
    result = run("ask", "--max-tokens", "2", "count")
    assert result.code == 0, result.err
    assert "cut off at max_tokens (2)" in result.err


# -- sessions show ----------------------------------------------------------------------


def _import(run, name: str, turns: int) -> None:
    messages = []
    for i in range(turns):
        messages += [
            {"role": "user", "content": f"question {i}"},
            {"role": "assistant", "content": f"answer {i}"},
        ]
    assert run("sessions", "import", name, "-", input=json.dumps(messages)).code == 0


def test_sessions_show_pages_a_long_session_on_a_terminal(run, api, cli_env):
    _import(run, "long", 30)
    _import(run, "short", 1)
    env = {**cli_env, "PAGER": "sed 's/^/PAGED:/'"}
    long = read_all(spawn(["sessions", "show", "long"], env))
    assert "PAGED:" in long.text and "answer 29" in long.text
    short = read_all(spawn(["sessions", "show", "short"], env))
    assert "answer 0" in short.text and "PAGED:" not in short.text
    piped = run("sessions", "show", "long", env={"PAGER": "sed 's/^/PAGED:/'"})
    assert "PAGED:" not in piped.out  # in a pipe: never


def test_sessions_show_uses_local_time(run, api, cli_env, home):
    _import(run, "t", 1)
    path = home / "data" / "claude-cli" / "sessions" / "t.json"
    doc = json.loads(path.read_text())
    doc["updated"] = "2026-11-24T18:30:12Z"
    path.write_text(json.dumps(doc))
    env = {**cli_env, "TZ": "Asia/Kolkata"}  # UTC+5:30
    screen = read_all(spawn(["sessions", "show", "t"], env))
    assert "updated 2026-11-25 00:00" in screen.text
    listed = run("sessions", "list", env={"TZ": "Asia/Kolkata"})
    assert "2026-11-25 00:00" in listed.out


def test_sessions_show_with_a_missing_pager_still_shows_the_transcript(run, api, cli_env):
    _import(run, "long", 30)
    child = spawn(["sessions", "show", "long"], {**cli_env, "PAGER": "nosuchpager"})
    screen = read_all(child)
    assert "answer 0" in screen.text and "answer 29" in screen.text
    assert "the pager 'nosuchpager' could not be run" in screen.raw
    assert child.exitstatus == 0


def test_ask_c_with_no_words_continues_a_cut_off_reply(run, api, home):
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    api.reply("one two three four five six seven")
    result = run("ask", "count", env={"CLAUDE_CLI_MAX_TOKENS": "3"})
    assert result.code == 8, result.err
    assert "`ask -c` (no words) to continue it" in result.err
    api.reply("four five six seven")
    more = run("ask", "-c")  # what the hint says, as it says it
    assert more.code == 0, more.err
    assert more.out == "four five six seven\n"
    sent = api.last_body["messages"]
    assert sent[-2]["role"] == "assistant" and sent[-2]["content"].startswith("one")
    assert sent[-1] == {"role": "user", "content": "Continue from where you stopped."}
    # a complete last reply: no words is still "no prompt"
    again = run("ask", "-c")
    assert again.code == 2 and "no prompt" in again.err


def test_a_named_session_cut_off_names_itself_in_the_hint(run, api):
    api.reply("one two three four five six seven")
    result = run("ask", "-S", "long", "count", env={"CLAUDE_CLI_MAX_TOKENS": "3"})
    assert result.code == 8 and "`ask -S long` (no words) to continue it" in result.err
    unsaved = run("ask", "--no-save", "count", env={"CLAUDE_CLI_MAX_TOKENS": "3"})
    assert unsaved.code == 8 and "continue it" not in unsaved.err  # nothing to continue
