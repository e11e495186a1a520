"""`claude-cli config path | show | set | unset`: see and edit config.toml.

`show` tells where every value came from and which credential would be used,
without ever printing a secret. `set`/`unset` edit the file with tomlkit, so
the user's comments and other keys survive, and write it atomically.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from claude_cli.config import (
    SETTING_KEYS,
    coerce,
    config_path,
    env_names,
    load_settings,
    read_config_file,
    shown_base_url,
)
from claude_cli.errors import ConfigError
from claude_cli.redact import command_shown, redact, redact_url
from claude_cli.terminal.term import Streams, json_safe, sanitize

# Things a user might try to `config set` that must never live in a file.
_SECRET_KEYS = {"api_key", "anthropic_api_key", "auth_token", "anthropic_auth_token", "key"}
_KEY_LIKE = re.compile(r"sk-ant-[A-Za-z0-9_\-]+")


def key_hint(secret: str) -> str:
    """A hint of which key this is, never the key: 'sk-ant-…' or '…'."""
    return "sk-ant-…" if secret.startswith("sk-ant-") else "…"


def _hide_keys(text: str) -> str:
    """api_key_command may carry a key inline (`echo sk-ant-...`): do not show it."""
    return _KEY_LIKE.sub("sk-ant-…", text)


def env_source(key: str) -> str | None:
    """The environment variable that supplies `key`, in load_settings' order."""
    for name in env_names(key):
        if os.environ.get(name):
            return name
    return None


def credential_source(api_key_command: str | None) -> dict[str, Any]:
    """Which credential a request would use, mirroring config.resolve_credentials.

    The command is not run: `config show` must be quick and side-effect free.
    """
    key = os.environ.get("ANTHROPIC_API_KEY", "").strip()
    token = os.environ.get("ANTHROPIC_AUTH_TOKEN", "").strip()
    if key:
        found: dict[str, Any] = {"source": "ANTHROPIC_API_KEY", "value": key_hint(key)}
        if token:
            found["note"] = "ANTHROPIC_AUTH_TOKEN is also set and is not used"
        return found
    if token:
        return {"source": "ANTHROPIC_AUTH_TOKEN", "value": key_hint(token)}
    if api_key_command:
        return {"source": "api_key_command", "value": command_shown(api_key_command)}
    return {"source": "none", "value": None}


def show_data() -> dict[str, Any]:
    path = config_path()
    settings = load_settings()
    rows: dict[str, Any] = {}
    for key in SETTING_KEYS:
        value = getattr(settings, key)
        if key == "api_key_command" and isinstance(value, str):
            value = command_shown(value)
        elif key == "base_url":
            value = shown_base_url(settings)
        elif isinstance(value, str):
            value = redact(value)
        source = settings.source(key)
        row: dict[str, Any] = {"value": value, "source": source}
        if source == "env":
            row["env"] = env_source(key)
        rows[key] = row
    return {
        "config_file": str(path),
        "config_file_exists": path.is_file(),
        "config_file_from": "env CLAUDE_CLI_CONFIG"
        if os.environ.get("CLAUDE_CLI_CONFIG")
        else None,
        "settings": rows,
        "credentials": credential_source(settings.api_key_command),
    }


def _display(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    # A value from the file or the environment may hold anything: show it safely.
    text = sanitize(redact(str(value)).replace("\n", "\\n").replace("\t", "\\t"))
    return text if len(text) <= 60 else text[:59] + "…"


def run_show(streams: Streams, *, json_out: bool) -> None:
    data = show_data()
    out = streams.stdout
    if json_out:
        out.write(json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
        return
    state = "" if data["config_file_exists"] else " (not found)"
    origin = f" (from {data['config_file_from']})" if data["config_file_from"] else ""
    out.write(f"config file: {sanitize(data['config_file'])}{state}{origin}\n\n")
    width = max(len(k) for k in SETTING_KEYS)
    values = {k: _display(row["value"]) for k, row in data["settings"].items()}
    value_width = max(len(v) for v in values.values())
    for key, row in data["settings"].items():
        source = row["source"] + (f" {row['env']}" if row.get("env") else "")
        out.write(f"{key:<{width}}  {values[key]:<{value_width}}  {source}\n")
    cred = data["credentials"]
    out.write("\n")
    if cred["source"] == "none":
        out.write("credentials: none (set ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN,\n")
        out.write("             or `claude-cli config set api_key_command '...'`)\n")
    elif cred["source"] == "api_key_command":
        out.write(f"credentials: api_key_command (not run here): {cred['value']}\n")
    else:
        out.write(f"credentials: {cred['source']} = {cred['value']}\n")
    if cred.get("note"):
        out.write(f"             ({cred['note']})\n")


def _check_key(key: str) -> None:
    if key.lower() in _SECRET_KEYS:
        raise ConfigError(
            f"'{key}' cannot be stored in the config file: secrets do not belong in files. "
            "Set ANTHROPIC_API_KEY, or `claude-cli config set api_key_command 'pass show ...'`"
        )
    if key not in SETTING_KEYS:
        raise ConfigError(f"unknown setting '{key}' (known: {', '.join(SETTING_KEYS)})")


def _load_document(path: Path):
    """The file as a tomlkit document; a file we cannot parse is an error, never rewritten."""
    import tomlkit

    try:
        read_config_file(path)  # the same clear error (file and line) as every other command
    except ConfigError as e:
        raise ConfigError(f"{e.message}; fix it first, nothing was changed") from None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return tomlkit.document()
    except OSError as e:
        raise ConfigError(f"cannot read config file {path}: {e.strerror}") from None
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.TOMLKitError as e:
        raise ConfigError(f"config file {path}: {e}; not changed") from None


def _write(path: Path, document: Any) -> None:
    import tomlkit

    from claude_cli.store.files import write_private

    # Write through a symlink (dotfile managers) rather than replacing it with a file.
    target = path.resolve() if path.is_symlink() else path
    try:
        write_private(target, tomlkit.dumps(document))
    except OSError as e:
        raise ConfigError(f"cannot write config file {target}: {e.strerror}") from None


def run_set(streams: Streams, key: str, raw: str) -> None:
    _check_key(key)
    value = coerce(key, raw, "config set")
    path = config_path()
    document = _load_document(path)
    document[key] = value
    _write(path, document)
    if key == "base_url":
        shown: Any = redact_url(value)
    else:
        shown = _hide_keys(value) if isinstance(value, str) else value
    streams.note(f"{key} = {_display(shown)}")
    streams.note(f"saved in {path}")
    shadow = env_source(key)
    if shadow:
        streams.note(f"note: environment {shadow} is set and overrides the file")


def run_unset(streams: Streams, key: str) -> None:
    path = config_path()
    document = _load_document(path)
    if key not in document:
        if key.lower() not in _SECRET_KEYS:
            _check_key(key)  # a typo should say so, not pass silently
        streams.note(f"{key} is not set in {path}; nothing to do")
        return
    del document[key]
    _write(path, document)
    streams.note(f"removed {key} from {path}")
