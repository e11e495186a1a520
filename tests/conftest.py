"""Shared fixtures: a real local Messages API server, and running the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# The code under test is this checkout's, even when another one is pip-installed.
sys.path[:0] = [str(ROOT), str(TESTS)]

from fakeapi import API_KEY, FakeAPI  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Code a test runs in-process sees none of the developer's settings and writes nothing
    to their home; tests running in parallel share no folder. (`cli_env` does the same for
    the CLI run as a subprocess.)"""
    for key in list(os.environ):
        if key.startswith(("ANTHROPIC_", "CLAUDE_CLI_")):
            monkeypatch.delenv(key)
    base = tmp_path_factory.mktemp("xdg")
    for name in ("config", "data", "state", "cache"):
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(base / name))


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Iterator[FakeAPI]:
    server = FakeAPI().start()
    yield server
    server.stop()
    # Every payload the CLI sends must pass the schema, unless the test expects otherwise.
    if not request.node.get_closest_marker("allow_invalid"):
        assert server.invalid == [], f"the CLI sent invalid requests: {server.invalid}"
        # A thinking block whose prefix changed is dropped without a word by most models
        # (Fable 5.2 answers 400): the CLI rewrote the conversation, a bug either way.
        changed = [d for d in server.dropped if d.endswith("prefix changed")]
        if not request.node.get_closest_marker("changes_prefix"):
            assert changed == [], f"the CLI rewrote thinking blocks' prefixes: {changed}"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty XDG home: config, data, state and cache all under tmp."""
    for name in ("config", "data", "state", "cache"):
        (tmp_path / name).mkdir()
    return tmp_path


@pytest.fixture
def cli_env(home: Path, api: FakeAPI) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ANTHROPIC_", "CLAUDE_CLI_", "XDG_")) and k != "NO_COLOR"
    }
    env.update(
        ANTHROPIC_API_KEY=API_KEY,
        ANTHROPIC_BASE_URL=api.url,
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHONIOENCODING="utf-8",
        NO_PROXY="127.0.0.1,localhost",
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.fixture
def run(cli_env: dict[str, str]):
    """Run the real program (python -m claude_cli) with stdout/stderr as pipes."""

    def _run(
        *args: str,
        input: str | bytes | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> Result:
        full_env = {**cli_env, **(env or {})}
        for k, v in (env or {}).items():
            if v is None:
                full_env.pop(k, None)
        data = input.encode() if isinstance(input, str) else input
        done = subprocess.run(
            [sys.executable, "-m", "claude_cli", *args],
            input=data if data is not None else b"",
            capture_output=True,
            env={k: v for k, v in full_env.items() if v is not None},
            timeout=timeout,
        )
        return Result(
            done.returncode,
            done.stdout.decode("utf-8", "replace"),
            done.stderr.decode("utf-8", "replace"),
        )

    return _run


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_invalid: the test sends requests the API rejects")
    config.addinivalue_line(
        "markers", "changes_prefix: earlier thinking's prefix changes, knowingly (said or known)"
    )


__all__ = ["API_KEY", "FakeAPI", "Result"]
