"""Tiny terminal helpers that need no rich: colour decisions, dim lines, sanitising."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TextIO

from claude_cli.redact import redact

# C0 controls but tab and newline, DEL, C1 controls: anything that could move the
# cursor, change colours, set a title or write the clipboard if written raw; and the
# bidi overrides and isolates, which make text read differently from what it is; lone
# surrogates (a JSON "\\udc9b"), which a C/POSIX locale's stdout writes as raw C1 bytes.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# The same, for JSON text: json.dumps escapes C0 but leaves C1, bidi and surrogates raw.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _visible(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    if ch == "\r":
        return ""
    if code < 0x20:
        return "^" + chr(code + 0x40)
    if code <= 0x9F or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return f"<U+{code:04X}>"


def sanitize(text: str) -> str:
    """Make text from a server or a file safe to show on a terminal: controls become
    visible ^X (C1: U+FFFD), bidi overrides become <U+202E>; tab and newline stay."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_visible, text.replace("\r\n", "\n"))


def clean(text: str) -> str:
    """Talk, ready for a terminal: secrets masked, then made safe. Idempotent."""
    return sanitize(redact(text))


def json_safe(text: str) -> str:
    """JSON text (from json.dumps) with C1 and bidi characters \\u-escaped: same data."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def local_time(stamp: object) -> str:
    """A stored UTC time (2026-12-01T19:47:27Z) as the user's local time, '2026-12-01
    20:47'; anything else shown as it is, made safe (`sessions`, chat's /sessions)."""
    from datetime import datetime, timezone

    text = str(stamp or "?")[:32]
    try:
        when = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return sanitize(text)
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def dumb_terminal() -> bool:
    """A terminal that takes no escape sequences: TERM=dumb, or "unknown" as rich and
    prompt_toolkit also treat it. Every part of claude-cli asks here."""
    return os.environ.get("TERM", "").lower() in ("dumb", "unknown")


def use_color(stream: TextIO) -> bool:
    return isatty(stream) and not os.environ.get("NO_COLOR") and not dumb_terminal()


def dim(text: str, stream: TextIO) -> str:
    return f"\x1b[2m{text}\x1b[0m" if use_color(stream) else text


def fit_words(text: str, columns: int | None, indent: str = "  ") -> str:
    """Each line of `text` wrapped at spaces to `columns` (a terminal would cut it
    mid-word), the rest of a wrapped line starting with `indent`; a word longer than
    the width (a path, a URL) stays whole. `columns` None or 0: as it is."""
    if not columns or all(len(line) <= columns for line in text.split("\n")):
        return text
    import textwrap

    if len(indent) > columns // 2:  # a narrow screen: the column would leave no room
        indent = "    "
    fitted = []
    for line in text.split("\n"):
        if len(line) <= columns:
            fitted.append(line)
            continue
        lead = line[: len(line) - len(line.lstrip(" "))]
        wrapped = textwrap.fill(
            line.strip(),
            width=max(columns, len(indent) + 10),
            initial_indent=lead,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        fitted.append(wrapped)
    return "\n".join(fitted)


def say(stream: TextIO, text: str, *, dimmed: bool = True) -> None:
    """Talk on `stream` (stderr): always cleaned (`clean`), then styled, so no caller
    can forget; `text` may be several lines."""
    text = clean(text)
    # A closed or full stderr never raises here: main() wraps it (BestEffortStderr).
    stream.write((dim(text, stream) if dimmed else text) + "\n")
    stream.flush()


# Far above any context window (1M tokens is ~4 MB of text): more is a mistake.
MAX_STDIN = 64 * 1024 * 1024


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
        # While a spinner is drawn on stderr (waiting.py): erases it around each note.
        self.talk_guard: Callable[[], AbstractContextManager[object]] | None = None

    @classmethod
    def system(cls) -> Streams:
        import sys

        return cls(sys.stdin, sys.stdout, sys.stderr)

    def read_stdin_text(self) -> str | None:
        """Piped text on stdin (all of it), or None when stdin is a terminal."""
        if self.stdin_tty or self.stdin is None:
            return None
        source = self.stdin.buffer if hasattr(self.stdin, "buffer") else self.stdin
        data = source.read(MAX_STDIN + 1)
        if len(data) > MAX_STDIN:
            from claude_cli.errors import UsageError

            raise UsageError(
                f"stdin is over {MAX_STDIN // (1024 * 1024)} MB: too long for a prompt"
            )
        if isinstance(data, bytes):
            if b"\x00" in data[:8192]:
                from claude_cli.errors import UsageError

                raise UsageError(
                    "stdin is binary data, not text; to attach an image from stdin use -i -"
                )
            data = data.decode("utf-8", errors="replace")
        return data

    def note(self, text: str) -> None:
        """Talk for a person: stderr, dimmed on a terminal."""
        if self.talk_guard is None:
            say(self.stderr, text)
            return
        with self.talk_guard():
            say(self.stderr, text)


class ReaderMayLeave:
    """stdout for a process whose reader may go away (`claude-cli ask ... | head`).

    Python raises BrokenPipeError on the next write, and Typer turns that into
    exit status 1. The reader leaving is not our failure: stop quietly, exit 0.
    stdout closed (`>&-`, Python then has None) or full (`> /dev/full`) is a
    failure: OutputError, one line on stderr, exit 74, never a traceback. The
    failure sticks (every later write raises it again), so code that swallows one
    exception cannot make the output silently vanish; `failed` tells run().
    """

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream
        self.failed: Exception | None = None

    def write(self, text: str) -> int:
        if self.failed is not None or self._stream is None:
            self._check()
        try:
            return self._stream.write(text)  # type: ignore[union-attr]
        except BrokenPipeError:
            _reader_left(self._stream)
        except OSError as e:
            raise self._fail(e) from None

    def flush(self) -> None:
        if self._stream is None or self.failed is not None:
            return  # told once already; the interpreter's last flush must stay quiet
        try:
            self._stream.flush()
        except BrokenPipeError:
            _reader_left(self._stream)
        except OSError as e:
            raise self._fail(e) from None

    def check_open(self) -> None:
        """OutputError now when stdout is already known to be unusable (closed, or a
        write already failed): before a request is paid for, not after."""
        self._check()

    def give_up(self) -> None:
        """After a failure: fd 1 → /dev/null, so the interpreter's last flush is quiet."""
        if self.failed is not None and self._stream is not None:
            _point_at_devnull(self._stream)

    def _check(self) -> None:
        if self.failed is not None:
            raise self.failed
        if self._stream is None:
            from claude_cli.errors import OutputError

            self.failed = OutputError("stdout is closed (>&-?): nothing could be printed")
            raise self.failed

    def _fail(self, error: OSError) -> Exception:
        from claude_cli.errors import OutputError

        reason = error.strerror or type(error).__name__
        self.failed = OutputError(f"cannot write to stdout ({reason}): the output is incomplete")
        return self.failed

    def __getattr__(self, name: str):
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


def _point_at_devnull(stream: TextIO) -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class ReaderLeft(SystemExit):
    """The reader of stdout went away (`| head`): exit 0, quietly."""


def _reader_left(stream: TextIO) -> None:
    # Point fd 1 at /dev/null so the interpreter's final flush cannot fail too.
    _point_at_devnull(stream)
    raise ReaderLeft(0)
