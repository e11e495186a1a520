"""Markdown for a terminal through rich.markdown, with the elements we want different.

rich parses (markdown-it) and renders; we replace the elements where rich's
output is wrong for a chat client:

- headings are left-aligned (rich centres h1);
- a code block copies exactly: no indentation, padding, background or hard wrap
  is added to a code line (the terminal soft-wraps long ones), the language is
  shown on its own line, colours come from the terminal's own 16-colour palette;
- lists use "•"/"◦"/"▪" at the left edge and "1." numbers, no trailing padding;
- a table too wide for the terminal becomes one "header: value" record per row
  instead of columns one letter wide;
- links are OSC 8 hyperlinks where the terminal shows them, otherwise the URL
  follows the text (once: an autolink is not repeated); images keep their URL;
- HTML is shown as the text it is, never dropped.

Model text reaches this module sanitised (term.sanitize) and is never parsed as
rich markup: rich's Markdown only ever appends it as plain Text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, ClassVar

from markdown_it import MarkdownIt
from rich import box
from rich.cells import cell_len
from rich.markdown import (
    BlockQuote,
    CodeBlock,
    Heading,
    ImageItem,
    ListElement,
    ListItem,
    Markdown,
    TableElement,
    TextElement,
)
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from claude_cli.terminal.console import Mode, string_console

if TYPE_CHECKING:
    from markdown_it.token import Token
    from rich.console import Console, ConsoleOptions, RenderResult

_BULLETS = ("•", "◦", "▪")

# -- code ------------------------------------------------------------------------

# Token type (by name, so pygments is imported only with the first code block)
# to style: the terminal's normal colours, no yellow (unreadable on light themes)
# and no bright variants (unreadable on some dark ones).
_CODE_STYLES = {
    "Comment": "dim italic",
    "Comment.Preproc": "magenta",
    "Keyword": "magenta",
    "Keyword.Type": "cyan",
    "Operator.Word": "magenta",
    "Name.Builtin": "cyan",
    "Name.Function": "blue",
    "Name.Class": "bold blue",
    "Name.Namespace": "blue",
    "Name.Decorator": "cyan",
    "Name.Exception": "bold blue",
    "Name.Tag": "blue",
    "Name.Attribute": "cyan",
    "Literal.String": "green",
    "Literal.String.Escape": "cyan",
    "Literal.String.Interpol": "cyan",
    "Literal.Number": "cyan",
    "Literal": "cyan",
    "Generic.Deleted": "red",
    "Generic.Inserted": "green",
    "Generic.Heading": "bold",
    "Generic.Subheading": "bold",
    "Generic.Prompt": "bold",
    "Error": "red",
}
_style_of_token: dict[object, Style | None] = {}
_lexers: dict[str, object | None] = {}


def _lexer(language: str):
    """A pygments lexer for a fence's language, or None (shown plain)."""
    name = language.lower()
    if name not in _lexers:
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound

        try:
            # stripnl=False: a code block's leading and trailing blank lines are its own.
            _lexers[name] = get_lexer_by_name(name, stripnl=False, ensurenl=True)
        except ClassNotFound:
            _lexers[name] = None
    return _lexers[name]


def _token_style(ttype) -> Style | None:
    if ttype not in _style_of_token:
        found = None
        t = ttype
        while t is not None and found is None:
            found = _CODE_STYLES.get(str(t)[len("Token.") :])
            t = t.parent
        _style_of_token[ttype] = Style.parse(found) if found else None
    return _style_of_token[ttype]


def code_segments(console: Console, code: str, language: str) -> list[list[Segment]]:
    """`code` (lines joined by newlines, no trailing newline) as one list of
    Segments per source line, text unchanged."""
    lines = code.split("\n")
    lexer = _lexer(language) if language and console.color_system else None
    if lexer is None:
        return [[Segment(line)] if line else [] for line in lines]
    out: list[list[Segment]] = [[]]
    for ttype, value in lexer.get_tokens(code):  # type: ignore[attr-defined]
        style = _token_style(ttype)
        first = True
        for piece in value.split("\n"):
            if not first:
                out.append([])
            first = False
            if piece:
                out[-1].append(Segment(piece, style))
    return out[: len(lines)]


def fence_language(info: str) -> str:
    return info.strip().partition(" ")[0]


class ExactCodeBlock(CodeBlock):
    """A code block whose lines copy exactly (see the module docstring)."""

    @classmethod
    def create(cls, markdown: Markdown, token: Token) -> ExactCodeBlock:
        block = cls(fence_language(token.info or ""), markdown.code_theme)
        block.nested = token.level > 0
        return block

    nested = False

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        code = str(self.text)
        if code.endswith("\n"):
            code = code[:-1]
        if self.nested:
            # Inside a list or quote rich cuts lines to the width: wrap instead of
            # losing text (the indentation is the container's, not ours).
            yield from _language_line(console, self.lexer_name)
            lines = code_segments(console, code, self.lexer_name)
            text = Text()
            for i, segs in enumerate(lines):
                if i:
                    text.append("\n")
                for seg in segs:
                    text.append(seg.text, seg.style)
            text.overflow = "fold"
            yield text
            return
        yield from _language_line(console, self.lexer_name)
        newline = Segment.line()
        for segs in code_segments(console, code, self.lexer_name):
            yield from segs or (_BLANK_CODE,)
            yield newline


# An empty line of code: it writes nothing, but marks the line as the code's own, so
# the blank lines at a block's edges that rich adds are trimmed, and these are not.
_BLANK_CODE = Segment("", Style(meta={"claude-cli.code": True}))


def _is_blank_code(segment: Segment) -> bool:
    style = segment.style
    return style is not None and bool(style._meta) and bool(style.meta.get("claude-cli.code"))


def _language_line(console: Console, language: str) -> Iterator[Segment]:
    if language and language != "text":
        yield Segment(language, console.get_style("markdown.code_language", default="dim"))
        yield Segment.line()


# -- text blocks -------------------------------------------------------------------


class LeftHeading(Heading):
    LEVEL_ALIGN: ClassVar[dict[str, str]] = {f"h{n}": "left" for n in range(1, 7)}  # type: ignore[assignment]


class HtmlBlock(TextElement):
    """Raw HTML in the reply: shown as written (rich would drop it)."""

    style_name = "none"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        self.text.rstrip()
        yield self.text


class Quote(BlockQuote):
    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - 2, 1)
        lines = console.render_lines(
            self.elements, options.update(width=width), style=self.style, pad=False
        )
        bar = Segment("▌ ", console.get_style("markdown.hr", default="dim"))
        for line in lines:
            yield bar
            yield from line
            yield Segment.line()


class List(ListElement):
    @classmethod
    def create(cls, markdown: Markdown, token: Token) -> List:
        element = cls(token.type, int(token.attrs.get("start", 1)))
        element.depth = token.level // 2
        return element

    depth = 0

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.list_type == "bullet_list_open":
            marker = _BULLETS[self.depth % len(_BULLETS)] + " "
            for item in self.items:
                yield from _item(console, options, item, marker, len(marker))
            return
        # Each number as wide as it is (not right-aligned to the last): an item
        # looks the same whether the list is rendered whole or streamed in parts.
        start = 1 if self.list_start is None else self.list_start
        for index, item in enumerate(self.items):
            marker = f"{start + index}. "
            yield from _item(console, options, item, marker, len(marker))


def _item(
    console: Console, options: ConsoleOptions, item: ListItem, marker: str, indent: int
) -> RenderResult:
    width = max(options.max_width - indent, 1)
    lines = console.render_lines(
        item.elements, options.update(width=width), style=item.style, pad=False
    )
    style = console.get_style("markdown.item.bullet", default="none")
    pad = Segment(" " * indent)
    for i, line in enumerate(lines):
        yield Segment(marker, style) if i == 0 else pad
        yield from line
        yield Segment.line()


class FittedTable(TableElement):
    """rich's table, without an outer frame; records when columns cannot fit."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        headers = (
            [c.content for c in self.header.row.cells] if self.header and self.header.row else []
        )
        rows = [[c.content for c in row.cells] for row in self.body.rows] if self.body else []
        table = Table(
            box=box.MINIMAL,
            show_edge=False,
            pad_edge=False,
            border_style="markdown.table.border",
            header_style="markdown.table.header",
        )
        for heading in headers:
            table.add_column(heading.copy(), justify=heading.justify or "default")
        for row in rows:
            table.add_row(*row)
        # Wider than the screen even with every cell wrapped at its longest word:
        # columns a few letters wide are unreadable, records are not.
        if headers and _narrowest(headers, rows) > options.max_width:
            header_style = console.get_style("markdown.table.header", default="bold")
            for n, row in enumerate(rows):
                if n:
                    yield Text("")
                for heading, cell in zip(headers, row, strict=False):
                    line = Text.assemble((heading.plain + ": ", header_style), cell)
                    yield line
            return
        yield table


def _narrowest(headers: list[Text], rows: list[list[Text]]) -> int:
    """The table's width with each column as narrow as its longest word."""
    widths = [_longest_word(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], _longest_word(cell))
    return sum(widths) + 3 * (len(widths) - 1)


def _longest_word(text: Text) -> int:
    return max((cell_len(word) for word in text.plain.split()), default=0)


class Image(ImageItem):
    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        title = self.text or Text(self.destination.strip("/").rsplit("/", 1)[-1])
        if self.hyperlinks:
            title.stylize(Style(link=self.link or self.destination or None))
            yield Text.assemble("🖼 ", title, end="")
        else:
            url = console.get_style("markdown.url", default="dim")
            yield Text.assemble("🖼 ", title, " (", (self.destination, url), ")", end="")


# -- the document ------------------------------------------------------------------

_parser: MarkdownIt | None = None


def parser() -> MarkdownIt:
    """One markdown-it parser, built once (building one costs more than a parse)."""
    global _parser
    if _parser is None:
        _parser = MarkdownIt().enable("strikethrough").enable("table")
        # markdown-it drops text nested deeper than its limit (20): never drop text.
        _parser.options["maxNesting"] = 100
    return _parser


class ReplyMarkdown(Markdown):
    elements: ClassVar[dict] = {
        **Markdown.elements,
        "heading_open": LeftHeading,
        "fence": ExactCodeBlock,
        "code_block": ExactCodeBlock,
        "blockquote_open": Quote,
        "bullet_list_open": List,
        "ordered_list_open": List,
        "table_open": FittedTable,
        "image": Image,
        "html_block": HtmlBlock,
    }

    def __init__(self, markup: str, *, hyperlinks: bool, references: dict | None = None) -> None:
        self.markup = markup
        # `references`: link reference definitions of the blocks before this one
        # (a reply streamed block by block still resolves "[docs]" defined earlier);
        # definitions found here are added to it.
        env = {} if references is None else {"references": references}
        self.parsed = parser().parse(markup, env)
        self.code_theme = "ansi"
        self.justify = "left"
        self.style = "none"
        self.hyperlinks = hyperlinks
        self.inline_code_lexer = None
        self.inline_code_theme = "ansi"

    def _flatten_tokens(self, tokens: Iterable[Token]) -> Iterable[Token]:
        for token in super()._flatten_tokens(tokens):
            if token.type == "html_inline":
                # rich drops inline HTML it does not know: show it as text.
                token = token.copy(type="text")
            yield token

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        tokens = list(self._flatten_tokens(self.parsed))
        if not self.hyperlinks:
            tokens = _drop_self_links(tokens)
        flat = self._flatten_tokens
        self._flatten_tokens = lambda _tokens: tokens  # type: ignore[method-assign]
        try:
            yield from super().__rich_console__(console, options)
        finally:
            self._flatten_tokens = flat  # type: ignore[method-assign]


def _drop_self_links(tokens: list[Token]) -> list[Token]:
    """`<https://x>` would print as "https://x (https://x)": keep just the text."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if (
            t.type == "link_open"
            and i + 2 < len(tokens)
            and tokens[i + 1].type == "text"
            and tokens[i + 2].type == "link_close"
            and str(t.attrs.get("href", ""))
            in (tokens[i + 1].content, "mailto:" + tokens[i + 1].content)
        ):
            out.append(tokens[i + 1])
            i += 3
            continue
        out.append(t)
        i += 1
    return out


# -- to text -----------------------------------------------------------------------


def _trim(line: list[Segment]) -> list[Segment]:
    """No trailing blanks a person did not write (rich pads to the width)."""
    while line and not line[-1].control and not line[-1].text.strip():
        if _is_blank_code(line[-1]):
            break
        style = line[-1].style
        if style is not None and style.bgcolor is not None:
            break
        line.pop()
    if line and not line[-1].control:
        last = line[-1]
        if last.style is None or last.style.bgcolor is None:
            line[-1] = Segment(last.text.rstrip(), last.style)
    return line


def to_ansi(console: Console, line: list[Segment]) -> str:
    # Console._render_buffer applies NO_COLOR, the colour system and links,
    # exactly as console.print would.
    return console._render_buffer(line)


def segment_lines(console: Console, renderable, width: int) -> list[list[Segment]]:
    options = console.options.update(width=max(width, 1), height=None)
    lines = [_trim(line) for line in Segment.split_lines(console.render(renderable, options))]
    # A block is separated from the next by exactly one blank line, which the
    # caller writes; rich puts one before a list or table that follows anything.
    start, end = 0, len(lines)
    while start < end and not lines[start]:
        start += 1
    while end > start and not lines[end - 1]:
        end -= 1
    return lines[start:end]


def render_lines(console: Console, text: str, width: int, *, hyperlinks: bool) -> list[str]:
    """Markdown `text` as terminal lines (no newlines), escapes as `console` allows."""
    md = ReplyMarkdown(text, hyperlinks=hyperlinks)
    return [to_ansi(console, line) for line in segment_lines(console, md, width)]


def render_markdown(text: str, width: int, mode: Mode = "color") -> str:
    """`text` (Markdown) rendered for a `width`-column terminal, each line ending
    in a newline. Links show their URL (the output may go anywhere)."""
    console = string_console(width, mode)
    lines = render_lines(console, text, width, hyperlinks=False)
    return "".join(line + "\n" for line in lines)
