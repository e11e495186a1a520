"""Start-up is budgeted: --help, --version and Tab completion must stay light.

Each case runs the real entry point in a fresh interpreter and lists the modules
it imported. No timing here: the benchmark suite (bench/) measures time.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("httpx", "rich", "prompt_toolkit", "PIL", "pydantic", "markdown_it", "pygments")

PROBE = """
import json, sys
sys.argv = ["claude-cli", *json.loads(sys.argv[1])]
from claude_cli.__main__ import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
sys.stderr.write("\\nMODULES=" + json.dumps(sorted(sys.modules)) + "\\n")
"""


def imported(args: list[str], env: dict[str, str]) -> tuple[str, set[str]]:
    """What the program printed (stdout and stderr) and the top-level modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    err, modules = done.stderr.rsplit("MODULES=", 1)
    return done.stdout + err.strip(), {m.split(".")[0] for m in json.loads(modules)}


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["ask", "--help"],
        ["models", "--help"],
        ["describe-image", "--help"],
        ["config", "path"],
        [],
    ],
    ids=["help", "version", "ask-help", "models-help", "describe-help", "config-path", "no-args"],
)
def test_help_and_version_import_nothing_heavy(args: list[str], cli_env: dict[str, str]) -> None:
    out, modules = imported(args, cli_env)
    assert out  # it did print its help / version
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))


def test_version_does_not_even_import_typer(cli_env: dict[str, str]) -> None:
    out, modules = imported(["--version"], cli_env)
    assert out.startswith("claude-cli ")
    assert "typer" not in modules


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [("claude-cli as", "1", "ask"), ("claude-cli ask --ma", "2", "--max-tokens")],
)
def test_tab_completion_is_light(
    words: str, cword: str, expected: str, cli_env: dict[str, str]
) -> None:
    env = {
        **cli_env,
        "_CLAUDE_CLI_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": cword,
    }
    out, modules = imported([], env)
    assert expected in out.split()
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))


def test_piped_ask_never_imports_rich(api, cli_env: dict[str, str]) -> None:
    # A pipe gets the exact text: nothing that renders for a person is loaded.
    api.reply("**exact** text")
    out, modules = imported(["ask", "q"], cli_env)
    assert out.startswith("**exact** text")
    assert modules.isdisjoint({"rich", "markdown_it", "pygments"}), sorted(
        modules & {"rich", "markdown_it", "pygments"}
    )
