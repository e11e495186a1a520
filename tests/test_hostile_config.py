"""Bad values get a clear one-line error and their documented exit code, never exit 70
or a traceback (issue 9: bad values crash instead of erroring)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

USAGE, CONFIG, OUTPUT = 2, 3, 74


@pytest.fixture
def cfg(home: Path) -> Path:
    path = home / "config" / "claude-cli" / "config.toml"
    path.parent.mkdir(parents=True)
    return path


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("claude-cli: error: "), err
    return lines[0]


@pytest.mark.parametrize("value", ["nan", "inf", "1e308"])
def test_timeout_flag_that_is_not_a_sane_number_is_a_usage_error(run, api, value: str) -> None:
    r = run("ask", "--timeout", value, "hi")
    assert r.code == USAGE, r.err
    assert "--timeout" in r.err
    assert api.requests == []


@pytest.mark.parametrize("value", ["nan", "inf", "1e308", "86401"])
def test_timeout_from_the_environment(run, api, value: str) -> None:
    r = run("ask", "hi", env={"CLAUDE_CLI_TIMEOUT": value})
    assert r.code == CONFIG, r.err
    line = one_line_error(r.err)
    assert "CLAUDE_CLI_TIMEOUT" in line and "'timeout'" in line
    assert api.requests == []


@pytest.mark.parametrize("value", ["nan", "inf", "1e308"])
def test_timeout_from_the_config_file(run, api, cfg: Path, value: str) -> None:
    cfg.write_text(f"timeout = {value}\n")  # TOML has nan and inf literals
    r = run("ask", "hi")
    assert r.code == CONFIG, r.err
    line = one_line_error(r.err)
    assert str(cfg) in line and "'timeout'" in line


@pytest.mark.parametrize("value", ["1e-320", "1e-7", "0.0009"])
def test_a_tiny_timeout_is_refused_from_every_source(run, api, cfg: Path, value: str) -> None:
    """The flag's range (0.001 to 86400 s) holds for the environment, the file and `config set`:
    a timeout no reply can meet is a typo, not a network failure to report later."""
    assert run("ask", "--timeout", value, "hi").code == USAGE
    from_env = run("ask", "hi", env={"CLAUDE_CLI_TIMEOUT": value})
    assert from_env.code == CONFIG, from_env.err
    line = one_line_error(from_env.err)
    assert "CLAUDE_CLI_TIMEOUT" in line and "'timeout'" in line and "0.001" in line
    cfg.write_text(f"timeout = {value}\n")
    from_file = run("ask", "hi")
    assert from_file.code == CONFIG, from_file.err
    assert str(cfg) in one_line_error(from_file.err)
    cfg.unlink()
    by_set = run("config", "set", "timeout", value)
    assert by_set.code == CONFIG, by_set.err
    assert "'timeout'" in one_line_error(by_set.err)
    assert not cfg.exists()
    assert api.requests == []
    assert run("config", "set", "timeout", "0.001").code == 0  # the least is allowed


def test_config_set_refuses_an_infinite_timeout(run, api, cfg: Path) -> None:
    r = run("config", "set", "timeout", "inf")
    assert r.code == CONFIG, r.err
    assert "'timeout'" in one_line_error(r.err)
    assert not cfg.exists()
    assert run("config", "set", "timeout", "86400").code == 0  # a day is the most
    api.reply("still fine")
    assert run("ask", "--timeout", "86400", "hi").code == 0


@pytest.mark.parametrize(
    ("key", "what"),
    [
        ("sk-ant-caf\u00e9-0123456789", "a non-ASCII character"),
        ("sk-ant-abc\ndef-0123456789", "a line break"),
        ("sk-ant-abc\x1bdef-0123456789", "a control character"),
    ],
)
def test_a_bad_api_key_is_named_not_printed(run, api, key: str, what: str) -> None:
    r = run("ask", "hi", env={"ANTHROPIC_API_KEY": key})
    assert r.code == CONFIG, r.err
    line = one_line_error(r.err)
    assert "ANTHROPIC_API_KEY" in line and what in line
    assert "0123456789" not in r.err
    assert api.requests == []


def test_a_bad_auth_token_is_named(run, api) -> None:
    env = {"ANTHROPIC_API_KEY": None, "ANTHROPIC_AUTH_TOKEN": "tok\u00e9n-0123456789"}
    r = run("ask", "hi", env=env)
    assert r.code == CONFIG, r.err
    assert "ANTHROPIC_AUTH_TOKEN" in one_line_error(r.err)
    assert "0123456789" not in r.err


def test_a_bad_key_from_api_key_command_is_named(run, api, cfg: Path) -> None:
    cfg.write_text("api_key_command = \"printf 'k\\\\303\\\\251y-0123456789'\"\n")
    r = run("ask", "hi", env={"ANTHROPIC_API_KEY": None})
    assert r.code == CONFIG, r.err
    line = one_line_error(r.err)
    assert "api_key_command" in line and "non-ASCII" in line
    assert "0123456789" not in r.err
    assert api.requests == []


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("http://[::1", "not a valid URL"),
        ("http://127.0.0.1:port", "not a valid URL"),
        ("http://", "no host"),
        ("http://127.0.0.1:9/\x1b]0;x\x07", "control character"),
        ("http://127.0.0.1:9/a b", "space"),
    ],
)
def test_a_bad_base_url_is_a_config_error(run, api, url: str, what: str) -> None:
    r = run("ask", "hi", env={"ANTHROPIC_BASE_URL": url})
    assert r.code == CONFIG, r.err
    line = one_line_error(r.err)
    assert "ANTHROPIC_BASE_URL" in line and what in line
    assert "\x1b" not in r.err


@pytest.mark.parametrize("version", ["2023\n", "2023-06-01\r\nx-evil: 1", "\u00e9", "latest"])
def test_a_bad_api_version_is_a_config_error_not_a_network_one(run, api, version: str) -> None:
    r = run("ask", "hi", env={"CLAUDE_CLI_API_VERSION": version})
    assert r.code == CONFIG, r.err
    line = one_line_error(r.err)
    assert "CLAUDE_CLI_API_VERSION" in line and "a date like 2023-06-01" in line
    assert api.requests == []


def test_a_socks_proxy_without_socks_support_says_what_to_install(run, api) -> None:
    r = run("ask", "hi", env={"ALL_PROXY": "socks5://127.0.0.1:1080", "NO_PROXY": ""})
    assert r.code == CONFIG, r.err
    assert "httpx[socks]" in one_line_error(r.err)


def test_config_set_refuses_a_bad_base_url(run, api, cfg: Path) -> None:
    r = run("config", "set", "base_url", "https://[::1")
    assert r.code == CONFIG
    assert "base_url" in one_line_error(r.err)
    assert not cfg.exists()


def test_a_config_file_with_a_utf8_bom_is_read(run, api, cfg: Path) -> None:
    cfg.write_bytes(b"\xef\xbb\xbfmodel = 'claude-haiku-4-5'\n")
    api.reply("ok")
    r = run("ask", "hi")
    assert r.code == 0, r.err
    assert api.last_body["model"] == "claude-haiku-4-5"
    r = run("config", "set", "max_tokens", "100")  # and can be edited
    assert r.code == 0, r.err
    assert "model = 'claude-haiku-4-5'" in cfg.read_text()


def run_shell(cli_env: dict[str, str], redirect: str, *args: str) -> subprocess.CompletedProcess:
    """The CLI with stdout redirected by a shell, as a user would."""
    return subprocess.run(
        ["sh", "-c", f'exec "$@" {redirect}', "sh", sys.executable, "-m", "claude_cli", *args],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("args", [("ask", "hi"), ("--help",), ("config", "show"), ("--version",)])
def test_stdout_closed_is_a_clear_error(cli_env: dict[str, str], api, args) -> None:
    api.reply("a paid reply")
    done = run_shell(cli_env, ">&-", *args)
    assert done.returncode == OUTPUT, done.stderr
    assert "stdout is closed" in one_line_error(done.stderr)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("args", [("ask", "hi"), ("--help",), ("config", "show"), ("--version",)])
def test_stdout_full_is_a_clear_error(cli_env: dict[str, str], api, args) -> None:
    api.reply("a paid reply")
    done = run_shell(cli_env, "> /dev/full", *args)
    assert done.returncode == OUTPUT, done.stderr
    line = one_line_error(done.stderr)
    assert "cannot write to stdout" in line and "No space left" in line


def test_config_show_never_prints_api_key_command_arguments(run, api, cfg: Path) -> None:
    # Its output would be this argument, and it does not look like a key.
    cfg.write_text('api_key_command = "echo hunter2-gateway-pass"\n')
    for args in (("config", "show"), ("config", "show", "--json")):
        r = run(*args, env={"ANTHROPIC_API_KEY": None})
        assert r.code == 0, r.err
        assert "hunter2" not in r.out


def test_stdout_closed_sends_nothing(cli_env: dict[str, str], api) -> None:
    """Nothing can be shown, so nothing is paid for."""
    done = run_shell(cli_env, ">&-", "ask", "-S", "closed", "hi")
    assert done.returncode == OUTPUT, done.stderr
    assert api.messages_requests == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_stdout_full_still_saves_the_paid_reply(cli_env: dict[str, str], api, home) -> None:
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    api.reply("a paid reply that could not be printed")
    done = run_shell(cli_env, "> /dev/full", "ask", "-S", "full", "hi")
    assert done.returncode == OUTPUT, done.stderr
    doc = json.loads((home / "data" / "claude-cli" / "sessions" / "full.json").read_text())
    assert doc["messages"][-1]["content"] == "a paid reply that could not be printed"


def test_a_reader_leaving_early_still_saves_the_whole_reply(cli_env, api, home) -> None:
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    words = " ".join(f"word{i}" for i in range(3000))
    cmd = [sys.executable, "-m", "claude_cli", "ask", "-S", "left", "hi"]
    api.reply(words, delay=0.0005)
    done = subprocess.run(
        ["sh", "-c", '"$@" | head -c 20 >/dev/null', "sh", *cmd],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads((home / "data" / "claude-cli" / "sessions" / "left.json").read_text())
    assert doc["messages"][-1]["content"] == words


@pytest.mark.parametrize("value", ["21", "100000"])
def test_max_retries_has_a_ceiling(run, api, value: str) -> None:
    result = run("ask", "hi", env={"CLAUDE_CLI_MAX_RETRIES": value})
    assert result.code == 3, result.err
    assert "max_retries" in one_line_error(result.err)


@pytest.mark.parametrize("flag", ["--temperature", "--top-p"])
def test_sampling_values_that_are_not_numbers_are_refused(run, api, flag: str) -> None:
    result = run("ask", "-m", "claude-haiku-4-5", flag, "nan", "hi")
    assert result.code == 2, result.err
    assert flag in one_line_error(result.err)
    assert api.messages_requests == []


def test_a_fifo_or_device_as_config_file_is_refused(run, api, tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    result = run("ask", "hi", env={"CLAUDE_CLI_CONFIG": str(fifo)}, timeout=20)
    assert result.code == 3, result.err
    assert "not a regular file" in one_line_error(result.err)
    result = run("ask", "hi", env={"CLAUDE_CLI_CONFIG": "/dev/zero"}, timeout=20)
    assert result.code == 3, result.err


def test_a_fifo_or_device_in_the_sessions_folder_does_not_hang_list(run, api, home) -> None:
    assert run("ask", "-S", "good", "hi").code == 0
    folder = home / "data" / "claude-cli" / "sessions"
    os.mkfifo(folder / "fifo.json")
    (folder / "zero.json").symlink_to("/dev/zero")
    listed = run("sessions", "list", timeout=20)
    assert listed.code == 0, listed.err
    assert "good" in listed.out
    assert "fifo" in listed.err and "zero" in listed.err


def test_endless_stdin_is_refused_not_read_forever(cli_env, api) -> None:
    done = subprocess.run(
        ["sh", "-c", 'exec "$@" < /dev/zero', "sh", sys.executable, "-m", "claude_cli", "ask"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "stdin is over 64 MB" in one_line_error(done.stderr)
    assert api.messages_requests == []


def test_an_ascii_stdout_gets_question_marks_not_a_crash(run, api) -> None:
    result = run("ask", "héllo wörld", env={"PYTHONIOENCODING": "ascii"})
    assert result.code == 0, result.err
    assert result.out == "You said: h?llo w?rld\n"


@pytest.mark.parametrize("redirect", ["2>&-", "2>/dev/full"])
@pytest.mark.parametrize(
    "args",
    [("ask", "--prefill", "{", "hi"), ("ask", "--web", "--sources", "hi"), ("ask", "--nosuch")],
)
def test_an_unusable_stderr_drops_talk_and_keeps_the_exit_status(
    cli_env: dict[str, str], api, redirect: str, args
) -> None:
    """A note (the prefill model, the sources) on a closed or full stderr was exit 70."""
    done = run_shell(cli_env, redirect, *args)
    if "--nosuch" in args:
        assert (done.returncode, done.stdout) == (2, "")
    else:
        assert done.returncode == 0
        assert done.stdout in ("{You said: hi\n", "According to the web, The answer is 42.\n")
        assert len(api.messages_requests) >= 1


def test_api_key_command_talk_is_shown_redacted(run, api, cfg: Path) -> None:
    # A wrapper with `set -x` (or a chatty helper) quotes the key on its stderr.
    cfg.write_text(
        'api_key_command = "echo sk-ant-SECRETKEY123; echo err sk-ant-SECRETKEY123 >&2; exit 3"\n'
    )
    r = run("ask", "hi", env={"ANTHROPIC_API_KEY": None})
    assert r.code == 3
    assert "SECRETKEY123" not in r.err
    assert "api_key_command: err ***" in r.err
    assert "api_key_command failed (exit status 3)" in r.err
    assert not api.messages_requests


def test_api_key_command_talk_hides_a_key_of_any_shape(run, api, cfg: Path) -> None:
    cfg.write_text(
        'api_key_command = "echo gateway-token-abcdef123; echo using gateway-token-abcdef123 >&2"\n'
    )
    api.reply("ok")
    r = run("ask", "hi", env={"ANTHROPIC_API_KEY": None})
    assert "gateway-token-abcdef123" not in r.err
    assert "api_key_command: using ***" in r.err
    assert api.messages_requests[-1].headers["x-api-key"] == "gateway-token-abcdef123"


def test_a_hanging_api_key_command_is_not_waited_for(monkeypatch, tmp_path: Path) -> None:
    from claude_cli import config
    from claude_cli.errors import ConfigError

    # The real limit is 30 s; the rule is the same at half a second.
    monkeypatch.setattr(config, "KEY_COMMAND_TIMEOUT", 0.5)
    with pytest.raises(ConfigError) as e:
        config._run_key_command("sleep 20")
    assert "did not finish within 0.5 seconds" in e.value.message
