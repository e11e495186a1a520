"""Chat settings checked when they are set, in the chat's own words (/think, /effort,
/model), and a chat whose session file went away meanwhile (REVIEW2 L13, L15)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest


def test_think_off_on_a_model_that_cannot_is_refused_when_set(run, api) -> None:
    done = run("chat", "-m", "claude-sonnet-5-5", input="/think off\nhello\n")
    assert done.code == 2, done.err
    assert "/think off: claude-sonnet-5-5 cannot turn thinking off" in done.err
    assert "--no-think" not in done.err and "--effort" not in done.err
    assert "/effort low" in done.err and "`/think -` goes back" in done.err
    assert api.messages_requests == []  # refused at /think, not with the message


def test_think_budget_on_an_adaptive_model_names_think_on(run, api) -> None:
    done = run("chat", "-m", "claude-sonnet-5-5", input="/think 4000\nhello\n")
    assert done.code == 2, done.err
    assert "/think N: claude-sonnet-5-5 takes adaptive thinking: use /think on" in done.err
    assert "--think" not in done.err
    assert api.messages_requests == []


def test_think_on_a_model_that_thinks_is_taken(run, api) -> None:
    done = run("chat", "-m", "claude-sonnet-5-5", input="/think on\nhello\n")
    assert done.code == 0, done.err
    assert api.last_body["thinking"]["type"] == "adaptive"


def test_model_switch_drops_an_effort_and_thinking_the_new_model_cannot_take(run, api) -> None:
    done = run(
        "chat",
        "-m",
        "claude-sonnet-5-5",
        input="/effort max\n/think on\nhi\n/model claude-haiku-4-5\nagain\n",
    )
    assert done.code == 0, done.err
    assert "claude-haiku-4-5 cannot take /effort max: dropped" in done.err
    first, second = api.messages_requests
    assert first.body["output_config"]["effort"] == "max"
    assert second.body["model"] == "claude-haiku-4-5"
    assert "effort" not in (second.body.get("output_config") or {})
    # haiku-4-5 thinks with a budget: /think on still fits and is kept
    assert second.body["thinking"]["type"] == "enabled"


def test_an_effort_from_the_command_line_is_named_in_chat_terms_when_sent(run, api) -> None:
    done = run("chat", "-m", "claude-haiku-4-5", "--effort", "max", input="hi\n")
    assert done.code == 2, done.err
    assert "/effort: claude-haiku-4-5 does not take an effort level" in done.err
    assert "`/effort -` clears it" in done.err


@pytest.mark.parametrize("action", ["rename", "delete"])
def test_a_chat_whose_session_went_away_says_so_and_sends_nothing(
    action: str, api, run, cli_env, home: Path
) -> None:
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    sessions = home / "data" / "claude-cli" / "sessions"
    proc = subprocess.Popen(
        [sys.executable, "-m", "claude_cli", "chat", "-S", "rn1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env,
        text=True,
    )
    assert proc.stdin is not None
    proc.stdin.write("msg one\n")
    proc.stdin.flush()
    for _ in range(600):  # waits for the first reply to be saved, not for a time
        if (sessions / "rn1.json").exists() or proc.poll() is not None:
            break
        time.sleep(0.1)
    if action == "rename":
        done = run("sessions", "rename", "rn1", "rn2")
    else:
        done = run("sessions", "delete", "rn1", "--yes")
    assert done.code == 0, done.err
    out, err = proc.communicate("msg two\n", timeout=60)
    assert out == "You said: msg one\n"

    assert proc.returncode == 6, err
    assert "session 'rn1' was renamed or deleted outside this chat; nothing was sent" in err
    assert "/save NAME" in err
    assert len(api.messages_requests) == 1  # msg two was not paid for
    assert not (sessions / "rn1.json").exists()  # not re-created with only the later turns
    if action == "rename":
        moved = json.loads((sessions / "rn2.json").read_text())
        assert [m["content"] for m in moved["messages"]] == ["msg one", "You said: msg one"]


def test_a_schema_reply_in_a_terminal_chat_shows_usage_after_the_data(api, cli_env) -> None:
    import pexpect

    from terminal import spawn

    api.reply('{"name": "Ann"}')
    child = spawn(["chat", "--schema", "name"], {**cli_env, "PROMPT_TOOLKIT_NO_CPR": "1"})
    child.expect("Ctrl-D to quit")
    child.expect("›")
    child.send("who\r")
    child.expect(r"\$0\.\d+")  # the usage line
    before = child.before
    child.expect("›")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert '"name"' in before and "Ann" in before, before  # the data came first


def test_chat_text_fits_80_columns_at_word_boundaries(api, cli_env, home, monkeypatch) -> None:
    import re

    import pexpect

    from claude_cli.commands import chat as repl
    from claude_cli.store import session

    from terminal import emulate, spawn

    for name in ("config", "data", "state", "cache"):
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(home / name))
    long_name = "a-rather-long-session-name-for-a-project-about-ants"
    for i, name in enumerate([*(f"old-{i:02d}" for i in range(22)), long_name]):
        session.record_exchange(
            name,
            {"role": "user", "content": f"question {i}"},
            {"role": "assistant", "content": "answer"},
            model="claude-sonnet-5-5",
            system=None,
            usage=None,
        )
    env = {**cli_env, "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = spawn(["chat", "-S", long_name], env, rows=200, cols=80)
    child.expect("quit")
    raw = child.before + child.after
    child.expect("›")
    raw += child.before + child.after
    for command, last in (("/help", "quit"), ("/sessions", "all"), ("/clear", "disk")):
        child.send(command + "\r")
        child.expect(last)
        raw += child.before + child.after
        child.expect("›")
        raw += child.before + child.after
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    screen = emulate(raw, rows=200, cols=80)
    lines = screen.history + screen.lines
    words = {w for line in lines for w in line.split()}
    for text in [c.help for c in repl.COMMANDS] + ["Ctrl-D to quit", "stays on disk)"]:
        for word in text.split():
            assert word in words, (word, [x for x in lines if x.strip()])
    shown = [line for line in lines if re.search(r"old-\d\d", line)]
    assert len(shown) == repl.SESSIONS_SHOWN - 1  # the most recent, the open one among them
    assert "… 3 more (`claude-cli sessions list` shows them all)" in "\n".join(lines)
    assert all(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", line) for line in shown), shown
    assert not any(re.search(r"T\d\d:\d\d:\d\dZ", line) for line in lines)  # not UTC ISO
