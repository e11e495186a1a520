"""Every run ends here: one line on stderr for every failure, never a traceback.

Shared by the Typer app (cli.run) and the fast path of a plain `ask`
(fast_ask.py), so neither needs the other: this module imports no typer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NoReturn

from claude_cli.errors import CliError, ExitCode


def guarded(body: Callable[[], object]) -> NoReturn:
    """Run `body` with stdout made safe, and exit with its code or the failure's."""
    from claude_cli.terminal.term import ReaderMayLeave

    # A character stdout's encoding cannot carry (PYTHONIOENCODING=ascii, a C locale)
    # becomes "?" rather than a crash halfway through a paid reply.
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None and sys.stdout.errors == "strict":
        reconfigure(errors="replace")
    stdout = ReaderMayLeave(sys.stdout)
    sys.stdout = stdout  # type: ignore[assignment]
    try:
        code = body()
        stdout.flush()  # a full disk must fail here, in our hands, not at exit
        if stdout.failed:  # raised once, and swallowed (click probes its streams)
            raise stdout.failed
    except CliError as e:
        detail = f"\n\n{e.detail}" if e.detail else ""
        fail(f"claude-cli: error: {e.message}{detail}", e.exit_code)
    except KeyboardInterrupt:
        fail("claude-cli: interrupted", ExitCode.INTERRUPTED)
    except Exception as e:
        import os

        if os.environ.get("CLAUDE_CLI_DEBUG"):
            raise
        fail(
            f"claude-cli: internal error: {type(e).__name__}: {e} "
            "(set CLAUDE_CLI_DEBUG=1 for a traceback)",
            ExitCode.INTERNAL,
        )
    sys.exit(code if isinstance(code, int) else 0)


def fail(message: str, code: int) -> NoReturn:
    """The error line: cleaned here (secrets masked, controls visible), whoever made it."""
    from claude_cli.terminal.term import clean

    try:
        sys.stderr.write(clean(message) + "\n")
        sys.stderr.flush()
    except (AttributeError, OSError):  # stderr closed too: the exit code still tells
        pass
    finally:
        give_up = getattr(sys.stdout, "give_up", None)
        if give_up:
            give_up()
        sys.exit(code)
