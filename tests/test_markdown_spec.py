"""Streaming never changes what the Markdown means: every CommonMark 0.31.2 spec
example and markdown-it's GFM table and strikethrough examples (inputs vendored in
fixtures/markdown_spec, see its README), streamed in small deltas into a terminal
emulator, leave the same screen and scrollback as the same reply rendered whole,
at 40, 80 and 120 columns."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyte
import pytest

from claude_cli.terminal.render import MarkdownRenderer

EXAMPLES = json.loads(
    (Path(__file__).parent / "fixtures" / "markdown_spec" / "examples.json").read_text()
)
# Tall enough for every example: nothing scrolls, so a plain Screen (much faster
# than a HistoryScreen) holds all of it, and the tail is never cut to the screen.
ROWS = 120

# Examples whose streamed rendering cannot equal the whole one, and why.
KNOWN_DIFFERENCES: dict[str, str] = {}


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError


def _row(line) -> str:
    # pyte's `display` is slow (it pads every row to the width): this is the same text.
    if not line:
        return ""
    return "".join(line[x].data if x in line else " " for x in range(max(line) + 1)).rstrip()


def _screen(text: str, step: int | None, cols: int) -> str:
    out = _Tty()
    now = [0.0]

    def clock() -> float:
        now[0] += 0.02  # a frame every few deltas
        return now[0]

    renderer = MarkdownRenderer(out, clock=clock)
    pieces = [text] if step is None else [text[i : i + step] for i in range(0, len(text), step)]
    for piece in pieces:
        renderer.text(piece)
    renderer.finish()
    screen = pyte.Screen(cols, ROWS)
    pyte.Stream(screen).feed(out.getvalue().replace("\n", "\r\n"))
    assert screen.cursor.y < ROWS - 1, "the example scrolled: make ROWS larger"
    return "\n".join(_row(screen.buffer[y]) for y in range(screen.cursor.y + 1)).rstrip()


@pytest.mark.parametrize(("cols", "steps"), [(40, (3,)), (80, (1,)), (120, (2,))])
def test_spec_examples_stream_as_they_render_whole(monkeypatch, cols: int, steps) -> None:
    monkeypatch.setenv("COLUMNS", str(cols))
    monkeypatch.setenv("LINES", str(ROWS))
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    differ: list[str] = []
    for example in EXAMPLES:
        text = example["markdown"]
        whole = _screen(text, None, cols)
        for step in steps:
            if _screen(text, step, cols) != whole:
                differ.append(f"{example['id']} (step {step})")
                break
    unexpected = [d for d in differ if d.split()[0] not in KNOWN_DIFFERENCES]
    assert not unexpected, f"{len(unexpected)} of {len(EXAMPLES)} differ: {unexpected[:20]}"


def test_the_vendored_examples_are_all_there() -> None:
    ids = {e["id"] for e in EXAMPLES}
    assert len([i for i in ids if i.startswith("commonmark-")]) == 652
    assert {"gfm-tables-1", "gfm-strikethrough-1"} <= ids
