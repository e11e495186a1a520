#!/usr/bin/env python3
"""Rewrite claude_cli/root_help.py: `claude-cli --help` as Typer prints it.

    python tools/gen_root_help.py            # rewrites claude_cli/root_help.py
    python tools/gen_root_help.py --check    # exit 1 if it is stale (what the test does)

`claude-cli --help` prints the stored text without importing Typer (see
claude_cli/__main__.py); tests/test_startup.py fails when it is stale.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "claude_cli" / "root_help.py"
# cli.run is the Typer path (no fast path in front of it); 100 columns is any terminal
# that is at least 80 wide: click never formats help wider than 78.
TYPER_HELP = (
    "import sys; sys.argv = ['claude-cli', '--help']; from claude_cli.cli import run; run()"
)


def typer_help() -> str:
    env = {**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", TYPER_HELP], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def render(text: str) -> str:
    return (
        '"""`claude-cli --help` as Typer prints it at 80 columns or more (generated).\n\n'
        "Written by tools/gen_root_help.py; tests/test_startup.py fails when it is stale.\n"
        '"""\n\n'
        "TEXT = (\n"
        + "".join(f"    {json.dumps(line)}\n" for line in text.splitlines(keepends=True))
        + ")\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args(argv)
    wanted = render(typer_help())
    if args.check:
        return 0 if TARGET.read_text(encoding="utf-8") == wanted else 1
    TARGET.write_text(wanted, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
