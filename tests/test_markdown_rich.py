"""Markdown through rich, with our elements: what a finished block looks like."""

from __future__ import annotations

import io
import re

import pytest

from claude_cli.terminal.markdown_rich import render_markdown
from claude_cli.terminal.render import MarkdownRenderer

SGR = re.compile(r"\x1b\[[0-9;]*m")


def plain(text: str, width: int = 80) -> list[str]:
    return render_markdown(text, width, "plain").split("\n")[:-1]


def test_headings_are_left_aligned_without_hashes() -> None:
    for level in range(1, 7):
        assert plain("#" * level + " Title", 60) == ["Title"]


def test_code_lines_copy_exactly() -> None:
    long = "x = compute(" + ", ".join(f"argument_{i}" for i in range(20)) + ")"
    code = ["def f():", "\treturn 1  # tab", "", "    " + long, "", "end()"]
    lines = plain("```python\n" + "\n".join(code) + "\n```", 40)
    # The language on its own line, then the source lines: no indent, no padding,
    # no hard wrap (the terminal soft-wraps the long one), blank lines kept.
    assert lines == ["python", *code]


def test_code_colours_are_the_terminal_palette_only() -> None:
    out = render_markdown('```python\ndef f():\n    return "s"  # c\n```', 80, "color")
    assert "\x1b[" in out
    for params in re.findall(r"\x1b\[([0-9;]*)m", out):
        for p in params.split(";"):
            # The 8 normal foreground colours and attributes; no bright (90-97),
            # 256-colour (38;5), truecolour or background (40-47, 48).
            assert p in ("", "0", "1", "2", "3", "4", "31", "32", "34", "35", "36"), params


def test_model_text_is_never_rich_markup() -> None:
    assert plain("[bold red]not markup[/] :smile: [link=x]y[/link]") == [
        "[bold red]not markup[/] :smile: [link=x]y[/link]"
    ]


def test_html_is_shown_not_dropped() -> None:
    assert plain("a <b>bold</b> word") == ["a <b>bold</b> word"]
    assert plain("<div>\nblock\n</div>") == ["<div>", "block", "</div>"]


def test_links_show_their_url_once_and_images_keep_theirs() -> None:
    assert plain("[docs](https://x.io/d) and <https://x.io/a>") == [
        "docs (https://x.io/d) and https://x.io/a"
    ]
    assert plain("![a cat](https://x.io/cat.png)") == ["🖼 a cat (https://x.io/cat.png)"]


def test_deep_nesting_never_drops_text() -> None:
    deep = "".join("  " * i + "- level " + str(i) + "\n" for i in range(25))
    text = " ".join(plain(deep, 200))
    assert all(f"level {i}" in text for i in range(25))
    quotes = ">" * 25 + " deep words"
    assert "deep words" in " ".join(plain(quotes, 200))


def test_a_table_that_fits_is_a_table() -> None:
    lines = plain("| a | b |\n|---|--:|\n| x | 10 |\n| yy | 2 |")
    assert [cell.strip() for cell in lines[0].split("│")] == ["a", "b"]
    assert lines[2].split() == ["x", "│", "10"]
    assert len({line.index("│") if "│" in line else line.index("┼") for line in lines}) == 1


@pytest.mark.parametrize("mode", ["plain", "mono"])
def test_mono_and_plain_have_no_colour(mode: str) -> None:
    out = render_markdown("# T\n\n**b** `c` [l](https://u)\n\n```py\nx = 1\n```", 80, mode)
    codes = ";".join(re.findall(r"\x1b\[([0-9;]*)m", out)).split(";")
    assert not any(c.startswith(("3", "4", "9")) and len(c) == 2 for c in codes)
    if mode == "plain":
        assert "\x1b" not in out


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_each_redraw_is_one_synchronized_write(monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("LINES", "10")
    monkeypatch.setenv("TERM", "xterm-256color")
    writes: list[str] = []

    class Out(_Tty):
        def write(self, s: str) -> int:
            writes.append(s)
            return len(s)

        def fileno(self) -> int:
            raise OSError

    now = [0.0]
    renderer = MarkdownRenderer(Out(), clock=lambda: now[0])
    for i in range(300):
        now[0] += 0.05
        renderer.text(f"word{i} " + ("\n\n" if i % 50 == 49 else ""))
    renderer.finish()
    assert len(writes) > 10
    for w in writes:
        assert w.startswith("\x1b[?2026h") and w.endswith("\x1b[?2026l")
        body = w[len("\x1b[?2026h") : -len("\x1b[?2026l")]
        assert "\x1b[?2026" not in body
        # Never more rows up than the screen has above the cursor's line.
        assert all(int(n) <= 9 for n in re.findall(r"\x1b\[(\d+)A", body))
