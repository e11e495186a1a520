"""Characters whose width terminals disagree on, and a terminal resized mid-stream.

rich measures with `cell_len` (grapheme clusters: an emoji ZWJ family, a skin tone
or a keycap is 2 cells); pyte, like many terminals, adds up code points (a family
is 8). The streamed screen must still equal the whole reply's: a redraw never
counts on where such a line ends."""

from __future__ import annotations

import io
import signal

import pytest

from terminal import emulate

ODD = ["☰☱☲☳☴☵☶☷", "䷀䷁䷂䷃", "👨‍👩‍👧‍👦", "👍🏽", "1️⃣", "#️⃣", "漢字"]

DOCS = {
    "paragraph": " ".join(f"{ODD[i % len(ODD)]} word{i}" for i in range(120)),
    "list": "\n".join(f"- item {i} {ODD[i % len(ODD)]} " + "text " * 9 for i in range(30)),
    "table": "| sym | name |\n|---|---|\n"
    + "\n".join(f"| {ODD[i % len(ODD)]} | n{i} |" for i in range(20))
    + "\n\nAfter.",
    "code": "```\n" + "\n".join(f"x{i} = '{ODD[i % len(ODD)]}' * {i}" for i in range(40)) + "\n```",
}


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError


def _screen(text: str, step: int | None, rows: int, cols: int) -> list[str]:
    from claude_cli.terminal.render import MarkdownRenderer

    out = _Tty()
    now = [0.0]

    def clock() -> float:
        now[0] += 0.03
        return now[0]

    renderer = MarkdownRenderer(out, clock=clock)
    pieces = [text] if step is None else [text[i : i + step] for i in range(0, len(text), step)]
    for piece in pieces:
        renderer.text(piece)
    renderer.finish()
    screen = emulate(out.getvalue().replace("\n", "\r\n"), rows, cols)
    return [line.rstrip() for line in [*screen.history, *screen.lines]]


@pytest.mark.parametrize("name", list(DOCS))
def test_odd_widths_stream_as_they_render_whole(monkeypatch, name: str) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("LINES", "12")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    whole = _screen(DOCS[name], None, 12, 40)
    for step in (1, 4):
        assert _screen(DOCS[name], step, 12, 40) == whole, step


def test_table_columns_align_by_cell_len(monkeypatch) -> None:
    from rich.cells import cell_len

    from claude_cli.terminal.markdown_rich import render_markdown

    lines = render_markdown(DOCS["table"].split("\n\n")[0], 40, "plain").splitlines()
    rows = [line for line in lines if "n1" in line or "name" in line]
    assert len(rows) >= 10
    starts = {cell_len(row[: row.index("n")]) for row in rows}
    assert len(starts) == 1, rows


def test_resizing_mid_stream_does_not_corrupt_the_screen(api, cli_env) -> None:
    import sys

    import pexpect
    import pyte

    paragraphs = [f"Paragraph {i}: " + " ".join(f"w{i}x{j}" for j in range(40)) for i in range(6)]
    api.reply("\n\n".join(paragraphs) + "\n", chunk_tokens=2, delay=0.01)
    # No COLUMNS in the environment: the width is asked of the terminal, as it is
    # for a person whose shell does not export it.
    env = {k: v for k, v in cli_env.items() if k not in ("COLUMNS", "LINES")}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "claude_cli", "ask", "go"],
        env={**env, "TERM": "xterm-256color"},
        dimensions=(24, 100),
        encoding="utf-8",
        timeout=30,
    )
    before = ""
    while "Paragraph 2" not in before:
        before += child.read_nonblocking(65536, timeout=30)
    child.setwinsize(24, 60)
    child.kill(signal.SIGWINCH)
    rest = ""
    while True:
        try:
            rest += child.read_nonblocking(65536, timeout=30)
        except pexpect.EOF:
            break
    child.close()
    assert child.exitstatus == 0
    # What came before the resize drawn at 100 columns, the rest at 60 (pyte, like
    # many terminals, cuts the lines it has rather than re-wrapping them).
    screen = pyte.HistoryScreen(100, 24, history=10_000)
    stream = pyte.Stream(screen)
    stream.feed(before)
    screen.resize(24, 60)
    stream.feed(rest)
    lines = ["".join(c.data for c in line.values()).rstrip() for line in screen.history.top]
    lines += [line.rstrip() for line in screen.display]
    assert all(len(line) <= 60 for line in screen.display)
    text = " ".join(lines).split()
    for i, paragraph in enumerate(paragraphs):
        assert text.count(f"{i}:") == 1, i  # no paragraph drawn twice, none lost
        if f"Paragraph {i}" not in before:  # drawn after the resize: every word, once
            words = paragraph.split()[2:]
            assert [w for w in text if w.startswith(f"w{i}x")] == words, i
