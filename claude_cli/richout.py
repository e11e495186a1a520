"""Tables and JSON for a person at a terminal, drawn by rich.

Only for a stream that is a terminal: pipes get the exact text their callers
write without this module (tab-separated rows, compact or as-sent JSON), and never
import rich. Every cell and string arriving here is already sanitised, and none
is parsed as rich markup.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from rich.highlighter import JSONHighlighter
from rich.table import Table
from rich.text import Text

from .console import console_for
from .term import json_safe


def print_table(
    stream: TextIO,
    header: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    *,
    right: Sequence[int] = (),
    wrap: Sequence[int] = (-1,),
) -> None:
    """Aligned columns two spaces apart, a bold header; a table wider than the
    terminal wraps the cells of the `wrap` columns (the last one by default)
    instead of its lines; names, numbers and dates stay whole."""
    console = console_for(stream)
    table = Table(
        box=None,
        show_header=header is not None,
        header_style="bold",
        pad_edge=False,
        padding=(0, 1),
    )
    count = len(header) if header is not None else max((len(r) for r in rows), default=0)
    wrapping = {i % count for i in wrap} if count else set()
    for i in range(count):
        table.add_column(
            header[i] if header is not None else "",
            justify="right" if i in right else "left",
            overflow="fold",
            no_wrap=i not in wrapping,
        )
    for cells in rows:
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)


def print_json(stream: TextIO, data: Any) -> None:
    """`data` as JSON indented by two, keys and values coloured as the terminal
    allows; C1 and bidi characters \\u-escaped (the same data, safe to show). Long
    strings are left to the terminal to wrap, so what is copied is valid JSON."""
    text = json_safe(json.dumps(data, indent=2, ensure_ascii=False))
    console_for(stream).print(JSONHighlighter()(Text(text)), soft_wrap=True)
