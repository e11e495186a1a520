"""What we know about model ids: the default, and which ones accept prefill.

The default lives here and nowhere else.
"""

from __future__ import annotations

import re

#: Current, balanced, not deprecated. (`claude-sonnet-4-5`, the docs' example,
#: reaches end of life on 2026-11-30.)
DEFAULT_MODEL = "claude-sonnet-5-5"

#: Used for `--prefill` when the user did not choose a model and the default
#: refuses prefill (models from the 4.6 family onward do).
DEFAULT_PREFILL_MODEL = "claude-haiku-4-5"

# claude-sonnet-4-5, claude-opus-4-1-20250805, claude-fable-5-2 ...
_NEW_STYLE = re.compile(r"^claude-[a-z]+-(\d+)(?:-(\d))?(?:-\d{8})?$")
# claude-3-5-haiku-20241022, claude-3-opus-20240229 ...
_OLD_STYLE = re.compile(r"^claude-(\d+)(?:-(\d))?-[a-z]+")


def model_generation(model: str) -> tuple[int, int] | None:
    """(major, minor) of a Claude model id, or None when it is not one we can read."""
    m = _NEW_STYLE.match(model) or _OLD_STYLE.match(model)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) or 0)


def supports_prefill(model: str) -> bool | None:
    """True/False for Claude ids we can read; None for anything else (a gateway alias)."""
    gen = model_generation(model)
    if gen is None:
        return None
    return gen < (4, 6)


PREFILL_MODELS_HINT = "claude-haiku-4-5, claude-sonnet-4-5 and claude-opus-4-5 accept it"
