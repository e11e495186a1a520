"""What a model accepts, from the service (`GET /v1/models/{id}`), cached for a day.

A request that needs to know (thinking, effort) asks `lookup(model)`: a fresh cache
entry costs nothing; a cold one costs one GET. The built-in table below is used only
when the service cannot be asked: `--dry-run`, a gateway without `/v1/models` (404,
remembered for a day too), or no network. An id nobody knows gives `UNKNOWN`, which
refuses nothing: the service then decides.

Cache: `user_cache_dir("claude-cli")/models-<hash of base URL>.json`, 0600, written
atomically; `forget()` drops an entry when the service answered a capability-shaped 400.
No terminal and no httpx imports here: the fetch goes through a callable.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EFFORT_LEVELS = ("low", "medium", "high", "xhigh", "max")
MAX_AGE = 24 * 3600.0
CACHE_FORMAT = 1

Fetch = Callable[[str], "dict[str, Any] | None"]  # model id -> model object, None: no route


@dataclass(frozen=True)
class Capabilities:
    """What one model takes: thinking, effort levels, limits."""

    model: str
    thinking: frozenset[str] = field(default_factory=frozenset)  # "adaptive", "enabled"
    effort: tuple[str, ...] = ()
    max_tokens: int | None = None
    context: int | None = None
    image_input: bool | None = None
    pdf_input: bool | None = None
    structured_outputs: bool | None = None  # output_config.format (--schema)
    source: str = "unknown"  # service | cache | built-in | unknown

    @property
    def known(self) -> bool:
        return self.source != "unknown"


def unknown(model: str) -> Capabilities:
    return Capabilities(model)


def _on(node: Any) -> bool:
    return isinstance(node, dict) and node.get("supported") is True


def from_model_object(obj: dict[str, Any], source: str) -> Capabilities:
    """Read a Models API object; anything missing or odd counts as not supported."""
    caps = obj.get("capabilities") if isinstance(obj.get("capabilities"), dict) else {}
    thinking = caps.get("thinking") if isinstance(caps.get("thinking"), dict) else {}
    types = thinking.get("types") if isinstance(thinking.get("types"), dict) else {}
    effort = caps.get("effort") if isinstance(caps.get("effort"), dict) else {}
    return Capabilities(
        model=str(obj.get("id") or ""),
        thinking=frozenset(k for k, v in types.items() if _on(v)),
        effort=tuple(level for level in EFFORT_LEVELS if _on(effort.get(level))),
        max_tokens=_int(obj.get("max_tokens")),
        context=_int(obj.get("max_input_tokens")),
        image_input=_on(caps.get("image_input")) if "image_input" in caps else None,
        pdf_input=_on(caps.get("pdf_input")) if "pdf_input" in caps else None,
        structured_outputs=(
            _on(caps.get("structured_outputs")) if "structured_outputs" in caps else None
        ),
        source=source,
    )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# -- the fallback: the lineup as of 2026-12-01 (../shared/api-notes.md) ---------

_ADAPTIVE = frozenset({"adaptive"})
_BOTH = frozenset({"adaptive", "enabled"})
_BUDGET = frozenset({"enabled"})
_LATEST = (_ADAPTIVE, EFFORT_LEVELS, 128_000, 1_000_000)
BUILT_IN: dict[str, tuple[frozenset[str], tuple[str, ...], int, int]] = {
    "claude-fable-5-2": _LATEST,
    "claude-opus-5-5": _LATEST,
    "claude-sonnet-5-5": _LATEST,
    "claude-haiku-5-5": (_ADAPTIVE, ("low", "medium", "high"), 128_000, 1_000_000),
    "claude-fable-5-1": _LATEST,
    "claude-opus-5": _LATEST,
    "claude-sonnet-5": _LATEST,
    "claude-fable-5": _LATEST,
    "claude-opus-4-8": _LATEST,
    "claude-opus-4-7": _LATEST,
    "claude-opus-4-6": (_BOTH, ("low", "medium", "high", "max"), 128_000, 1_000_000),
    "claude-sonnet-4-6": (_BOTH, ("low", "medium", "high", "max"), 128_000, 1_000_000),
    "claude-opus-4-5": (_BUDGET, ("low", "medium", "high"), 64_000, 200_000),
    "claude-haiku-4-5": (_BUDGET, (), 64_000, 200_000),
}
_DATED = {
    "claude-haiku-4-5-20251001": "claude-haiku-4-5",
    "claude-opus-4-5-20251101": "claude-opus-4-5",
}


def built_in(model: str) -> Capabilities:
    row = BUILT_IN.get(_DATED.get(model, model))
    if row is None:
        return unknown(model)
    thinking, effort, max_tokens, context = row
    return Capabilities(model, thinking, effort, max_tokens, context, True, True, True, "built-in")


# -- the cache ----------------------------------------------------------------


def cache_path(base_url: str) -> Path:
    from platformdirs import user_cache_dir

    digest = hashlib.sha256(base_url.rstrip("/").encode()).hexdigest()[:16]
    return Path(user_cache_dir("claude-cli")) / f"models-{digest}.json"


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}  # missing or damaged: it is only a cache
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        return {}
    models = data.get("models")
    return models if isinstance(models, dict) else {}


def _write(path: Path, models: dict[str, Any]) -> None:
    from claude_cli.store.files import write_private

    # A read-only cache folder costs a request next time, nothing more.
    with contextlib.suppress(OSError):
        write_private(path, json.dumps({"format": CACHE_FORMAT, "models": models}) + "\n")


class Registry:
    """Capabilities per model for one base URL: cache first, then the service."""

    def __init__(
        self,
        base_url: str,
        fetch: Fetch | None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url
        self.fetch = fetch  # None: do not ask (dry run)
        self.clock = clock
        self._seen: dict[str, Capabilities] = {}

    def lookup(self, model: str) -> Capabilities:
        if model in self._seen:
            return self._seen[model]
        caps = self._lookup(model)
        self._seen[model] = caps
        return caps

    def _lookup(self, model: str) -> Capabilities:
        path = cache_path(self.base_url)
        entries = _read(path)
        entry = entries.get(model)
        fresh = isinstance(entry, dict) and self.clock() - float(entry.get("at", 0)) < MAX_AGE
        if fresh:
            obj = entry.get("model")
            return from_model_object(obj, "cache") if isinstance(obj, dict) else built_in(model)
        if self.fetch is None:  # a dry run: a stale entry still beats the table
            obj = entry.get("model") if isinstance(entry, dict) else None
            return from_model_object(obj, "cache") if isinstance(obj, dict) else built_in(model)
        try:
            obj = self.fetch(model)
        except Exception:  # offline, 5xx, a gateway that answers oddly: fall back
            return built_in(model)
        entries = _read(path)  # another process may have written meanwhile
        entries[model] = {"at": self.clock(), "model": obj}
        _write(path, entries)
        return from_model_object(obj, "service") if isinstance(obj, dict) else built_in(model)

    def forget(self, model: str) -> None:
        """The service refused something we thought it takes: ask again next time."""
        self._seen.pop(model, None)
        path = cache_path(self.base_url)
        entries = _read(path)
        if entries.pop(model, None) is not None:
            _write(path, entries)


def fetcher(client: Any) -> Fetch:
    """GET /v1/models/{id} through an api.Client; None when the route is missing (404)."""

    from claude_cli.errors import ApiError

    def fetch(model: str) -> dict[str, Any] | None:
        try:
            obj = client.get_model(model)
        except ApiError as e:
            if e.status == 404:
                return None
            raise
        # A gateway that answers without `capabilities` tells us nothing: the built-in
        # table is better than reading "supports nothing" into it (for a day).
        if isinstance(obj, dict) and isinstance(obj.get("capabilities"), dict):
            return obj
        return None

    return fetch


# A 400 that says our idea of the model was wrong (the cache is then refreshed).
CAPABILITY_WORDS = (
    "thinking",
    "effort",
    "temperature",
    "top_p",
    "top_k",
    "prefill",
    "role 'system'",
    "not supported for this model",
    "not supported on this model",
    "deprecated for this model",
)


def capability_shaped(status: int | None, message: str) -> bool:
    text = message.lower()
    return status == 400 and any(word in text for word in CAPABILITY_WORDS)


_MODEL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}")


def known_models(base_url: str) -> list[str]:
    """Model ids claude-cli knows without asking: the built-in table, what the
    service described before (the capability cache) and the last `models` list
    (models_cache_path). For Tab completion and checking `/model NAME`."""
    # A cached "not found" (`"model": null`, a 404) is what the service did not know.
    described = {m for m, e in _read(cache_path(base_url)).items() if _described(e)}
    names = set(BUILT_IN) | set(_DATED) | described
    with contextlib.suppress(OSError, UnicodeDecodeError):  # only a cache
        names.update(models_cache_path().read_text("utf-8").split())
    return sorted(n for n in names if isinstance(n, str) and _MODEL_ID.fullmatch(n))


def _described(entry: Any) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("model"), dict)


def models_cache_path() -> Path:
    """Where `claude-cli models` keeps the ids it last listed (for Tab completion)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("claude-cli")) / "models.txt"
