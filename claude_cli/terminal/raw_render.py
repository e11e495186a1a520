"""The renderers a pipe needs: the protocol every renderer follows, and raw text.

Kept apart from render.py (the Markdown renderer for terminals) so a piped `ask`
imports neither it nor its Markdown machinery."""

from __future__ import annotations

from typing import Protocol, TextIO

from claude_cli.terminal.term import dim, sanitize


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
        if self._thinking_open:
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
