"""Printing parsed JSON data (`--schema` replies): compact and exact in a pipe, pretty and
highlighted on a terminal. Strings from the model are escaped, never interpreted."""

from __future__ import annotations

import json
from typing import Any, TextIO

from .term import isatty, json_safe, use_color


def write_json(stream: TextIO, data: Any) -> None:
    if not isatty(stream):
        stream.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
        stream.flush()
        return
    # C1 and bidi characters \\u-escaped (json.dumps escapes the C0 ones): the same data.
    text = json_safe(json.dumps(data, indent=2, ensure_ascii=False))
    if use_color(stream):
        from pygments import highlight
        from pygments.formatters import TerminalFormatter
        from pygments.lexers import JsonLexer

        text = highlight(text, JsonLexer(), TerminalFormatter()).rstrip("\n")
    stream.write(text + "\n")
    stream.flush()


__all__ = ["write_json"]
