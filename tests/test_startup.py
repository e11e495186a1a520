"""Start-up is budgeted: --help, --version and Tab completion must stay light.

Each case runs the real entry point in a fresh interpreter and lists the modules
it imported. No timing here: the benchmark suite (bench/) measures time.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

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
    """What the program printed (stdout and stderr) and the modules it imported: each by
    its full name and by its top-level package."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    err, modules = done.stderr.rsplit("MODULES=", 1)
    names = json.loads(modules)
    return done.stdout + err.strip(), {*names, *(m.split(".")[0] for m in names)}


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
    renderers = {
        "rich",
        "markdown_it",
        "pygments",
        "claude_cli.terminal.render",
        "claude_cli.terminal.markdown_stream",
    }
    assert modules.isdisjoint(renderers), sorted(modules & renderers)


def test_plain_piped_ask_does_not_import_typer(api, cli_env: dict[str, str]) -> None:
    # Typer and its click commands cost more than a short answer (issue 11): a plain
    # ask is parsed by claude_cli/fast_ask.py.
    api.reply("four")
    out, modules = imported(["ask", "-m", "claude-haiku-4-5", "--max-tokens", "9", "2+2?"], cli_env)
    assert out.startswith("four")
    assert "typer" not in modules


def test_bare_prompt_takes_the_fast_path_too(api, cli_env: dict[str, str]) -> None:
    api.reply("four")
    out, modules = imported(["2+2?"], cli_env)
    assert out.startswith("four")
    assert "typer" not in modules


def test_command_annotations_are_not_strings() -> None:
    # With string annotations (from __future__ import annotations in cli.py) Typer
    # evaluates each one twice on every run: 4x the cost of building the commands.
    from claude_cli.cli import app

    def callbacks(typer_app):
        if typer_app.registered_callback is not None:
            yield typer_app.registered_callback.callback
        for command in typer_app.registered_commands:
            yield command.callback
        for group in typer_app.registered_groups:
            yield from callbacks(group.typer_instance)

    found = list(callbacks(app))
    assert len(found) > 20
    for callback in found:
        strings = {k: v for k, v in callback.__annotations__.items() if isinstance(v, str)}
        assert not strings, (callback.__name__, strings)


@pytest.mark.parametrize(
    ("args", "trigger"),
    [
        (["ask", "--help"], "typer._click.core"),
        (["ask", "--help"], "typer.completion"),
        (["ask", "hi"], "claude_cli.fast_ask"),
        (["ask", "hi"], "claude_cli.config"),
        (["ask", "hi"], "httpcore"),
    ],
)
def test_ctrl_c_while_importing_exits_130_quietly(
    args: list[str], trigger: str, cli_env: dict[str, str]
) -> None:
    # -X importtime reports each import on stderr as it finishes: SIGINT is sent
    # when `trigger` is imported, while its importer (and much else) is still going.
    proc = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "claude_cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=cli_env,
        text=True,
    )
    assert proc.stderr is not None
    sent = False
    talk = []
    for line in proc.stderr:
        if line.startswith("import time:"):
            if not sent and line.rsplit("|", 1)[-1].strip() == trigger:
                proc.send_signal(signal.SIGINT)
                sent = True
        else:
            talk.append(line)
    code = proc.wait(timeout=60)
    assert sent, f"{trigger} was never imported"
    assert "Traceback" not in "".join(talk), "".join(talk)
    assert code == 130, "".join(talk)
    assert "".join(talk).strip() == "claude-cli: interrupted"


def test_root_help_text_is_what_typer_prints() -> None:
    # `claude-cli --help` prints claude_cli/root_help.py without Typer: it must be fresh.
    generator = Path(__file__).resolve().parent.parent / "tools" / "gen_root_help.py"
    done = subprocess.run([sys.executable, str(generator), "--check"], timeout=60)
    assert done.returncode == 0, "claude_cli/root_help.py is stale: run tools/gen_root_help.py"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_root_help_does_not_import_typer(flag: str, cli_env: dict[str, str]) -> None:
    from claude_cli.root_help import TEXT

    out, modules = imported([flag], {**cli_env, "COLUMNS": "120"})
    assert out.strip() == TEXT.strip()
    assert "typer" not in modules


def test_narrow_terminal_help_goes_through_typer(cli_env: dict[str, str]) -> None:
    out, modules = imported(["--help"], {**cli_env, "COLUMNS": "60"})
    assert "Usage: claude-cli" in out
    assert "typer" in modules


DOC_PROBE = """
import dataclasses, json, sys
sys.argv = ["claude-cli", "ask", "q"]
undocumented = []
make = dataclasses._process_class
def process(cls, *args, **kw):
    if cls.__doc__ is None and cls.__module__.startswith("claude_cli"):
        undocumented.append(cls.__qualname__)
    return make(cls, *args, **kw)
dataclasses._process_class = process
from claude_cli.__main__ import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nRESULT=" + json.dumps([undocumented, sorted(sys.modules)]) + "\\n")
"""


def test_piped_ask_path_is_lean(api, cli_env: dict[str, str]) -> None:
    # A dataclass without a docstring gets one built from inspect.signature at import
    # (~0.5 ms each); the partial-JSON parser is for cut-off tool input only.
    api.reply("four")
    done = subprocess.run(
        [sys.executable, "-c", DOC_PROBE], capture_output=True, text=True, env=cli_env, timeout=60
    )
    undocumented, modules = json.loads(done.stderr.rsplit("RESULT=", 1)[1])
    assert done.stdout.startswith("four")
    assert undocumented == []
    assert "claude_cli.api.partial_json" not in modules
