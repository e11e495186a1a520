"""Tiny terminal helpers that need no rich: colour decisions, dim lines, sanitising."""

from __future__ import annotations

import os
import re
from typing import TextIO

# C0 controls but tab and newline, DEL, C1 controls: anything that could move the
# cursor, change colours or set a title if written to a terminal raw.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _caret(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    if ch == "\r":
        return ""
    if code < 0x20:
        return "^" + chr(code + 0x40)
    return "\ufffd"


def sanitize(text: str) -> str:
    """Make model text safe to show on a terminal: controls become visible ^X."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(_caret, text.replace("\r\n", "\n"))


def isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def use_color(stream: TextIO) -> bool:
    return isatty(stream) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def dim(text: str, stream: TextIO) -> str:
    return f"\x1b[2m{text}\x1b[0m" if use_color(stream) else text


def say(stream: TextIO, text: str, *, dimmed: bool = True) -> None:
    """One line of talk on `stream` (stderr)."""
    stream.write((dim(text, stream) if dimmed else text) + "\n")
    stream.flush()


class Streams:
    """The process's standard streams and what they are connected to.

    One object carries them so every command decides the same way (pipe or
    terminal), and tests can see the decisions in the program's real output.
    """

    def __init__(self, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> None:
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr
        self.stdin_tty = isatty(stdin)
        self.stdout_tty = isatty(stdout)
        self.stderr_tty = isatty(stderr)

    @classmethod
    def system(cls) -> Streams:
        import sys

        return cls(sys.stdin, sys.stdout, sys.stderr)

    def read_stdin_text(self) -> str | None:
        """Piped text on stdin (all of it), or None when stdin is a terminal."""
        if self.stdin_tty or self.stdin is None:
            return None
        data = self.stdin.buffer.read() if hasattr(self.stdin, "buffer") else self.stdin.read()
        if isinstance(data, bytes):
            if b"\x00" in data[:8192]:
                from .errors import UsageError

                raise UsageError(
                    "stdin is binary data, not text; to attach an image from stdin use -i -"
                )
            data = data.decode("utf-8", errors="replace")
        return data

    def note(self, text: str) -> None:
        """Talk for a person: stderr, dimmed on a terminal."""
        say(self.stderr, text)


class ReaderMayLeave:
    """stdout for a process whose reader may go away (`claude-cli ask ... | head`).

    Python raises BrokenPipeError on the next write, and Typer turns that into
    exit status 1. The reader leaving is not our failure: stop quietly, exit 0.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            _reader_left(self._stream)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            _reader_left(self._stream)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _reader_left(stream: TextIO) -> None:
    # Point fd 1 at /dev/null so the interpreter's final flush cannot fail too.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, stream.fileno())
    raise SystemExit(0)
