"""Pure functions that build Messages API request bodies. No I/O here."""

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


def request_body(
    *,
    model: str,
    max_tokens: int,
    messages: list[Message],
    system: str | None = None,
    stop_sequences: list[str] | None = None,
    temperature: float | None = None,
    thinking_budget: int | None = None,
    cache: bool = False,
    stream: bool = False,
) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model, "max_tokens": max_tokens, "messages": messages}
    if system:
        body["system"] = system
    if stop_sequences:
        body["stop_sequences"] = list(stop_sequences)
    if temperature is not None:
        body["temperature"] = temperature
    if thinking_budget:
        body["thinking"] = {"type": "enabled", "budget_tokens": thinking_budget}
    if cache:
        # Top-level cache_control caches the prompt up to its last cacheable block.
        body["cache_control"] = {"type": "ephemeral"}
    if stream:
        body["stream"] = True
    return body


def message_text(message: dict[str, Any]) -> str:
    """The text blocks of a Message (thinking and tool calls left out)."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    return "".join(
        b.get("text", "") for b in content or [] if isinstance(b, dict) and b.get("type") == "text"
    )
