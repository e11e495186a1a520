"""Showing a reply as it streams: exact text in a pipe, Markdown on a terminal.

Renderers take text (and thinking) deltas and a final `finish()`. They never
see HTTP. The Markdown renderer prints each finished block once into the
scrollback and redraws only the unfinished tail, at most `REFRESH_HZ` times a
second, so its cost stays linear in the length of the reply.
"""

from __future__ import annotations

import copy
import re
import time
from typing import TYPE_CHECKING, Protocol, TextIO

from .markdown_blocks import BlockSplitter
from .term import dim, sanitize

if TYPE_CHECKING:
    from rich.console import Console

REFRESH_HZ = 10
CODE_THEME = "monokai"


_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _blank(line: str) -> bool:
    """An empty line, or only spaces in a foreground style (a code block's
    background-coloured padding is part of the block, so it stays)."""
    return "48;" not in line and not _SGR.sub("", line).strip()


class Renderer(Protocol):
    def text(self, text: str) -> None: ...
    def thinking(self, text: str) -> None: ...
    def finish(self) -> None: ...


class RawRenderer:
    """Writes text exactly as it arrives (pipes), or sanitised (`--plain` on a terminal).

    Thinking goes to `thinking_to` (stderr) when given, else nowhere.
    """

    def __init__(
        self, out: TextIO, *, safe: bool = False, thinking_to: TextIO | None = None
    ) -> None:
        self.out = out
        self.safe = safe
        self.thinking_to = thinking_to
        self._last = ""
        self._thinking_open = False

    def text(self, text: str) -> None:
        if not text:
            return
        self._end_thinking()
        self.out.write(sanitize(text) if self.safe else text)
        self.out.flush()
        self._last = text

    def thinking(self, text: str) -> None:
        if self.thinking_to is not None and text:
            self.thinking_to.write(dim(sanitize(text), self.thinking_to))
            self.thinking_to.flush()
            self._thinking_open = True

    def _end_thinking(self) -> None:
        if self._thinking_open and self.thinking_to is not None:
            self.thinking_to.write("\n")
            self.thinking_to.flush()
            self._thinking_open = False

    def finish(self) -> None:
        self._end_thinking()
        if self._last and not self._last.endswith("\n"):
            self.out.write("\n")
        self.out.flush()


def make_console(file: TextIO, *, width: int | None = None) -> Console:
    from rich.console import Console

    # highlight=False / markup=False: model text is never rich markup.
    return Console(file=file, highlight=False, markup=False, emoji=False, width=width)


class MarkdownRenderer:
    """Incremental Markdown on a terminal."""

    def __init__(
        self,
        console: Console,
        *,
        show_thinking: bool = False,
        status: TextIO | None = None,
        clock=time.monotonic,
    ) -> None:
        self.console = console
        self.out: TextIO = console.file
        self.status = status
        self.show_thinking = show_thinking
        self.clock = clock
        self.splitter = BlockSplitter()
        self._tail_lines = 0
        self._last_draw = 0.0
        self._blocks_printed = 0
        self._thinking_chars = 0
        self._thinking_open = False
        self._template = None
        self._parser = None

    # -- deltas -------------------------------------------------------------

    def text(self, text: str) -> None:
        if not text:
            return
        self._end_thinking()
        finished = self.splitter.feed(sanitize(text))
        if finished:
            self._clear_tail()
            for block in finished:
                self._print_block(block)
        # The tail is redrawn on a clock, never per delta or per block: a fast
        # stream costs one render of each block plus ~REFRESH_HZ tails a second.
        now = self.clock()
        if now - self._last_draw >= 1 / REFRESH_HZ:
            self._draw_tail()
            self._last_draw = now

    def thinking(self, text: str) -> None:
        if not text or self.status is None:
            return
        self._thinking_chars += len(text)
        if self.show_thinking:
            self.status.write(dim(sanitize(text), self.status))
        elif not self._thinking_open:
            self.status.write(dim("✻ thinking…", self.status))
        self._thinking_open = True
        self.status.flush()

    def finish(self) -> None:
        self._end_thinking()
        self._clear_tail()
        rest = self.splitter.close()
        if rest.strip():
            self._print_block(rest.strip("\n"))
        self.out.flush()

    # -- drawing ------------------------------------------------------------

    def _end_thinking(self) -> None:
        if not self._thinking_open or self.status is None:
            return
        self._thinking_open = False
        if self.show_thinking:
            self.status.write("\n")
        else:
            words = self._thinking_chars // 5
            self.status.write("\r\x1b[2K" + dim(f"✻ thought (~{words} words)", self.status) + "\n")
        self.status.flush()

    def _markdown(self, text: str):
        """A rich Markdown for `text`. rich builds a new MarkdownIt parser for every
        Markdown object, which is half the cost of a small block; we keep one
        configured object and one parser and only swap in the parsed text."""
        if self._template is None:
            from rich.markdown import Markdown

            self._template = Markdown("", code_theme=CODE_THEME, hyperlinks=False)
            self._parser = _parser_of_rich()
        md = copy.copy(self._template)
        md.markup = text
        md.parsed = self._parser.parse(text)
        return md

    def _render(self, markdown_text: str) -> str:
        with self.console.capture() as capture:
            self.console.print(self._markdown(markdown_text))
        # rich pads every line to the full width and some blocks with empty lines;
        # unstyled padding is just bytes, and we put one blank line between blocks.
        lines = [line.rstrip(" ") for line in capture.get().split("\n")]
        while lines and _blank(lines[0]):
            lines.pop(0)
        while lines and _blank(lines[-1]):
            lines.pop()
        return "\n".join(lines) + "\n" if lines else ""

    def _print_block(self, block: str) -> None:
        if not block.strip():
            return
        if self._blocks_printed:
            self.out.write("\n")
        self.out.write(self._render(block))
        self._blocks_printed += 1

    def _draw_tail(self) -> None:
        tail = self.splitter.tail
        self._clear_tail()
        if not tail.strip():
            self.out.flush()
            return
        lines = self._render(tail).split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        # Only what fits on the screen: cursor-up cannot reach into the scrollback.
        room = max(self.console.size.height - 2, 1)
        lines = lines[-room:]
        prefix = "\n" if self._blocks_printed else ""
        self.out.write(prefix + "\n".join(lines) + "\n")
        self._tail_lines = len(lines) + (1 if prefix else 0)
        self.out.flush()

    def _clear_tail(self) -> None:
        if self._tail_lines:
            self.out.write(f"\x1b[{self._tail_lines}A\x1b[J")
            self._tail_lines = 0


def _parser_of_rich():
    """The same parser rich.markdown.Markdown configures for itself."""
    from markdown_it import MarkdownIt

    return MarkdownIt().enable("strikethrough").enable("table")
