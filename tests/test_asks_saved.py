"""Every `ask` is remembered (like `llm`): `ask -c` continues the latest
conversation and names it, `sessions list -n/--json`, `sessions prune`."""

from __future__ import annotations

import json
import os
from pathlib import Path

from terminal import read_all, spawn

SESSION_DIR = ("data", "claude-cli", "sessions")


def sessions(home: Path) -> list[str]:
    folder = home.joinpath(*SESSION_DIR)
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def test_an_ask_is_remembered_and_continued_with_c(run, api, home):
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    assert run("ask", "first question").code == 0
    [name] = sessions(home)
    assert name.startswith("ask-")
    doc = json.loads(home.joinpath(*SESSION_DIR, f"{name}.json").read_text())
    assert [m["content"] for m in doc["messages"]] == ["first question", "You said: first question"]

    result = run("ask", "-c", "and more")
    assert result.code == 0, result.err
    assert result.out == "You said: and more\n"
    assert result.err == ""  # in a pipe: no talk
    assert [m["content"] for m in api.last_body["messages"]] == [
        "first question",
        "You said: first question",
        "and more",
    ]
    assert sessions(home) == [name]  # continued, not a new one


def test_c_names_the_session_it_continues_on_a_terminal(run, api, cli_env, home):
    assert run("ask", "-S", "trip", "hello").code == 0
    screen = read_all(spawn(["ask", "-c", "again"], cli_env))
    assert "continuing session trip" in screen.text
    assert "You said: again" in screen.text


def test_no_save_config_switch_and_dry_run_keep_nothing(run, api, home):
    assert run("ask", "--no-save", "one").code == 0
    assert run("ask", "two", env={"CLAUDE_CLI_SAVE_ASKS": "0"}).code == 0
    assert run("ask", "--dry-run", "three").code == 0
    assert run("ask", "--curl", "four").code == 0
    assert sessions(home) == []
    config = home / "config" / "claude-cli" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("save_asks = false\n")
    assert run("ask", "five").code == 0
    assert sessions(home) == []
    assert len(api.messages_requests) == 3


def test_no_save_with_a_session_sends_history_but_keeps_the_file(run, api, home):
    assert run("ask", "-S", "s", "hello").code == 0
    path = home.joinpath(*SESSION_DIR, "s.json")
    before = path.read_bytes()
    assert run("ask", "-S", "s", "--no-save", "again").code == 0
    assert len(api.last_body["messages"]) == 3
    assert path.read_bytes() == before


def test_sessions_list_limit_and_json(run, api, home):
    for name in ("a", "b", "c"):
        assert run("ask", "-S", name, f"about {name}").code == 0
    folder = home.joinpath(*SESSION_DIR)
    for age, name in enumerate(("c", "b", "a")):  # c newest
        doc = json.loads((folder / f"{name}.json").read_text())
        doc["updated"] = f"2026-11-0{5 - age}T10:00:00Z"
        (folder / f"{name}.json").write_text(json.dumps(doc))
    result = run("sessions", "list", "-n", "2")
    assert result.code == 0, result.err
    assert [line.split()[0] for line in result.out.splitlines()] == ["c", "b"]
    result = run("sessions", "list", "--json")
    assert result.code == 0, result.err
    items = json.loads(result.out)
    assert [i["name"] for i in items] == ["c", "b", "a"]
    assert items[0]["turns"] == 1 and items[0]["first_words"] == "about c"
    assert items[0]["updated"] == "2026-11-05T10:00:00Z"
    assert [i["name"] for i in json.loads(run("sessions", "list", "--json", "-n", "1").out)] == [
        "c"
    ]


def test_prune_removes_only_old_sessions_and_asks_first(run, api, home):
    for name in ("old", "new"):
        assert run("ask", "-S", name, "hi").code == 0
    old = home.joinpath(*SESSION_DIR, "old.json")
    os.utime(old, (1_000_000, 1_000_000))

    refused = run("sessions", "prune", "--older-than", "30d")
    assert refused.code == 2 and "--yes" in refused.err
    assert sessions(home) == ["new", "old"]

    bad = run("sessions", "prune", "--older-than", "a month", "--yes")
    assert bad.code == 2 and "not an age" in bad.err

    result = run("sessions", "prune", "--older-than", "30d", "--yes")
    assert result.code == 0, result.err
    assert "deleted session old" in result.err and "pruned 1 session" in result.err
    assert sessions(home) == ["new"]

    again = run("sessions", "prune", "--older-than", "30d", "--yes")
    assert again.code == 0 and "no session is older than 30d" in again.err


def test_prune_confirms_on_a_terminal(run, api, cli_env, home):
    assert run("ask", "-S", "old", "hi").code == 0
    os.utime(home.joinpath(*SESSION_DIR, "old.json"), (1_000_000, 1_000_000))
    child = spawn(["sessions", "prune", "--older-than", "1w"], cli_env)
    child.expect(r"Delete these 1 session\? \[y/N\]")
    child.sendline("y")
    screen = read_all(child)
    assert "pruned 1 session" in screen.text
    assert sessions(home) == []
