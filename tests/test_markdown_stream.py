from __future__ import annotations

import io
import random

import pytest

from claude_cli.terminal.markdown_stream import BlockSplitter

DOC = """# Title

First paragraph
continues here.

- item one
- item two

  continued item two

```python
x = 1

y = 2
```
After the fence.
## Heading two
Text under heading.
"""


def split_all(text: str, pieces: list[str]) -> list[str]:
    s = BlockSplitter()
    blocks: list[str] = []
    for piece in pieces:
        blocks += s.feed(piece)
    rest = s.close()
    if rest.strip():
        blocks.append(rest.strip("\n"))
    return blocks


def test_blocks_are_cut_at_safe_places() -> None:
    blocks = split_all(DOC, [DOC])
    assert blocks == [
        "# Title",
        "First paragraph\ncontinues here.",
        "- item one\n- item two\n\n  continued item two",
        "```python\nx = 1\n\ny = 2\n```",
        "After the fence.",
        "## Heading two",
        "Text under heading.",
    ]


def test_never_cuts_inside_a_code_fence() -> None:
    for block in split_all(DOC, [DOC]):
        assert block.count("```") in (0, 2)


def test_result_does_not_depend_on_chunking_and_loses_nothing() -> None:
    whole = split_all(DOC, [DOC])
    rng = random.Random(3)
    for _ in range(100):
        cuts = sorted(rng.sample(range(1, len(DOC)), 12))
        pieces = [DOC[a:b] for a, b in zip([0, *cuts], [*cuts, len(DOC)], strict=True)]
        assert split_all(DOC, pieces) == whole


def test_tail_is_the_unfinished_block() -> None:
    s = BlockSplitter()
    assert s.feed("Para one.\n") == []
    assert s.tail == "Para one.\n"
    # The first character after a blank line is enough to know a new block began.
    assert s.feed("\nPara tw") == ["Para one."]
    assert s.tail == "Para tw"
    assert s.feed("o.\n\n  indented") == []
    assert s.feed(" still\nThree") == []
    assert s.tail == "Para two.\n\n  indented still\nThree"


def test_tilde_fences_and_longer_closing_fences() -> None:
    text = "~~~\na\n\n~~~~\nafter\n\nend\n"
    assert split_all(text, [text]) == ["~~~\na\n\n~~~~", "after", "end"]


# -- streamed = whole: what a person sees does not depend on how the text arrived ----

STREAMED_DOCS = {
    "loose numbers": "1. one\n\n1. two\n\n1. three\n\nAfter.",
    "many items": "\n".join(f"{i}. item {i} " + "word " * 20 for i in range(1, 40)),
    "nested list": "- a\n- b\n\n- c\n  continued\n  - inner\n- d\n\n  para in d\n\nAfter.",
    "long paragraph": "Intro **bold words here** and `a code span` and [a link](https://x.y/z) "
    * 15,
    "odd delimiters": "Some 2 * 3 = 6, snake_case_name, a < b and x_y. " * 12,
    "reference across blocks": "[docs]: https://example.com/docs\n\nSee [docs] now.",
    "bare heading": "Text.\n\n##\n\n>\n\nEnd.",
    "indented close": "```\ncode\n    ```\nstill code\n```\n\nafter",
    "backtick info": "``` a`b\nnot a fence\n```",
    "code then text": "```py\na = 1\nb = 2\n```\n\n" + "word " * 80,
    "table": "| a | b |\n|---|---|\n"
    + "\n".join(f"| r{i} | v{i} |" for i in range(30))
    + "\n\nend",
}


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError


def _screen(text: str, step: int | None, rows: int, cols: int) -> list[str]:
    from claude_cli.terminal.render import MarkdownRenderer

    from terminal import emulate

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
    screen = emulate(out.getvalue().replace("\n", "\r\n"), rows, cols)
    lines = [line.rstrip() for line in [*screen.history, *screen.lines]]
    return "\n".join(lines).rstrip().split("\n")


@pytest.mark.parametrize("name", list(STREAMED_DOCS))
@pytest.mark.parametrize(("rows", "cols"), [(24, 80), (12, 37)])
def test_streamed_output_equals_the_whole(monkeypatch, name: str, rows: int, cols: int) -> None:
    monkeypatch.setenv("COLUMNS", str(cols))
    monkeypatch.setenv("LINES", str(rows))
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    text = STREAMED_DOCS[name]
    whole = _screen(text, None, rows, cols)
    for step in (2, 7):
        assert _screen(text, step, rows, cols) == whole, step
