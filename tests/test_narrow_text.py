"""claude-cli's own text on a narrow terminal (chat's /usage and errors, `sessions show`'s
header and footer) is wrapped at words: the terminal would cut it mid-word."""

from __future__ import annotations

import io
import re

import pexpect

from terminal import emulate, spawn

PROMPT = "›"


def _joined(lines: list[str], start: str, stop: str) -> str:
    """The screen lines from the one starting `start` up to `stop`, as one line."""
    begin = next(i for i, line in enumerate(lines) if line.strip().startswith(start))
    end = next(i for i in range(begin + 1, len(lines)) if lines[i].strip().startswith(stop))
    return " ".join(" ".join(lines[begin:end]).split())


def _chat_screen(
    cli_env: dict[str, str], cols: int, lines: list[tuple[str, str]], name: str = "w"
) -> list[str]:
    """Each (line, what it brings) typed in turn; the screen after Ctrl-D."""
    env = {**cli_env, "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = spawn(["chat", "-S", name, "--max-retries", "0"], env, rows=40, cols=cols)
    child.logfile_read = seen = io.StringIO()
    child.expect("Ctrl-D to quit")
    child.expect(PROMPT)
    for line, brings in lines:
        child.send(line + "\r")
        child.expect(brings)
        child.expect(PROMPT)
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    screen = emulate(seen.getvalue(), 40, cols)
    return [line.rstrip() for line in [*screen.history, *screen.lines]]


USAGE = re.compile(
    r"session w\d+ \(1 reply\): \d+ in · \d+ out · cache \d+ read / \d+ written · ≈ \$\d+\.\d+"
)


def test_usage_wraps_at_words_at_80_and_40_columns(api, cli_env) -> None:
    api.think_by_default = False
    for cols in (80, 40):
        name = f"w{cols}"
        screen = _chat_screen(cli_env, cols, [("hello", "You said"), ("/usage", "written")], name)
        text = _joined(screen, f"session {name} (1 reply)", PROMPT)
        assert USAGE.fullmatch(text), (cols, screen)
        assert all(len(line) <= cols for line in screen)


def test_a_chat_error_wraps_at_words(api, cli_env) -> None:
    said = "the model claude-zzz-9 does not exist or you have no access to it"
    api.fail(404, "not_found_error", said)
    screen = _chat_screen(cli_env, 40, [("hello", "kept")])
    text = _joined(screen, "error:", "your message is kept")
    assert said in text, screen


def test_sessions_show_header_and_footer_wrap_at_words(run, api, cli_env) -> None:
    assert run("ask", "-S", "tall", "hi").code == 0
    env = {**cli_env, "PAGER": "cat"}
    child = spawn(["sessions", "show", "tall"], env, rows=40, cols=40)
    child.logfile_read = seen = io.StringIO()
    child.expect(pexpect.EOF)
    child.close()
    screen = [line.rstrip() for line in emulate(seen.getvalue(), 40, 40).lines]
    header = _joined(screen, "session tall", "── you ──")
    assert re.fullmatch(
        r"session tall · claude-sonnet-5-5 · 1 turn · updated [\d-]+ [\d:]+", header
    )
    footer = _joined([*screen, "END"], "usage (1 reply)", "END")
    shape = (
        r"usage \(1 reply\): \d+ in · \d+ out \(\d+ thinking\) · cache \d+ read / \d+ written · "
        r"≈ \$[\d.]+"
    )
    assert re.fullmatch(shape, footer), screen
