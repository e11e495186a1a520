"""What we know about model ids that the Models API does not say.

`GET /v1/models/{id}` tells thinking types, effort levels and input kinds
(capabilities.py). It does not tell the rules below, which the service applies by
model generation (../shared/api-notes.md, December 2026): sampling parameters,
assistant prefill, mid-conversation system messages, whether thinking can be
turned off, and whether thinking text comes back by default. Each answers None
for an id we cannot read (a gateway alias): then the service decides.

The default model lives here and nowhere else.
"""

from __future__ import annotations

import re

#: Current, balanced, not deprecated. (`claude-sonnet-4-5`, the docs' example,
#: reached end of life on 2026-11-30.)
DEFAULT_MODEL = "claude-sonnet-5-5"

#: Used for `--prefill` when the user did not choose a model and the default
#: refuses prefill (models from the 4.6 family onward do).
DEFAULT_PREFILL_MODEL = "claude-haiku-4-5"

# claude-sonnet-4-5, claude-opus-4-1-20250805, claude-fable-5-2 ...
_NEW_STYLE = re.compile(r"^claude-([a-z]+)-(\d+)(?:-(\d))?(?:-\d{8})?$")
# claude-3-5-haiku-20241022, claude-3-opus-20240229 ...
_OLD_STYLE = re.compile(r"^claude-(\d+)(?:-(\d))?-([a-z]+)")


def model_family(model: str) -> str | None:
    """opus, sonnet, haiku, fable ... or None."""
    m = _NEW_STYLE.match(model)
    if m:
        return m.group(1)
    m = _OLD_STYLE.match(model)
    return m.group(3) if m else None


def model_generation(model: str) -> tuple[int, int] | None:
    """(major, minor) of a Claude model id, or None when it is not one we can read."""
    m = _NEW_STYLE.match(model)
    if m:
        return int(m.group(2)), int(m.group(3) or 0)
    m = _OLD_STYLE.match(model)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) or 0)


def supports_prefill(model: str) -> bool | None:
    """Every model from the 4.6 family on refuses a final assistant turn."""
    gen = model_generation(model)
    if gen is None:
        return None
    return gen < (4, 6)


def takes_sampling(model: str) -> bool | None:
    """temperature / top_p / top_k (non-default values are a 400 from Opus 4.7 on)."""
    gen = model_generation(model)
    if gen is None:
        return None
    return gen < (4, 7)


def takes_system_messages(model: str) -> bool | None:
    """Mid-conversation `role: "system"` messages: Opus 4.8 on, and every 5.x model."""
    gen = model_generation(model)
    if gen is None:
        return None
    return gen >= (4, 8)


def can_turn_thinking_off(model: str) -> bool | None:
    """thinking.type "disabled": refused by Opus 4.7 / 4.8 / 5.5, Sonnet 5.5 and every Fable."""
    gen, family = model_generation(model), model_family(model)
    if gen is None:
        return None
    if family == "fable":
        return False
    if family == "opus" and gen in ((4, 7), (4, 8), (5, 5)):
        return False
    return not (family == "sonnet" and gen >= (5, 5))


def lowest_thinking(model: str) -> str:
    """What to suggest when thinking cannot be turned off."""
    if model_family(model) == "sonnet" and (model_generation(model) or (0, 0)) >= (5, 5):
        return "thinking only between tool calls (thinking.type between_tools) at --effort low"
    return "adaptive thinking at --effort low"


def thinking_summarized_by_default(model: str) -> bool | None:
    """Models before 4.7 return thinking text; newer ones omit it unless asked."""
    gen = model_generation(model)
    if gen is None:
        return None
    return gen < (4, 7)


PREFILL_MODELS_HINT = "claude-haiku-4-5 and claude-opus-4-5 accept it"


#: Web tool versions (the docs' web search and web fetch pages, December 2026): the newest
#: (`*_20260318`: dynamic filtering and response inclusion control) is taken by Claude 4.6
#: and later; older models take only the basic versions, which every model with web tools
#: accepts.
WEB_TOOLS_NEWEST = ("web_search_20260318", "web_fetch_20260318")
WEB_TOOLS_BASIC = ("web_search_20250305", "web_fetch_20250910")


def web_tool_types(model: str) -> tuple[str, str]:
    """(web search type, web fetch type) for this model. An id we cannot read (a gateway
    alias) gets the basic versions: they are accepted everywhere web tools are."""
    gen = model_generation(model)
    return WEB_TOOLS_NEWEST if gen is not None and gen >= (4, 6) else WEB_TOOLS_BASIC
