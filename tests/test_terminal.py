"""`ask` on a real pseudo-terminal: Markdown rendered, escape sequences neutralised."""

from __future__ import annotations

import io
import re
import signal
import sys

import pexpect
import pytest

from terminal import emulate, read_all, spawn

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
    # Twenty seconds of reply: it is still streaming when Ctrl-C comes, however busy the machine.
    api.reply(" ".join(f"w{i}" for i in range(400)), delay=0.05)
    child = spawn(["ask", "q"], cli_env)
    child.expect("w5")
    seen = child.before + child.after  # what expect() already read off the terminal
    child.kill(signal.SIGINT)
    screen = emulate(seen + read_all(child).raw)
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


# -- the scrollback: every line exactly once, as a person scrolls back -------------

CODE = [f"value_{i:02d} = compute({i}, 'line {i}')  # step {i}" for i in range(80)]


def _all_lines(screen) -> list[str]:
    return [line.rstrip() for line in [*screen.history, *screen.lines]]


@pytest.mark.parametrize(("rows", "cols"), [(24, 80), (40, 100)])
def test_code_block_taller_than_the_screen_is_in_the_scrollback_once(
    api, cli_env, rows: int, cols: int
) -> None:
    reply = "Here it is:\n\n```python\n" + "\n".join(CODE) + "\n```\n\nDone."
    api.reply(reply, chunk_tokens=2, delay=0.002)  # slow enough for many redraws
    screen = read_all(spawn(["ask", "q"], cli_env, rows=rows, cols=cols), rows=rows, cols=cols)
    lines = _all_lines(screen)
    for code in CODE:
        # Exactly once, and exactly the source line: no indent, nothing cut.
        assert lines.count(code) == 1, (code, lines.count(code))
    first = lines.index(CODE[0])
    assert lines[first - 1] == "python"  # the language on its own line
    assert lines[first : first + 80] == CODE  # in order, nothing in between
    assert lines.count("Done.") == 1 and lines.count("Here it is:") == 1


def _long_document() -> tuple[str, list[str]]:
    """A reply with every kind of block, some taller than a screen; and the
    lines (as they look rendered) that must each appear exactly once."""
    parts, expect = [], []
    for n in range(6):
        parts.append(f"## Section {n}")
        expect.append(f"Section {n}")
        words = " ".join(f"s{n}w{i}" for i in range(300))  # a paragraph of ~30 lines
        parts.append(words)
        parts.append("\n".join(f"- item {n}.{i} of the list" for i in range(30)))
        expect += [f"• item {n}.{i} of the list" for i in range(30)]
        code = [f"print('section {n}, line {i}')" for i in range(30)]
        parts.append("```python\n" + "\n".join(code) + "\n```")
        expect += code
    return "\n\n".join(parts), expect


@pytest.mark.parametrize(("rows", "cols"), [(24, 80), (40, 100)])
def test_long_document_leaves_every_line_once(api, cli_env, rows: int, cols: int) -> None:
    reply, expect = _long_document()
    api.reply(reply, chunk_tokens=3, delay=0.001)
    args = ["ask", "--max-tokens", "64000", "q"]
    screen = read_all(spawn(args, cli_env, rows=rows, cols=cols), rows=rows, cols=cols)
    lines = _all_lines(screen)
    for line in expect:
        assert lines.count(line) == 1, (line, lines.count(line))
    # Paragraph words: wrapped, but each exactly once.
    words = " ".join(lines).split()
    for n in range(6):
        for i in range(300):
            assert words.count(f"s{n}w{i}") == 1, (n, i)


# -- terminals without cursor movement, colour or hyperlinks ------------------------


def test_dumb_terminal_gets_append_only_plain_text(api, cli_env) -> None:
    api.reply(
        "# Title\n\nSome **bold** text.\n\n```python\n"
        + "\n".join(CODE[:50])
        + "\n```\n\n"
        + " ".join(f"w{i}" for i in range(400)),
        chunk_tokens=2,
        delay=0.001,
    )
    screen = read_all(spawn(["ask", "q"], cli_env, rows=24, cols=80, term="dumb"), 24, 80)
    assert "\x1b" not in screen.raw  # no cursor movement, no SGR, nothing
    lines = _all_lines(screen)
    assert "Title" in lines and "Some bold text." in lines
    assert lines[lines.index(CODE[0]) : lines.index(CODE[0]) + 50] == CODE[:50]
    words = " ".join(lines).split()
    assert all(words.count(f"w{i}") == 1 for i in range(400))


@pytest.mark.parametrize("term", ["dumb", "unknown"])
def test_a_terminal_without_escapes_shows_thinking_as_plain_lines(api, cli_env, term) -> None:
    # ask --think: each status on a line of its own (nothing can rewrite it); rich and
    # prompt_toolkit take TERM=unknown as dumb, and so does every part of claude-cli.
    screen = read_all(spawn(["ask", "--think", "q"], cli_env, 24, 80, term=term), 24, 80)
    assert "\x1b" not in screen.raw
    assert _all_lines(screen)[:3] == ["✻ thinking…", "✻ thought", "You said: q"]


def test_dumb_terminal_gets_no_escapes_from_images_or_chat(api, cli_env, tmp_path) -> None:
    # describe-image: no progress bar redrawn in place.
    from test_images import make_image, write

    images = [write(tmp_path / f"{n}.png", make_image("PNG")) for n in "ab"]
    api.pace = lambda body: 0.3
    screen = read_all(spawn(["describe-image", *images], cli_env, 24, 80, term="dumb"), 24, 80)
    assert "\x1b" not in screen.raw and screen.raw.count("[saw image/png 40x30]") == 2
    api.pace = None
    # chat: prompt_toolkit's prompt for dumb terminals, without its cursor sequences;
    # also when the replies go to a file and the prompt to stderr.
    out = tmp_path / "replies.txt"
    env = {**cli_env, "TERM": "dumb", "COLUMNS": "80", "LINES": "24"}
    to_file = f"exec '{sys.executable}' -m claude_cli chat > '{out}'"
    for program, args in (
        (sys.executable, ["-m", "claude_cli", "chat"]),
        ("/bin/sh", ["-c", to_file]),
    ):
        child = pexpect.spawn(program, args, env=env, dimensions=(24, 80), encoding="utf-8")
        child.logfile_read = seen = io.StringIO()  # every byte written to the terminal
        child.expect_exact("› ", timeout=30)
        child.sendline("hello there")
        child.expect_exact("› ", timeout=30)
        child.sendline("/exit")
        child.expect(pexpect.EOF, timeout=30)
        assert "\x1b" not in seen.getvalue()
        assert seen.getvalue().count("hello there") >= 1
    assert out.read_text().strip() == "You said: hello there"


def test_links_are_hyperlinks_or_show_their_url(api, cli_env) -> None:
    reply = "See [the docs](https://example.com/docs) and <https://example.com/x>."
    api.reply(reply)
    screen = read_all(spawn(["ask", "q"], {**cli_env, "FORCE_HYPERLINK": "0"}))
    assert "See the docs (https://example.com/docs) and https://example.com/x." in screen.text
    assert "\x1b]8;" not in screen.raw
    api.reply(reply)
    screen = read_all(spawn(["ask", "q"], {**cli_env, "FORCE_HYPERLINK": "1"}))
    assert "See the docs and https://example.com/x." in screen.text
    assert "\x1b]8;id=" in screen.raw and ";https://example.com/docs\x1b\\" in screen.raw


def test_a_table_wider_than_the_terminal_falls_back_cleanly(api, cli_env) -> None:
    header = "| " + " | ".join(f"column_{c}" for c in range(15)) + " |"
    rule = "|" + "---|" * 15
    rows = ["| " + " | ".join(f"v{r}_{c}" for c in range(15)) + " |" for r in range(3)]
    api.reply("\n".join([header, rule, *rows]))
    screen = read_all(spawn(["ask", "q"], cli_env, rows=40, cols=80), rows=40, cols=80)
    lines = _all_lines(screen)
    # Every cell whole (no column one letter wide), each value exactly once.
    for r in range(3):
        for c in range(15):
            assert sum(line.split().count(f"v{r}_{c}") for line in lines) == 1, (r, c)
            assert f"column_{c}: v{r}_{c}" in lines


def test_redraws_are_synchronized_and_never_reach_into_the_scrollback(api, cli_env) -> None:
    api.reply(" ".join(f"w{i}" for i in range(2000)), chunk_tokens=2, delay=0.001)
    screen = read_all(spawn(["ask", "q"], cli_env, rows=24, cols=80), rows=24, cols=80)
    assert "\x1b[?2026h" in screen.raw and "\x1b[?2026l" in screen.raw
    # Each erase moves up at most the screen's height less the cursor's line.
    ups = [int(n) for n in re.findall(r"\x1b\[(\d+)A", screen.raw)]
    assert ups and max(ups) <= 23
    words = " ".join(_all_lines(screen)).split()
    assert all(words.count(f"w{i}") == 1 for i in range(2000))
