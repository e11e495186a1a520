"""Showing a reply as it streams: exact text in a pipe, Markdown on a terminal.

Renderers take text (and thinking) deltas and a final `finish()`. They never
see HTTP. The Markdown renderer (rich renders, we decide when) prints each
finished block once into the scrollback and redraws only the unfinished tail,
at most `REFRESH_HZ` times a second and never taller than the screen, so
nothing is copied into the scrollback twice. Lines that can no longer change
(a code block's complete lines) go to the scrollback as they arrive, so a long
code block costs what is new, not what is on screen.

This module imports no rich at import time (piped `ask` never loads it); the
Markdown renderer starts importing it in a thread while the request is in flight.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import threading
import time
from typing import TYPE_CHECKING, TextIO

from claude_cli.terminal.markdown_stream import (
    BlockSplitter,
    closes_fence,
    list_marker,
    may_interrupt,
    opens_fence,
    paragraph_cut,
    renumber,
    settled_item,
    starts_paragraph,
)
from claude_cli.terminal.term import dim, dumb_terminal, sanitize

if TYPE_CHECKING:
    from rich.console import Console

    from claude_cli.terminal.console import Mode

# The clock, not the delta rate, bounds the cost of the tail: ~10 frames a
# second look smooth, and each frame renders only the unfinished block.
REFRESH_HZ = 10

# Synchronized output (DEC private mode 2026): the terminal shows the erase and
# the redraw together, so a redraw never flickers (over SSH, too). Terminals
# that do not know the mode ignore it, as every unknown private mode.
# A changed last line longer than this many cells gets only its new words written.
APPEND_MIN = 40

SYNC_ON, SYNC_OFF = "\x1b[?2026h", "\x1b[?2026l"
# Autowrap (DECAWM) off and on again, around a tail line of uncertain width.
NOWRAP_ON, NOWRAP_OFF = "\x1b[?7l", "\x1b[?7h"
# Characters whose width terminals do not agree on, nor with rich's cell_len: the
# parts of emoji sequences (ZWJ, variation selectors, keycaps, skin tones), symbols
# and emoji made wide in recent Unicode versions (U+2600-27BF with U+2630-2637,
# U+2B00-2BFF, the hexagrams U+4DC0-4DFF, the planes of emoji).
_UNCERTAIN = re.compile(
    "[\u200d\u20e3\ufe0e\ufe0f\u2600-\u27bf\u2b00-\u2bff\u4dc0-\u4dff\U0001f000-\U0001ffff]"
)


def terminal_size(out: TextIO) -> os.terminal_size:
    """The size of the terminal `out` writes to (asked each time: it may be resized)."""
    try:
        size = os.get_terminal_size(out.fileno())
    except (AttributeError, OSError, ValueError):
        return shutil.get_terminal_size()
    if size.columns > 0 and size.lines > 0:
        return size
    # A pty without a window size (script, docker exec -t, CI) says 0x0: then
    # $COLUMNS / $LINES, or 80x24, as shutil and rich do; never one letter a line.
    fallback = shutil.get_terminal_size()
    return os.terminal_size((size.columns or fallback.columns, size.lines or fallback.lines))


def markdown_mode(out: TextIO) -> Mode:
    """What `out`'s Console may write: colour, attributes only (NO_COLOR) or
    plain text (TERM=dumb, or not a terminal), as rich decides."""
    from claude_cli.terminal.console import console_for, console_mode

    return console_mode(console_for(out))


def _warm_imports() -> None:
    # In a thread, while the request is on the network: the first token then
    # finds rich.markdown (and markdown-it) imported. The import lock makes a
    # main-thread import of the same module wait for this one, never repeat it.
    with contextlib.suppress(Exception):  # the main thread's import will report it
        from claude_cli.terminal import markdown_rich  # noqa: F401


class _Line:
    """A rendered line: the text with escapes, and its width in cells."""

    __slots__ = ("ansi", "cells", "plain")

    def __init__(self, ansi: str, cells: int, plain: str) -> None:
        self.ansi, self.cells, self.plain = ansi, cells, plain


_SGR = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")


def _cells(ansi: str) -> int:
    """The width of a drawn line (escapes removed)."""
    from rich.cells import cell_len

    return cell_len(_SGR.sub("", ansi))


def _plain(line) -> str:
    return "".join(segment.text for segment in line if not segment.control)


class _Open:
    """The unfinished block, while what of it can no longer change goes to the
    scrollback: a code block's complete lines, a list's items before the one
    being written, a paragraph's wrapped lines but the last. What is on screen
    is then only the rest, so a frame costs what is new, not the block's length."""

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "code", "list", "paragraph" or "table" (shown, not committed)
        self.started = False  # is part of it in the scrollback (its blank line too)?
        self.fence = self.language = ""  # code
        self.shown = 0  # code lines in the scrollback
        self.closed = False  # code: the closing fence has arrived
        self.marker = ""  # list: "-", "*", "+", "." or ")"
        self.number: int | None = None  # list: the next item's number (ordered)
        self.start = 0  # list: the first line not in the scrollback
        self.scan = 1  # list: the first line not yet looked at
        self.offset = 0  # paragraph: characters in the scrollback
        self.frozen = False  # something may change what is above: commit no more


class MarkdownRenderer:
    """Incremental Markdown on a terminal (see the module docstring)."""

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
        self.status = status
        self.show_thinking = show_thinking
        self.clock = clock
        self._mode = mode
        self.splitter = BlockSplitter()
        self._console: Console | None = None
        # The tail on the screen, above the cursor's line: each line and its rows.
        self._drawn: list[tuple[str, int]] = []
        self._last_draw = 0.0
        self._printed = False  # has a block been printed (the next needs a blank line)?
        self._open: _Open | None = None
        self._references: dict = {}  # link reference definitions seen so far
        self._dims: tuple[int, int, int] | None = None
        self._thinking_chars = 0
        self._thinking_open = False
        if "claude_cli.terminal.markdown_rich" not in sys.modules:  # chat's second reply has it
            threading.Thread(target=_warm_imports, daemon=True).start()

    # -- the console, made on first use ------------------------------------------

    @property
    def console(self) -> Console:
        if self._console is None:
            from claude_cli.terminal.console import (
                can_move_cursor,
                console_for,
                string_console,
                supports_hyperlinks,
            )

            if self._mode is None:
                self._console = console_for(self.out)
            else:
                self._console = string_console(terminal_size(self.out).columns, self._mode)
            self._movable = can_move_cursor(self._console) and self._mode is None
            self._links = supports_hyperlinks(self._console)
        return self._console

    def _size(self) -> tuple[int, int, int]:
        # Asked once per delta (it may be resized), not once per render.
        if self._dims is None:
            self._dims = self._measure()
        return self._dims

    def _measure(self) -> tuple[int, int, int]:
        """(width to render at, rows on screen, columns on screen)."""
        console = self.console
        width = max(console.width, 1)
        rows, columns = console.height, width
        if self._movable:
            # Cursor-up reaches only the real screen, whatever LINES says, and a
            # line wider than the real screen (resized, or COLUMNS too large) is
            # soft-wrapped into more rows than it has lines.
            real = terminal_size(self.out)
            if real.lines > 0:
                rows = min(rows, real.lines)
            if real.columns > 0:
                columns = min(columns, real.columns)
        return width, max(rows, 2), columns

    # -- deltas ---------------------------------------------------------------

    def text(self, text: str) -> None:
        if not text:
            return
        self._end_thinking()
        self.console  # noqa: B018 - made on the first delta, after the request went out
        finished = self.splitter.feed(sanitize(text))
        self._dims = None
        now = self.clock()
        due = now - self._last_draw >= 1 / REFRESH_HZ
        if not finished and not due:
            return
        permanent = "".join(self._block(block) for block in finished)
        tail: list[tuple[str, int]] = []
        if due:
            # The next block's beginning waits for the clock too: at full speed a
            # tail drawn after every finished block would double the rendering.
            committed, tail = self._frame()
            permanent += committed
            self._last_draw = now
        self._write(self._update(permanent, tail))

    def thinking_started(self) -> None:
        """A thinking block began: say so now, even if no text ever comes for it."""
        if self.status is None or self._thinking_open:
            return
        if not self.show_thinking:
            # A dumb terminal cannot rewrite the line later: it gets a line of its own.
            end = "" if self._can_rewrite_status() else "\n"
            self.status.write(dim("✻ thinking…", self.status) + end)
            self.status.flush()
        self._thinking_open = True

    def thinking(self, text: str) -> None:
        if not text or self.status is None:
            return
        self._thinking_chars += len(text)
        if self.show_thinking:
            self.status.write(dim(sanitize(text), self.status))
        elif not self._thinking_open and self._can_rewrite_status():
            self.status.write(dim("✻ thinking…", self.status))
        self._thinking_open = True
        self.status.flush()

    def finish(self) -> None:
        self._end_thinking()
        self.console  # noqa: B018
        self._dims = None
        rest = self.splitter.close().strip("\n")
        self._write(self._update(self._block(rest) if rest.strip() else "", []))
        self.out.flush()

    # -- blocks -----------------------------------------------------------------

    def _render(self, markdown_text: str, *, final: bool = True) -> list[_Line]:
        """Lines of Markdown text; `final` when they go to the scrollback (then
        the link definitions they hold apply to the blocks after them)."""
        from rich.segment import Segment

        from claude_cli.terminal.markdown_rich import ReplyMarkdown, segment_lines, to_ansi

        console = self.console
        refs = self._references if final else dict(self._references)
        md = ReplyMarkdown(markdown_text, hyperlinks=self._links, references=refs)
        width = self._size()[0]
        return [
            _Line(to_ansi(console, line), Segment.get_line_length(line), _plain(line))
            for line in segment_lines(console, md, width)
        ]

    def _code_lines(self, lines: list[str], language: str) -> list[_Line]:
        from rich.segment import Segment

        from claude_cli.terminal.markdown_rich import code_segments, to_ansi

        code = "".join(lines)
        if code.endswith("\n"):
            code = code[:-1]
        console = self.console
        return [
            _Line(to_ansi(console, segs), Segment.get_line_length(segs), "")
            for segs in code_segments(console, code, language)
        ]

    def _separated(self, lines: list[_Line]) -> str:
        """Lines for the scrollback, after the blank line that separates blocks."""
        if not any(line.cells for line in lines):
            return ""  # e.g. only a link reference definition
        text = "".join(line.ansi + "\n" for line in lines)
        if self._printed:
            text = "\n" + text
        self._printed = True
        return text

    def _block(self, block: str) -> str:
        """A finished block, for the scrollback: whole, or what is not there yet."""
        opened, self._open = self._open, None
        if opened is None or not opened.started:
            return self._separated(self._render(block))
        if opened.kind == "code":
            return self._code_rest(opened, block)
        if opened.kind == "list":
            return self._lines_text(self._render(self._list_rest(opened, block.split("\n"))))
        return self._lines_text(self._render(block[opened.offset :]))

    def _code_rest(self, code: _Open, block: str) -> str:
        lines = block.split("\n")[1:]
        body, after = lines, []
        for i, line in enumerate(lines):
            if closes_fence(line, code.fence):
                body, after = lines[:i], lines[i + 1 :]
                break
        new = body[code.shown :]
        text = ""
        if new:
            text = self._lines_text(self._code_lines([line + "\n" for line in new], code.language))
        if "\n".join(after).strip():
            text += self._separated(self._render("\n".join(after)))
        return text

    @staticmethod
    def _lines_text(lines: list[_Line]) -> str:
        return "".join(line.ansi + "\n" for line in lines)

    def _list_rest(self, opened: _Open, lines: list[str]) -> str:
        rest = "".join(
            line if line.endswith("\n") else line + "\n" for line in lines[opened.start :]
        )
        if opened.number is not None:
            rest = renumber(rest, opened.number)
        return rest.rstrip("\n")

    def _begin(self) -> str:
        """The blank line before a block whose first part goes to the scrollback."""
        opened = self._open
        assert opened is not None
        text = "\n" if self._printed and not opened.started else ""
        opened.started = self._printed = True
        return text

    # -- the tail -----------------------------------------------------------------

    def _frame(self) -> tuple[str, list[tuple[str, int]]]:
        """What can no longer change (for the scrollback), and (on a terminal that
        allows it) the rest of the unfinished block, to draw below it."""
        committed = self._commit()
        if not self._movable:
            return committed, []
        return committed, self._draw_tail(self._tail_lines())

    def _commit(self) -> str:
        splitter = self.splitter
        lines = splitter.lines
        if self._open is None:
            first = lines[0] if lines else splitter.partial
            if not lines and " " not in first:
                return ""  # too early to tell what the block is
            self._open = self._classify(first, complete=bool(lines))
            if self._open is None:
                return ""
        opened = self._open
        if opened.kind == "code":
            return self._commit_code(opened)
        if opened.kind == "list":
            return self._commit_items(opened)
        if opened.kind == "paragraph":
            return self._commit_paragraph(opened)
        return ""

    def _classify(self, first: str, *, complete: bool) -> _Open | None:
        if complete and (fence := opens_fence(first)) is not None:
            opened = _Open("code")
            opened.fence, opened.language = fence
            return opened
        if (marker := list_marker(first)) is not None:
            opened = _Open("list")
            opened.marker, opened.number = marker
            return opened
        if "|" in first:
            return _Open("table")
        if starts_paragraph(first):
            return _Open("paragraph")
        return None

    def _commit_code(self, code: _Open) -> str:
        if code.closed:
            return ""
        new = self.splitter.lines[1 + code.shown :]
        if not self.splitter.in_fence:
            for i, line in enumerate(new):
                if closes_fence(line, code.fence):
                    new = new[:i]
                    code.closed = True
                    break
        if not new:
            return ""
        text = ""
        if code.shown == 0:
            text = self._begin()
            if code.language:
                text += self._language_line(code.language).ansi + "\n"
        text += self._lines_text(self._code_lines(new, code.language))
        code.shown += len(new)
        return text

    def _is_item(self, opened: _Open, line: str) -> bool:
        marker = list_marker(line)
        return marker is not None and marker[0] == opened.marker

    def _commit_items(self, opened: _Open) -> str:
        """Items before the one being written are final: they go to the scrollback."""
        lines = self.splitter.lines
        last = opened.start
        for i in range(max(opened.scan, opened.start + 1), len(lines)):
            line = lines[i]
            if self._is_item(opened, line):
                last = i
            elif line.strip() and line[0] not in " \t":
                # A break, a lazy line, another kind of block: the list may end
                # here, or mean something else; it is rendered whole at its end.
                opened.frozen = True
            elif not lines[i - 1].strip() and line.lstrip().startswith(("```", "~~~")):
                # Blank lines at the end of an item's code block: rendered alone
                # they would be trimmed with the item's edge.
                opened.frozen = True
        opened.scan = len(lines)
        if opened.frozen:
            return ""
        partial = self.splitter.partial
        if len(lines) > opened.start and settled_item(partial) and self._is_item(opened, partial):
            last = len(lines)
        if last <= opened.start:
            return ""
        chunk = lines[opened.start : last]
        items = sum(1 for line in chunk if self._is_item(opened, line))
        text = "".join(chunk)
        if opened.number is not None:
            text = renumber(text, opened.number)
            opened.number += items
        opened.start = last
        rendered = self._render(text.rstrip("\n"))
        return self._begin() + self._lines_text(rendered)

    def _commit_paragraph(self, opened: _Open) -> str:
        """A paragraph's wrapped lines but the last are final (lines wrap greedily,
        so what follows a line's start depends only on what comes after it)."""
        lines = self.splitter.lines
        for i in range(max(opened.scan, 1), len(lines) + 1):
            line = lines[i] if i < len(lines) else self.splitter.partial
            if may_interrupt(line):
                opened.frozen = True  # e.g. "<div>": an HTML block ends the paragraph
        opened.scan = len(lines)
        if opened.frozen:
            return ""
        source = self.splitter.tail[opened.offset :]
        rendered = self._render(source, final=False)
        if len(rendered) < (2 if opened.started else 3):
            return ""  # short: a setext underline may still make it a heading
        plain = [line.plain for line in rendered]
        cut = paragraph_cut(source, plain)
        if cut is None:
            return ""
        opened.offset += cut
        return self._begin() + self._lines_text(rendered[:-1])

    def _language_line(self, language: str) -> _Line:
        from rich.segment import Segment

        from claude_cli.terminal.markdown_rich import to_ansi

        style = self.console.get_style("markdown.code_language", default="dim")
        return _Line(to_ansi(self.console, [Segment(language, style)]), len(language), language)

    def _tail_lines(self) -> list[_Line]:
        opened = self._open
        splitter = self.splitter
        if opened is not None and opened.kind == "code":
            partial = splitter.partial
            if opened.closed or not partial or closes_fence(partial + opened.fence, opened.fence):
                return []  # nothing, or the closing fence arriving
            return self._code_lines([splitter.partial], opened.language)
        if opened is not None and opened.kind == "list":
            tail = self._list_rest(opened, [*splitter.lines, splitter.partial])
        elif opened is not None and opened.kind == "paragraph":
            tail = splitter.tail[opened.offset :]
        elif opened is not None and opened.kind == "table":
            # A table waits for its end (its columns depend on every row); until
            # then the header and the latest rows show, not every row each frame.
            lines = splitter.lines
            keep = self._size()[1] // 2
            head = lines[:2] if len(lines) > keep + 2 else []
            tail = "".join([*head, *lines[-keep:]] if head else lines) + splitter.partial
        else:
            tail = splitter.tail
        if not tail.strip():
            return []
        lines = self._render(tail.strip("\n"), final=False)
        while lines and not lines[-1].cells:
            lines.pop()
        return lines

    def _draw_tail(self, lines: list[_Line]) -> list[tuple[str, int]]:
        """The tail's lines that fit on the screen, each with the rows it takes."""
        if not lines:
            return []
        _, rows, width = self._size()
        separator = self._printed and (self._open is None or not self._open.started)
        # Only what fits above the cursor's line: cursor-up cannot reach into the
        # scrollback, so a taller tail shows its last screenful, and lines a
        # terminal soft-wraps count as the rows they take.
        room = rows - 1
        shown: list[tuple[str, int]] = []
        used = 0
        for line in reversed(lines):
            ansi = line.ansi
            if _UNCERTAIN.search(ansi):
                # Terminals disagree on this line's width (see _UNCERTAIN): with
                # autowrap off it takes one row whatever they think, so the
                # cursor-up that erases it is right (its end may show cut until
                # the block is final and printed in full).
                ansi, need = NOWRAP_ON + ansi + NOWRAP_OFF, 1
            else:
                need = max(1, -(-line.cells // width))
            if used + need > room:
                break
            shown.append((ansi, need))
            used += need
        shown.reverse()
        if separator and used < room:
            shown.insert(0, ("", 1))
        return shown

    def _update(self, permanent: str, tail: list[tuple[str, int]]) -> str:
        """The bytes that turn the screen's drawn tail into `permanent` (lines that
        stay in the scrollback) followed by the new `tail`. Lines already on the
        screen as they should be are kept, so a frame that appends a few words
        rewrites one line, not the block."""
        if not self._movable:
            return permanent
        lines = permanent.split("\n")[:-1] if permanent else []
        lines += [ansi for ansi, _ in tail]
        drawn = self._drawn
        keep = 0
        limit = min(len(drawn), len(lines))
        while keep < limit and drawn[keep][0] == lines[keep]:
            keep += 1
        self._drawn = tail
        rest = "".join(line + "\n" for line in lines[keep + 1 :])
        if keep == len(drawn) - 1 and keep < len(lines):
            # Only the last line changed, and by words added at its end (the usual
            # frame): write just those, after what is there. A short line is
            # rewritten whole: it costs a few bytes, and its text stays in one piece
            # in the byte stream (what tools reading a terminal's output match on).
            old, rows = drawn[keep]
            new = lines[keep]
            cells = _cells(old)
            if rows == 1 and APPEND_MIN <= cells < self._size()[2] and new.startswith(old):
                return f"\r\x1b[1A\x1b[{cells}C" + new[len(old) :] + "\n" + rest
        up = sum(rows for _, rows in drawn[keep:])
        erase = f"\r\x1b[{up}A\x1b[J" if up else ""
        return erase + "".join(line + "\n" for line in lines[keep : keep + 1]) + rest

    def _write(self, text: str) -> None:
        if not text:
            return
        if self._movable:
            text = SYNC_ON + text + SYNC_OFF
        self.out.write(text)
        self.out.flush()

    # -- thinking -----------------------------------------------------------------

    def _can_rewrite_status(self) -> bool:
        return not dumb_terminal()

    def _end_thinking(self) -> None:
        if not self._thinking_open or self.status is None:
            return
        self._thinking_open = False
        if self.show_thinking:
            self.status.write("\n")
        elif self._thinking_chars:
            words = self._thinking_chars // 5
            # On a dumb terminal "thinking…" has its own line: the summary gets the next.
            erase = "\r\x1b[2K" if self._can_rewrite_status() else ""
            self.status.write(erase + dim(f"✻ thought (~{words} words)", self.status) + "\n")
        else:  # the text was omitted: nothing to count
            erase = "\r\x1b[2K" if self._can_rewrite_status() else ""
            self.status.write(erase + dim("✻ thought", self.status) + "\n")
        self.status.flush()
