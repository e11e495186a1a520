"""Parse the start of a JSON document, as the official SDK does for tool input.

A stream cut off by `max_tokens` (or broken) leaves a tool's `input` JSON
unfinished. The SDK parses it with jiter's partial mode; this is the same rule
in plain Python (it runs once per unfinished block, never per event): open
objects and arrays are closed, a member or element whose value is an
unfinished string, number or literal is dropped, an unfinished container is
kept with what it holds so far. A document that is wrong (not merely short)
raises ValueError.
"""

from __future__ import annotations

import json
import re
from typing import Any

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_NUMBER_LOOSE = re.compile(r"-?[0-9]*(?:\.[0-9]*)?(?:[eE][-+]?[0-9]*)?")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"')
_STRING_START = re.compile(
    r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*(?:\\u?[0-9a-fA-F]{0,3})?\Z'
)
_LITERALS = (("true", True), ("false", False), ("null", None))


class _Short(Exception):
    """The text ended inside a scalar: the value is dropped."""


def parse_partial(text: str) -> Any:
    try:
        value, _end, _whole = _value(text, 0)
    except _Short:
        raise ValueError("the text ends before its first value does") from None
    return value


def _value(s: str, i: int) -> tuple[Any, int, bool]:
    """(value, end, whole); `whole` is False when the text ran out inside a container."""
    i = _WS.match(s, i).end()  # type: ignore[union-attr]
    if i >= len(s):
        raise _Short
    c = s[i]
    if c == "{":
        return _object(s, i + 1)
    if c == "[":
        return _array(s, i + 1)
    if c == '"':
        return (*_string(s, i), True)
    loose = _NUMBER_LOOSE.match(s, i)
    if loose and loose.end() > i:
        strict = _NUMBER.match(s, i)
        if strict and strict.end() == loose.end():
            return json.loads(strict.group()), strict.end(), True
        if loose.end() == len(s):
            raise _Short  # "1." or "-": a number cut short
        raise ValueError(f"bad number at {i}")
    for word, val in _LITERALS:
        if s.startswith(word, i):
            return val, i + len(word), True
        if word.startswith(s[i:]):
            raise _Short
    raise ValueError(f"unexpected {c!r} at {i}")


def _string(s: str, i: int) -> tuple[str, int]:
    m = _STRING.match(s, i)
    if m:
        return json.loads(m.group()), m.end()
    if _STRING_START.match(s, i):
        raise _Short
    raise ValueError(f"bad string at {i}")


def _array(s: str, i: int) -> tuple[list[Any], int, bool]:
    out: list[Any] = []
    while True:
        i = _WS.match(s, i).end()  # type: ignore[union-attr]
        if i >= len(s):
            return out, i, False
        if s[i] == "]":
            return out, i + 1, True
        if out:
            if s[i] != ",":
                raise ValueError(f"expected ',' at {i}")
            i += 1
        try:
            value, i, whole = _value(s, i)
        except _Short:
            return out, len(s), False
        out.append(value)
        if not whole:
            return out, i, False


def _object(s: str, i: int) -> tuple[dict[str, Any], int, bool]:
    out: dict[str, Any] = {}
    first = True
    while True:
        i = _WS.match(s, i).end()  # type: ignore[union-attr]
        if i >= len(s):
            return out, i, False
        if s[i] == "}":
            return out, i + 1, True
        if not first:
            if s[i] != ",":
                raise ValueError(f"expected ',' at {i}")
            i = _WS.match(s, i + 1).end()  # type: ignore[union-attr]
            if i >= len(s):
                return out, i, False
        first = False
        if s[i] != '"':
            raise ValueError(f"expected a key at {i}")
        try:
            key, i = _string(s, i)
        except _Short:
            return out, len(s), False
        i = _WS.match(s, i).end()  # type: ignore[union-attr]
        if i >= len(s):
            return out, i, False
        if s[i] != ":":
            raise ValueError(f"expected ':' at {i}")
        try:
            value, i, whole = _value(s, i + 1)
        except _Short:
            return out, len(s), False
        out[key] = value
        if not whole:
            return out, i, False
