"""The package layout is the architecture (../shared/design.md): each layer's imports,
including the ones inside functions, keep to its rule. Read from the source with `ast`, so
a lazy import breaks the rule as surely as a top-level one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "claude_cli"

#: The one terminal module every layer may use: the sanitiser and plain-text helpers
#: (no rich). Everything a person reads passes through it.
SANITISER = "claude_cli.terminal.term"
UI = ("rich", "typer", "click", "prompt_toolkit")

#: layer -> module prefixes it must never import
FORBIDDEN = {
    "api": (*UI, "claude_cli.terminal", "claude_cli.commands", "claude_cli.inputs"),
    "request": (
        *UI,
        "httpx",
        "claude_cli.terminal",
        "claude_cli.commands",
        "claude_cli.api.client",
    ),
    "store": (*UI, "httpx", "claude_cli.api", "claude_cli.terminal", "claude_cli.commands"),
    "inputs": (*UI, "claude_cli.terminal", "claude_cli.commands", "claude_cli.store"),
    "terminal": ("httpx", "typer", "claude_cli.api", "claude_cli.commands", "claude_cli.store"),
}
#: Only these start commands: the entry points.
COMMAND_USERS = {"cli.py", "__main__.py", "fast_ask.py", "completion.py"}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def breaks(name: str, prefixes: tuple[str, ...]) -> bool:
    if name == SANITISER or name.startswith(SANITISER + "."):
        return False
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_only_what_its_rule_allows(layer: str) -> None:
    modules = sorted((PACKAGE / layer).glob("*.py"))
    assert len(modules) > 1, f"claude_cli/{layer}/ has no modules"
    wrong = {
        f"{layer}/{m.name}: {name}"
        for m in modules
        for name in imports(m)
        if breaks(name, FORBIDDEN[layer])
    }
    assert not wrong, sorted(wrong)


def test_only_the_entry_points_import_commands() -> None:
    wrong = {
        f"{m.relative_to(PACKAGE)}: {name}"
        for m in PACKAGE.rglob("*.py")
        if m.parent != PACKAGE / "commands" and m.name not in COMMAND_USERS
        for name in imports(m)
        if breaks(name, ("claude_cli.commands",))
    }
    assert not wrong, sorted(wrong)


def test_no_command_imports_another_command() -> None:
    # Each command module is that command only (issue 10): what two commands share (the
    # prompt, the session, attachments: prompt_input.py) lives outside commands/.
    commands = PACKAGE / "commands"
    wrong = {
        f"commands/{m.name}: {name}"
        for m in commands.glob("*.py")
        for name in imports(m)
        if breaks(name, ("claude_cli.commands",))
        and not (
            name == f"claude_cli.commands.{m.stem}"
            or name.startswith(f"claude_cli.commands.{m.stem}.")
        )
    }
    assert not wrong, sorted(wrong)


def test_no_relative_imports() -> None:
    # One spelling of every import, so a moved module is found by one search.
    relative = [
        str(m.relative_to(PACKAGE))
        for m in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(m.read_text("utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert not relative, relative
