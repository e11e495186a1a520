"""Kept for one import: `session_cmds.show` renders a saved reply with `render`.

The Markdown renderer is rich now (markdown_rich.py); this delegates to it.
New code imports `markdown_rich.render_markdown` directly.
"""

from __future__ import annotations

from .console import Mode
from .markdown_rich import render_markdown as render

__all__ = ["Mode", "render"]
