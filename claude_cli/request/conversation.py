"""A session as the service sees it: append-only.

Thinking blocks are tied to everything before them (system, tools, earlier messages):
change any of it and the prefix check fails (a 400 on Fable 5.2). So a session's
top-level `system` is built once; a later change of system prompt becomes a new
message at the end (request.instruction_for / with_instruction), and earlier turns
are sent back exactly as stored. Pure functions over a session document.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from claude_cli.config import Settings
from claude_cli.request.body import INSTRUCTION_PREFIX

Doc = dict[str, Any]


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(
        b.get("text", "") for b in content or [] if isinstance(b, dict) and b.get("type") == "text"
    )


def current_system(doc: Doc | None) -> str | None:
    """The system prompt in force: the latest mid-conversation one, else the top-level one."""
    if not doc:
        return None
    for message in reversed(doc.get("messages") or []):
        if message.get("role") == "system":
            return _text(message.get("content")) or None
        content = message.get("content")
        if message.get("role") == "user" and isinstance(content, list) and content:
            first = content[0] if isinstance(content[0], dict) else {}
            text = first.get("text", "")
            if (
                first.get("type") == "text"
                and isinstance(text, str)
                and text.startswith(INSTRUCTION_PREFIX)
            ):
                return text[len(INSTRUCTION_PREFIX) :] or None
    system = doc.get("system")
    return system if isinstance(system, str) and system else None


def started(doc: Doc | None) -> bool:
    return bool(doc and doc.get("messages"))


def with_session(settings: Settings, doc: Doc | None) -> Settings:
    """A session's model and (top-level) system prompt apply unless given as flags.

    Once a session has messages its top-level system prompt never changes: a flag's
    system prompt is then a change for `new_system` to carry, not a rewrite."""
    if doc is None:
        return settings
    changes: dict[str, Any] = {}
    model = doc.get("model")
    if settings.source("model") != "flag" and isinstance(model, str) and model:
        changes["model"] = model
    system = doc.get("system") if isinstance(doc.get("system"), str) and doc["system"] else None
    if started(doc):
        if settings.system != system:  # fixed once the conversation began
            changes["system"] = system
    elif settings.source("system") != "flag" and system:
        changes["system"] = system
    if not changes:
        return settings
    sources = {**settings.sources, **dict.fromkeys(changes, "session")}
    return replace(settings, **changes, sources=sources)


def new_system(flag_settings: Settings, doc: Doc | None) -> tuple[str | None] | None:
    """A `-s` given for a session that has begun and says something new: (text,)."""
    if not started(doc) or flag_settings.source("system") != "flag":
        return None
    wanted = flag_settings.system or None
    return None if wanted == current_system(doc) else (wanted,)


def has_thinking(messages: list[dict[str, Any]]) -> bool:
    return any(
        isinstance(b, dict) and b.get("type") in ("thinking", "redacted_thinking")
        for m in messages
        if m.get("role") == "assistant" and isinstance(m.get("content"), list)
        for b in m["content"]
    )


def model_switch_note(doc: Doc | None, model: str) -> str | None:
    """What changing the model does to earlier thinking (the preserved-thinking docs:
    blocks go back unchanged; a model that cannot read another's drops them, no error)."""
    if not doc:
        return None
    before = doc.get("model")
    if not before or before == model or not has_thinking(doc.get("messages") or []):
        return None
    return (
        f"switched from {before} to {model}: earlier thinking is sent back unchanged, "
        f"and the service leaves out what {model} cannot read"
    )
