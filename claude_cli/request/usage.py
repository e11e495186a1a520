"""What a reply cost and how it ended, from the `usage` the API reports.

Pure: no terminal and no network. `Usage.of` reads a reply's (or a stored
record's) usage, counting what the API now reports beyond the four flat
fields: thinking tokens, 5-minute and 1-hour cache writes, and server tool
uses. Anything that is not a non-negative integer is ignored, never fatal:
session files and gateways carry junk.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from claude_cli.terminal.term import (
    sanitize,  # a pure string function: term.py imports nothing heavy
)

#: The flat keys a stored per-reply record keeps (session files from every version have them).
FLAT_KEYS = (
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
)
#: The nested breakdowns a stored record keeps as well, when the API sent them.
NESTED_KEYS = ("cache_creation", "output_tokens_details", "server_tool_use")


def _count(value: Any) -> int:
    """A token count, or 0 for anything that is not one (bools, floats, strings, None)."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return 0


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Usage:
    """Token counts of one reply (or a sum of replies)."""

    input: int = 0
    #: Billed output, thinking included.
    output: int = 0
    #: The part of `output` that was thinking (`output_tokens_details.thinking_tokens`).
    thinking: int = 0
    cache_read: int = 0
    cache_write_5m: int = 0
    cache_write_1h: int = 0
    web_searches: int = 0
    web_fetches: int = 0

    @classmethod
    def of(cls, raw: Any) -> Usage:
        """Read an API `usage` object or a stored record; junk counts as 0."""
        usage = _dict(raw)
        created = _dict(usage.get("cache_creation"))
        write_1h = _count(created.get("ephemeral_1h_input_tokens"))
        write_5m = _count(created.get("ephemeral_5m_input_tokens"))
        # The flat total is all there is on older answers: then it is all 5-minute (the
        # default TTL). When both are given, a total above the breakdown counts as 5-minute.
        written = max(_count(usage.get("cache_creation_input_tokens")), write_5m + write_1h)
        thinking = _count(_dict(usage.get("output_tokens_details")).get("thinking_tokens"))
        tools = _dict(usage.get("server_tool_use"))
        return cls(
            input=_count(usage.get("input_tokens")),
            # Thinking is part of output; a count below it would be a gateway's mistake.
            output=max(_count(usage.get("output_tokens")), thinking),
            thinking=thinking,
            cache_read=_count(usage.get("cache_read_input_tokens")),
            cache_write_5m=written - write_1h,
            cache_write_1h=write_1h,
            web_searches=_count(tools.get("web_search_requests")),
            web_fetches=_count(tools.get("web_fetch_requests")),
        )

    def __add__(self, other: Usage) -> Usage:
        return Usage(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def cache_written(self) -> int:
        return self.cache_write_5m + self.cache_write_1h

    @property
    def prompt_tokens(self) -> int:
        """Everything the request sent: what prompt-length price tiers are decided on."""
        return self.input + self.cache_read + self.cache_written

    def describe(self, *, always_cache: bool = False) -> list[str]:
        """The parts of a usage line: `1,234 in`, `567 out (120 thinking)`, cache, tools."""
        out = f"{self.output:,} out"
        if self.thinking:
            out += f" ({self.thinking:,} thinking)"
        parts = [f"{self.input:,} in", out]
        if always_cache or self.cache_read or self.cache_written:
            written = f"{self.cache_written:,} written"
            if self.cache_write_1h and not self.cache_write_5m:
                written += " (1h)"
            elif self.cache_write_1h:
                written += f" ({self.cache_write_1h:,} 1h)"
            parts.append(f"cache {self.cache_read:,} read / {written}")
        if self.web_searches:
            parts.append(_plural(self.web_searches, "web search", "web searches"))
        if self.web_fetches:
            parts.append(_plural(self.web_fetches, "web fetch", "web fetches"))
        return parts


def record(raw: Any) -> dict[str, Any]:
    """What a session keeps of a reply's usage: the flat counts and the nested
    breakdowns the API sent (cleaned of junk), so costs can be recomputed later."""
    usage = _dict(raw)
    kept: dict[str, Any] = {key: _count(usage.get(key)) for key in FLAT_KEYS}
    for key in NESTED_KEYS:
        nested = {k: _count(v) for k, v in _dict(usage.get(key)).items() if _count(v)}
        if nested:
            kept[key] = nested
    return kept


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


# -- how a reply ended ---------------------------------------------------------------

#: What each stop reason means, in plain words; None: nothing worth saying.
STOP_REASONS: dict[str, str | None] = {
    "end_turn": None,
    "max_tokens": "cut off: reached --max-tokens",
    "stop_sequence": "stopped at a stop sequence",
    "tool_use": "stopped for a tool call",
    "pause_turn": "paused: the server needs the turn sent back to continue",
    "refusal": "the model declined to answer (refusal)",
    "model_context_window_exceeded": "cut off: the conversation filled the model's context window",
}


def stop_phrase(message: dict[str, Any]) -> str | None:
    """The stop reason in plain words, or None when the reply simply ended."""
    stop = message.get("stop_reason")
    if not stop or not isinstance(stop, str):
        return None
    if stop not in STOP_REASONS:
        return f"stop: {sanitize(stop)}"
    phrase = STOP_REASONS[stop]
    if phrase is None:
        return None
    if stop == "stop_sequence" and isinstance(message.get("stop_sequence"), str):
        return f"stopped at the stop sequence {sanitize(repr(message['stop_sequence']))}"
    if stop == "refusal":
        details = _dict(message.get("stop_details"))
        category, explanation = details.get("category"), details.get("explanation")
        if isinstance(category, str) and category:
            phrase = f"the model declined to answer (refusal: {sanitize(category)})"
        if isinstance(explanation, str) and explanation.strip():
            phrase += f": {sanitize(' '.join(explanation.split()))}"
    return phrase


# -- the line after a reply ----------------------------------------------------------


def format_dollars(dollars: float) -> str:
    return f"${dollars:.4f}"


def usage_line(message: dict[str, Any]) -> str:
    """One line for stderr after a reply on a terminal: model, tokens, cost, how it ended.

    `claude-sonnet-5-5 · 1,234 in · 567 out (120 thinking) · cache 1,000 read / 200
    written (1h) · $0.0123`
    """
    from claude_cli.request.pricing import cost  # pricing imports this module

    model = message.get("model")
    usage = Usage.of(message.get("usage"))
    parts = [sanitize(model)] if isinstance(model, str) and model else []
    parts += usage.describe()
    dollars = cost(model, usage) if isinstance(model, str) else None
    parts.append("cost unknown" if dollars is None else format_dollars(dollars))
    stop = stop_phrase(message)
    if stop:
        parts.append(stop)
    return " · ".join(parts)
