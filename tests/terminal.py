"""Run the real CLI in a pseudo-terminal and read the screen a person would see."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import pexpect
import pyte


@dataclass
class Screen:
    raw: str  # every byte the program wrote to the terminal (decoded)
    lines: list[str]  # the visible screen afterwards
    history: list[str]  # lines that scrolled off the top
    title: str  # the window title, as escape sequences may have set it

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in [*self.history, *self.lines]).strip("\n")


def spawn(
    args: list[str],
    env: dict[str, str],
    rows: int = 40,
    cols: int = 100,
    term: str = "xterm-256color",
) -> pexpect.spawn:
    env = {"TERM": term, **env, "COLUMNS": str(cols), "LINES": str(rows)}
    if term:
        env["TERM"] = term
    return pexpect.spawn(
        sys.executable,
        ["-m", "claude_cli", *args],
        env=env,
        dimensions=(rows, cols),
        encoding="utf-8",
        codec_errors="replace",
        timeout=60,  # bounds a failure only: parallel workers on a busy machine start slowly
    )


def read_all(child: pexpect.spawn, rows: int = 40, cols: int = 100) -> Screen:
    chunks: list[str] = []
    deadline = time.monotonic() + 120  # bounds a hang only
    while time.monotonic() < deadline:
        try:
            chunks.append(child.read_nonblocking(65536, timeout=5))
        except pexpect.EOF:
            break
        except pexpect.TIMEOUT:
            continue
    child.close()
    return emulate("".join(chunks), rows, cols)


def emulate(raw: str, rows: int = 40, cols: int = 100) -> Screen:
    # The scrollback is what a person scrolls back through: a line copied into it
    # twice (or lost) is a bug the visible screen alone would not show.
    screen = pyte.HistoryScreen(cols, rows, history=100_000)
    stream = pyte.Stream(screen)
    stream.feed(raw.replace("\n", "\r\n") if "\r\n" not in raw else raw)
    history = ["".join(ch.data for ch in line.values()) for line in screen.history.top]
    return Screen(raw, list(screen.display), history, screen.title)
