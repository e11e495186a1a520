"""Tables and JSON on a terminal are drawn by rich (aligned, wrapped to the width,
highlighted); in a pipe the same commands print the exact text scripts read."""

from __future__ import annotations

import json

from terminal import read_all, spawn


def _sessions(run, api) -> None:
    api.reply("Sure.")
    for name, prompt in (("alpha", "first question " * 12), ("b", "second one")):
        assert run("ask", "--session", name, prompt).code == 0


def test_sessions_list_on_a_terminal_is_a_table_that_fits(run, api, cli_env) -> None:
    _sessions(run, api)
    screen = read_all(spawn(["sessions", "list"], cli_env, rows=24, cols=72), 24, 72)
    lines = [line.rstrip() for line in screen.lines if line.strip()]
    assert lines[0].split() == ["NAME", "TURNS", "MODEL", "UPDATED", "FIRST", "WORDS"]
    names = [line.split()[0] for line in lines[1:] if not line.startswith(" ")]
    assert sorted(names) == ["alpha", "b"]
    # Too wide for 72 columns: the first words wrap inside their column, so every
    # other line is indented to it (a soft-wrapped line would start at the left edge).
    words = lines[0].index("FIRST WORDS")
    more = [line for line in lines[1:] if line.startswith(" ")]
    assert more and all(line[:words].strip() == "" for line in more)
    assert "\x1b[1m" in screen.raw  # the header is bold


def test_sessions_list_in_a_pipe_stays_plain_columns(run, api) -> None:
    _sessions(run, api)
    r = run("sessions", "list")
    assert r.code == 0
    rows = r.out.splitlines()
    assert len(rows) == 2 and "NAME" not in r.out and "\x1b" not in r.out
    assert {row.split()[0] for row in rows} == {"alpha", "b"}


def test_json_on_a_terminal_is_indented_and_highlighted(api, cli_env, run) -> None:
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    api.reply("Hello there.")
    screen = read_all(spawn(["ask", "--json", "hi"], cli_env, rows=60, cols=100), 60, 100)
    lines = [line.rstrip() for line in screen.lines]
    assert '  "role": "assistant",' in lines
    assert "\x1b[" in screen.raw.split('"role"')[0][-20:]  # the key is coloured
    body = "\n".join(lines[lines.index("{") : lines.index("}") + 1])
    assert json.loads(body)["content"][0]["text"] == "Hello there."
    piped = run("ask", "--json", "hi")
    assert piped.out.count("\n") == 1 and json.loads(piped.out)["role"] == "assistant"


def test_session_export_json_on_a_terminal_is_pretty_in_a_pipe_exact(run, api, cli_env) -> None:
    _sessions(run, api)
    piped = run("sessions", "export", "b", "--format", "json")
    assert piped.code == 0 and "\x1b" not in piped.out
    screen = read_all(
        spawn(["sessions", "export", "b", "--format", "json"], cli_env, rows=200, cols=200),
        200,
        200,
    )
    lines = [line.rstrip() for line in screen.lines if line.strip()]
    assert json.loads("\n".join(lines)) == json.loads(piped.out)
    assert "\x1b[" in screen.raw and lines[1].startswith('  "')


def test_a_narrow_sessions_list_leaves_whole_columns_out_and_says_which(run, api, cli_env) -> None:
    names = ["ask-20261202-010617", "ask-20261202-010618", "tall"]
    for name in names:
        assert run("ask", "--session", name, "a short question").code == 0
    shown = {}
    for cols in (60, 40):
        screen = read_all(spawn(["sessions", "list"], cli_env, rows=24, cols=cols), 24, cols)
        lines = [line.rstrip() for line in screen.lines if line.strip()]
        start = next((i for i, line in enumerate(lines) if line.startswith("left out")), None)
        note = " ".join(" ".join(lines[start:]).split()) if start is not None else ""
        # Every name whole, one a row, none cut: the key to type next.
        rows = [line.split() for line in lines if line.startswith(("ask-", "tall"))]
        shown[cols] = (lines, note)
        assert sorted(row[0] for row in rows) == names, lines
        when = [w for row in rows for w in row if len(w) == 5 and w[2] == ":"]
        assert len(when) == 3, lines  # the time of day whole (HH:MM), not cut
        assert "left out to fit:" in note and "sessions list --json" in note, lines
    # 60 columns: the model goes first (the first words say more about a session).
    assert shown[60][0][0].split() == ["NAME", "TURNS", "UPDATED", "FIRST", "WORDS"]
    assert "left out to fit: MODEL (" in shown[60][1]
    # 40 columns: only the name and time are left.
    assert shown[40][0][0].split() == ["NAME", "UPDATED"]
    assert "left out to fit: TURNS, MODEL, FIRST WORDS (" in shown[40][1]
