"""What the test server knows about each model: the service's rules as of December 2026.

One row per model (see ../shared/api-notes.md, "Models" and "Thinking and effort", and the
Anthropic docs). `FakeAPI` serves `capabilities` from these rows on `GET /v1/models[/{id}]`
and enforces the rest (sampling, prefill, mid-conversation system messages, the prefix check)
on `POST /v1/messages`, with the service's own error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_EFFORT = ("low", "medium", "high", "xhigh", "max")


@dataclass(frozen=True)
class ModelRules:
    id: str
    name: str
    created: str
    context: int = 1_000_000
    max_out: int = 128_000
    thinking: tuple[str, ...] = ("adaptive",)  # types the model takes (besides omitted)
    disabled_ok: bool = True  # thinking.type "disabled" accepted
    thinks_by_default: bool = False  # thinking on when `thinking` is omitted
    effort: tuple[str, ...] = ALL_EFFORT
    between_tools_effort: tuple[str, ...] = ()  # effort levels between_tools works at
    sampling: str = "none"  # "none": refused (Opus 4.7 on) · "one": temperature or top_p
    prefill: bool = False
    system_messages: bool = True  # mid-conversation role "system" (Opus 4.8 on, every 5.x)
    prefix_check: str = "none"  # "reject" (400), "drop" (silently), "none"
    summarized_by_default: bool = False  # thinking text comes back unless display omitted
    images: bool = True
    pdfs: bool = True
    structured: bool = True  # output_config.format (structured outputs)
    # Web tools with dynamic filtering (web_search_20260209+, web_fetch_20260209+): Claude 4.6
    # and later (the docs' web search page); older models take only the basic versions.
    dynamic_web: bool = True
    forced_tools: bool = True  # tool_choice "any" / "tool" (refused on Opus 5.5, Sonnet 5.5,
    # Fable 5.1+: the notes' "Structured outputs and tools")
    extra: dict[str, bool] = field(default_factory=dict)


def _latest(id: str, name: str, **kw) -> ModelRules:
    return ModelRules(id, name, kw.pop("created", "2026-09-30"), **kw)


RULES: list[ModelRules] = [
    _latest(
        "claude-sonnet-5-5",
        "Claude Sonnet 5.5",
        forced_tools=False,
        thinking=("adaptive", "between_tools"),
        disabled_ok=False,
        thinks_by_default=True,
        between_tools_effort=("low", "medium", "high"),
        prefix_check="drop",
    ),
    _latest(
        "claude-opus-5-5",
        "Claude Opus 5.5",
        forced_tools=False,
        disabled_ok=False,
        thinks_by_default=True,
        prefix_check="drop",
    ),
    _latest(
        "claude-haiku-5-5",
        "Claude Haiku 5.5",
        effort=("low", "medium", "high"),
        prefix_check="drop",
    ),
    _latest(
        "claude-fable-5-2",
        "Claude Fable 5.2",
        forced_tools=False,
        created="2026-07-01",
        disabled_ok=False,
        thinks_by_default=True,
        prefix_check="reject",
    ),
    _latest(
        "claude-fable-5-1",
        "Claude Fable 5.1",
        forced_tools=False,
        created="2026-04-15",
        disabled_ok=False,
        thinks_by_default=True,
        prefix_check="drop",
    ),
    _latest("claude-opus-5", "Claude Opus 5", created="2026-03-01", thinks_by_default=True),
    # Legacy, callable (the notes' table): adaptive thinking, on when omitted (Opus 5 on).
    _latest("claude-fable-5", "Claude Fable 5", created="2026-01-20", thinks_by_default=True),
    _latest("claude-sonnet-5", "Claude Sonnet 5", created="2026-03-01", thinks_by_default=True),
    # The docs: Opus 4.7 takes adaptive thinking only (enabled and disabled are a 400); 4.8
    # keeps its contract and adds mid-conversation system messages.
    _latest("claude-opus-4-8", "Claude Opus 4.8", created="2026-05-28", disabled_ok=False),
    _latest(
        "claude-opus-4-7",
        "Claude Opus 4.7",
        created="2026-04-16",
        disabled_ok=False,
        system_messages=False,
    ),
    ModelRules(
        "claude-opus-4-6",
        "Claude Opus 4.6",
        "2026-02-05",
        thinking=("adaptive", "enabled"),
        effort=("low", "medium", "high", "max"),
        sampling="one",
        system_messages=False,
        summarized_by_default=True,
    ),
    ModelRules(
        "claude-sonnet-4-6",
        "Claude Sonnet 4.6",
        "2026-02-17",
        thinking=("adaptive", "enabled"),
        effort=("low", "medium", "high", "max"),
        sampling="one",
        system_messages=False,
        summarized_by_default=True,
    ),
    ModelRules(
        "claude-opus-4-5",
        "Claude Opus 4.5",
        "2025-11-24",
        context=200_000,
        max_out=64_000,
        thinking=("enabled",),
        effort=("low", "medium", "high"),
        sampling="one",
        prefill=True,
        system_messages=False,
        summarized_by_default=True,
        dynamic_web=False,
    ),
    ModelRules(
        "claude-haiku-4-5",
        "Claude Haiku 4.5",
        "2025-10-15",
        context=200_000,
        max_out=64_000,
        thinking=("enabled",),
        effort=(),
        sampling="one",
        prefill=True,
        system_messages=False,
        summarized_by_default=True,
        dynamic_web=False,
    ),
]
BY_ID = {r.id: r for r in RULES}
# Dated ids answer like their alias.
BY_ID["claude-haiku-4-5-20251001"] = BY_ID["claude-haiku-4-5"]
BY_ID["claude-opus-4-5-20251101"] = BY_ID["claude-opus-4-5"]


def supported(flag: bool) -> dict[str, bool]:
    return {"supported": flag}


def model_object(rules: ModelRules) -> dict:
    """The model as `GET /v1/models/{id}` returns it: every capability leaf {"supported": bool}."""
    return {
        "type": "model",
        "id": rules.id,
        "display_name": rules.name,
        "created_at": f"{rules.created}T00:00:00Z",
        "max_input_tokens": rules.context,
        "max_tokens": rules.max_out,
        "capabilities": {
            "batch": supported(True),
            "citations": supported(True),
            "code_execution": supported(not rules.prefill),
            "context_management": {
                "supported": True,
                "clear_thinking_20251015": supported(True),
                "clear_tool_uses_20250919": supported(True),
            },
            "effort": {
                "supported": bool(rules.effort),
                **{level: supported(level in rules.effort) for level in ALL_EFFORT},
            },
            "image_input": supported(rules.images),
            "pdf_input": supported(rules.pdfs),
            "structured_outputs": supported(rules.structured),
            "thinking": {
                "supported": bool(rules.thinking),
                "types": {
                    "adaptive": supported("adaptive" in rules.thinking),
                    "enabled": supported("enabled" in rules.thinking),
                },
            },
        },
    }
