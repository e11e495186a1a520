"""`claude-cli models` and `models show ID`: what the Models API says each model can do.

On a terminal: an aligned table with a header. In a pipe: tab-separated rows without a
header, numbers unformatted, for scripts. `--json` prints what the service sent. A field an
older gateway leaves out shows as "?". Every server string is sanitised before printing.
"""

from __future__ import annotations

import json
from typing import Any

from claude_cli.config import Settings
from claude_cli.errors import ApiError, CliError
from claude_cli.terminal.term import Streams, json_safe, sanitize

UNKNOWN = "?"
EFFORT_LEVELS = ("low", "medium", "high", "xhigh", "max")
THINKING_WORDS = {"adaptive": "adaptive", "enabled": "budget"}
COLUMNS = ("ID", "NAME", "CONTEXT", "MAX OUT", "THINKING", "EFFORT", "IMAGES", "PDF")
# On a narrow terminal: EFFORT wraps at its commas, and these columns are left out in
# this order until the rest fits (the name repeats the id; `models show` has them all).
NARROW_DROPS = (1, 7, 6, 5, 3, 4, 2)


# -- reading a model entry (pure) ------------------------------------------------------


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _clean(text: str) -> str:
    """Safe for a terminal and for one cell of a tab-separated row."""
    return " ".join(sanitize(text).split())


def _text(value: Any) -> str:
    return (_clean(value) or UNKNOWN) if isinstance(value, str) else UNKNOWN


def _supported(node: Any) -> bool | None:
    """A capability leaf `{"supported": bool}`; None when it is missing or malformed."""
    flag = _dict(node).get("supported")
    return flag if isinstance(flag, bool) else None


def _yes_no(flag: bool | None) -> str:
    return UNKNOWN if flag is None else "yes" if flag else "no"


def _number(value: Any) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return value if ok else None


def _tokens(value: Any, *, human: bool, short: bool = False) -> str:
    """A token count: `1000000` for scripts; `1,000,000` or, `short`, `1M` for people."""
    n = _number(value)
    if n is None:
        return UNKNOWN
    if not human:
        return str(n)
    if short:
        for size, suffix in ((1_000_000, "M"), (1_000, "K")):
            if n >= size and n % (size // 10) == 0:
                return f"{n / size:g}{suffix}"
    return f"{n:,}"


def thinking_kind(model: dict[str, Any]) -> str:
    """adaptive / budget / none, from `capabilities.thinking.types`; "?" when not told."""
    thinking = _dict(_dict(model.get("capabilities")).get("thinking"))
    if not thinking:
        return UNKNOWN
    types = _dict(thinking.get("types"))
    if _supported(types.get("adaptive")):
        return "adaptive"
    if _supported(types.get("enabled")):
        return "budget"
    if _supported(thinking) is False or types:
        return "none"
    return UNKNOWN


def effort_levels(model: dict[str, Any]) -> list[str] | None:
    """The effort levels the model takes, in order; [] for none; None when not told."""
    effort = _dict(model.get("capabilities")).get("effort")
    if not isinstance(effort, dict):
        return None
    if _supported(effort) is False:
        return []
    named = [k for k in effort if k != "supported" and isinstance(effort[k], dict)]
    order = [*EFFORT_LEVELS, *sorted(k for k in named if k not in EFFORT_LEVELS)]
    return [_clean(k) for k in order if k in named and _supported(effort[k])]


def _efforts(model: dict[str, Any], sep: str) -> str:
    levels = effort_levels(model)
    if levels is None:
        return UNKNOWN
    return sep.join(levels) if levels else "none"


def effort_ranges(levels: list[str]) -> str:
    """The levels for a table cell: three or more in a row of the standard order as
    `first-last` (`low-max`, `low-high, max`), so the column stays narrow."""
    parts: list[str] = []
    run: list[str] = []

    def close() -> None:
        parts.extend([f"{run[0]}-{run[-1]}"] if len(run) >= 3 else run)
        run.clear()

    for level in levels:
        follows = (
            run
            and level in EFFORT_LEVELS
            and run[-1] in EFFORT_LEVELS
            and EFFORT_LEVELS.index(level) == EFFORT_LEVELS.index(run[-1]) + 1
        )
        if not follows:
            close()
        run.append(level)
    close()
    return ", ".join(parts)


def _effort_cell(model: dict[str, Any], *, human: bool) -> str:
    levels = effort_levels(model)
    if not human or not levels:
        return _efforts(model, ",")
    return effort_ranges(levels)


def row(model: dict[str, Any], *, human: bool) -> list[str]:
    capabilities = _dict(model.get("capabilities"))
    return [
        _text(model.get("id")),
        _text(model.get("display_name")),
        _tokens(model.get("max_input_tokens"), human=human, short=True),
        _tokens(model.get("max_tokens"), human=human, short=True),
        thinking_kind(model),
        _effort_cell(model, human=human),
        _yes_no(_supported(capabilities.get("image_input"))),
        _yes_no(_supported(capabilities.get("pdf_input"))),
    ]


def _leaves(node: dict[str, Any], path: str) -> list[tuple[str, str]]:
    """Every capability leaf under `node`, as (dotted path, yes/no), in the service's order."""
    found: list[tuple[str, str]] = []
    flag = _supported(node)
    if flag is not None:
        found.append((path, _yes_no(flag)))
    for key, child in node.items():
        if isinstance(child, dict):
            found += _leaves(child, f"{path}.{_clean(str(key))}")
    return found


def details(model: dict[str, Any], *, human: bool) -> list[tuple[str, str]]:
    """`models show`: the summary fields, then every capability the service listed."""
    types = _dict(_dict(_dict(model.get("capabilities")).get("thinking")).get("types"))
    # Every thinking type it takes, in our words ("enabled" is a manual budget).
    kinds = [THINKING_WORDS.get(k, _clean(str(k))) for k, v in types.items() if _supported(v)]
    created = model.get("created_at")
    fields = [
        ("id", _text(model.get("id"))),
        ("name", _text(model.get("display_name"))),
        ("created", _text(created[:10] if isinstance(created, str) else None)),
        ("context window", _tokens(model.get("max_input_tokens"), human=human)),
        ("max output", _tokens(model.get("max_tokens"), human=human)),
        ("thinking", ", ".join(kinds) if kinds else thinking_kind(model)),
        ("effort", _efforts(model, ", ")),
    ]
    capabilities = _dict(model.get("capabilities"))
    for key, child in capabilities.items():
        if isinstance(child, dict):
            fields += _leaves(child, f"capabilities.{_clean(str(key))}")
    return fields


def tsv(rows: list[list[str]] | list[tuple[str, str]]) -> str:
    return "".join("\t".join(cells) + "\n" for cells in rows)


# -- the commands ------------------------------------------------------------------------


def run_models(settings: Settings, streams: Streams, *, json_out: bool) -> None:
    from claude_cli.exchange import make_client

    with make_client(settings, streams) as client:
        models = [m for m in _listed(client) if isinstance(m, dict)]
        cut_short = client.models_cut_short
    if cut_short:  # stdout stays the data; the doubt goes to stderr
        streams.note(
            f"note: the list of models may be incomplete ({sanitize(cut_short)}; "
            "the server said it had more)"
        )
    if json_out:
        _json(streams, models)
    elif streams.stdout_tty:
        from claude_cli.terminal.richout import print_table

        rows = [row(m, human=True) for m in models]
        left_out = print_table(streams.stdout, COLUMNS, rows, wrap=(5,), drop=NARROW_DROPS)
        if left_out:
            import shutil

            from claude_cli.terminal.term import fit_words

            note = f"left out to fit: {', '.join(left_out)} (`claude-cli models show ID` has all)"
            streams.note(fit_words(note, max(shutil.get_terminal_size().columns, 20)))
    else:
        streams.stdout.write(tsv([row(m, human=False) for m in models]))
    cache_models([m["id"] for m in models if isinstance(m.get("id"), str)])


def run_model_show(settings: Settings, streams: Streams, model_id: str, *, json_out: bool) -> None:
    from claude_cli.exchange import make_client

    with make_client(settings, streams) as client:
        model = find_model(client, model_id, settings.base_url)
    if json_out:
        _json(streams, model)
    elif streams.stdout_tty:
        from claude_cli.terminal.richout import print_table

        print_table(streams.stdout, None, [list(f) for f in details(model, human=True)])
    else:
        streams.stdout.write(tsv(details(model, human=False)))


def _json(streams: Streams, data: Any) -> None:
    """What the service sent: indented in a pipe (as ever), highlighted on a terminal."""
    if streams.stdout_tty:
        from claude_cli.terminal.richout import print_json

        print_json(streams.stdout, data)
    else:
        streams.stdout.write(json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


def find_model(client: Any, model_id: str, base_url: str) -> dict[str, Any]:
    """`GET /v1/models/{id}`; when that route answers 404 or with something that is not
    this model (gateways, older servers), the entry picked from the list. A clear error
    when neither knows it."""
    try:
        model = _json_of(lambda: client.get_model(model_id))
    except ApiError as e:
        if e.status != 404:
            raise
        model = None
    if not (isinstance(model, dict) and model.get("id") == model_id):
        model = next(
            (m for m in _listed(client) if isinstance(m, dict) and m.get("id") == model_id), None
        )
    if model is None:
        raise CliError(
            f"no model {sanitize(model_id)!r} at {sanitize(base_url)}: "
            "`claude-cli models` lists the ones your key can use"
        )
    return model


def _listed(client: Any) -> list[Any]:
    return _json_of(lambda: list(client.list_models()))


def _json_of(call: Any) -> Any:
    try:
        return call()
    except (ValueError, AttributeError):  # a 200 that is not the Models API's JSON
        raise CliError(
            "the server's answer to GET /v1/models is not the Models API's JSON"
        ) from None


def cache_models(ids: list[str]) -> None:
    """Remember the ids so shell completion can offer them without a network call."""
    from contextlib import suppress

    from claude_cli.api.capabilities import models_cache_path
    from claude_cli.store.files import write_private

    with suppress(OSError):  # a cache: never worth failing the command for
        write_private(models_cache_path(), "\n".join(ids) + "\n")
