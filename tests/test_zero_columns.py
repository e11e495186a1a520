"""A pseudo-terminal that reports 0 columns (`script`, `docker exec -t`, CI): the
reply and `sessions show` are laid out for 80 columns, not one character a line (L1)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import sys
import termios

import pytest

ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
WORDS = " ".join(f"word{i}" for i in range(120))


def run_in_zero_pty(args: list[str], env: dict[str, str]) -> str:
    """Run the CLI on a pty whose window size is 0x0; everything it wrote, escapes removed."""
    env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    pid, fd = pty.fork()
    if pid == 0:  # the child: its terminal says 0 rows, 0 columns
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 0, 0, 0, 0))
        os.execve(sys.executable, [sys.executable, "-m", "claude_cli", *args], env)
    out = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child is gone
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    os.close(fd)
    return ESCAPE.sub("", out.decode("utf-8", "replace"))


def assert_laid_out_for_80(text: str) -> None:
    lines = [line for line in text.replace("\r", "").split("\n") if line.strip()]
    widths = [len(line) for line in lines if "word" in line]
    assert widths, text
    assert 60 <= max(widths) <= 80, text
    assert sum(1 for line in lines if len(line.strip()) == 1) < 3, text


@pytest.mark.parametrize("command", ["ask", "sessions show"])
def test_zero_columns_fall_back_to_80(command: str, api, run, cli_env) -> None:
    api.reply(WORDS)
    if command == "ask":
        text = run_in_zero_pty(["ask", "--no-save", "hi"], cli_env)
    else:
        assert run("ask", "-S", "wide", "hi").code == 0
        text = run_in_zero_pty(["sessions", "show", "wide"], {**cli_env, "PAGER": "cat"})
    assert "word119" in text
    assert_laid_out_for_80(text)
