"""The waiting indicator: a spinner with elapsed seconds on stderr until the first
token, seen in a real pseudo-terminal while the fake server holds the reply; it
leaves no trace on the screen and never reaches a pipe or a dumb terminal."""

from __future__ import annotations

import re
import threading

import pexpect
import pytest

from terminal import emulate, spawn

SPINNER = re.compile(r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] (waiting|thinking) \d+\.\d s")


def _held(api) -> threading.Event:
    """The server answers only once the returned event is set."""
    release = threading.Event()
    api.pace = lambda body: (release.wait(30), 0.0)[1]
    return release


def _rest(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    rest = child.before
    child.close()
    return rest


def _spinner_then_reply(api, cli_env, args: list[str]) -> tuple[str, list[str]]:
    release = _held(api)
    child = spawn(args, cli_env, rows=24, cols=80)
    try:
        child.expect(SPINNER)  # on screen while the server holds the reply
        seen = child.before + child.after
    finally:
        release.set()
    raw = seen + _rest(child)
    assert child.exitstatus == 0, raw
    screen = emulate(raw, 24, 80)
    return raw, [*screen.history, *screen.lines]


def test_ask_shows_a_spinner_until_the_first_token_and_leaves_no_trace(api, cli_env) -> None:
    api.reply("The **answer** is here.")
    raw, lines = _spinner_then_reply(api, cli_env, ["ask", "question"])
    text = "\n".join(lines)
    assert "answer is here." in text
    assert not SPINNER.search(text) and "waiting" not in text
    # Erased before the reply was drawn: the last frame, then the erase, then the text.
    last = list(SPINNER.finditer(raw))[-1]
    assert "\x1b[2K" in raw[last.end() : raw.index("answer")]


def test_no_stream_waits_visibly_for_the_whole_reply(api, cli_env) -> None:
    api.reply("All at once.")
    _, lines = _spinner_then_reply(api, cli_env, ["ask", "--no-stream", "question"])
    text = "\n".join(lines)
    assert "All at once." in text and "waiting" not in text


def test_chat_shows_the_spinner_for_each_message(api, cli_env) -> None:
    release = _held(api)
    api.reply("First answer.")
    child = spawn(["chat"], {**cli_env, "PROMPT_TOOLKIT_NO_CPR": "1"}, rows=24, cols=80)
    try:
        child.expect("Ctrl-D to quit")
        child.expect("›")
        child.send("hello\r")
        child.expect(SPINNER)
    finally:
        release.set()
    child.expect("First answer.")
    child.expect("›")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_retry_note_is_not_torn_by_the_spinner(api, cli_env) -> None:
    api.fail(529, "overloaded_error", "busy")
    api.reply("Recovered.")
    api.latency = 0.6  # the spinner is drawn before the failure and after it
    child = spawn(["ask", "question"], cli_env, rows=24, cols=80)
    raw = _rest(child)
    assert child.exitstatus == 0, raw
    screen = emulate(raw, 24, 80)
    lines = [line.rstrip() for line in [*screen.history, *screen.lines]]
    retry = [line for line in lines if "retrying in" in line]
    assert len(retry) == 1 and not SPINNER.search(retry[0])
    assert "Recovered." in "\n".join(lines)
    assert not any(SPINNER.search(line) for line in lines)


def test_a_pipe_never_sees_the_spinner(api, run) -> None:
    api.reply("piped answer")
    api.latency = 0.6
    r = run("ask", "question")
    assert r.code == 0 and r.out == "piped answer\n"
    assert "waiting" not in r.err and not re.search("[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]", r.err)


@pytest.mark.parametrize("term", ["dumb", "unknown"])
def test_a_dumb_terminal_gets_no_spinner(api, cli_env, term) -> None:
    api.reply("dumb answer")
    api.latency = 0.6
    child = spawn(["ask", "question"], cli_env, rows=24, cols=80, term=term)
    raw = _rest(child)
    assert child.exitstatus == 0, raw
    assert "dumb answer" in raw
    assert "waiting" not in raw and "\x1b[2K" not in raw


def test_describe_image_shows_rich_progress_while_waiting_and_leaves_no_trace(
    api, cli_env, tmp_path
) -> None:
    from PIL import Image

    paths = []
    for name in ("one.png", "two.png"):
        Image.new("RGB", (40, 30), "red").save(tmp_path / name)
        paths.append(str(tmp_path / name))
    release = _held(api)
    child = spawn(["describe-image", *paths, "-p", "hi"], cli_env, rows=24, cols=80)
    try:
        # A spinner, the bar, done/total and the time elapsed, while nothing came back.
        child.expect(r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] describing .*0/2.*0:00:\d\d")
        seen = child.before + child.after
    finally:
        release.set()
    raw = seen + _rest(child)
    assert child.exitstatus == 0, raw
    screen = emulate(raw, 24, 80)
    text = "\n".join([*screen.history, *screen.lines])
    assert text.count("You said: hi [saw image/png 40x30]") == 2
    assert "describing" not in text and "0/2" not in text


def test_thinking_then_text_leaves_the_thought_line_and_no_spinner(api, cli_env) -> None:
    api.reply("The reply.", thinking="some private reasoning here")
    _, lines = _spinner_then_reply(api, cli_env, ["ask", "question"])
    text = "\n".join(lines)
    assert "The reply." in text and "✻ thought" in text
    assert not SPINNER.search(text) and "private reasoning" not in text


def test_shown_thinking_stops_the_spinner_before_it_is_printed(api, cli_env) -> None:
    api.reply("The reply.", thinking="visible reasoning")
    raw, lines = _spinner_then_reply(api, cli_env, ["ask", "--show-thinking", "question"])
    text = "\n".join(lines)
    assert "visible reasoning" in text and "The reply." in text
    assert not SPINNER.search(text)
    assert "\x1b[2K" in raw[list(SPINNER.finditer(raw))[-1].end() : raw.index("visible")]
