"""`claude-cli models`: what GET /v1/models lists."""

from __future__ import annotations

import json

from .config import Settings
from .term import Streams


def run_models(settings: Settings, streams: Streams, *, json_out: bool) -> None:
    from .ask import make_client

    with make_client(settings, streams) as client:
        models = list(client.list_models())
    if json_out:
        streams.stdout.write(json.dumps(models, indent=2, ensure_ascii=False) + "\n")
        return
    rows = [
        (m.get("id", "?"), m.get("display_name", ""), str(m.get("created_at", ""))[:10])
        for m in models
    ]
    width = max((len(r[0]) for r in rows), default=2)
    name_width = max((len(r[1]) for r in rows), default=4)
    out = streams.stdout
    if streams.stdout_tty:
        out.write(f"{'ID':<{width}}  {'NAME':<{name_width}}  CREATED\n")
    for model_id, name, created in rows:
        out.write(f"{model_id:<{width}}  {name:<{name_width}}  {created}\n")
    cache_models([r[0] for r in rows])


def cache_models(ids: list[str]) -> None:
    """Remember the ids so shell completion can offer them without a network call."""
    from contextlib import suppress

    from .store import write_private

    with suppress(OSError):  # a cache: never worth failing the command for
        write_private(models_cache_path(), "\n".join(ids) + "\n")


def models_cache_path():
    from pathlib import Path

    from platformdirs import user_cache_dir

    return Path(user_cache_dir("claude-cli")) / "models.txt"
