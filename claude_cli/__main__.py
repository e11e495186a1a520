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


def with_default_command(args: list[str]) -> list[str]:
    """`args` with `ask` put first when they do not start with a command or a root option."""
    if not args:
        return args
    first = args[0]
    if first in COMMANDS or first.split("=", 1)[0] in ROOT_OPTIONS:
        return args
    return ["ask", *args]


def main() -> None:
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
        from . import __version__

        try:
            sys.stdout.write(f"claude-cli {__version__}\n")
            sys.stdout.flush()
            return
        except (OSError, AttributeError, ValueError):
            pass  # stdout closed, full or gone: the full path below says so properly
    if sys.argv[1:] in (["--help"], ["-h"]) and _columns() >= 80 and not _completing():
        from .guard import guarded
        from .root_help import TEXT  # what Typer prints here (tools/gen_root_help.py)

        guarded(lambda: print(TEXT, end=""))
    sys.argv[1:] = with_default_command(sys.argv[1:])
    if sys.argv[1:2] == ["ask"] and not _completing():
        from .fast_ask import parse

        flags = parse(sys.argv[2:])
        if flags is not None:  # a plain ask: no Typer to import (fast_ask.py says why)
            from .fast_ask import ask_from_flags
            from .guard import guarded

            guarded(lambda: ask_from_flags(flags))
    from .cli import run

    run()


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
