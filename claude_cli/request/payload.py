"""Pure pieces of a Messages API request (request.py puts the body together). No I/O."""

from __future__ import annotations

from typing import Any

Message = dict[str, Any]


def join_prompt(words: list[str], stdin_text: str | None) -> str:
    """Prompt words joined by spaces; stdin text follows after a blank line."""
    prompt = " ".join(words)
    if stdin_text is None or stdin_text == "":
        return prompt
    if not prompt:
        return stdin_text
    return f"{prompt}\n\n{stdin_text}"


def user_turn(text: str, images: list[dict[str, Any]] | None = None) -> Message:
    """A user message; images go before the text, as the docs advise."""
    if not images:
        return {"role": "user", "content": text}
    blocks: list[dict[str, Any]] = list(images)
    if text:
        blocks.append({"type": "text", "text": text})
    return {"role": "user", "content": blocks}


def clean_prefill(prefill: str | None) -> str | None:
    """The API rejects a final assistant turn that ends in whitespace."""
    if prefill is None:
        return None
    stripped = prefill.rstrip()
    return stripped or None


def conversation(history: list[Message], turn: Message, prefill: str | None) -> list[Message]:
    messages = [*history, turn]
    if prefill:
        messages.append({"role": "assistant", "content": prefill})
    return messages


def message_text(message: dict[str, Any]) -> str:
    """The text blocks of a Message (thinking and tool calls left out)."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    return "".join(
        b.get("text", "") for b in content or [] if isinstance(b, dict) and b.get("type") == "text"
    )
