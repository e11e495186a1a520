"""One place that shapes requests: settings + capabilities + inputs → a Messages body.

Used by ask, chat and describe-image (and the coming batch and tokens commands).
Pure: no I/O except through `lookup` (capabilities.Registry.lookup), which answers
from its cache or asks the service once. Everything the service would refuse for the
chosen model is refused here first, with one sentence that names the flag at fault.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from claude_cli.api.capabilities import EFFORT_LEVELS, Capabilities, unknown
from claude_cli.api.stream import whole_unicode
from claude_cli.config import Settings
from claude_cli.errors import UsageError
from claude_cli.model_rules import (
    PREFILL_MODELS_HINT,
    can_turn_thinking_off,
    lowest_thinking,
    supports_prefill,
    takes_sampling,
    takes_system_messages,
    web_tool_types,
)
from claude_cli.request.payload import clean_prefill, conversation, user_turn

Lookup = Callable[[str], Capabilities]
#: `--think` on a model that takes only a manual budget, when no --think-budget is given.
DEFAULT_THINK_BUDGET = 4096
MIN_THINK_BUDGET = 1024
#: How a new system prompt reaches a model without mid-conversation system messages.
INSTRUCTION_PREFIX = "[New system instructions for the rest of this conversation]\n"


@dataclass
class RequestOptions:
    """What the user asked of one request (flags of ask, /commands of chat)."""

    prefill: str | None = None
    stop: list[str] = field(default_factory=list)
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    effort: str | None = None
    think: bool | None = None  # True: --think, False: --no-think, None: the model's default
    think_budget: int | None = None
    show_thinking: bool = False
    stream: bool = True
    schema: dict[str, Any] | None = None  # --schema: output_config.format's JSON Schema
    web: bool = False  # --web: the server's web search and web fetch tools
    web_domains: list[str] = field(default_factory=list)  # --web-domains: allowed_domains
    max_searches: int | None = None  # --max-searches: web search's max_uses


@dataclass
class Prepared:
    """A request ready to send, and what the user should be told about it."""

    body: dict[str, Any]
    prefill: str | None
    notes: list[str] = field(default_factory=list)
    turn: dict[str, Any] | None = None  # the new user message, as sent
    instruction: dict[str, Any] | None = None  # a mid-conversation system message, as sent


def choose_model(settings: Settings, prefill: str | None) -> tuple[str, str | None]:
    """The model to use, and a note when we swapped it for prefill's sake.

    Only the built-in default is swapped: a model from a flag, the environment,
    config.toml or a session is the user's pick, and refusing is clearer than a switch.
    """
    model = settings.model
    if not prefill or supports_prefill(model) is not False:
        return model, None
    if settings.source("model") != "default":
        where = {"session": "the session's model "}.get(settings.source("model"), "model ")
        raise UsageError(
            f"{where}{model} does not accept --prefill (models from the 4.6 family on refuse "
            f"it); {PREFILL_MODELS_HINT}: pick one with -m"
        )
    fallback = settings.prefill_model
    return fallback, f"using {fallback} for --prefill ({model} does not accept prefill)"


def check_sampling(settings: Settings, opts: RequestOptions, model: str) -> None:
    given = [
        name
        for name, value in (
            ("--temperature", opts.temperature),
            ("--top-p", opts.top_p),
            ("--top-k", opts.top_k),
        )
        if value is not None
    ]
    if not given:
        return
    for name, value in (("--temperature", opts.temperature), ("--top-p", opts.top_p)):
        if value is not None and not math.isfinite(value):
            raise UsageError(f"{name} must be a number between 0 and 1, not {value}")
    if settings.api_version >= "2026-10-21":
        raise UsageError(
            f"{given[0]} is not accepted under anthropic-version {settings.api_version}; "
            'drop it or set api_version = "2023-06-01"'
        )
    if takes_sampling(model) is False:
        raise UsageError(
            f"{model} does not take {given[0]} (models from Claude Opus 4.7 on refuse sampling "
            "parameters); drop it, or use --effort to trade quality for speed"
        )
    if opts.temperature is not None and opts.top_p is not None:
        raise UsageError(f"{model} takes --temperature or --top-p, not both")


def thinking_config(opts: RequestOptions, model: str, caps: Capabilities) -> dict[str, Any] | None:
    """The `thinking` field, shaped the way this model takes it (None: leave it out)."""
    types = caps.thinking if caps.known else frozenset({"adaptive", "enabled"})
    config: dict[str, Any] | None = None
    if opts.think_budget is not None:
        if caps.known and "enabled" not in types:
            how = (
                "adaptive thinking: use --think (and --effort for how hard)"
                if "adaptive" in types
                else "no thinking"
            )
            raise UsageError(f"--think-budget: {model} takes {how}")
        if opts.think is False:
            raise UsageError("--think-budget and --no-think do not go together")
        config = {"type": "enabled", "budget_tokens": opts.think_budget}
    elif opts.think is True:
        if "adaptive" in types:
            config = {"type": "adaptive"}
        elif "enabled" in types:
            config = {"type": "enabled", "budget_tokens": DEFAULT_THINK_BUDGET}
        else:
            raise UsageError(f"--think: {model} does not think (pick another model with -m)")
    elif opts.think is False:
        if can_turn_thinking_off(model) is False:
            raise UsageError(
                f"--no-think: {model} cannot turn thinking off; the lowest it allows is "
                f"{lowest_thinking(model)}"
            )
        return {"type": "disabled"}
    if opts.show_thinking:
        if config is None and "adaptive" in types:
            config = {"type": "adaptive"}  # what the model does anyway, now shown
        elif config is None and "enabled" in types:
            # A budget-only model thinks only when asked: showing thinking asks, as --think
            # does there, rather than silently showing nothing.
            config = {"type": "enabled", "budget_tokens": DEFAULT_THINK_BUDGET}
        if config is not None:  # (a model that never thinks has nothing to show)
            config["display"] = "summarized"
    return config


def check_effort(opts: RequestOptions, model: str, caps: Capabilities) -> None:
    if opts.effort is None:
        return
    if opts.effort not in EFFORT_LEVELS:
        raise UsageError(f"--effort must be one of {', '.join(EFFORT_LEVELS)}, not {opts.effort!r}")
    if not caps.known:
        return
    if not caps.effort:
        raise UsageError(f"--effort: {model} does not take an effort level")
    if opts.effort not in caps.effort:
        raise UsageError(f"--effort {opts.effort}: {model} takes {', '.join(caps.effort)}")


#: Every model in the lineup takes this many output tokens (Haiku 4.5, the smallest,
#: 64,000): up to it, max_tokens needs no look-up of the model's own maximum.
MAX_TOKENS_EVERY_MODEL_TAKES = 32_000


def max_tokens_for(
    settings: Settings,
    thinking: dict[str, Any] | None,
    caps: Capabilities,
    *,
    budget_given: bool = True,
) -> int:
    """max_tokens, with room for the answer after a thinking budget, never above the
    model's max output (the service refuses more with a 400)."""
    ceiling = caps.max_tokens
    wanted = settings.max_tokens
    if ceiling is not None and wanted > ceiling:
        if settings.source("max_tokens") == "flag":
            raise UsageError(
                f"--max-tokens {wanted} is above {caps.model}'s max output of {ceiling:,} tokens"
            )
        wanted = ceiling  # a general default (config, env): this model's most
    budget = (thinking or {}).get("budget_tokens")
    if not budget or budget < wanted:
        return wanted
    # --think-budget N, or the budget --think / --show-thinking chose on this model.
    said = f"--think-budget {budget}" if budget_given else f"thinking's {budget}-token budget"
    if settings.source("max_tokens") == "flag":  # a config or env default may grow
        raise UsageError(
            f"{said} must be below --max-tokens ({wanted}): thinking is part of the reply's tokens"
        )
    if ceiling is not None and budget >= ceiling:
        raise UsageError(
            f"{said} must be below {caps.model}'s max output of {ceiling:,} tokens: "
            "thinking is part of the reply's tokens"
        )
    grown = budget + wanted
    return grown if ceiling is None else min(grown, ceiling)


def instruction_for(model: str, text: str | None) -> dict[str, Any] | None:
    """A mid-conversation system message for a changed system prompt (None: not taken)."""
    if takes_system_messages(model) is not True:
        return None
    return {"role": "system", "content": text or "Disregard the earlier system instructions."}


def with_instruction(turn: dict[str, Any], text: str | None) -> dict[str, Any]:
    """For models without system messages: the new instructions open the user's turn."""
    said = INSTRUCTION_PREFIX + (text or "Disregard the earlier system instructions.")
    content = turn["content"]
    blocks = [{"type": "text", "text": content}] if isinstance(content, str) else list(content)
    return {**turn, "content": [{"type": "text", "text": said}, *blocks]}


def fold_system_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history for a model without system messages: each one joins the user turn
    before it, as `with_instruction` would have sent it. For this request only: the
    stored conversation (the prefix other models' thinking depends on) stays as it is."""
    out: list[dict[str, Any]] = []
    for message in messages:
        if message.get("role") == "system" and out and out[-1].get("role") == "user":
            text = message.get("content")
            if not isinstance(text, str):
                text = "".join(b.get("text", "") for b in text or [] if isinstance(b, dict))
            user = out[-1]
            content = user["content"]
            blocks = (
                [{"type": "text", "text": content}] if isinstance(content, str) else list(content)
            )
            out[-1] = {
                **user,
                "content": [*blocks, {"type": "text", "text": INSTRUCTION_PREFIX + text}],
            }
            continue
        out.append(message)
    return out


def web_tools(opts: RequestOptions, model: str) -> list[dict[str, Any]]:
    """`tools` for --web: search and fetch in the versions the model takes, limited as
    asked (the service runs both)."""
    if not opts.web:
        if opts.web_domains or opts.max_searches is not None:
            flag = "--web-domains" if opts.web_domains else "--max-searches"
            raise UsageError(f"{flag} needs --web")
        return []
    search_type, fetch_type = web_tool_types(model)
    search: dict[str, Any] = {"type": search_type, "name": "web_search"}
    fetch: dict[str, Any] = {"type": fetch_type, "name": "web_fetch"}
    domains = [d.strip() for d in opts.web_domains if d.strip()]
    if opts.web_domains and not domains:
        raise UsageError("--web-domains needs at least one domain, e.g. --web-domains python.org")
    if domains:
        search["allowed_domains"] = domains
        fetch["allowed_domains"] = domains
    if opts.max_searches is not None:
        search["max_uses"] = opts.max_searches
    return [search, fetch]


def _is_pdf(block: dict[str, Any]) -> bool:
    source = block.get("source") if block.get("type") == "document" else None
    return isinstance(source, dict) and (
        source.get("media_type") == "application/pdf" or source.get("type") == "url"
    )


def shape(
    settings: Settings,
    opts: RequestOptions,
    prompt: str,
    *,
    lookup: Lookup = unknown,
    history: list[dict[str, Any]] | None = None,
    images: list[dict[str, Any]] | None = None,
    cache: bool = False,
    turn: dict[str, Any] | None = None,
    new_system: tuple[str | None] | None = None,
) -> Prepared:
    """Build the request. `turn` (a ready user message) replaces prompt + images;
    `new_system` (a 1-tuple) is a system prompt changed after the conversation began."""
    if any(not stop for stop in opts.stop):
        raise UsageError("--stop needs some text: an empty stop sequence would end every reply")
    if opts.schema is not None and opts.prefill:
        raise UsageError(
            "--schema and --prefill do not go together: with a schema the model writes the "
            "whole reply as JSON itself (prefill was the old way to get JSON); drop --prefill"
        )
    # -s / --prefill words that were not UTF-8 (lone surrogates from argv): U+FFFD, as the
    # session file stores them; `ask` and `chat` alike.
    prefill = clean_prefill(None if opts.prefill is None else whole_unicode(opts.prefill))
    model, note = choose_model(settings, prefill)
    notes = [note] if note else []
    check_sampling(settings, opts, model)
    wants_caps = (
        opts.think is not None
        or opts.think_budget is not None
        or opts.effort is not None
        or opts.show_thinking
        or opts.schema is not None
        or settings.max_tokens > MAX_TOKENS_EVERY_MODEL_TAKES  # above it, the model's most
    )
    given = images or (turn or {}).get("content")
    pdfs = (
        [b for b in given if isinstance(b, dict) and _is_pdf(b)] if isinstance(given, list) else []
    )
    caps = lookup(model) if wants_caps or pdfs else unknown(model)
    if pdfs and caps.pdf_input is False:
        raise UsageError(
            f"-a {pdfs[0].get('title') or 'PDF'}: {model} does not read PDFs; "
            "pick another model with -m"
        )
    check_effort(opts, model, caps)
    if opts.schema is not None and caps.structured_outputs is False:
        raise UsageError(
            f"--schema: {model} does not support structured outputs; pick another model with -m"
        )
    thinking = thinking_config(opts, model, caps)
    thinks = thinking is not None and thinking["type"] != "disabled"
    if prefill and thinks:
        if opts.think is None and opts.think_budget is None:  # thinking from --show-thinking
            raise UsageError(
                f"--show-thinking and --prefill do not go together on {model}: it thinks only "
                "with a budget, and the API refuses prefill with thinking"
            )
        raise UsageError("--prefill cannot be combined with thinking (the API refuses both)")
    if thinks and (opts.temperature not in (None, 1) or opts.top_k is not None):
        flag = "--top-k" if opts.top_k is not None else "--temperature"
        raise UsageError(f"{flag} cannot be combined with thinking (the API refuses both)")
    turn = turn or user_turn(prompt, images)
    instruction = None
    if new_system is not None:
        instruction = instruction_for(model, new_system[0])
        if instruction is None:
            turn = with_instruction(turn, new_system[0])
            notes.append(
                f"{model} does not take mid-conversation system messages: the new system "
                "prompt goes at the start of your message instead"
            )
    history = history or []
    if takes_system_messages(model) is not True and any(m.get("role") == "system" for m in history):
        history = fold_system_messages(history)
        notes.append(
            f"{model} does not take mid-conversation system messages: earlier ones are sent "
            "inside the user turns they followed"
        )
    messages = conversation(history, turn, None)
    if instruction is not None:
        messages.append(instruction)
    if prefill:
        messages.append({"role": "assistant", "content": prefill})
    body: dict[str, Any] = {
        "model": model,
        "max_tokens": max_tokens_for(
            settings, thinking, caps, budget_given=opts.think_budget is not None
        ),
        "messages": messages,
    }
    if settings.system:
        body["system"] = whole_unicode(settings.system)
    if opts.stop:
        body["stop_sequences"] = list(opts.stop)
    for key, value in (
        ("temperature", opts.temperature),
        ("top_p", opts.top_p),
        ("top_k", opts.top_k),
    ):
        if value is not None:
            body[key] = value
    if thinking is not None:
        body["thinking"] = thinking
    output_config: dict[str, Any] = {}
    if opts.effort is not None:
        output_config["effort"] = opts.effort
    if opts.schema is not None:
        output_config["format"] = {"type": "json_schema", "schema": opts.schema}
    if output_config:
        body["output_config"] = output_config
    tools = web_tools(opts, model)
    if tools:
        body["tools"] = tools
    if cache:
        # Top-level cache_control caches the prompt up to its last cacheable block.
        body["cache_control"] = {"type": "ephemeral"}
    if opts.stream:
        body["stream"] = True
    return Prepared(body, prefill, notes, turn, instruction)


#: The Messages fields count_tokens takes; the rest (max_tokens, stream, sampling) do not
#: change the input and are refused there.
COUNTED = ("model", "messages", "system", "tools", "tool_choice", "thinking", "output_config")


def count_body(body: dict[str, Any]) -> dict[str, Any]:
    """The count_tokens request for a Messages body (the same input, nothing generated)."""
    return {k: v for k, v in body.items() if k in COUNTED}


__all__ = ["COUNTED", "Prepared", "RequestOptions", "count_body", "shape"]
