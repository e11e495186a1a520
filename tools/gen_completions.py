#!/usr/bin/env python3
"""Rewrite the committed static shell completions in completions/.

    python tools/gen_completions.py            # rewrites completions/
    python tools/gen_completions.py --out DIR  # writes somewhere else (the stale test)

The generator itself is claude_cli/completion.py, so that an installed claude-cli can
print its scripts too (`claude-cli completion bash`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's claude_cli, even when another is installed

from claude_cli.completion import command_tree, render_all  # noqa: E402

__all__ = ["command_tree", "main", "render_all"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "completions")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in render_all().items():
        (args.out / name).write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
