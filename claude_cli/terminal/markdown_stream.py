"""Split streaming Markdown into finished blocks and an unfinished tail.

Text is fed as it arrives; `feed` returns the blocks that can no longer change
(so they can be rendered once and left in the scrollback). Each line is looked
at once, so the total work is linear in the length of the reply.

A cut is made before a line that must start a new block: a non-indented,
non-blank line after a blank line, an ATX heading or a closed code fence; or a
heading or fence opening that interrupts a paragraph. Never inside a fence.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)")
_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")


class BlockSplitter:
    def __init__(self) -> None:
        self._lines: list[str] = []  # complete lines not yet emitted
        self._partial = ""  # the line being received
        self._fence: str | None = None  # the open fence marker, if inside one
        self._boundary = False  # may the next line start a new block?

    @property
    def lines(self) -> list[str]:
        """The complete lines of the unfinished block (each ending in a newline);
        callers only read it."""
        return self._lines

    @property
    def partial(self) -> str:
        """The line being received."""
        return self._partial

    @property
    def in_fence(self) -> bool:
        return self._fence is not None

    @property
    def tail(self) -> str:
        """Everything not yet emitted as a finished block."""
        return "".join(self._lines) + self._partial

    def feed(self, text: str) -> list[str]:
        finished: list[str] = []
        if "\n" in text:
            pieces = (self._partial + text).split("\n")
            self._partial = pieces.pop()
            for raw in pieces:
                self._line(raw + "\n", finished)
        else:
            self._partial += text
        # A line that has only begun already tells whether it starts a new block.
        if self._boundary and self._partial[:1] not in ("", " ", "\t") and self._fence is None:
            self._cut(finished)
        return finished

    def _cut(self, finished: list[str]) -> None:
        if any(s.strip() for s in self._lines):
            finished.append("".join(self._lines).strip("\n"))
        self._lines = []

    def close(self) -> str:
        """End of the reply: whatever remains, as one last block."""
        rest = self.tail
        self._lines, self._partial, self._fence, self._boundary = [], "", None, False
        return rest

    def _line(self, line: str, finished: list[str]) -> None:
        stripped = line.strip()
        if self._fence is not None:
            self._lines.append(line)
            if _closes(line, self._fence):
                self._fence = None
                self._boundary = True
            return
        fence = _FENCE.match(line)
        if fence is not None and fence.group(1)[0] == "`" and "`" in fence.group(2):
            fence = None  # CommonMark: a backtick fence's info string has no backtick
        heading = _HEADING.match(line) is not None
        starts_block = (
            bool(stripped)
            and line[0] not in " \t"
            and (self._boundary or fence is not None or heading)
        )
        if starts_block:
            self._cut(finished)
        self._lines.append(line)
        if fence is not None:
            self._fence = fence.group(1)
            self._boundary = False
        else:
            self._boundary = not stripped or heading


def _closes(line: str, fence: str) -> bool:
    """A closing fence: at most 3 spaces in, the opener's character, at least as
    many of it, nothing after but spaces."""
    body = line.rstrip("\n").rstrip(" \t")
    indent = len(body) - len(body.lstrip(" "))
    if indent > 3:
        return False
    run = body[indent:]
    return len(run) >= len(fence) and run == fence[0] * len(run)


def opens_fence(line: str) -> tuple[str, str] | None:
    """(marker, language) when `line` opens a fenced code block at the left edge
    (the case streamed line by line; an indented fence is rendered whole)."""
    match = _FENCE.match(line)
    if match is None or line[0] == " ":
        return None
    marker, info = match.group(1), match.group(2).strip()
    if marker[0] == "`" and "`" in info:
        return None
    return marker, info.partition(" ")[0]


def closes_fence(line: str, fence: str) -> bool:
    return _closes(line, fence)


# -- inside one block: what can no longer change ------------------------------------

_ITEM = re.compile(r"([-+*]|(\d{1,9})([.)]))( +|$)")
_TOKEN = re.compile(r"\S+")


_THEMATIC = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
# What may end a paragraph (or a list item) without a blank line: an HTML block, a
# heading, a quote, a fence, a thematic break or setext underline, a table row.
_INTERRUPTS = re.compile(r" {0,3}(<|#|>|```|~~~|=|-|\*|_|\+|\||\d{1,9}[.)])")


def list_marker(line: str) -> tuple[str, int | None] | None:
    """A top-level list item's marker kind ("-", "*", "+", "." or ")") and its
    number (None for bullets), when `line` starts one at the left edge (a
    thematic break such as "* * *" is not an item)."""
    match = _ITEM.match(line)
    if match is None or _THEMATIC.match(line.rstrip("\n")):
        return None
    if match.group(2) is not None:
        return match.group(3), int(match.group(2))
    return match.group(1), None


def may_interrupt(line: str) -> bool:
    """Heuristic: could `line` end the paragraph or list item above it, or change
    what it is? Then what is above is not final until the block ends."""
    return _INTERRUPTS.match(line) is not None


def settled_item(line: str) -> bool:
    """A line being received that is surely a list item (not a thematic break to
    be): after its marker comes a character that no break is made of."""
    match = _ITEM.match(line)
    return match is not None and line[match.end() :].strip(" \t-*_") != ""


def renumber(line: str, number: int) -> str:
    """An ordered item's first line with its number set (a list streamed in parts
    keeps counting: "1. / 1. / 1." is numbered 1, 2, 3 as when rendered whole)."""
    match = _ITEM.match(line)
    if match is None or match.group(2) is None:
        return line
    return str(number) + line[match.end(2) :]


def starts_paragraph(first: str) -> bool:
    """Does a block beginning with `first` start a plain paragraph (not a list,
    heading, quote, table, fence, HTML, link definition or indented code)?"""
    return bool(first) and (first[0].isalnum() or first[0] in "\"'(") and not _ITEM.match(first)


# Delimiters that may open an inline construct closed later: a cut inside one
# would render its two halves differently from the whole.
_ESCAPE = re.compile(r"\\.")
_EMPHASIS_STAR = re.compile(r"\*+(?=\S)|(?<=\S)\*+")
_EMPHASIS_UNDER = re.compile(r"(?<![0-9A-Za-z])_+|_+(?![0-9A-Za-z])")
_OPEN_TAG = re.compile(r"<[A-Za-z/!?][^>]*$")


def is_neutral(text: str) -> bool:
    """Heuristic: `text` (the start of a paragraph) leaves no inline construct
    open: code spans, emphasis, strikethrough, links and tags all closed."""
    text = _ESCAPE.sub("", text)
    if text.count("`") % 2 or text.count("~") % 2 or text.count("[") != text.count("]"):
        return False
    if text.count("(") != text.count(")") and "](" in text:
        return False
    if sum(len(m) for m in _EMPHASIS_STAR.findall(text)) % 2:
        return False
    if sum(len(m) for m in _EMPHASIS_UNDER.findall(text)) % 2:
        return False
    return _OPEN_TAG.search(text) is None


def paragraph_cut(source: str, rendered: list[str]) -> int | None:
    """Where in `source` (a paragraph's text) the last of its `rendered` lines
    begins, when that can be known: every source word renders as one word, and
    what comes before leaves nothing open. None otherwise (render it whole)."""
    tokens = [m.start() for m in _TOKEN.finditer(source)]
    counts = [len(line.split()) for line in rendered]
    last = counts[-1] if counts else 0
    if not last or sum(counts) != len(tokens):
        return None
    cut = tokens[-last]
    head, rest = source[:cut], source[cut:]
    if not is_neutral(head) or not starts_paragraph(rest):
        return None
    return cut
