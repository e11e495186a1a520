"""What a newcomer tries first: a bare prompt, and completion from an installed copy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from claude_cli.__main__ import COMMANDS, ROOT_OPTIONS
from claude_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent


def test_a_bare_prompt_is_ask(api, run) -> None:
    result = run("2+2?")
    assert result.code == 0, result.err
    assert result.out == "You said: 2+2?\n"
    assert api.last_body["messages"] == [{"role": "user", "content": "2+2?"}]


def test_a_bare_prompt_may_start_with_ask_options(api, run) -> None:
    result = run("--max-tokens", "7", "-s", "Be terse", "hello")
    assert result.code == 0, result.err
    assert api.last_body["max_tokens"] == 7
    assert api.last_body["system"] == "Be terse"


def test_commands_and_root_options_are_not_taken_for_prompts(api, run) -> None:
    assert "Usage: claude-cli" in run("--help").out
    assert run("--version").out.startswith("claude-cli ")
    listed = run("sessions", "list")
    assert listed.code == 0 and api.requests == []


def test_the_reserved_names_are_the_apps_commands() -> None:
    root = typer.main.get_command(app)
    ctx = root.context_class(root, info_name="claude-cli", **root.context_settings)
    assert sorted(root.list_commands(ctx)) == sorted(COMMANDS)
    opts = {o for p in root.get_params(ctx) for o in (*p.opts, *p.secondary_opts)}
    assert opts == set(ROOT_OPTIONS)


@pytest.mark.parametrize("typo", ["--versio", "--verison", "--show-completon"])
def test_a_mistyped_root_option_is_named_with_the_fix(api, run, typo: str) -> None:
    result = run(typo)
    assert result.code == 2 and api.requests == []
    assert result.err.startswith(f"claude-cli: error: no such option: {typo} (did you mean --")
    assert result.err.count("\n") == 1


@pytest.mark.parametrize(("typo", "meant"), [("sesions", "sessions"), ("modles", "models")])
def test_a_mistyped_command_is_not_sent_as_a_prompt(api, run, typo: str, meant: str) -> None:
    result = run(typo, "list")
    assert (result.code, result.out) == (2, "") and api.requests == []
    assert f"no such command: {typo} (did you mean {meant}?" in result.err
    assert f"claude-cli ask {typo}" in result.err
    spelled_out = run("ask", typo, "list")
    assert spelled_out.out == f"You said: {typo} list\n"


def test_text_piped_to_the_bare_command_is_asked(api, run) -> None:
    result = run(input="what is 2+2?\n")
    assert result.code == 0, result.err
    assert result.out == "You said: what is 2+2?\n"


def test_no_command_option_is_mistaken_for_a_mistyped_root_option() -> None:
    from claude_cli.__main__ import mistyped_root_option

    root = typer.main.get_command(app)
    found: set[str] = set()

    def walk(command) -> None:
        for p in command.params:
            found.update(o for o in p.opts if o.startswith("--"))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(root)
    assert "--session" in found and "--model" in found
    assert {o: mistyped_root_option(o) for o in found if mistyped_root_option(o)} == {}


@pytest.mark.parametrize(
    ("shell", "file"),
    [("bash", "claude-cli.bash"), ("zsh", "_claude-cli"), ("fish", "claude-cli.fish")],
)
def test_completion_prints_the_committed_script(run, shell: str, file: str) -> None:
    result = run("completion", shell)
    assert result.code == 0, result.err
    assert result.out == (ROOT / "completions" / file).read_text()


def test_completion_works_from_outside_a_checkout(tmp_path: Path, cli_env) -> None:
    """The script comes from the package, not from the checkout's completions/ folder."""
    done = subprocess.run(
        [sys.executable, "-m", "claude_cli", "completion", "bash"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    script = tmp_path / "c.bash"
    script.write_text(done.stdout)
    check = subprocess.run(
        ["bash", "-c", f"source {script} && complete -p claude-cli"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "_claude_cli" in check.stdout


def test_completion_of_an_unknown_shell_is_a_usage_error(run) -> None:
    result = run("completion", "tcsh")
    assert result.code == 2
    assert "tcsh" in result.err
