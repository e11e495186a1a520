"""One rich Console per output stream, made once, configured as rich decides.

rich honours NO_COLOR (no colour, attributes kept), FORCE_COLOR, TTY_COMPATIBLE,
COLUMNS/LINES and TERM=dumb (no escape sequences at all); we add only what it
cannot know: model text is never markup, emoji codes or "highlighted" reprs.
Importing this module imports rich: call sites import it inside functions.
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING, Literal, TextIO

from rich.console import Console
from rich.theme import Theme

if TYPE_CHECKING:
    from collections.abc import Mapping

Mode = Literal["color", "mono", "plain"]

# The terminal's own 16 colours (they follow the user's light or dark theme),
# never bright ones or backgrounds: they read on both.
THEME = Theme(
    {
        "markdown.h1": "bold underline magenta",
        "markdown.h2": "bold magenta",
        "markdown.h3": "bold",
        "markdown.h4": "bold italic",
        "markdown.h5": "italic",
        "markdown.h6": "dim",
        "markdown.code": "cyan",
        "markdown.code_block": "none",
        "markdown.code_language": "dim",
        "markdown.block_quote": "italic",
        "markdown.item.bullet": "none",
        "markdown.item.number": "none",
        "markdown.hr": "dim",
        "markdown.link": "underline blue",
        "markdown.link_url": "underline blue",
        "markdown.url": "dim",
        "markdown.table.border": "dim",
        "markdown.table.header": "bold",
    }
)

_consoles: dict[int, tuple[TextIO, Console]] = {}


def _new(file: TextIO, **kw: object) -> Console:
    return Console(
        file=file,
        theme=THEME,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
        **kw,  # type: ignore[arg-type]
    )


def console_for(stream: TextIO) -> Console:
    """The Console for `stream` (stdout for replies, stderr for talk), made once."""
    key = id(stream)
    held = _consoles.get(key)
    if held is None or held[0] is not stream:
        held = (stream, _new(stream))
        _consoles[key] = held
    return held[1]


def string_console(width: int, mode: Mode) -> Console:
    """A Console that renders into a string: `mode` says which escapes it may use."""
    if mode == "plain":
        return _new(io.StringIO(), width=width, color_system=None, force_terminal=False)
    return _new(
        io.StringIO(),
        width=width,
        color_system="standard",
        force_terminal=True,
        no_color=mode == "mono",
    )


def console_mode(console: Console) -> Mode:
    if console.color_system is None:
        return "plain"
    return "mono" if console.no_color else "color"


def can_move_cursor(console: Console) -> bool:
    """May we redraw (cursor up, erase)? Not on a dumb terminal, nor in a file."""
    return console.is_terminal and not console.is_dumb_terminal


def supports_hyperlinks(console: Console, environ: Mapping[str, str] | None = None) -> bool:
    """OSC 8 links where the terminal is known to show them; elsewhere the URL is
    printed after the text. There is no query for this capability, so it is the
    terminals' own announcements (FORCE_HYPERLINK=0/1 overrides)."""
    env = os.environ if environ is None else environ
    forced = env.get("FORCE_HYPERLINK")
    if forced is not None and forced != "":
        return forced != "0"
    if console.color_system is None:
        return False
    program = env.get("TERM_PROGRAM", "")
    if program in ("iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "Tabby"):
        return True
    if env.get("WT_SESSION") or env.get("KONSOLE_VERSION") or env.get("KITTY_WINDOW_ID"):
        return True
    if env.get("TERM", "") in ("xterm-kitty", "xterm-ghostty", "alacritty", "foot"):
        return True
    vte = env.get("VTE_VERSION", "")
    return vte.isdigit() and int(vte) >= 5000
