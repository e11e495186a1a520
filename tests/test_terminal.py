"""`ask` on a real pseudo-terminal: Markdown rendered, escape sequences neutralised."""

from __future__ import annotations

import re
import signal

from terminal import read_all, spawn

REPLY = (
    "# Big Heading\n\n"
    "Some **bold words** and `inline code`.\n\n"
    "- first item\n- second item\n\n"
    "```python\ndef greet():\n    return 'hi'\n```\n\n"
    "Evil: \x1b]0;pwned\x07 title, \x1b[2J clear, \x1b[31mred\x1b[0m, \x9b31m c1.\n"
)


def test_markdown_is_rendered_and_escapes_do_not_reach_the_terminal(api, cli_env) -> None:
    api.reply(REPLY, chunk_tokens=3)
    screen = read_all(spawn(["ask", "show me"], cli_env))
    text = screen.text
    assert "Big Heading" in text and "# Big Heading" not in text
    assert "bold words" in text and "**bold" not in text
    assert "def greet():" in text and "```" not in text
    assert "• first item" in text or "first item" in text
    # The model's escape sequences arrive as visible, harmless text.
    assert screen.title == ""  # the OSC title was not applied
    assert "\x1b]0;pwned" not in screen.raw
    assert "\x1b[2J" not in screen.raw
    assert "\x9b" not in screen.raw
    assert "^[]0;pwned^G" in text
    # Usage goes to stderr (the same terminal here): tokens in and out.
    assert " in · " in text and " out" in text


def test_plain_prints_raw_text_safely(api, cli_env) -> None:
    api.reply("**not bold** \x1b]0;pwned\x07")
    screen = read_all(spawn(["ask", "--plain", "q"], cli_env))
    assert "**not bold**" in screen.text
    assert screen.title == ""


def test_no_color_is_honoured(api, cli_env) -> None:
    api.reply("Some **bold** text\n\n```py\nx = 1\n```")
    screen = read_all(spawn(["ask", "q"], {**cli_env, "NO_COLOR": "1"}))
    assert "bold" in screen.text
    # no-color.org: no colours (bold and underline are not colours).
    assert re.search(r"\x1b\[[0-9;]*(3[0-8]|4[0-8])[;m]", screen.raw) is None
    assert "x = 1" in screen.text


def test_long_reply_is_printed_once_into_the_scrollback(api, cli_env) -> None:
    paragraphs = [f"Paragraph {i} says **hello** number {i}." for i in range(120)]
    api.reply("\n\n".join(paragraphs), chunk_tokens=2)
    screen = read_all(spawn(["ask", "q"], cli_env, rows=24, cols=80), rows=24, cols=80)
    text = screen.text
    for i in range(120):
        assert text.count(f"Paragraph {i} says hello number {i}.") == 1, i


def test_stop_reason_shown_when_not_end_turn(api, cli_env) -> None:
    api.reply("one two three four five six")
    screen = read_all(spawn(["ask", "--max-tokens", "3", "q"], cli_env))
    assert "max-tokens" in screen.text


def test_ctrl_c_while_streaming_exits_130_without_traceback(api, cli_env) -> None:
    api.reply(" ".join(f"w{i}" for i in range(400)), delay=0.02)
    child = spawn(["ask", "q"], cli_env)
    child.expect("w5")
    child.kill(signal.SIGINT)
    screen = read_all(child)
    assert child.exitstatus == 130
    assert "Traceback" not in screen.text
    assert "interrupted" in screen.text
    assert "w5" in screen.text


def test_retries_are_announced_on_a_terminal(api, cli_env) -> None:
    api.fail(529, "overloaded_error", "Overloaded", headers={"retry-after-ms": "20"})
    api.reply("after the retry")
    screen = read_all(spawn(["ask", "q"], cli_env))
    assert "HTTP 529; retrying in 0.0 s (1/2)" in screen.text
    assert "after the retry" in screen.text


def test_lists_tables_and_code_fit_a_narrow_terminal_and_appear_once(api, cli_env) -> None:
    reply = (
        "Intro paragraph that is long enough to need wrapping on a narrow terminal, "
        "several times over, without splitting any of its words.\n\n"
        "- outer item\n  - inner item\n    1. numbered\n\n"
        "| Name | Value |\n|---|--:|\n| alpha | 1 |\n| beta, the longer one | 12345 |\n\n"
        "```python\nresult = compute(alpha, beta)  # a comment\n```\n\n"
        "Done."
    )
    api.reply(reply, chunk_tokens=2, delay=0.01)  # slow enough for tail redraws
    screen = read_all(spawn(["ask", "q"], cli_env, rows=24, cols=60), rows=24, cols=60)
    lines = [line.rstrip() for line in [*screen.history, *screen.lines]]
    text = "\n".join(lines)
    words = reply.split("\n\n")[0].split()
    assert " ".join(" ".join(lines).split()).count(" ".join(words)) == 1  # wrapped, whole
    assert "• outer item" in lines and "  ◦ inner item" in lines and "    1. numbered" in lines
    rows = [line for line in lines if "│" in line or "┼" in line]
    assert len(rows) == 4 and len({row.index("│" if "│" in row else "┼") for row in rows}) == 1
    assert text.count("beta, the longer one") == 1 and text.count("12345") == 1
    assert text.count("result = compute(alpha, beta)  # a comment") == 1
    assert text.count("Done.") == 1
