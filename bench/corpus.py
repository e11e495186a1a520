"""A long, realistic Markdown reply of about N words, always the same for the same N.

Headings, paragraphs with inline code and emphasis, bullet and numbered lists,
fenced code blocks and tables, in the proportions a long technical answer has.
"""

from __future__ import annotations

import random

_WORDS = (
    "the a of to and in is that for it as with on be by this are or from at an which can "
    "request response stream buffer server client terminal render block token latency "
    "memory process thread socket header payload message session cache value function "
    "module import error retry timeout connection parser output input line width height "
    "screen cursor scroll text model reply prompt budget measure profile library version "
    "install python rust shell pipe file path config option default network packet queue "
    "quickly slowly carefully simply often never always usually rarely exactly roughly "
    "large small fast slow simple complex stable recent careful useful clear common"
)
_IDENTS = "data items result count total buffer chunk line text size offset index"
WORDS, IDENTS = _WORDS.split(), _IDENTS.split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    roll = rng.random()
    if roll < 0.2:
        i = rng.randrange(len(words))
        words[i] = f"`{rng.choice(IDENTS)}()`"
    elif roll < 0.35:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    elif roll < 0.45:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    words[0] = words[0].capitalize()
    text = " ".join(words)
    if rng.random() < 0.3:
        text = text.replace(" ", ", ", 1)
    return text + rng.choice(".....?!")


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))


def _bullets(rng: random.Random) -> str:
    numbered = rng.random() < 0.4
    items = []
    for n in range(1, rng.randint(3, 7)):
        marker = f"{n}." if numbered else "-"
        items.append(f"{marker} {_sentence(rng)}")
        if rng.random() < 0.2:
            items.append(f"   - {_sentence(rng)}")
    return "\n".join(items)


def _code(rng: random.Random) -> str:
    lines = [f"def {rng.choice(IDENTS)}_{rng.choice(IDENTS)}({rng.choice(IDENTS)}):"]
    for _ in range(rng.randint(4, 14)):
        a, b = rng.choice(IDENTS), rng.choice(IDENTS)
        lines.append(
            rng.choice(
                [
                    f"    {a} = {b}[{rng.randint(0, 9)}:] + {rng.randint(1, 999)}",
                    f"    if {a} > {b}:",
                    f"        return {a} * {rng.randint(2, 8)}",
                    f"    for {a} in range(len({b})):",
                    f'    print(f"{{{a}}} of {{{b}}}")  # {rng.choice(WORDS)} {rng.choice(WORDS)}',
                ]
            )
        )
    lines.append(f"    return {rng.choice(IDENTS)}")
    return "```python\n" + "\n".join(lines) + "\n```"


def _table(rng: random.Random) -> str:
    cols = rng.randint(3, 5)
    head = [rng.choice(WORDS).capitalize() for _ in range(cols)]
    rows = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for _ in range(rng.randint(3, 8)):
        cells = [
            f"{rng.randint(1, 9999)} ms" if c else " ".join(rng.choice(WORDS) for _ in range(2))
            for c in range(cols)
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def markdown(words: int, seed: int = 5) -> str:
    """About `words` words (whitespace-separated) of Markdown, ending with a newline."""
    rng = random.Random(seed)
    blocks = [f"# {_sentence(rng).rstrip('.?!')}", _paragraph(rng)]
    count = sum(len(b.split()) for b in blocks)
    while count < words:
        roll = rng.random()
        if roll < 0.08:
            block = f"## {_sentence(rng).rstrip('.?!')}"
        elif roll < 0.12:
            block = f"### {_sentence(rng).rstrip('.?!')}"
        elif roll < 0.55:
            block = _paragraph(rng)
        elif roll < 0.75:
            block = _bullets(rng)
        elif roll < 0.88:
            block = _code(rng)
        else:
            block = _table(rng)
        blocks.append(block)
        count += len(block.split())
    return "\n\n".join(blocks) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(markdown(int(sys.argv[1]) if len(sys.argv) > 1 else 300))
