from __future__ import annotations

from pathlib import Path

import pytest

from claude_cli.config import Credentials, load_settings, resolve_credentials
from claude_cli.errors import ConfigError
from claude_cli.model_rules import DEFAULT_MODEL, supports_prefill


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for key in list(os.environ):
        if key.startswith(("ANTHROPIC_", "CLAUDE_CLI_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_defaults(tmp_path: Path) -> None:
    s = load_settings(path=tmp_path / "missing.toml")
    assert s.model == DEFAULT_MODEL
    assert s.api_version == "2023-06-01"
    assert s.base_url == "https://api.anthropic.com"
    assert s.max_retries == 2
    assert s.source("model") == "default"


def test_precedence_flag_env_file_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, 'model = "from-file"\nmax_tokens = 100\nsystem = "file sys"\n')
    monkeypatch.setenv("CLAUDE_CLI_MODEL", "from-env")
    monkeypatch.setenv("CLAUDE_CLI_MAX_TOKENS", "200")
    s = load_settings({"model": "from-flag"}, path=path)
    assert (s.model, s.source("model")) == ("from-flag", "flag")
    assert (s.max_tokens, s.source("max_tokens")) == (200, "env")
    assert (s.system, s.source("system")) == ("file sys", "file")
    assert s.source("timeout") == "default"


def test_base_url_from_anthropic_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://gateway.local:8080/")
    s = load_settings(path=tmp_path / "none.toml")
    assert s.base_url == "http://gateway.local:8080"


def test_malformed_file_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'model = "x"\nmax_tokens = = 3\n')
    with pytest.raises(ConfigError) as e:
        load_settings(path=path)
    assert str(path) in str(e.value)
    assert "line 2" in str(e.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('colour = "red"\n', "unknown setting 'colour'"),
        ('max_tokens = "lots"\n', "'max_tokens' must be int"),
        ("timeout = -1\n", "'timeout' is out of range"),
        ('prompt_caching = "maybe"\n', "'prompt_caching' must be bool"),
    ],
)
def test_bad_values_are_named(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_settings(path=write(tmp_path, text))


def test_bad_env_value_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_CLI_MAX_RETRIES", "two")
    with pytest.raises(ConfigError, match="CLAUDE_CLI_MAX_RETRIES"):
        load_settings(path=tmp_path / "none.toml")


def test_credentials_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_settings(path=tmp_path / "none.toml")
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY"):
        resolve_credentials(s)
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "tok")
    assert resolve_credentials(s).headers() == {"authorization": "Bearer tok"}
    monkeypatch.setenv("ANTHROPIC_API_KEY", "key")
    assert resolve_credentials(s).headers() == {"x-api-key": "key"}


def test_api_key_command(tmp_path: Path) -> None:
    s = load_settings(path=write(tmp_path, 'api_key_command = "echo sk-from-command"\n'))
    assert resolve_credentials(s).headers() == {"x-api-key": "sk-from-command"}
    s = load_settings(path=write(tmp_path, 'api_key_command = "echo secret-out; exit 3"\n'))
    with pytest.raises(ConfigError) as e:
        resolve_credentials(s)
    assert "secret-out" not in str(e.value)
    assert "status 3" in str(e.value)


def test_credentials_repr_hides_the_secret() -> None:
    assert "sk-secret" not in repr(Credentials(api_key="sk-secret"))


@pytest.mark.parametrize(
    ("model", "ok"),
    [
        ("claude-haiku-4-5", True),
        ("claude-sonnet-4-5-20250929", True),
        ("claude-opus-4-5", True),
        ("claude-3-5-haiku-20241022", True),
        ("claude-opus-4-1-20250805", True),
        ("claude-sonnet-4-6", False),
        ("claude-opus-4-8", False),
        ("claude-sonnet-5-5", False),
        ("claude-fable-5-2", False),
        ("my-gateway-alias", None),
    ],
)
def test_supports_prefill(model: str, ok: bool | None) -> None:
    assert supports_prefill(model) is ok


def test_default_model_is_current() -> None:
    assert DEFAULT_MODEL != "claude-sonnet-4-5"
    assert DEFAULT_MODEL in {"claude-sonnet-5-5", "claude-opus-5-5", "claude-haiku-5-5"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [('base_url = "notaurl"\n', "http:// or https://"), ('model = ""\n', "cannot be empty")],
)
def test_values_that_can_never_work_are_refused(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_settings(path=write(tmp_path, text))
