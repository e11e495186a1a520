"""CI runs the test command the README gives, with only what the test extra installs."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def readme_test_command() -> str:
    section = (ROOT / "README.md").read_text().split("## Develop and test\n", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "README's 'Develop and test' section has no sh block"
    commands = [line for line in block.group(1).splitlines() if "-m pytest" in line]
    assert len(commands) == 1, commands
    return commands[0].strip()


def test_ci_runs_the_readme_test_command() -> None:
    command = readme_test_command()
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert command in ci, f".ci/run does not run the README's test command {command!r}"


def test_the_test_extra_installs_the_plugins_the_command_uses() -> None:
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    test = [
        re.split(r"[<>=;\s]", req, maxsplit=1)[0] for req in extra["optional-dependencies"]["test"]
    ]
    options = shlex.split(readme_test_command())
    if {"-n", "--dist"} & set(options):
        assert "pytest-xdist" in test, "the README's test command needs pytest-xdist"
