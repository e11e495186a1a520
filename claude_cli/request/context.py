"""Will a request fit the model's context window? Decided before sending, cheaply.

The common case costs nothing: a guess from the request's size (UTF-8 bytes of text / 3,
a flat figure per image and per PDF page) is compared with the window known without
asking (capabilities cache or built-in table). Only a request that may be near the
window is counted exactly (`POST /v1/messages/count_tokens`, free): then a request that
does not fit is refused before anything is paid for (the service would refuse it too),
and one near the window is sent with a warning. Pure: the caller does the counting.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

#: Text: UTF-8 bytes per token, on the low side (the 4.7+ tokenizer counts ~30% more
#: tokens than the old ~4 characters per token; CJK text is near a token per character).
BYTES_PER_TOKEN = 3
#: An image as the service sizes it (~1.15 megapixels, tokens ≈ width * height / 750).
IMAGE_TOKENS = 1600
#: A PDF page: its text plus the page as an image (the docs: 1,500-3,000 tokens a page).
PDF_PAGE_TOKENS = 3000
#: Below this share of the window the guess is trusted and nothing is counted: counting
#: re-sends the whole conversation (a 2,000-turn session is ~2 MB) before every request,
#: and a guess this far below WARN_FROM would have to be 20 % short to matter.
COUNT_FROM = 0.7
#: From this share of the window on, a request that fits is sent with a warning.
WARN_FROM = 0.9
#: When the window is not known without asking: the smallest of today's models (Haiku 4.5).
SMALLEST_WINDOW = 200_000


def _text(value: Any) -> int:
    if not value:
        return 0
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return len(text.encode("utf-8", "replace")) // BYTES_PER_TOKEN + 1


def _pdf_pages(data: str) -> int:
    from claude_cli.inputs.documents import pdf_pages

    try:
        return max(1, pdf_pages(base64.b64decode(data, validate=False)))
    except (binascii.Error, ValueError):
        return 1


def _block(block: Any) -> int:
    if not isinstance(block, dict):
        return _text(block)
    kind = block.get("type")
    source = block.get("source") if isinstance(block.get("source"), dict) else {}
    if kind == "text":
        return _text(block.get("text"))
    if kind == "image":
        return IMAGE_TOKENS
    if kind == "document":
        data = source.get("data")
        if source.get("media_type") == "application/pdf" and isinstance(data, str):
            return _pdf_pages(data) * PDF_PAGE_TOKENS
        return _text(data) if isinstance(data, str) else PDF_PAGE_TOKENS
    if kind in ("thinking", "redacted_thinking"):
        return _text(block.get("thinking"))  # the signature is not read as text
    return _text(block)  # tool uses and results, web results: their JSON


def estimate(body: dict[str, Any]) -> int:
    """A rough input token count of a Messages body, without asking anyone."""
    total = _text(body.get("system")) + _text(body.get("tools"))
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        blocks = content if isinstance(content, list) else [content]
        total += 4 + sum(_block(b) if b is not None else 0 for b in blocks)
    return total


def worth_counting(guess: int, window: int | None) -> bool:
    """Whether the guess is close enough to the window to ask for the exact count."""
    return guess >= COUNT_FROM * (window or SMALLEST_WINDOW)


@dataclass(frozen=True)
class Fit:
    """What to tell the user: `refuse` (the request does not fit) or `warn` (it is near)."""

    refuse: str | None = None
    warn: str | None = None


def judge(count: int, window: int, model: str, max_tokens: int, *, exact: bool) -> Fit:
    """The verdict for `count` input tokens (exact: from count_tokens; else a guess)."""
    size = f"{count:,} input tokens" if exact else f"about {count:,} input tokens (a guess)"
    if count > window:
        said = f"this request is {size}, more than {model}'s {window:,}-token context window"
        if exact:
            return Fit(refuse=said)
        return Fit(warn=f"{said}; sending it anyway (the service will say if it does not fit)")
    room = window - count
    if count < WARN_FROM * window and room >= max_tokens:
        return Fit()
    said = f"this request is {size}, {count / window:.0%} of {model}'s {window:,}-token window"
    if room < max_tokens:
        said += f"; the reply has room for only {room:,} tokens"
    return Fit(warn=said + " (a new session or fewer attachments make room)")


#: What a refused request can do instead (the error's second line).
TOO_LARGE_HINT = (
    "Make it smaller: a new session (/clear in chat, another -S name), fewer or smaller "
    "attachments, a shorter prompt; or pick a model with a larger context window with -m "
    "(`claude-cli models show MODEL` shows its window)."
)

__all__ = ["TOO_LARGE_HINT", "Fit", "estimate", "judge", "worth_counting"]
