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

from claude_cli.terminal.console import console_for
from claude_cli.terminal.term import json_safe


def print_table(
    stream: TextIO,
    header: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    *,
    right: Sequence[int] = (),
    wrap: Sequence[int] = (-1,),
    drop: Sequence[int] = (),
) -> list[str]:
    """Aligned columns two spaces apart, a bold header; a table wider than the
    terminal wraps the cells of the `wrap` columns (the last one by default) at
    spaces instead of its lines; names, numbers and dates stay whole. When even
    that does not fit, the `drop` columns are left out, first one first, rather
    than have rich squeeze some to nothing; returns the headers left out."""
    console = console_for(stream)
    count = len(header) if header is not None else max((len(r) for r in rows), default=0)
    wrapping = {i % count for i in wrap} if count else set()
    titles = list(header) if header is not None else [""] * count
    shown = _fitting(titles, rows, wrapping, [i % count for i in drop], console.width)
    table = Table(
        box=None,
        show_header=header is not None,
        header_style="bold",
        pad_edge=False,
        padding=(0, 1),
    )
    for i in shown:
        table.add_column(
            titles[i],
            justify="right" if i in right else "left",
            overflow="fold",
            no_wrap=i not in wrapping,
        )
    for cells in rows:
        table.add_row(*(Text(cells[i]) if i < len(cells) else Text("") for i in shown))
    console.print(table)
    return [titles[i] for i in range(count) if i not in shown]


def _fitting(
    titles: list[str],
    rows: Sequence[Sequence[str]],
    wrapping: set[int],
    drop: list[int],
    width: int,
) -> list[int]:
    """The columns to show: all of them when their narrowest form (a wrapping
    column as wide as its longest word) fits `width`, else fewer, in `drop`'s order."""
    from rich.cells import cell_len

    def narrowest(i: int) -> int:
        cells = [titles[i], *(r[i] for r in rows if i < len(r))]
        if i in wrapping:
            return max((cell_len(word) for cell in cells for word in cell.split()), default=0)
        return max((cell_len(cell) for cell in cells), default=0)

    need = {i: narrowest(i) for i in range(len(titles))}
    shown = list(range(len(titles)))
    pending = list(drop)
    while pending and sum(need[i] for i in shown) + 2 * (len(shown) - 1) > width:
        shown.remove(pending.pop(0))
    return shown


def print_json(stream: TextIO, data: Any) -> None:
    """`data` as JSON indented by two, keys and values coloured as the terminal
    allows; C1 and bidi characters \\u-escaped (the same data, safe to show). Long
    strings are left to the terminal to wrap, so what is copied is valid JSON."""
    text = json_safe(json.dumps(data, indent=2, ensure_ascii=False))
    console_for(stream).print(JSONHighlighter()(Text(text)), soft_wrap=True)
