"""The documentation tells the truth: README examples parse, every command has help
with an example, and the configuration and exit-code references match the code."""

from __future__ import annotations

import functools
import re
import shlex
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from claude_cli.cli import app
from claude_cli.config import _ENV_ALIASES, SETTING_KEYS, Settings, env_name
from claude_cli.errors import ExitCode

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PROG = "claude-cli"

# Commands and options the README may already show but that live on branches not merged
# yet. The test fails once one of them exists, so this list empties itself as they land.
PENDING_COMMANDS: set[str] = set()
PENDING_OPTIONS: set[tuple[str, str]] = set()

SHELL_BLOCKS = {"sh", "bash", "shell", "zsh", "fish", "console"}
OPERATORS = re.compile(r"^[|&;()<>]+$")


@functools.cache  # building click's tree from the app takes most of a second; it never changes
def root_command() -> Any:
    return typer.main.get_command(app)


def all_commands() -> list[tuple[tuple[str, ...], Any]]:
    found = []

    def walk(cmd: Any, ctx: Any, path: tuple[str, ...]) -> None:
        found.append((path, cmd))
        for name in getattr(cmd, "list_commands", lambda _c: [])(ctx):
            sub = cmd.get_command(ctx, name)
            walk(sub, sub.context_class(sub, info_name=name, parent=ctx), (*path, name))

    root = root_command()
    walk(root, root.context_class(root, info_name=PROG, **root.context_settings), ())
    return found


# ------------------------------------------------------------- extracting commands


def shell_lines(markdown: str) -> list[str]:
    """Command lines from fenced shell blocks; `$ ` prompts in console blocks,
    backslash continuations joined."""
    lines: list[str] = []
    language: str | None = None
    pending = ""
    for raw in markdown.splitlines():
        fence = re.match(r"^\s*```(\w*)", raw)
        if fence:
            language = None if language is not None else fence.group(1) or "text"
            pending = ""
            continue
        if language not in SHELL_BLOCKS:
            continue
        text = raw.strip()
        if pending:
            text = pending + " " + text
        elif language == "console":
            if not text.startswith("$ "):
                continue  # output
            text = text[2:]
        if text.endswith("\\"):
            pending = text[:-1].rstrip()
            continue
        pending = ""
        lines.append(text)
    return lines


def invocations(line: str) -> list[list[str]]:
    """The argument lists of every `claude-cli ...` in a shell line (pipelines,
    `&&`, `;`, command substitution inside quotes excluded)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError as e:  # unbalanced quotes: the example itself is broken
        raise AssertionError(f"README line does not parse as shell: {line!r}: {e}") from None
    found, segment = [], []
    for token in [*tokens, ";"]:
        if OPERATORS.match(token):
            if PROG in segment:
                found.append(segment[segment.index(PROG) + 1 :])
            segment = []
        else:
            segment.append(token)
    return found


def epilog_lines() -> list[str]:
    lines = []
    for _path, cmd in all_commands():
        for raw in (cmd.epilog or "").splitlines():
            if PROG in raw:
                lines.append(raw.strip())
    return lines


def readme_invocations() -> list[list[str]]:
    return [args for line in shell_lines(README.read_text()) for args in invocations(line)]


# ------------------------------------------------------------- checking commands


def check(args: list[str]) -> tuple[str, ...] | None:
    """Walk `args` through the command tree; the command path, or None when it is a
    pending command. Fails on an unknown subcommand or option."""
    root = root_command()
    ctx = root.context_class(root, info_name=PROG, **root.context_settings)
    cmd, path = root, ()
    i = 0
    options_done = False
    while i < len(args):
        token = args[i]
        i += 1
        if token == "--" and not options_done:
            options_done = True
        elif token.startswith("-") and len(token) > 1 and not options_done:
            name = token.split("=", 1)[0]
            params = {
                n: p
                for p in cmd.get_params(ctx)
                if p.param_type_name == "option"
                for n in (*p.opts, *p.secondary_opts)
            }
            if (" ".join(path), name) in PENDING_OPTIONS and name not in params:
                return None
            assert name in params, f"`{PROG} {' '.join(path)}` has no option {name}: {args}"
            param = params[name]
            if not (param.is_flag or param.count) and "=" not in token:
                i += 1  # its value
        elif hasattr(cmd, "get_command"):
            sub = cmd.get_command(ctx, token)
            if sub is None and not path and token in PENDING_COMMANDS:
                return None
            assert sub is not None, f"`{PROG} {' '.join(path)}` has no command {token!r}: {args}"
            cmd, path = sub, (*path, token)
            ctx = sub.context_class(sub, info_name=token, parent=ctx, **sub.context_settings)
        # else: a positional argument
    return path


def test_readme_has_commands_to_check() -> None:
    found = readme_invocations()
    assert len(found) >= 10, found
    assert ["config", "set", "model", "claude-haiku-4-5"] in found


def test_pending_lists_hold_only_what_is_missing() -> None:
    paths = {path for path, _cmd in all_commands()}
    merged = {c for c in PENDING_COMMANDS if (c,) in paths}
    assert not merged, f"{merged} exist now: remove them from PENDING_COMMANDS"
    options = {
        (" ".join(path), n)
        for path, cmd in all_commands()
        for p in cmd.params
        for n in getattr(p, "opts", [])
    }
    assert not PENDING_OPTIONS & options, "remove the merged options from PENDING_OPTIONS"


@pytest.mark.parametrize("source", ["readme", "epilogs"], ids=["README.md", "--help examples"])
def test_every_example_parses_and_its_help_works(source: str) -> None:
    if source == "readme":
        commands = readme_invocations()
    else:
        commands = [args for line in epilog_lines() for args in invocations(line)]
    assert commands
    runner = CliRunner()
    helped: dict[tuple[str, ...], str] = {}
    for args in commands:
        path = check(args)
        if path is None:
            continue
        if path not in helped:
            result = runner.invoke(app, [*path, "--help"], prog_name=PROG)
            assert result.exit_code == 0, (path, result.output)
            helped[path] = result.output
        for token in args:
            name = token.split("=", 1)[0]
            if token.startswith("--") and len(token) > 2:
                assert name in helped[path] or name in helped.get((), ""), (name, path)


def test_the_checker_catches_mistakes() -> None:
    with pytest.raises(AssertionError, match="no option --no-such-flag"):
        check(["ask", "--no-such-flag", "hi"])
    with pytest.raises(AssertionError, match="no command 'sesions'"):
        check(["sesions", "list"])
    with pytest.raises(AssertionError, match="no option --json"):
        check(["config", "set", "--json", "model", "x"])
    assert check(["ask", "-m", "--json", "hi"]) == ("ask",)  # -m's value, not an option
    assert check(["config", "show", "--json"]) == ("config", "show")
    assert invocations('git diff | claude-cli ask "Review this" > out.txt') == [
        ["ask", "Review this"]
    ]
    assert invocations("claude-cli models --json | jq -r '.[].id'") == [["models", "--json"]]
    assert shell_lines("```console\n$ claude-cli ask \\\n  hi\nanswer\n```\n") == [
        "claude-cli ask hi"
    ]


# ----------------------------------------------------------------- help texts


@pytest.mark.parametrize(
    ("path", "cmd"), all_commands(), ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_every_command_has_help_and_an_example(path: tuple[str, ...], cmd: Any) -> None:
    assert (cmd.help or "").strip(), f"`{PROG} {' '.join(path)}` has no help text"
    assert "Example" in (cmd.epilog or ""), f"`{PROG} {' '.join(path)}` has no Example epilog"
    assert PROG in cmd.epilog
    result = CliRunner().invoke(app, [*path, "--help"], prog_name=PROG)
    assert result.exit_code == 0 and "Example" in result.output


# ------------------------------------------------------------------ references


def section(title: str, level: int = 2) -> str:
    """A README section's text, up to the next heading of the same or a higher level."""
    text = README.read_text() + "\n## "
    pattern = rf"^{'#' * level} {re.escape(title)}\n(.*?)(?=^#{{2,{level}}} )"
    match = re.search(pattern, text, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def shown_default(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        return f"`{int(value)}`"
    return f"`{value}`"


def test_configuration_reference_lists_every_setting() -> None:
    table = section("Settings", level=3)
    defaults = Settings()
    rows = {
        m.group(1): line for line in table.splitlines() if (m := re.match(r"^\| `(\w+)` \|", line))
    }
    assert set(rows) == set(SETTING_KEYS), set(rows) ^ set(SETTING_KEYS)
    for f in fields(Settings):
        if f.name not in SETTING_KEYS:  # bookkeeping: sources, base_url_auth
            continue
        cells = [c.strip() for c in rows[f.name].split("|")[1:-1]]
        assert f"`{env_name(f.name)}`" in cells[1], f.name
        if f.name in _ENV_ALIASES:
            assert f"`{_ENV_ALIASES[f.name]}`" in cells[1], f.name
        assert cells[2] == shown_default(getattr(defaults, f.name)), f.name


def test_configuration_reference_names_the_other_variables() -> None:
    text = section("Configuration")
    for name in (
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_MODEL",
        "CLAUDE_CLI_CONFIG",
        "NO_COLOR",
        "CLAUDE_CLI_DEBUG",
        "HTTPS_PROXY",
    ):
        assert f"`{name}`" in text, name


def test_exit_code_table_matches_the_code() -> None:
    table = section("Exit codes")
    codes = {int(m.group(1)) for m in re.finditer(r"^\| (\d+) \|", table, re.M)}
    assert codes == {int(c) for c in ExitCode}


def test_readme_has_no_merge_conflict_markers() -> None:
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    bad = [line for line in text.splitlines() if line.startswith(("<<<<<<< ", ">>>>>>> "))]
    assert bad == [] and "\n=======\n" not in text


def test_describe_image_takes_dash_s_and_help_names_no_missing_option(run) -> None:
    # -S as in ask, chat and tokens; --timeout's help names no option the command lacks.
    for command in ("chat", "describe-image"):
        shown = run(command, "--help", env={"COLUMNS": "200"})
        assert shown.code == 0 and "--no-stream" not in shown.out, command
    assert "-S, --session" in run("describe-image", "--help", env={"COLUMNS": "200"}).out
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert "`-S/--session NAME` (each image" in readme


def test_describe_image_dash_s_records_the_session(run, api, home, tmp_path) -> None:
    from PIL import Image

    Image.new("RGB", (4, 3), (1, 2, 3)).save(tmp_path / "a.png")
    r = run("describe-image", "-S", "pics", str(tmp_path / "a.png"))
    assert r.code == 0, r.err
    assert (home / "data" / "claude-cli" / "sessions" / "pics.json").exists()
