"""Entry point for `claude-cli` and `python -m claude_cli`.

`--version` is answered before Typer is imported: it is the one call scripts
make in a loop, so it should cost no more than Python itself.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        sys.stdout.write(f"claude-cli {__version__}\n")
        return
    from .cli import run

    run()


if __name__ == "__main__":
    main()
