"""Showing a reply as it streams: exact text in a pipe, Markdown on a terminal.

Renderers take text (and thinking) deltas and a final `finish()`. They never
see HTTP. The Markdown renderer prints each finished block once into the
scrollback and redraws only the unfinished tail, at most `REFRESH_HZ` times a
second, so its cost stays linear in the length of the reply.
"""

from __future__ import annotations

import os
import shutil
import time
from typing import Protocol, TextIO

from .markdown_ansi import Mode
from .markdown_ansi import render as render_markdown
from .markdown_blocks import BlockSplitter
from .term import dim, isatty, sanitize, use_color

# A tail frame costs 0.1-0.7 ms now that we render Markdown ourselves: at 300
# words/s, 10 frames a second measured the same CPU as 8 or 5 (within noise),
# and anything slower looks jerky. The clock, not the delta rate, bounds the cost.
REFRESH_HZ = 10


class Renderer(Protocol):
    """Also optional: `thinking_started()`, called when a thinking block begins (its text
    may never come: newer models omit it unless asked)."""

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


def terminal_size(out: TextIO) -> os.terminal_size:
    """The size of the terminal `out` writes to (asked each time: it may be resized)."""
    try:
        return os.get_terminal_size(out.fileno())
    except (AttributeError, OSError, ValueError):
        return shutil.get_terminal_size()


def markdown_mode(out: TextIO) -> Mode:
    """Colour on a terminal, attributes only under NO_COLOR (or TERM=dumb), and
    plain text anywhere else."""
    if use_color(out):
        return "color"
    return "mono" if isatty(out) else "plain"


class MarkdownRenderer:
    """Incremental Markdown on a terminal."""

    def __init__(
        self,
        out: TextIO,
        *,
        show_thinking: bool = False,
        status: TextIO | None = None,
        clock=time.monotonic,
        mode: Mode | None = None,
    ) -> None:
        self.out = out
        self.mode: Mode = mode or markdown_mode(out)
        self.status = status
        self.show_thinking = show_thinking
        self.clock = clock
        self.splitter = BlockSplitter()
        self._tail_lines = 0
        self._last_draw = 0.0
        self._blocks_printed = 0
        self._thinking_chars = 0
        self._thinking_open = False

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

    def thinking_started(self) -> None:
        """A thinking block began: say so now, even if no text ever comes for it."""
        if self.status is None or self._thinking_open:
            return
        if not self.show_thinking:
            self.status.write(dim("✻ thinking…", self.status))
            self.status.flush()
        self._thinking_open = True

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
        elif self._thinking_chars:
            words = self._thinking_chars // 5
            self.status.write("\r\x1b[2K" + dim(f"✻ thought (~{words} words)", self.status) + "\n")
        else:  # the text was omitted: nothing to count
            self.status.write("\r\x1b[2K" + dim("✻ thought", self.status) + "\n")
        self.status.flush()

    def _render(self, markdown_text: str) -> str:
        width = terminal_size(self.out).columns
        # Blocks are separated by exactly one blank line, which we write ourselves.
        return render_markdown(markdown_text.strip("\n"), width, self.mode)

    def _print_block(self, block: str) -> None:
        rendered = self._render(block) if block.strip() else ""
        if not rendered:  # e.g. only a link reference definition
            return
        if self._blocks_printed:
            self.out.write("\n")
        self.out.write(rendered)
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
        room = max(terminal_size(self.out).lines - 2, 1)
        lines = lines[-room:]
        prefix = "\n" if self._blocks_printed else ""
        self.out.write(prefix + "\n".join(lines) + "\n")
        self._tail_lines = len(lines) + (1 if prefix else 0)
        self.out.flush()

    def _clear_tail(self) -> None:
        if self._tail_lines:
            self.out.write(f"\x1b[{self._tail_lines}A\x1b[J")
            self._tail_lines = 0
