"""Markdown to ANSI text for a terminal, one block at a time, fast.

markdown-it-py parses; we walk its token stream and write lines ourselves:
headings, wrapped paragraphs, lists with hanging indents, block quotes, rules,
code highlighted with pygments (imported only when a code block appears) and
tables fitted to the width. No line is ever wider than `width` cells, and
nothing from the text reaches the terminal but printable characters.

Three modes: "color" (SGR styles and colours), "mono" (NO_COLOR: bold,
italic, underline and dim only) and "plain" (no escape sequences at all).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

Mode = Literal["color", "mono", "plain"]

# A run of text and its SGR parameters ("" for none), e.g. ("word", "1;35").
Seg = tuple[str, str]
# A wrapped line: its text with escapes, and its width in cells.
Line = tuple[str, int]

_HARD_BREAK: Seg = ("\n", "")
_BULLETS = ("•", "◦", "▪")
_QUOTE_BAR = "▌ "
_CODE_INDENT = "  "

# SGR parameters per element. Colours are the terminal's own 16 (they follow the
# user's theme); `mono` drops every colour and keeps the attributes.
_STYLE = {
    "h1": "1;4;35",
    "h2": "1;35",
    "h3": "1",
    "h4": "1;3",
    "strong": "1",
    "em": "3",
    "s": "9",
    "code": "36",
    "link": "4;34",
    "url": "2",
    "quote": "3",
    "bar": "2",
    "rule": "2",
    "table_bar": "2",
    "th": "1",
}

_parsers: dict[bool, MarkdownIt] = {}


def parser(tables: bool = True) -> MarkdownIt:
    """One parser, configured once: building one costs more than parsing a block.
    The table rule is tried at the start of every line, a fifth of the parse
    time, so text without a "|" is parsed by a twin without it."""
    if tables not in _parsers:
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark").enable("strikethrough")
        _parsers[tables] = md.enable("table") if tables else md
    return _parsers[tables]


def render(text: str, width: int, mode: Mode = "color") -> str:
    """`text` (Markdown) as terminal lines, each ending in a newline."""
    lines = render_lines(text, width, mode)
    return "".join(line + "\n" for line in lines)


def render_lines(text: str, width: int, mode: Mode = "color") -> list[str]:
    width = max(width, 1)
    tree = _tree(parser("|" in text).parse(text))
    return _Renderer(mode).blocks(tree, width, "", tight=False)


# -- widths ------------------------------------------------------------------------


def cell_width(text: str) -> int:
    """Display width: wide East Asian characters take two cells, combining marks none."""
    if text.isascii():
        return len(text)
    n = 0
    for ch in text:
        if ch < "\u0300":
            n += 1
        elif unicodedata.combining(ch) or ch == "\u200b" or ch == "\u200d":
            continue
        elif unicodedata.east_asian_width(ch) in "WF":
            n += 2
        else:
            n += 1
    return n


def _split_to_width(text: str, width: int) -> list[str]:
    """Cut `text` into pieces no wider than `width` (a word longer than a line)."""
    if text.isascii():
        return [text[i : i + width] for i in range(0, len(text), width)] or [""]
    pieces, cur, w = [], [], 0
    for ch in text:
        cw = cell_width(ch)
        if w + cw > width and cur:
            pieces.append("".join(cur))
            cur, w = [], 0
        cur.append(ch)
        w += cw
    pieces.append("".join(cur))
    return pieces


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_UNPRINTABLE_BUT_NL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _printable_lines(text: str) -> str:
    """`_printable`, keeping line breaks."""
    if _UNPRINTABLE_BUT_NL.search(text) is None:
        return text
    return _UNPRINTABLE_BUT_NL.sub(" ", text)


def _printable(text: str) -> str:
    """Nothing but printable characters (render.py sanitises the text before us;
    this is the last guard): controls and line separators become spaces."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(" ", text)


# -- the token tree ----------------------------------------------------------------


class _Node:
    __slots__ = ("children", "token")

    def __init__(self, token: Token | None) -> None:
        self.token = token
        self.children: list[Any] = []  # _Node for containers, Token for leaves


def _tree(tokens: list[Token]) -> list[Any]:
    root = _Node(None)
    stack = [root]
    for tok in tokens:
        if tok.nesting == 1:
            node = _Node(tok)
            stack[-1].children.append(node)
            stack.append(node)
        elif tok.nesting == -1:
            if len(stack) > 1:
                stack.pop()
        else:
            stack[-1].children.append(tok)
    return root.children


# -- rendering ---------------------------------------------------------------------


class _Renderer:
    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        if mode == "plain":
            self.style = dict.fromkeys(_STYLE, "")
        elif mode == "mono":
            self.style = {k: _no_colour(v) for k, v in _STYLE.items()}
        else:
            self.style = dict(_STYLE)

    def sgr(self, text: str, params: str) -> str:
        return f"\x1b[{params}m{text}\x1b[0m" if params else text

    # -- blocks ---------------------------------------------------------------

    def blocks(
        self, nodes: list[Any], width: int, base: str, *, tight: bool, depth: int = 0
    ) -> list[str]:
        """Render sibling blocks, one blank line between them (none when tight).
        `depth` is the list nesting a list among them would be at (its bullet style)."""
        out: list[str] = []
        for node in nodes:
            lines = self.block(node, width, base, depth)
            if not lines:
                continue
            if out and not tight:
                out.append("")
            out.extend(lines)
        return out

    def block(self, node: Any, width: int, base: str, depth: int = 0) -> list[str]:
        if isinstance(node, _Node):
            t = node.token.type
            if t == "paragraph_open":
                return self.paragraph(node, width, base)
            if t == "heading_open":
                return self.heading(node, width, base)
            if t in ("bullet_list_open", "ordered_list_open"):
                return self.lists(node, width, base, depth)
            if t == "blockquote_open":
                return self.quote(node, width, base)
            if t == "table_open":
                return self.table(node, width, base)
            return self.blocks(node.children, width, base, tight=False)
        t = node.type
        if t in ("fence", "code_block"):
            return self.code(node.content, node.info if t == "fence" else "", width)
        if t == "hr":
            return [self.sgr("─" * width, self.style["rule"])]
        if t == "html_block":
            segs = [(line, base) for line in node.content.rstrip("\n").split("\n")]
            return [text for text, _ in _wrap(_join_lines(segs), width)]
        if t == "inline":
            return [text for text, _ in _wrap(self.inline(node, base), width)]
        return []

    def paragraph(self, node: _Node, width: int, base: str) -> list[str]:
        lines: list[str] = []
        for child in node.children:
            lines.extend(text for text, _ in _wrap(self.inline(child, base), width))
        return lines

    def heading(self, node: _Node, width: int, base: str) -> list[str]:
        tag = node.token.tag
        style = self.style[
            "h1" if tag == "h1" else "h2" if tag == "h2" else "h3" if tag == "h3" else "h4"
        ]
        lines: list[str] = []
        for child in node.children:
            segs = self.inline(child, _add(base, style))
            lines.extend(text for text, _ in _wrap(segs, width))
        return lines

    def lists(self, node: _Node, width: int, base: str, depth: int = 0) -> list[str]:
        items = [c for c in node.children if isinstance(c, _Node)]
        ordered = node.token.type == "ordered_list_open"
        if ordered:
            start = int(node.token.attrGet("start") or 1)
            delim = node.token.markup or "."
            numbers = [f"{start + i}{delim}" for i in range(len(items))]
            mark_w = max(len(n) for n in numbers) + 1 if numbers else 3
            marks = [n.rjust(mark_w - 1) + " " for n in numbers]
        else:
            bullet = _BULLETS[depth % len(_BULLETS)]
            mark_w = 2
            marks = [bullet + " "] * len(items)
        tight = _is_tight(items)
        out: list[str] = []
        if width - mark_w < 4:  # too narrow to indent: markers on lines of their own
            for mark, item in zip(marks, items, strict=True):
                if out and not tight:
                    out.append("")
                out.append(self.sgr(mark.strip()[:width], base))
                out.extend(self.item(item, width, base, tight, depth))
            return out
        pad = " " * mark_w
        for mark, item in zip(marks, items, strict=True):
            lines = self.item(item, width - mark_w, base, tight, depth) or [""]
            if out and not tight:
                out.append("")
            out.append(self.sgr(mark, base) + lines[0] if lines[0] else mark.rstrip())
            out.extend(pad + line if line else "" for line in lines[1:])
        return out

    def item(self, item: _Node, width: int, base: str, tight: bool, depth: int) -> list[str]:
        return self.blocks(item.children, width, base, tight=tight, depth=depth + 1)

    def quote(self, node: _Node, width: int, base: str) -> list[str]:
        style = _add(base, self.style["quote"])
        if width < 6:  # too narrow for the bar
            return self.blocks(node.children, width, style, tight=False)
        lines = self.blocks(node.children, width - 2, style, tight=False)
        bar = self.sgr(_QUOTE_BAR, self.style["bar"])
        return [bar + line if line else bar.rstrip() for line in lines]

    # -- inline ---------------------------------------------------------------

    def inline(self, token: Token, base: str) -> list[Seg]:
        """An inline token's children as styled runs of text."""
        st = self.style
        segs: list[Seg] = []
        stack: list[str] = [base] if base else []
        cur = base
        hrefs: list[tuple[str, int]] = []
        for child in token.children or ():
            t = child.type
            if t == "text":
                segs.append((_printable(child.content), cur))
            elif t == "softbreak":
                segs.append((" ", cur))
            elif t == "hardbreak":
                segs.append(_HARD_BREAK)
            elif t == "code_inline":
                segs.append((_printable(child.content), _add(cur, st["code"])))
            elif t in ("strong_open", "em_open", "s_open", "link_open"):
                key = (
                    "strong"
                    if t == "strong_open"
                    else "em"
                    if t == "em_open"
                    else "s"
                    if t == "s_open"
                    else "link"
                )
                if t == "link_open":
                    hrefs.append((str(child.attrGet("href") or ""), len(segs)))
                stack.append(cur)
                cur = _add(cur, st[key])
            elif t in ("strong_close", "em_close", "s_close", "link_close"):
                cur = stack.pop() if stack else base
                if t == "link_close" and hrefs:
                    href, first = hrefs.pop()
                    shown = "".join(s for s, _ in segs[first:])
                    if href and href != shown and "mailto:" + shown != href:
                        segs.append((" (" + _printable(href) + ")", _add(cur, st["url"])))
            elif t == "image":
                alt = child.content or "image"
                segs.append(("[" + _printable(alt) + "]", _add(cur, st["em"])))
            elif child.content:  # html_inline and anything else: its text
                segs.append((_printable(child.content), cur))
        return segs

    # -- code -----------------------------------------------------------------

    def code(self, content: str, info: str, width: int) -> list[str]:
        code = content.expandtabs(4).rstrip("\n")
        indent = _CODE_INDENT if width >= 12 else ""
        inner = width - len(indent)
        lang = info.strip().split(maxsplit=1)[0] if info.strip() else ""
        rows = _highlight(code, lang) if self.mode == "color" and lang else None
        if rows is None:
            rows = [[(_printable(line), "")] for line in code.split("\n")]
        out: list[str] = []
        for row in rows:
            for text, _, _ in _cut_row(row, inner):
                out.append((indent + text).rstrip(" ") if text.strip() else "")
        return out

    # -- tables ---------------------------------------------------------------

    def table(self, node: _Node, width: int, base: str) -> list[str]:
        rows: list[list[list[Seg]]] = []
        aligns: list[str] = []
        header_rows = 0
        for section in node.children:
            if not isinstance(section, _Node):
                continue
            for tr in section.children:
                if not isinstance(tr, _Node):
                    continue
                cells: list[list[Seg]] = []
                for cell in tr.children:
                    if not isinstance(cell, _Node):
                        continue
                    is_head = cell.token.type == "th_open"
                    style = _add(base, self.style["th"]) if is_head else base
                    segs: list[Seg] = []
                    for inl in cell.children:
                        segs.extend(self.inline(inl, style))
                    cells.append(segs)
                    if len(aligns) < len(cells):
                        aligns.append(_align(cell.token))
                rows.append(cells)
                if section.token.type == "thead_open":
                    header_rows += 1
        if not rows:
            return []
        ncol = max(len(r) for r in rows)
        for r in rows:
            r.extend([] for _ in range(ncol - len(r)))
        aligns.extend("left" for _ in range(ncol - len(aligns)))

        sep_w = 3  # " │ "
        room = width - sep_w * (ncol - 1)
        if room < ncol * 3:  # hopelessly narrow: one cell per line instead
            out = []
            for r in rows:
                for segs in r:
                    out.extend(text for text, _ in _wrap(segs, width))
                out.append("")
            return out[:-1]
        natural = [0] * ncol
        for r in rows:
            for c, segs in enumerate(r):
                natural[c] = max(natural[c], _measure(segs))
        widths = _fit(natural, room)

        bar = self.sgr(" │ ", self.style["table_bar"])
        out = []
        for i, r in enumerate(rows):
            wrapped = [_wrap(segs, widths[c]) or [("", 0)] for c, segs in enumerate(r)]
            height = max(len(w) for w in wrapped)
            for k in range(height):
                parts = []
                for c in range(ncol):
                    text, w = wrapped[c][k] if k < len(wrapped[c]) else ("", 0)
                    parts.append(_pad(text, w, widths[c], aligns[c]))
                out.append(bar.join(parts).rstrip(" "))
            if i + 1 == header_rows:
                rule = self.sgr("─┼─", self.style["table_bar"]).join(
                    self.sgr("─" * w, self.style["table_bar"]) for w in widths
                )
                out.append(rule)
        return out


def _no_colour(params: str) -> str:
    keep = [
        p for p in params.split(";") if p and not (p.startswith(("3", "4", "9")) and len(p) == 2)
    ]
    # 38;5;N / 48;5;N never appear in _STYLE; single digits are attributes.
    return ";".join(keep)


def _add(outer: str, inner: str) -> str:
    if not outer:
        return inner
    if not inner:
        return outer
    return outer + ";" + inner


def _is_tight(items: list[_Node]) -> bool:
    for item in items:
        for child in item.children:
            if isinstance(child, _Node) and child.token.type == "paragraph_open":
                return bool(child.token.hidden)
    return True


def _align(token: Token) -> str:
    style = str(token.attrGet("style") or "")
    if "right" in style:
        return "right"
    if "center" in style:
        return "center"
    return "left"


def _pad(text: str, w: int, width: int, align: str) -> str:
    gap = width - w
    if gap <= 0:
        return text
    if align == "right":
        return " " * gap + text
    if align == "center":
        left = gap // 2
        return " " * left + text + " " * (gap - left)
    return text + " " * gap


def _fit(natural: list[int], room: int) -> list[int]:
    """Column widths within `room`: columns that fit keep their width, the rest
    share what is left evenly (max-min fair)."""
    if sum(natural) <= room:
        return [max(n, 1) for n in natural]
    widths = [0] * len(natural)
    order = sorted(range(len(natural)), key=lambda c: natural[c])
    left, cols = room, len(natural)
    for c in order:
        share = left // cols
        widths[c] = max(min(natural[c], share), 1)
        left -= widths[c]
        cols -= 1
    return widths


def _measure(segs: list[Seg]) -> int:
    """The width of a cell's text on one line."""
    words = "".join(s for s, _ in segs).split()
    return sum(cell_width(w) for w in words) + len(words) - 1 if words else 0


def _join_lines(segs: list[Seg]) -> list[Seg]:
    out: list[Seg] = []
    for seg in segs:
        if out:
            out.append(_HARD_BREAK)
        out.append((_printable(seg[0]), seg[1]))
    return out


# -- wrapping ----------------------------------------------------------------------


def _wrap(segs: list[Seg], width: int) -> list[Line]:
    """Word-wrap styled runs to `width` cells, greedily. Words are split at spaces
    only (a word longer than the line is cut); styles never span a line break."""
    lines: list[Line] = []
    line: list[Seg] = []
    line_w = 0
    word: list[Seg] = []  # the word being read: it may span several runs
    word_w = 0

    def place() -> None:
        nonlocal line, line_w
        if line and line_w + 1 + word_w > width:
            lines.append((_join(line), line_w))
            line, line_w = [], 0
        if word_w > width:
            for _, w, runs in _cut_row(word, width):
                if line:
                    lines.append((_join(line), line_w))
                line, line_w = runs, w
            return
        if line:
            # The space between two words takes the style they share, so an
            # underlined link stays one underline.
            sgr = word[0][1]
            line.append((" ", sgr if sgr == line[-1][1] else ""))
            line_w += 1
        line += word
        line_w += word_w

    for text, sgr in segs:
        if text == "\n" and not sgr:  # a hard break
            if word:
                place()
                word, word_w = [], 0
            lines.append((_join(line), line_w))
            line, line_w = [], 0
            continue
        pieces = text.split(" ")
        last = len(pieces) - 1
        for i, piece in enumerate(pieces):
            if piece:
                word.append((piece, sgr))
                word_w += len(piece) if piece.isascii() else cell_width(piece)
            if i < last and word:  # a space follows: the word is complete
                place()
                word, word_w = [], 0
    if word:
        place()
    if line:
        lines.append((_join(line), line_w))
    return lines


def _cut_row(row: list[Seg], width: int) -> list[Any]:
    """A row of runs cut into lines of at most `width` cells (code lines and words
    longer than a line). Returns (text, width, runs) for each line."""
    out: list[Any] = []
    line: list[Seg] = []
    w = 0
    for text, sgr in row:
        while text:
            tw = len(text) if text.isascii() else cell_width(text)
            if w + tw <= width:
                line.append((text, sgr))
                w += tw
                break
            room = width - w
            head = _split_to_width(text, room)[0] if room > 0 else ""
            if cell_width(head) > room:  # a wide character at the very end
                head = "" if line else text[0]
            if head:
                line.append((head, sgr))
                w += cell_width(head)
                text = text[len(head) :]
            out.append((_join(line), w, line))
            line, w = [], 0
    out.append((_join(line), w, line))
    return out


def _join(runs: list[Seg]) -> str:
    """Runs to one string, an SGR sequence only where the style changes."""
    parts: list[str] = []
    open_sgr = ""
    for text, sgr in runs:
        if sgr != open_sgr:
            if open_sgr:
                parts.append("\x1b[0m")
            if sgr:
                parts.append("\x1b[" + sgr + "m")
            open_sgr = sgr
        parts.append(text)
    if open_sgr:
        parts.append("\x1b[0m")
    return "".join(parts)


# -- code highlighting -------------------------------------------------------------

# A monokai-like palette in the 256-colour cube, by pygments token type.
_PALETTE = {
    "Keyword": "38;5;197",
    "Keyword.Constant": "38;5;81",
    "Keyword.Type": "38;5;81",
    "Keyword.Namespace": "38;5;197",
    "Name.Builtin": "38;5;81",
    "Name.Builtin.Pseudo": "38;5;208",
    "Name.Function": "38;5;148",
    "Name.Class": "38;5;148",
    "Name.Decorator": "38;5;148",
    "Name.Exception": "38;5;148",
    "Name.Attribute": "38;5;148",
    "Name.Tag": "38;5;197",
    "Name.Variable": "38;5;208",
    "Name.Label": "38;5;186",
    "String": "38;5;186",
    "String.Escape": "38;5;141",
    "String.Interpol": "38;5;141",
    "String.Affix": "38;5;197",
    "Number": "38;5;141",
    "Literal": "38;5;141",
    "Comment": "3;38;5;245",
    "Operator": "38;5;197",
    "Operator.Word": "38;5;197",
    "Generic.Deleted": "38;5;203",
    "Generic.Inserted": "38;5;149",
    "Generic.Heading": "1",
    "Generic.Subheading": "1;38;5;245",
    "Generic.Emph": "3",
    "Generic.Strong": "1",
    "Generic.Prompt": "1;38;5;245",
    "Error": "38;5;203",
}
_type_sgr: dict[Any, str] = {}
_lexers: dict[str, Any] = {}


def _lexer(lang: str) -> Any | None:
    lang = lang.lower()
    if lang in _lexers:
        return _lexers[lang]
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(lang, stripnl=False, ensurenl=False)
    except ClassNotFound:
        lexer = None
    _lexers[lang] = lexer
    return lexer


def _sgr_of(ttype: Any) -> str:
    sgr = _type_sgr.get(ttype)
    if sgr is None:
        t = ttype
        sgr = ""
        while t is not None and len(t):
            name = ".".join(t)
            if name in _PALETTE:
                sgr = _PALETTE[name]
                break
            t = t.parent
        _type_sgr[ttype] = sgr
    return sgr


def _highlight(code: str, lang: str) -> list[list[Seg]] | None:
    """Code as rows of coloured runs, or None for a language pygments does not know."""
    lexer = _lexer(lang)
    if lexer is None:
        return None
    rows: list[list[Seg]] = [[]]
    row = rows[0]
    sgr_of = _type_sgr.get
    for _, ttype, value in lexer.get_tokens_unprocessed(_printable_lines(code) + "\n"):
        sgr = sgr_of(ttype)
        if sgr is None:
            sgr = _sgr_of(ttype)
        if "\n" not in value:
            if value:
                row.append((value, sgr))
            continue
        first = True
        for part in value.split("\n"):
            if not first:
                row = []
                rows.append(row)
            first = False
            if part:
                row.append((part, sgr))
    if rows and not rows[-1] and len(rows) > 1:
        rows.pop()
    return rows
