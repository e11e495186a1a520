"""`claude-cli config path|show|set|unset` and the first-run credentials message."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from fakeapi import API_KEY

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@pytest.fixture
def cfg(home: Path) -> Path:
    return home / "config" / "claude-cli" / "config.toml"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_path_follows_xdg_and_the_override(run, cfg: Path, tmp_path: Path) -> None:
    r = run("config", "path")
    assert (r.code, r.out) == (0, f"{cfg}\n")
    other = tmp_path / "elsewhere.toml"
    r = run("config", "path", env={"CLAUDE_CLI_CONFIG": str(other)})
    assert r.out == f"{other}\n"


def test_show_tells_each_source_and_hides_the_key(run, cfg: Path) -> None:
    write(cfg, 'max_tokens = 100\nsystem = "Be terse"\n')
    r = run("config", "show", env={"CLAUDE_CLI_TIMEOUT": "30", "ANTHROPIC_MODEL": "claude-x"})
    assert r.code == 0, r.err
    rows = {line.split()[0]: line for line in r.out.splitlines() if line.strip()}
    assert rows["max_tokens"].split()[1:] == ["100", "file"]
    assert rows["system"].split()[-1] == "file" and "Be terse" in rows["system"]
    assert rows["timeout"].split()[1:] == ["30.0", "env", "CLAUDE_CLI_TIMEOUT"]
    assert rows["model"].split()[1:] == ["claude-x", "env", "ANTHROPIC_MODEL"]
    assert rows["api_version"].split()[1:] == ["2023-06-01", "default"]
    assert "credentials: ANTHROPIC_API_KEY = sk-ant-…" in r.out
    assert API_KEY not in r.out + r.err
    assert API_KEY[:12] not in r.out + r.err  # not even a longer prefix
    assert str(cfg) in r.out


def test_show_json(run, cfg: Path) -> None:
    write(cfg, 'model = "claude-haiku-4-5"\n')
    r = run("config", "show", "--json", env={"ANTHROPIC_AUTH_TOKEN": "tok-secret-value"})
    data = json.loads(r.out)
    assert data["config_file"] == str(cfg) and data["config_file_exists"] is True
    assert data["settings"]["model"] == {"value": "claude-haiku-4-5", "source": "file"}
    assert data["settings"]["max_retries"] == {"value": 2, "source": "default"}
    assert data["settings"]["base_url"]["source"] == "env"  # the fake server's URL
    assert data["settings"]["base_url"]["env"] == "ANTHROPIC_BASE_URL"
    assert data["credentials"]["source"] == "ANTHROPIC_API_KEY"
    assert "ANTHROPIC_AUTH_TOKEN" in data["credentials"]["note"]
    assert API_KEY not in r.out and "tok-secret-value" not in r.out


@pytest.mark.parametrize(
    ("env", "source"),
    [
        ({"ANTHROPIC_API_KEY": None, "ANTHROPIC_AUTH_TOKEN": "tok-secret"}, "ANTHROPIC_AUTH_TOKEN"),
        ({"ANTHROPIC_API_KEY": None}, "none"),
    ],
)
def test_show_other_credential_sources(run, env: dict, source: str) -> None:
    r = run("config", "show", "--json", env=env)
    assert json.loads(r.out)["credentials"]["source"] == source
    assert "tok-secret" not in r.out


def test_show_does_not_run_api_key_command_nor_show_an_inline_key(
    run, cfg: Path, tmp_path: Path
) -> None:
    ran = tmp_path / "ran"
    write(cfg, f'api_key_command = "touch {ran}; echo sk-ant-inline-secret"\n')
    r = run("config", "show", env={"ANTHROPIC_API_KEY": None})
    assert r.code == 0, r.err
    assert "credentials: api_key_command" in r.out
    assert "inline-secret" not in r.out
    assert not ran.exists()


def test_show_reports_a_broken_file(run, cfg: Path) -> None:
    write(cfg, "model = = 1\n")
    r = run("config", "show")
    assert r.code == 3
    assert str(cfg) in r.err and "line 1" in r.err


def test_set_creates_a_private_file_that_ask_then_uses(run, api, cfg: Path) -> None:
    r = run("config", "set", "model", "claude-haiku-4-5")
    assert r.code == 0, r.err
    assert r.out == ""  # talk goes to stderr
    assert "model = claude-haiku-4-5" in r.err
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    assert run("config", "set", "max_tokens", "300").code == 0
    assert run("config", "set", "prompt_caching", "off").code == 0
    assert tomllib.loads(cfg.read_text()) == {
        "model": "claude-haiku-4-5",
        "max_tokens": 300,
        "prompt_caching": False,
    }
    r = run("ask", "--dry-run", "hi")
    body = json.loads(r.out)
    assert (body["model"], body["max_tokens"]) == ("claude-haiku-4-5", 300)


def test_set_keeps_comments_and_other_keys(run, cfg: Path) -> None:
    write(cfg, '# my settings\nmodel = "claude-opus-4-5"  # the big one\n\n# retries\n')
    assert run("config", "set", "max_retries", "5").code == 0
    text = cfg.read_text()
    assert text.startswith('# my settings\nmodel = "claude-opus-4-5"  # the big one\n')
    assert "# retries" in text and "max_retries = 5" in text
    assert run("config", "set", "model", "claude-haiku-4-5").code == 0
    text = cfg.read_text()
    assert 'model = "claude-haiku-4-5"' in text and "# my settings" in text


def test_set_warns_when_the_environment_overrides(run) -> None:
    r = run("config", "set", "model", "claude-haiku-4-5", env={"CLAUDE_CLI_MODEL": "x"})
    assert r.code == 0
    assert "CLAUDE_CLI_MODEL" in r.err and "overrides" in r.err


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("colour", "red", "unknown setting 'colour'"),
        ("max_tokens", "lots", "'max_tokens' must be int"),
        ("max_tokens", "0", "out of range"),
        ("prompt_caching", "maybe", "'prompt_caching' must be bool"),
        ("api_key", "sk-ant-oops", "cannot be stored in the config file"),
    ],
)
def test_set_rejects_bad_input_and_leaves_the_file(
    run, cfg: Path, key: str, value: str, expected: str
) -> None:
    write(cfg, "# mine\nmax_retries = 1\n")
    before = cfg.read_bytes()
    r = run("config", "set", key, value)
    assert r.code == 3
    assert expected in r.err
    assert r.err.startswith("claude-cli: error:") and r.err.count("\n") == 1
    assert "sk-ant-oops" not in r.err
    assert cfg.read_bytes() == before


def test_a_malformed_file_is_never_overwritten(run, cfg: Path) -> None:
    write(cfg, '# mine\nmodel = "x\n')
    before = cfg.read_bytes()
    for args in (("set", "model", "y"), ("unset", "model")):
        r = run("config", *args)
        assert r.code == 3
        assert str(cfg) in r.err and "line 2" in r.err and "nothing was changed" in r.err
        assert cfg.read_bytes() == before
    assert [p.name for p in cfg.parent.iterdir()] == ["config.toml"]  # no temp files left


def test_set_writes_through_a_symlink(run, cfg: Path, tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "claude.toml"
    write(real, "# tracked in git\n")
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.symlink_to(real)
    assert run("config", "set", "model", "claude-haiku-4-5").code == 0
    assert cfg.is_symlink()
    assert 'model = "claude-haiku-4-5"' in real.read_text()


def test_unset(run, cfg: Path) -> None:
    write(cfg, '# keep me\nmodel = "x"\nmax_tokens = 9\n')
    r = run("config", "unset", "model")
    assert r.code == 0, r.err
    assert cfg.read_text() == "# keep me\nmax_tokens = 9\n"
    r = run("config", "unset", "model")
    assert r.code == 0 and "not set" in r.err
    r = run("config", "unset", "modle")
    assert r.code == 3 and "unknown setting 'modle'" in r.err


def test_unset_removes_a_stale_unknown_key(run, cfg: Path) -> None:
    write(cfg, 'old_key = 1\nmodel = "x"\n')
    assert run("config", "show").code == 3  # the stale key is an error everywhere...
    assert run("config", "unset", "old_key").code == 0  # ...and this is the way out
    assert run("config", "show").code == 0


def test_config_without_subcommand_shows_help(run) -> None:
    r = run("config")
    assert "path" in r.out + r.err and "unset" in r.out + r.err


def test_first_run_without_credentials_explains_the_three_ways(api, run) -> None:
    r = run("ask", "hi", env={"ANTHROPIC_API_KEY": None})
    assert r.code == 3
    first, *rest = r.err.splitlines()
    assert first.startswith("claude-cli: error: no API key") and "ANTHROPIC_API_KEY" in first
    help_text = "\n".join(rest)
    assert "export ANTHROPIC_API_KEY=" in help_text
    assert "ANTHROPIC_AUTH_TOKEN" in help_text and "ANTHROPIC_BASE_URL" in help_text
    assert "claude-cli config set api_key_command 'pass show anthropic'" in help_text
    assert r.out == ""
    assert api.requests == []
