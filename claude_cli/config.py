"""Settings: flags > environment > config file > defaults.

`load_settings()` returns a Settings whose `sources` says where each value came
from (flag, env, file or default), so `config show` can tell the user.
Credentials are resolved separately and only when a request is really sent.
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from claude_cli.errors import ConfigError
from claude_cli.model_rules import DEFAULT_MODEL, DEFAULT_PREFILL_MODEL
from claude_cli.redact import redact_url, register, register_userinfo, split_userinfo

APP_NAME = "claude-cli"
DEFAULT_BASE_URL = "https://api.anthropic.com"
# 2023-06-01: the version the official OpenAPI document and the docs' examples
# use, still served for every model, and the only one under which
# `--temperature` means anything (2026-10-21 rejects sampling parameters).
DEFAULT_API_VERSION = "2023-06-01"
MAX_RETRIES = 20  # each waits up to 8 s (60 s when the server asks): enough
# One range for every source of a timeout (flag, environment, config file, `config set`).
# Under a millisecond no reply can arrive, so it is a typo; over a day is a typo too
# (or inf, which httpx cannot take).
MIN_TIMEOUT = 0.001
MAX_TIMEOUT = 86400.0


@dataclass
class Settings:
    """Every setting, resolved from flags, environment, config file and defaults."""

    model: str = DEFAULT_MODEL
    max_tokens: int = 4096
    system: str | None = None
    api_version: str = DEFAULT_API_VERSION
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 600.0
    max_retries: int = 2
    prefill_model: str = DEFAULT_PREFILL_MODEL
    api_key_command: str | None = None
    prompt_caching: bool = True
    image_max_edge: int = 1568
    download_images: bool = False
    # Every `ask` is remembered as an ask-DATE session (`ask -c` continues it).
    save_asks: bool = True
    sources: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # `https://user:password@host` in base_url: kept here, out of base_url, so the URL
    # can be shown (dry runs, errors) and the password still sent (resolve_credentials).
    base_url_auth: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    def source(self, key: str) -> str:
        return self.sources.get(key, "default")

    def chose(self, key: str) -> bool:
        """True when the user set `key` anywhere (flag, env or file)."""
        return self.source(key) != "default"


SETTING_KEYS: tuple[str, ...] = tuple(
    f.name for f in fields(Settings) if f.name not in ("sources", "base_url_auth")
)
_TYPES: dict[str, type] = {
    "model": str,
    "max_tokens": int,
    "system": str,
    "api_version": str,
    "base_url": str,
    "timeout": float,
    "max_retries": int,
    "prefill_model": str,
    "api_key_command": str,
    "prompt_caching": bool,
    "image_max_edge": int,
    "download_images": bool,
    "save_asks": bool,
}
# Extra, conventional environment names (the generic CLAUDE_CLI_<KEY> also works).
_ENV_ALIASES = {"base_url": "ANTHROPIC_BASE_URL", "model": "ANTHROPIC_MODEL"}


_NON_EMPTY = {"model", "api_version", "base_url", "prefill_model"}


def env_name(key: str) -> str:
    return f"CLAUDE_CLI_{key.upper()}"


def env_names(key: str) -> tuple[str, ...]:
    """The environment variables that set `key`, the one that wins first."""
    alias = _ENV_ALIASES.get(key)
    return (env_name(key), alias) if alias else (env_name(key),)


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME))


def config_path() -> Path:
    override = os.environ.get("CLAUDE_CLI_CONFIG")
    return Path(override) if override else config_dir() / "config.toml"


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib


def read_config_file(path: Path) -> dict[str, Any]:
    """The config file's table; {} when it does not exist. Errors name file and line."""
    from claude_cli.store.files import read_regular

    try:
        raw = read_regular(path, 1024 * 1024)  # not a FIFO, a device or a huge file
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise ConfigError(f"cannot read config file {path}: {e.strerror}") from None
    toml = _toml()
    try:
        return toml.loads(raw.decode("utf-8-sig"))  # a BOM (Windows editors) is fine
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not valid UTF-8") from None
    except toml.TOMLDecodeError as e:
        raise ConfigError(f"config file {path}, {_where(e, raw)}") from None


def _where(error: Exception, raw: bytes) -> str:
    """'line N: message' for a TOML error (tomllib puts the place in the text)."""
    import re

    text = str(error)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)", text)
    if found:
        return f"line {found.group(1)}: {text[: found.start()]}"
    lines = raw.decode("utf-8", "replace").rstrip("\n").count("\n") + 1
    message = re.sub(r"\s*\(at end of document\)", "", text)
    return f"line {lines}: {message} (at end of file)"


def coerce(key: str, value: Any, where: str) -> Any:
    """Check and convert one setting; `where` names its origin for the error."""
    if key not in _TYPES:
        known = ", ".join(SETTING_KEYS)
        raise ConfigError(f"{where}: unknown setting '{key}' (known: {known})")
    kind = _TYPES[key]
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if kind is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            result = int(value)
        elif kind is float:
            if isinstance(value, bool):
                raise ValueError
            result = float(value)
            if not math.isfinite(result):
                raise ConfigError(f"{where}: '{key}' must be a finite number, got {value!r}")
        else:
            if not isinstance(value, str):
                raise ValueError
            if key in _NON_EMPTY and not value.strip():
                raise ConfigError(f"{where}: '{key}' cannot be empty")
            if key == "base_url":
                check_base_url(value, where)
            if key == "api_version":
                check_api_version(value, where)
            return value
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: '{key}' must be {kind.__name__}, got {value!r}") from None
    if key == "max_retries" and result > MAX_RETRIES:
        raise ConfigError(f"{where}: 'max_retries' is out of range: {value!r} (at most 20)")
    if key == "timeout" and not MIN_TIMEOUT <= result <= MAX_TIMEOUT:
        raise ConfigError(
            f"{where}: 'timeout' is out of range: {value!r} "
            f"(give seconds from {MIN_TIMEOUT:g} to {MAX_TIMEOUT:g}, a day)"
        )
    if result < 0 or (key == "max_tokens" and result < 1):
        raise ConfigError(f"{where}: '{key}' is out of range: {value!r}")
    return result


def check_api_version(value: str, where: str) -> None:
    """anthropic-version goes in a header: a date like 2023-06-01, nothing invisible."""
    import re

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ConfigError(
            f"{where}: 'api_version' must be a date like {DEFAULT_API_VERSION}, got {value!a}"
        )


def check_base_url(value: str, where: str) -> None:
    """A URL httpx can use: http(s), a host, a parseable port, nothing invisible.

    Checked with urllib.parse (httpx is too heavy to import for this). Errors show
    the URL with its password masked.
    """
    from urllib.parse import urlsplit

    shown = redact_url(value)
    if any(ord(c) <= 0x20 or 0x7F <= ord(c) <= 0x9F for c in value):
        raise ConfigError(f"{where}: 'base_url' contains a space or control character: {shown!r}")
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: 'base_url' must start with http:// or https://, got {shown!r}")
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError as e:
        raise ConfigError(f"{where}: 'base_url' is not a valid URL ({e}): {shown!r}") from None
    if not host:
        raise ConfigError(f"{where}: 'base_url' has no host: {shown!r}")


def load_settings(flags: dict[str, Any] | None = None, *, path: Path | None = None) -> Settings:
    """Resolve every setting; `flags` holds only the options the user actually gave."""
    settings = Settings()
    cfg_path = path or config_path()
    file_values = read_config_file(cfg_path)
    for key, value in file_values.items():
        setattr(settings, key, coerce(key, value, f"config file {cfg_path}"))
        settings.sources[key] = "file"
    for key in SETTING_KEYS:
        for name in env_names(key):
            if os.environ.get(name):
                setattr(settings, key, coerce(key, os.environ[name], f"environment {name}"))
                settings.sources[key] = "env"
                break
    for key, value in (flags or {}).items():
        if value is not None:
            setattr(settings, key, coerce(key, value, f"option --{key.replace('_', '-')}"))
            settings.sources[key] = "flag"
    register_userinfo(settings.base_url)  # before it is split off: the forms as typed
    settings.base_url, settings.base_url_auth = split_userinfo(settings.base_url.rstrip("/"))
    if settings.base_url.endswith("/v1"):
        # A common copy from other clients' settings: we add /v1/messages ourselves.
        settings.base_url = settings.base_url[:-3]
        from claude_cli.terminal.term import say

        say(
            sys.stderr,
            f"note: base_url ends in /v1; claude-cli adds /v1/... itself, so "
            f"{shown_base_url(settings)} is used (drop the /v1 to silence this)",
        )
    return settings


def shown_base_url(settings: Settings) -> str:
    """base_url as the user wrote it, the password masked: `https://user:***@host`."""
    if not settings.base_url_auth:
        return settings.base_url
    scheme, _, rest = settings.base_url.partition("://")
    return redact_url(f"{scheme}://{settings.base_url_auth[0]}:x@{rest}")


@dataclass(frozen=True)
class Credentials:
    """How requests authenticate. repr never shows the secret."""

    api_key: str | None = field(default=None, repr=False)
    auth_token: str | None = field(default=None, repr=False)
    # user and password from base_url, sent as HTTP Basic auth (what httpx did with them).
    basic: tuple[str, str] | None = field(default=None, repr=False)

    def headers(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if self.api_key:
            found["x-api-key"] = self.api_key
        elif self.auth_token:
            found["authorization"] = f"Bearer {self.auth_token}"
        if self.basic:
            import base64

            pair = f"{self.basic[0]}:{self.basic[1]}".encode()
            found["authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        return found


NO_CREDENTIALS = (
    "no API key: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN for a gateway), "
    "or api_key_command in {path}"
)
# Printed under the one-line error: most people meet it on their first run.
NO_CREDENTIALS_HELP = """\
claude-cli needs credentials for the Anthropic API. Any one of these works:

  1. An API key (create one at https://console.anthropic.com/settings/keys):
       export ANTHROPIC_API_KEY=sk-ant-...

  2. A bearer token for a gateway or proxy, sent as "Authorization: Bearer":
       export ANTHROPIC_AUTH_TOKEN=...
       export ANTHROPIC_BASE_URL=https://your-gateway.example

  3. A command that prints the key, so it never sits in a file or in your shell history:
       claude-cli config set api_key_command 'pass show anthropic'

Run `claude-cli config show` to see which settings and credentials claude-cli finds."""


def resolve_credentials(settings: Settings) -> Credentials:
    """The credentials a request sends, checked before any request is made."""
    basic = settings.base_url_auth
    key = os.environ.get("ANTHROPIC_API_KEY", "").strip()
    if key:
        return Credentials(api_key=check_secret(key, "ANTHROPIC_API_KEY"), basic=basic)
    token = os.environ.get("ANTHROPIC_AUTH_TOKEN", "").strip()
    if token:
        return Credentials(auth_token=check_secret(token, "ANTHROPIC_AUTH_TOKEN"), basic=basic)
    if settings.api_key_command:
        key = _run_key_command(settings.api_key_command)
        register(key)  # from now on, never printed: not even a server echoing it back
        return Credentials(api_key=check_secret(key, "the key from api_key_command"), basic=basic)
    raise ConfigError(NO_CREDENTIALS.format(path=config_path()), detail=NO_CREDENTIALS_HELP)


def check_secret(secret: str, name: str) -> str:
    """A key or token goes in an HTTP header: printable ASCII without spaces.

    Anything else would fail inside httpx, whose error prints the value; the error
    here names where it came from, never the value.
    """
    for ch in secret:
        if "!" <= ch <= "~":
            continue
        if ch in "\r\n":
            what = "a line break"
        elif ch in " \t":
            what = "a space"
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            what = "a control character"
        else:
            what = "a non-ASCII character"
        raise ConfigError(
            f"{name} contains {what}: a key is printable ASCII (was it copied with extra text?)"
        )
    return secret


# Long enough for a passphrase typed into a pinentry; a helper that hangs is not waited for.
KEY_COMMAND_TIMEOUT = 30


def _run_key_command(command: str) -> str:
    import subprocess

    try:
        done = subprocess.run(
            command,
            shell=True,
            capture_output=True,  # stderr too: it is shown redacted, below
            text=True,
            errors="replace",
            timeout=KEY_COMMAND_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ConfigError(
            f"api_key_command did not finish within {KEY_COMMAND_TIMEOUT} seconds "
            "(is it waiting for input?)"
        ) from None
    except OSError as e:
        raise ConfigError(f"api_key_command failed: {type(e).__name__}") from None
    key = done.stdout.strip().splitlines()[0].strip() if done.stdout.strip() else ""
    register(key)  # its own talk below (a wrapper's `set -x`, say) may quote the key
    _show_key_command_talk(done.stderr)
    # Never echo its output: it may be the key.
    if done.returncode != 0:
        raise ConfigError(f"api_key_command failed (exit status {done.returncode})")
    if not key:
        raise ConfigError("api_key_command printed nothing on stdout")
    return key


def _show_key_command_talk(talk: str) -> None:
    """The helper's stderr (why `pass` or `gpg` failed), redacted like all our talk."""
    from claude_cli.terminal.term import say

    lines = talk.strip("\n").splitlines()[-20:]  # its last words, not a flood
    if lines:
        say(sys.stderr, "\n".join(f"api_key_command: {line}" for line in lines))
