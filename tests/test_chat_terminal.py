"""`chat` end to end: in a real pseudo-terminal (Ctrl-C, Ctrl-D) and with piped stdin."""

from __future__ import annotations

import json
from pathlib import Path

import pexpect

from terminal import spawn
from waiting import wait_until

PROMPT = "›"


def _session(home: Path, name: str) -> dict:
    path = home / "data" / "claude-cli" / "sessions" / f"{name}.json"
    return json.loads(path.read_text())


def _chat(cli_env: dict[str, str], *args: str) -> pexpect.spawn:
    child = spawn(["chat", *args], {**cli_env, "PROMPT_TOOLKIT_NO_CPR": "1"}, rows=24, cols=80)
    child.expect("Ctrl-D to quit")
    child.expect(PROMPT)
    return child


def test_ctrl_c_stops_a_reply_keeps_the_session_valid_and_ctrl_d_exits(api, cli_env, home):
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    api.reply("word " * 400, delay=0.05)  # twenty seconds of reply
    child = _chat(cli_env, "--session", "pty")
    child.send("tell me a long story\r")
    child.expect("word word word")
    child.sendintr()
    child.expect("stopped; the partial reply is kept")
    child.expect(PROMPT)
    child.send("and now?\r")
    child.expect("You said: and now\\?")
    child.expect(PROMPT)
    child.sendeof()  # Ctrl-D
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    _, second = api.messages_requests
    sent = second.body["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    partial = sent[1]["content"]
    # What was on screen when Ctrl-C came: some words, not the whole reply, no trailing space.
    assert partial.startswith("word word word") and partial == partial.rstrip()
    assert len(partial) < len("word " * 400)
    saved = _session(home, "pty")["messages"]
    assert saved[:3] == sent and saved[3] == {"role": "assistant", "content": "You said: and now?"}


def test_ctrl_c_before_any_text_saves_nothing(api, cli_env, home):
    api.reply("late", latency=20)
    child = _chat(cli_env, "--session", "slow")
    child.send("hello\r")
    child.expect("\r\n")
    wait_until(lambda: api.messages_requests, "the request to reach the server")
    child.sendintr()
    child.expect("stopped; nothing was saved")
    child.expect(PROMPT)
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert not (home / "data" / "claude-cli" / "sessions" / "slow.json").exists()


def test_ctrl_c_at_the_prompt_clears_the_line(api, cli_env):
    child = _chat(cli_env, "--session", "c")
    child.send("discard this")
    child.sendintr()
    child.expect(PROMPT)
    child.send("keep\r")
    child.expect("You said: keep")
    child.expect(PROMPT)
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert [r.body["messages"][-1]["content"] for r in api.messages_requests] == ["keep"]


def test_piped_chat_reads_one_message_per_line(run, api, home):
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    result = run("chat", "--session", "p", input="hello\n\nsecond line\n/usage\nthird\n")
    assert result.code == 0, result.err
    assert result.out == "You said: hello\nYou said: second line\nYou said: third\n"
    assert "session p (2 replies)" in result.err
    sent = api.last_body["messages"]
    assert [m["content"] for m in sent] == [
        "hello",
        "You said: hello",
        "second line",
        "You said: second line",
        "third",
    ]
    assert len(_session(home, "p")["messages"]) == 6


def test_piped_chat_stops_at_the_first_error_with_its_code(run, api, home):
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    api.reply("ok")
    api.fail(404, "not_found_error", "model: nope")
    result = run("chat", "--session", "e", "--max-retries", "0", input="one\ntwo\nthree\n")
    assert result.code == 1
    assert result.out == "ok\n"
    assert "not_found_error" in result.err
    assert len(api.messages_requests) == 2
    assert [m["content"] for m in _session(home, "e")["messages"]] == ["one", "ok"]


def test_chat_without_a_name_picks_one_and_continue_finds_it(run, api, home):
    assert run("chat", input="hi\n").code == 0
    result = run("chat", "-c", input="again\n")
    assert result.code == 0, result.err
    names = [p.stem for p in (home / "data" / "claude-cli" / "sessions").glob("*.json")]
    assert len(names) == 1 and names[0].startswith("chat-")
    assert len(_session(home, names[0])["messages"]) == 4


def test_image_command_uses_the_image_loader(run, api, home, tmp_path):
    from PIL import Image

    picture = tmp_path / "red.png"
    Image.new("RGB", (5, 4), (255, 0, 0)).save(picture)
    result = run("chat", "-S", "pic", input=f"/image {picture}\nwhat is it?\n")
    assert result.code == 0, result.err
    content = api.last_body["messages"][-1]["content"]
    assert content[0]["type"] == "image" and content[0]["source"]["media_type"] == "image/png"
    assert content[1] == {"type": "text", "text": "what is it?"}
    raw = (home / "data" / "claude-cli" / "sessions" / "pic.json").read_text()
    assert "blob:sha256:" in raw and content[0]["source"]["data"] not in raw
    missing = run("chat", "-S", "pic", input=f"/image {tmp_path / 'nope.png'}\n")
    assert missing.code == 2 and "nope.png" in missing.err


def test_piped_chat_keeps_a_broken_reply_and_stops_with_exit_5(run, api, home):
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    api.reply("first")
    api.reply("alpha beta gamma", drop_after=2)  # the default model takes no prefill: no resume
    result = run("chat", "--session", "b", "--max-retries", "0", input="one\ntwo\nthree\n")
    assert result.code == 5, result.err
    assert result.out == "first\nalpha beta\n"  # printed, and paid for
    assert "connection lost mid-reply" in result.err
    assert "the partial reply is kept in session b" in result.err
    assert len(api.messages_requests) == 2  # the first error ends a piped chat: "three" unsent
    saved = _session(home, "b")
    assert [m["content"] for m in saved["messages"]] == ["one", "first", "two", "alpha beta"]
    # The next chat goes on from it.
    api.reply("go on")
    assert run("chat", "--session", "b", input="four\n").code == 0
    sent = api.last_body["messages"]
    assert [m["content"] for m in sent[2:]] == ["two", "alpha beta", "four"]
