"""`-a/--attach`: PDFs, plain text and images as content blocks, their type sniffed from bytes.

A PDF becomes a `document` block (base64, or a `url` source for a .pdf URL the service
fetches); UTF-8 text a text `document` (its file name as `title`); an image exactly what
`-i` makes of it (images.py). The service's limits are checked here, before anything is
sent: 32 MB per request, 100 pages per PDF.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

from claude_cli.config import Settings
from claude_cli.errors import UsageError
from claude_cli.inputs.images import (
    Note,
    block_from_bytes,
    is_url,
    label,
    read_file,
    sniff,
    sniff_convertible,
    url_block,
)

MAX_REQUEST_BYTES = 32 * 1024 * 1024  # the service's limit for a whole request
MAX_PDF_PAGES = 100
# Room left in a request for the prompt, the history and the JSON around the blocks.
REQUEST_MARGIN = 512 * 1024
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")


def pdf_pages(data: bytes) -> int:
    """Pages counted from the page objects in plain sight (0: not countable this way,
    e.g. objects inside compressed object streams; the service then decides)."""
    return len(_PAGE.findall(data))


def _read(source: str, stdin: IO[Any] | None) -> bytes:
    name = label(source)
    if source == "-":
        import sys

        stream = stdin if stdin is not None else sys.stdin
        try:
            if stream.isatty():
                raise UsageError("attachment stdin: stdin is a terminal; pipe the file in")
        except (AttributeError, ValueError):
            pass
        data = getattr(stream, "buffer", stream).read(MAX_REQUEST_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    else:
        if not source:
            raise UsageError("attachment: empty source name")
        data = read_file(source, MAX_REQUEST_BYTES + 1, f"attachment {name}")
    if not data:
        raise UsageError(f"attachment {name}: the file is empty")
    if len(data) > MAX_REQUEST_BYTES:
        raise UsageError(f"attachment {name}: larger than the 32 MB a request may carry")
    return data


def title_of(source: str) -> str:
    if source == "-":
        return "stdin"
    if is_url(source):
        return Path(urlparse(source).path).name or source
    return Path(source).name


def document_block(source: str, data: bytes, *, cite: bool = False) -> dict[str, Any]:
    """A PDF or text `document` block for these bytes (UsageError for anything else)."""
    name = label(source)
    if data.startswith(b"%PDF-"):
        pages = pdf_pages(data)
        if pages > MAX_PDF_PAGES:
            raise UsageError(
                f"attachment {name}: {pages} pages; a PDF may have at most {MAX_PDF_PAGES} "
                "(split it, e.g. with qpdf --split-pages)"
            )
        block: dict[str, Any] = {
            "type": "document",
            "source": {
                "type": "base64",
                "media_type": "application/pdf",
                "data": base64.b64encode(data).decode("ascii"),
            },
        }
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None or "\x00" in text:
            raise UsageError(
                f"attachment {name}: not a PDF, an image or UTF-8 text "
                "(claude-cli sends those three kinds)"
            )
        block = {
            "type": "document",
            "source": {"type": "text", "media_type": "text/plain", "data": text},
        }
    block["title"] = title_of(source)
    if cite:
        block["citations"] = {"enabled": True}
    return block


def load_attachment(
    source: str,
    settings: Settings,
    *,
    cite: bool = False,
    note: Note | None = None,
    stdin: IO[Any] | None = None,
) -> dict[str, Any]:
    """The content block for one `-a` source."""
    if is_url(source):
        path = urlparse(source).path.lower()
        if path.endswith(".pdf"):
            block: dict[str, Any] = {
                "type": "document",
                "source": {"type": "url", "url": source},
                "title": title_of(source),
            }
            if cite:
                block["citations"] = {"enabled": True}
            return block
        if path.endswith(_IMAGE_SUFFIXES):
            return url_block(source)
        raise UsageError(
            f"attachment {label(source)}: cannot tell what this URL is from its name "
            "(.pdf or an image suffix); download it and attach the file"
        )
    data = _read(source, stdin)
    if sniff(data) or sniff_convertible(data):
        return block_from_bytes(source, data, settings, note=note)
    return document_block(source, data, cite=cite)


def load_attachments(
    sources: list[str],
    settings: Settings,
    *,
    cite: bool = False,
    note: Note | None = None,
    stdin: IO[Any] | None = None,
    already: int = 0,
) -> list[dict[str, Any]]:
    """Blocks for every `-a`, within the request's 32 MB (`already`: bytes of other blocks)."""
    if sources.count("-") > 1:
        raise UsageError("attachment: `-` (stdin) can be given only once")
    blocks = [load_attachment(s, settings, cite=cite, note=note, stdin=stdin) for s in sources]
    total = already + sum(block_bytes(b) for b in blocks)
    if total > MAX_REQUEST_BYTES - REQUEST_MARGIN:
        raise UsageError(
            f"attachments: {total / 2**20:.1f} MB together once encoded; a request may carry "
            "at most 32 MB (send fewer or smaller files)"
        )
    return blocks


def block_bytes(block: dict[str, Any]) -> int:
    source = block.get("source")
    data = source.get("data") if isinstance(source, dict) else None
    return len(data) if isinstance(data, str) else 0


__all__ = ["MAX_PDF_PAGES", "MAX_REQUEST_BYTES", "document_block", "load_attachments"]
