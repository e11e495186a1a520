"""Entry point for `claude-cli` and `python -m claude_cli`.

`--version` is answered before Typer is imported: it is the one call scripts
make in a loop, so it should cost no more than Python itself. So is a plain
`ask` (fast_ask.py): Typer and its click commands cost more than a short answer;
and `--help`, from the text Typer prints (root_help.py, generated and checked).

A bare prompt is `ask`: `claude-cli "2+2?"` and `claude-cli -m claude-haiku-4-5 hi`
run `claude-cli ask ...`. Command names are reserved (`claude-cli ask chat` asks
about the word "chat"); the list below is checked against the app by a test.
"""

from __future__ import annotations

import sys

COMMANDS = (
    "ask",
    "batch",
    "chat",
    "completion",
    "config",
    "describe-image",
    "models",
    "sessions",
    "tokens",
)
ROOT_OPTIONS = ("-h", "--help", "--version", "--install-completion", "--show-completion")


def with_default_command(args: list[str], stdin_piped: bool = False) -> list[str]:
    """`args` with `ask` put first when they do not start with a command or a root option;
    no arguments with text piped in (`echo q | claude-cli`) is `ask` too."""
    if not args:
        return ["ask"] if stdin_piped else args
    first = args[0]
    if first in COMMANDS or first.split("=", 1)[0] in ROOT_OPTIONS:
        return args
    return ["ask", *args]


def mistyped_root_option(first: str) -> str | None:
    """The root option `first` is a typo of (`--versio`), else None: routed to `ask`,
    it would meet ask's options and a confusing suggestion (`--session`)."""
    if not first.startswith("--") or first.split("=", 1)[0] in ROOT_OPTIONS:
        return None
    import difflib

    found = difflib.get_close_matches(first, ROOT_OPTIONS[1:], n=1, cutoff=0.85)
    return found[0] if found else None


def mistyped_command(args: list[str]) -> str | None:
    """The command `args[0]` is a typo of (`sesions list`), else None: sent as a prompt
    it would be paid for and saved. A one-word prompt that only looks like a command
    name is still asked with `claude-cli ask WORD`."""
    first = args[0] if args else ""
    if first in COMMANDS or not first.isascii() or not first.replace("-", "").isalpha():
        return None
    import difflib

    found = difflib.get_close_matches(first.lower(), COMMANDS, n=1, cutoff=0.8)
    return found[0] if found else None


class BestEffortStderr:
    """stderr that never fails: closed (`2>&-`), full (`2>/dev/full`) or gone, talk is
    dropped and the command's exit status stays the one it earned."""

    def __init__(self, stream: object) -> None:
        self._stream = stream
        self.broken = stream is None

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                return self._stream.write(text)  # type: ignore[attr-defined]
            except (OSError, ValueError, AttributeError):
                self.broken = True
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self._stream.flush()  # type: ignore[attr-defined]
            except (OSError, ValueError, AttributeError):
                self.broken = True

    def isatty(self) -> bool:
        try:
            return not self.broken and self._stream.isatty()  # type: ignore[attr-defined]
        except (OSError, ValueError, AttributeError):
            return False

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _stdin_piped() -> bool:
    try:
        return sys.stdin is not None and not sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def main() -> None:
    sys.stderr = BestEffortStderr(sys.stderr)  # type: ignore[assignment]
    # Ctrl-C while Python is still importing (before any command has its own
    # handler) ends quietly with 130, like Ctrl-C anywhere else: no traceback.
    try:
        _main()
    except KeyboardInterrupt:
        try:
            sys.stderr.write("claude-cli: interrupted\n")
            sys.stderr.flush()
        except (AttributeError, OSError):
            pass
        sys.exit(130)


def _main() -> None:
    if sys.argv[1:] == ["--version"]:
        from claude_cli import __version__

        try:
            sys.stdout.write(f"claude-cli {__version__}\n")
            sys.stdout.flush()
            return
        except (OSError, AttributeError, ValueError):
            pass  # stdout closed, full or gone: the full path below says so properly
    if sys.argv[1:] in (["--help"], ["-h"]) and _columns() >= 80 and not _completing():
        from claude_cli.guard import guarded
        from claude_cli.root_help import TEXT  # what Typer prints here (tools/gen_root_help.py)

        guarded(lambda: print(TEXT, end=""))
    meant = mistyped_root_option(sys.argv[1]) if sys.argv[1:] else None
    if meant:
        _usage_error(f"no such option: {sys.argv[1]} (did you mean {meant}?)")
    command = mistyped_command(sys.argv[1:])
    if command:
        word = sys.argv[1]
        _usage_error(
            f"no such command: {word} (did you mean {command}? "
            f"to ask about the word itself: claude-cli ask {word} ...)"
        )
    piped = not _completing() and _stdin_piped()
    sys.argv[1:] = with_default_command(sys.argv[1:], stdin_piped=piped)
    if sys.argv[1:2] == ["ask"] and not _completing():
        from claude_cli.fast_ask import parse

        flags = parse(sys.argv[2:])
        if flags is not None:  # a plain ask: no Typer to import (fast_ask.py says why)
            from claude_cli.fast_ask import ask_from_flags
            from claude_cli.guard import guarded

            guarded(lambda: ask_from_flags(flags))
    from claude_cli.cli import run

    run()


def _usage_error(text: str) -> None:
    """A usage error found before Typer is loaded: one cleaned line, exit 2."""
    from claude_cli.terminal.term import clean

    sys.stderr.write(f"claude-cli: error: {clean(text)}\n")
    sys.exit(2)


def _completing() -> bool:
    """Typer's own shell completion (`--install-completion`) asks the program itself."""
    import os

    return "_CLAUDE_CLI_COMPLETE" in os.environ


def _columns() -> int:
    """The width click formats help for: shutil.get_terminal_size's, without shutil."""
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


if __name__ == "__main__":
    main()
