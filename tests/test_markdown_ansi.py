"""The Markdown → ANSI renderer: what each element looks like, and the promises
every line keeps (never wider than the terminal, no colour under NO_COLOR, no
escapes at all in plain mode, nothing unprintable from the text)."""

from __future__ import annotations

import itertools
import re

import pytest

from claude_cli.markdown_ansi import cell_width, render, render_lines

SGR = re.compile(r"\x1b\[([0-9;]*)m")
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]")


def visible(text: str) -> str:
    return SGR.sub("", text)


def screen(md: str, width: int = 60, mode: str = "color") -> list[str]:
    return [visible(line) for line in render_lines(md, width, mode)]  # type: ignore[arg-type]


SAMPLE = """\
# A heading that is rather long for a narrow terminal window

Some **bold words**, *emphasis*, ~~struck~~ and `inline code`, then a
[link](https://example.com/a/very/long/path/that/does/not/fit/anywhere) and
<https://auto.example>. 日本語のテキストはここにあります。とても長い文章です。

- first item with enough words to wrap at least once on a narrow terminal
  - nested item
    1. deep ordered item
- second

> A quote that is *quoted* and long enough to wrap around the terminal width.

---

```python
def greet(name):
    # say hi
    return f"hi {name}" + str(42) + "a long string literal that runs past the edge"
```

| Name | Value | Notes |
|---|--:|:-:|
| alpha | 1 | short |
| beta with a longer name | 12345 | a much longer note that needs wrapping when narrow |

![a diagram](diagram.png)

<div>some html</div>
"""


def test_headings_lose_their_hashes_and_stand_out() -> None:
    lines = render_lines("# Title\n\n## Sub\n\n### Third", 40)
    assert [visible(x) for x in lines] == ["Title", "", "Sub", "", "Third"]
    assert "\x1b[1;4;35mTitle" in lines[0]  # h1: bold, underlined, coloured
    assert lines[2].startswith("\x1b[1;") and lines[4].startswith("\x1b[1m")


def test_paragraphs_wrap_by_words_at_the_width() -> None:
    words = [f"word{i}" for i in range(60)]
    lines = screen(" ".join(words), width=30)
    assert len(lines) > 5
    assert all(len(line) <= 30 for line in lines)
    assert " ".join(lines).split() == words  # no word split or lost
    # Greedy: each line is as full as it can be.
    for line, following in itertools.pairwise(lines):
        assert len(line) + 1 + len(following.split()[0]) > 30


def test_wide_characters_count_two_cells() -> None:
    text = "日本語のテキストはここにあります。" * 4
    lines = screen(text, width=20)
    assert all(cell_width(line) <= 20 for line in lines)
    assert cell_width(lines[0]) >= 19  # filled, not wrapped at 10 characters
    assert "".join(lines) == text
    assert cell_width("日本") == 4 and cell_width("e\u0301") == 1


def test_a_word_longer_than_the_line_is_cut_not_overflowed() -> None:
    lines = screen("see " + "x" * 50 + " there", width=20)
    assert all(len(line) <= 20 for line in lines)
    assert "".join(lines).replace(" ", "") == "see" + "x" * 50 + "there"


def test_nested_lists_have_hanging_indents() -> None:
    md = "- outer item whose text goes on long enough to wrap\n  - inner\n    - innermost\n- second"
    lines = screen(md, width=30)
    assert lines[0].startswith("• outer item")
    assert lines[1].startswith("  ") and not lines[1].startswith("   ")  # hanging indent
    assert "  ◦ inner" in lines
    assert "    ▪ innermost" in lines
    assert lines[-1] == "• second"


def test_ordered_lists_honour_their_start_number() -> None:
    assert screen("7. seven\n8. eight") == ["7. seven", "8. eight"]
    lines = screen("9. nine\n1. ten\n1. eleven")
    assert lines == [" 9. nine", "10. ten", "11. eleven"]  # numbers right-aligned
    assert screen("3) three") == ["3) three"]


def test_loose_lists_keep_a_blank_line_between_items() -> None:
    assert screen("- a\n\n- b") == ["• a", "", "• b"]
    assert screen("- a\n- b") == ["• a", "• b"]


def test_inline_styles() -> None:
    (line,) = render_lines("**b** *i* ~~s~~ `c`", 40)
    assert "\x1b[1mb\x1b[0m" in line
    assert "\x1b[3mi\x1b[0m" in line
    assert "\x1b[9ms\x1b[0m" in line
    assert "\x1b[36mc\x1b[0m" in line
    assert visible(line) == "b i s c"


def test_links_show_the_url_when_it_differs_from_the_text() -> None:
    assert screen("[docs](https://example.com/docs)") == ["docs (https://example.com/docs)"]
    assert screen("<https://example.com>") == ["https://example.com"]
    assert screen("<me@example.com>") == ["me@example.com"]


def test_images_show_their_alt_text() -> None:
    assert screen("![a cat](cat.png)") == ["[a cat]"]


def test_block_quotes_and_rules() -> None:
    lines = screen("> quoted *text* that wraps around a narrow width\n\n---", width=24)
    quote = [line for line in lines if line.startswith("▌")]
    assert len(quote) >= 2 and all(len(line) <= 24 for line in quote)
    assert lines[-1] == "─" * 24


def test_code_is_highlighted_and_its_text_is_intact() -> None:
    code = 'def greet(name):\n    # say hi\n    return f"hi {name}" + str(42)'
    lines = render_lines(f"```python\n{code}\n```", 80)
    assert any("\x1b[38;5;" in line for line in lines)
    assert [visible(line)[2:] for line in lines] == code.split("\n")


def test_code_in_an_unknown_language_or_none_is_plain() -> None:
    for fence in ("```no-such-language", "```", "~~~"):
        lines = render_lines(f"{fence}\nx  =  1\n{fence[:3]}", 40)
        assert lines == ["  x  =  1"]
    assert render_lines("    indented code", 40) == ["  indented code"]


def test_long_code_lines_are_wrapped_not_cut() -> None:
    line = "x = " + "+".join(str(i) for i in range(40))
    lines = screen(f"```python\n{line}\n```", width=30)
    assert all(len(row) <= 30 for row in lines)
    assert "".join(row[2:] for row in lines) == line


def test_tables_are_aligned_and_fit_the_width() -> None:
    md = (
        "| Name | Value | Notes |\n|---|--:|:-:|\n"
        "| alpha | 1 | short |\n"
        "| beta with a longer name | 12345 | a much longer note that needs wrapping |\n"
    )
    wide = screen(md, width=100)
    assert wide[0].split(" │ ")[0].strip() == "Name"
    assert set(wide[1]) == {"─", "┼"}
    bars = {tuple(i for i, ch in enumerate(line) if ch in "│┼") for line in wide}
    assert len(bars) == 1  # every row's separators in the same columns
    assert wide[2].split(" │ ")[1] == "    1"  # right-aligned column
    for width in (40, 30):
        narrow = screen(md, width=width)
        assert all(cell_width(line) <= width for line in narrow)
        assert len({tuple(i for i, ch in enumerate(x) if ch in "│┼") for x in narrow}) == 1
        cells = " ".join(x.split(" │ ")[2].strip() for x in narrow[2:]).strip()
        assert cells == "short a much longer note that needs wrapping"


def test_a_table_too_narrow_for_columns_becomes_lines() -> None:
    md = "| a | b | c | d | e |\n|---|---|---|---|---|\n| 1 | 2 | 3 | 4 | 5 |"
    lines = screen(md, width=10)
    assert all(len(line) <= 10 for line in lines)
    assert "1" in lines and "5" in lines


@pytest.mark.parametrize("width", [10, 24, 40, 80, 100])
@pytest.mark.parametrize("mode", ["color", "mono", "plain"])
def test_no_line_is_wider_than_the_terminal(width: int, mode: str) -> None:
    for line in screen(SAMPLE, width=width, mode=mode):
        assert cell_width(line) <= width, line


def test_no_color_means_no_colour_codes_but_attributes_stay() -> None:
    out = render(SAMPLE, 60, "mono")
    assert COLOUR.search(out) is None
    assert "\x1b[1m" in out  # bold is not a colour
    assert "return" in out


def test_plain_mode_has_no_escapes_at_all() -> None:
    out = render(SAMPLE, 60, "plain")
    assert "\x1b" not in out
    assert "bold words" in out and "def greet(name):" in out


def test_html_blocks_are_plain_text() -> None:
    assert screen("<div>some html</div>") == ["<div>some html</div>"]


def test_nothing_unprintable_reaches_the_terminal() -> None:
    nasty = "a\x07b\x1b[31mc\x9bd\u2028e\tf"
    for md in (nasty, f"`{nasty}`", f"```\n{nasty}\n```", f"| {nasty} |\n|---|"):
        for mode in ("color", "mono", "plain"):
            out = SGR.sub("", render(md, 60, mode))  # type: ignore[arg-type]
            assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028]", out), (md, mode, out)
