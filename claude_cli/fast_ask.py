"""`ask` without Typer, for the command lines most scripts use.

Importing Typer and building the app's click commands costs more than a short
answer itself (issue 11). A plain `ask` — words and the options below, written
`--name value`, `--name=value` or `-x value` — is parsed here instead; anything
else (help, a clustered or attached short option, `--`, a value starting with
`-`, a value click would refuse, an unknown option) returns None and goes to the
Typer app, which then gives its usual answer or usage error. tests/test_fast_ask.py
checks this table against the Typer command and the parses against click's.
"""

from __future__ import annotations

import math
from typing import Any

# kind: "str", "list" (repeatable), "flag" (the value is in `const`), or a number
# with its range: ("int", low, None) / ("float", low, high), as in cli.ask.
_STR, _LIST, _FLAG = "str", "list", "flag"
OPTIONS: dict[str, tuple[str, Any]] = {
    "-m": ("model", _STR),
    "--model": ("model", _STR),
    "-s": ("system", _STR),
    "--system": ("system", _STR),
    "--max-tokens": ("max_tokens", ("int", 1, None)),
    "--prefill": ("prefill", _STR),
    "--stop": ("stop", _LIST),
    "--temperature": ("temperature", ("float", 0.0, 1.0)),
    "--top-p": ("top_p", ("float", 0.0, 1.0)),
    "--top-k": ("top_k", ("int", 1, None)),
    "--effort": ("effort", _STR),
    "--think": ("think", (_FLAG, True)),
    "--no-think": ("think", (_FLAG, False)),
    "--think-budget": ("think_budget", ("int", 1024, None)),
    "--show-thinking": ("show_thinking", (_FLAG, True)),
    "-i": ("image", _LIST),
    "--image": ("image", _LIST),
    "-a": ("attach", _LIST),
    "--attach": ("attach", _LIST),
    "--cite": ("cite", (_FLAG, True)),
    "--web": ("web", (_FLAG, True)),
    "--web-domains": ("web_domains", _STR),
    "--max-searches": ("max_searches", ("int", 1, None)),
    "--sources": ("sources", (_FLAG, True)),
    "--download": ("download", (_FLAG, True)),
    "--json": ("json_out", (_FLAG, True)),
    "--no-stream": ("no_stream", (_FLAG, True)),
    "--plain": ("plain", (_FLAG, True)),
    "--dry-run": ("dry_run", (_FLAG, True)),
    "--curl": ("curl", (_FLAG, True)),
    "--schema": ("schema", _STR),
    "--schema-multi": ("schema_multi", (_FLAG, True)),
    "-S": ("session", _STR),
    "--session": ("session", _STR),
    "-c": ("continue_last", (_FLAG, True)),
    "--continue": ("continue_last", (_FLAG, True)),
    "--no-save": ("no_save", (_FLAG, True)),
    "--max-retries": ("max_retries", ("int", 0, None)),
    "--timeout": ("timeout", ("float", 0.001, 86400.0)),
}
DEFAULTS: dict[str, Any] = {name: None for name, _ in OPTIONS.values()}
DEFAULTS.update(
    {name: False for name, kind in OPTIONS.values() if kind[0] == _FLAG and name != "think"}
)


def parse(args: list[str]) -> dict[str, Any] | None:
    """cli.ask's parameters for `args` (after `ask`), or None: let Typer parse them."""
    flags = dict(DEFAULTS, prompt=None)
    words: list[str] = []
    rest = iter(args)
    for arg in rest:
        if not arg.startswith("-"):
            words.append(arg)
            continue
        name, eq, attached = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name not in OPTIONS:
            return None  # -h, --help, --, "-", -mX, -cS, a typo: Typer's business
        param, kind = OPTIONS[name]
        if kind[0] == _FLAG:
            if eq:
                return None
            flags[param] = kind[1]
            continue
        value = attached if eq else next(rest, None)
        if value is None or (not eq and value.startswith("-")):
            return None
        if kind == _LIST:
            flags[param] = [*(flags[param] or []), value]
        elif kind == _STR:
            flags[param] = value
        else:
            number = _number(value, *kind)
            if number is None:
                return None
            flags[param] = number
    flags["prompt"] = words or None
    return flags


def _number(text: str, kind: str, low: float, high: float | None) -> float | None:
    try:
        value: float = int(text) if kind == "int" else float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value < low or (high is not None and value > high):
        return None
    return value


def ask_from_flags(flags: dict[str, Any]) -> None:
    """Run `ask` with cli.ask's parameters (from Typer, or from parse above)."""
    from claude_cli.commands.ask import run_ask
    from claude_cli.config import load_settings
    from claude_cli.prompt_input import AskOptions
    from claude_cli.terminal.term import Streams

    settings_flags = {
        "model": flags["model"],
        "system": flags["system"],
        "max_tokens": flags["max_tokens"],
        "max_retries": flags["max_retries"],
        "timeout": flags["timeout"],
        "download_images": flags["download"] or None,
    }
    settings = load_settings({k: v for k, v in settings_flags.items() if v is not None})
    web_domains = flags["web_domains"]
    opts = AskOptions(
        words=list(flags["prompt"] or []),
        prefill=flags["prefill"],
        stop=list(flags["stop"] or []),
        temperature=flags["temperature"],
        top_p=flags["top_p"],
        top_k=flags["top_k"],
        effort=flags["effort"],
        think=flags["think"],
        think_budget=flags["think_budget"],
        json_out=flags["json_out"],
        stream=not flags["no_stream"],
        dry_run=flags["dry_run"],
        curl=flags["curl"],
        plain=flags["plain"],
        show_thinking=flags["show_thinking"],
        images=list(flags["image"] or []),
        attach=list(flags["attach"] or []),
        cite=flags["cite"],
        web=flags["web"],
        web_domains=web_domains.split(",") if web_domains is not None else [],
        max_searches=flags["max_searches"],
        sources=flags["sources"],
        session=flags["session"],
        continue_last=flags["continue_last"],
        schema_text=flags["schema"],
        schema_multi=flags["schema_multi"],
        save=not flags["no_save"],
    )
    run_ask(settings, opts, Streams.system())
