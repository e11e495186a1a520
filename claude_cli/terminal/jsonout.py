"""Printing parsed JSON data (`--schema` replies): compact and exact in a pipe, pretty and
highlighted on a terminal. Strings from the model are escaped, never interpreted."""

from __future__ import annotations

import json
from typing import Any, TextIO

from claude_cli.terminal.term import isatty


def write_json(stream: TextIO, data: Any) -> None:
    if not isatty(stream):
        stream.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
        stream.flush()
        return
    from claude_cli.terminal.richout import print_json

    print_json(stream, data)  # indented, highlighted, C1 and bidi \\u-escaped


__all__ = ["write_json"]
