from __future__ import annotations

import random

from claude_cli.markdown_stream import BlockSplitter

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
