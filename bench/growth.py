"""Growth inside one block: does a long block cost more per word than a short one?

Four shapes (one paragraph, one list, one table, one code block) of N words are
fed to the real MarkdownRenderer in 1-word deltas, on a simulated clock of
RATE words/s, writing to a terminal-like sink of WIDTHxROWS. Measured as CPU
(time.process_time), in-process: no server, no pseudo-terminal, so the figure
is the renderer's alone. For each shape: CPU per word at N=1,000 and N=10,000,
their ratio (budget ≤ 2x) and the largest lag of the screen behind the stream
(budget ≤ 0.5 s): how far the renderer's CPU time ran ahead of the simulated
arrival time of the words it had drawn.

    python bench/growth.py                  # all four shapes, 1k and 10k words
    python bench/growth.py --shapes code --words 1000,20000
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SHAPES = ("paragraph", "list", "table", "code")


class Terminal(io.StringIO):
    """A terminal that keeps nothing: the renderer sees a TTY of a fixed size."""

    def isatty(self) -> bool:
        return True

    def write(self, s: str) -> int:
        return len(s)

    def fileno(self) -> int:
        raise OSError("no descriptor: the size comes from COLUMNS/LINES")


def words_of(shape: str, n: int) -> list[str]:
    """The reply as 1-word deltas (each delta carries its separator)."""
    out: list[str] = []
    for i in range(n):
        word = f"w{i}"
        if shape == "paragraph":
            out.append(word + " ")
        elif shape == "list":
            out.append(("- " if i % 10 == 0 else "") + word + ("\n" if i % 10 == 9 else " "))
        elif shape == "table":
            if i == 0:
                out.append("| a | b | c | d | e |\n|---|---|---|---|---|\n")
            lead = "| " if i % 10 == 0 else ""
            sep = " |\n" if i % 10 == 9 else (" | " if i % 2 else " ")
            out.append(lead + word + sep)
        else:
            if i == 0:
                out.append("```python\n")
            out.append(word + ("\n" if i % 10 == 9 else " "))
    if shape == "code":
        out.append("\n```\n")
    return out


def measure(shape: str, n: int, rate: float) -> tuple[float, float]:
    """(CPU seconds per word, worst lag in seconds)."""
    from claude_cli.terminal.render import MarkdownRenderer

    deltas = words_of(shape, n)
    sim = [0.0]
    renderer = MarkdownRenderer(Terminal(), clock=lambda: sim[0])
    start = time.process_time()
    lag = 0.0
    for i, delta in enumerate(deltas):
        sim[0] = i / rate
        renderer.text(delta)
        lag = max(lag, (time.process_time() - start) - sim[0])
    renderer.finish()
    cpu = time.process_time() - start
    return cpu / n, lag


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--words", default="1000,10000", help="short,long")
    parser.add_argument("--rate", type=float, default=100.0, help="words/s of simulated time")
    parser.add_argument("--size", default="100x40", help="WIDTHxROWS")
    parser.add_argument("--json", action="store_true", help="one JSON line per shape")
    args = parser.parse_args(argv)
    width, rows = args.size.split("x")
    os.environ.update(COLUMNS=width, LINES=rows, TERM="xterm-256color")
    os.environ.pop("NO_COLOR", None)
    short, long = (int(w) for w in args.words.split(","))
    failed = 0
    print(
        f"{'shape':10} {'µs/word @' + str(short):>14} {'µs/word @' + str(long):>15} "
        f"{'ratio':>6} {'lag':>7}  verdict"
    )
    measure("paragraph", 200, args.rate)  # warm: imports, lexers, caches
    for shape in args.shapes.split(","):
        per_short, _ = measure(shape, short, args.rate)
        per_long, lag = measure(shape, long, args.rate)
        ratio = per_long / per_short
        ok = ratio <= 2.0 and lag <= 0.5
        failed += not ok
        if args.json:
            row = {"shape": shape, "short": short, "long": long, "lag": lag}
            print(json.dumps({**row, "per_short": per_short, "per_long": per_long}))
            continue
        print(
            f"{shape:10} {per_short * 1e6:14.0f} {per_long * 1e6:15.0f} {ratio:5.2f}x "
            f"{lag:6.2f}s  {'PASS' if ok else 'FAIL'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
