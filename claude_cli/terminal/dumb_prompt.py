"""The chat prompt on a dumb terminal (TERM=dumb: Emacs' shell, some CI consoles).

prompt_toolkit has a prompt for those: it prints the prompt and echoes what is typed,
no cursor movement. But the session's own output still writes a few escape sequences
(a "show the cursor" when its application is made, one at every reset), and it picks
that prompt only for its default output, not for one we pass (stderr, when stdout is a
file). So on a dumb terminal the prompt writes through an output that drops every raw
escape sequence, installed as the default so prompt_toolkit's dumb prompt is used.
Importing this module imports nothing heavy: prompt_toolkit is loaded when it is used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from claude_cli.terminal.term import dumb_terminal


@contextmanager
def dumb_prompt(stream: TextIO) -> Iterator[bool]:
    """On a dumb terminal, every prompt_toolkit prompt made inside writes plain text to
    `stream` (the terminal); yields whether it is one. Elsewhere it changes nothing."""
    if not dumb_terminal():  # prompt_toolkit's own test, which is ours too
        yield False
        return
    from prompt_toolkit.application.current import create_app_session
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.output.vt100 import Vt100_Output

    class NoEscapes(Vt100_Output):
        def write_raw(self, data: str) -> None:
            pass  # cursor shape, visibility, colours, titles: a dumb terminal shows them raw

    def size() -> Size:
        try:
            columns, rows = os.get_terminal_size(stream.fileno())
        except (OSError, ValueError, AttributeError):
            columns, rows = 80, 24
        return Size(rows=rows, columns=columns)

    with create_app_session(output=NoEscapes(stream, size, term="dumb")):
        yield True
