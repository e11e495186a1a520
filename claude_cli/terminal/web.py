"""Server tools on screen: one status line per search or fetch, and the reply's citations
as numbered footnotes (web pages and cited documents alike). Pure text: callers decide
where it goes (a terminal's stdout, stderr with --sources, nowhere in --json)."""

from __future__ import annotations

from typing import Any

from claude_cli.terminal.term import sanitize

#: pause_turn continuations sent automatically before giving up (with a note).
MAX_CONTINUATIONS = 5


def status_line(name: str, tool_input: Any) -> str:
    given = tool_input if isinstance(tool_input, dict) else {}
    if name == "web_search":
        return f"searching: {sanitize(str(given.get('query', '')))}"
    if name == "web_fetch":
        return f"reading: {sanitize(str(given.get('url', '')))}"
    return f"using {sanitize(name)}"


def sources(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, where) for each distinct cited source, in the order first cited."""
    seen: dict[tuple[str, str], None] = {}
    for block in message.get("content") or []:
        if not isinstance(block, dict) or block.get("type") != "text":
            continue
        for cite in block.get("citations") or []:
            if not isinstance(cite, dict):
                continue
            url = cite.get("url")
            if url:
                key = (str(cite.get("title") or url), str(url))
            else:
                title = cite.get("document_title") or f"document {cite.get('document_index', '?')}"
                passage = " ".join(str(cite.get("cited_text") or "").split())
                if len(passage) > 160:
                    passage = passage[:157] + "…"
                key = (str(title), f"“{passage}”" if passage else "")
            seen.setdefault(key, None)
    return list(seen)


def footnotes(message: dict[str, Any]) -> str:
    """Numbered footnotes for the reply's citations ("" when it cites nothing)."""
    lines = []
    for n, (title, where) in enumerate(sources(message), 1):
        line = f"[{n}] {sanitize(title)}"
        if where:
            line += f" — {sanitize(where)}"
        lines.append(line)
    return "\n".join(lines)


def continuation(body: dict[str, Any], content: list[dict[str, Any]]) -> dict[str, Any]:
    """The request that lets a paused turn go on: the turn so far sent back as it came."""
    return {**body, "messages": [*body["messages"], {"role": "assistant", "content": content}]}


def merged(first: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """One Message for a turn that paused: the blocks in order, usage added up."""
    usage = dict(first.get("usage") or {})
    for key, value in (more.get("usage") or {}).items():
        if isinstance(value, int) and isinstance(usage.get(key), int):
            usage[key] += value
        elif isinstance(value, dict) and isinstance(usage.get(key), dict):
            usage[key] = {
                k: usage[key].get(k, 0) + v if isinstance(v, int) else v for k, v in value.items()
            }
        else:
            usage[key] = value
    return {**more, "content": [*first["content"], *more["content"]], "usage": usage}


__all__ = ["MAX_CONTINUATIONS", "continuation", "footnotes", "merged", "sources", "status_line"]
