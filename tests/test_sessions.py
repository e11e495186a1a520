"""Session files and `ask --session`: the real program against the local API."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

SESSION_DIR = ("data", "claude-cli", "sessions")


def sdir(home: Path) -> Path:
    return home.joinpath(*SESSION_DIR)


def spath(home: Path, name: str) -> Path:
    return sdir(home) / f"{name}.json"


def load(home: Path, name: str) -> dict:
    return json.loads(spath(home, name).read_text())


# -- ask --session -------------------------------------------------------------


def test_ask_session_sends_history_and_saves_both_turns(run, api, home):
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    assert run("ask", "--session", "s", "hello").code == 0
    result = run("ask", "-S", "s", "and", "again")
    assert result.code == 0, result.err
    assert result.out == "You said: and again\n"
    assert api.last_body["messages"] == [
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "You said: hello"},
        {"role": "user", "content": "and again"},
    ]
    doc = load(home, "s")
    assert doc["format"] == "claude-cli-session" and doc["version"] == 1
    assert doc["name"] == "s" and doc["model"] == api.last_body["model"]
    assert [m["content"] for m in doc["messages"]] == [
        "hello",
        "You said: hello",
        "and again",
        "You said: and again",
    ]
    assert len(doc["replies"]) == 2
    assert doc["usage"]["output_tokens"] == sum(r["usage"]["output_tokens"] for r in doc["replies"])


def test_session_requests_are_cached_unless_switched_off(run, api, home):
    run("ask", "--session", "c", "one")
    run("ask", "--session", "c", "two")
    first, second = api.messages_requests
    assert first.body["cache_control"] == {"type": "ephemeral"}
    assert second.body["cache_control"] == {"type": "ephemeral"}
    assert load(home, "c")["replies"][1]["usage"]["cache_read_input_tokens"] > 0
    run("ask", "one-off")
    assert "cache_control" not in api.last_body
    run("ask", "--session", "c", "three", env={"CLAUDE_CLI_PROMPT_CACHING": "false"})
    assert "cache_control" not in api.last_body


def test_prefill_is_saved_with_its_continuation(run, api, home):
    api.reply('"a": 1}')
    result = run("ask", "-S", "p", "-m", "claude-haiku-4-5", "--prefill", "{", "json please")
    assert result.out == '{"a": 1}\n'
    assert load(home, "p")["messages"][-1] == {"role": "assistant", "content": '{"a": 1}'}
    run("ask", "-S", "p", "more")
    assert api.last_body["messages"][1] == {"role": "assistant", "content": '{"a": 1}'}
    assert api.last_body["model"] == "claude-haiku-4-5"  # the session remembers its model


def test_flags_override_the_session_model_and_system(run, api, home):
    run("ask", "-S", "m", "-m", "claude-opus-5-5", "-s", "Be brief.", "one")
    run("ask", "-S", "m", "two")
    assert api.last_body["model"] == "claude-opus-5-5"
    assert api.last_body["system"] == "Be brief."
    run("ask", "-S", "m", "-m", "claude-haiku-5-5", "three")
    assert api.last_body["model"] == "claude-haiku-5-5"
    assert load(home, "m")["model"] == "claude-haiku-5-5"


def test_continue_picks_the_most_recent_session(run, api, home):
    run("ask", "-S", "old", "one")
    run("ask", "-S", "new", "two")
    os.utime(spath(home, "old"), (1, 1))
    assert run("ask", "-c", "three").code == 0
    assert api.last_body["messages"][0]["content"] == "two"


def test_continue_without_sessions_is_a_usage_error(run, api):
    result = run("ask", "-c", "hi")
    assert result.code == 2
    assert "no session to continue" in result.err
    assert api.messages_requests == []


@pytest.mark.parametrize(
    "name", ["../x", "/tmp/x", "a/b", ".hidden", "", "x" * 65, "sp ace", "a\\b", "é"]
)
def test_bad_session_names_are_refused_before_anything_happens(run, api, home, name):
    result = run("ask", "--session", name, "hi")
    assert result.code == 6
    assert "bad session name" in result.err
    assert api.messages_requests == []
    assert not (home / "data" / "claude-cli").exists()
    assert not Path("/tmp/x.json").exists() or name != "/tmp/x"


def test_good_names_are_accepted(run, api, home):
    for name in ("a", "A-b_c.d", "x" * 64, "2026.11.24"):
        assert run("ask", "--session", name, "hi").code == 0, name
        assert spath(home, name).exists()


@pytest.mark.allow_invalid
def test_failed_request_leaves_the_file_exactly_as_it_was(run, api, home):
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    run("ask", "-S", "f", "one")
    before = spath(home, "f").read_bytes()
    api.fail(400, "invalid_request_error", "no")
    assert run("ask", "-S", "f", "two").code == 1
    api.reply("partial answer that breaks", drop_after=2)
    assert run("ask", "-S", "f", "--max-retries", "0", "three").code == 5
    assert spath(home, "f").read_bytes() == before
    assert run("ask", "-S", "f", "four").code == 0  # and the next request is fine
    assert [m["content"] for m in api.last_body["messages"]] == ["one", "You said: one", "four"]


def test_corrupt_file_is_an_error_naming_it_and_is_never_overwritten(run, api, home):
    run("ask", "-S", "bad", "one")
    path = spath(home, "bad")
    path.write_text('{"messages": [ oops')
    result = run("ask", "-S", "bad", "two")
    assert result.code == 6
    assert str(path) in result.err and "not valid JSON" in result.err
    assert path.read_text() == '{"messages": [ oops'
    assert len(api.messages_requests) == 1
    assert run("sessions", "show", "bad").code == 6
    listing = run("sessions", "list")
    assert listing.code == 0 and "skipped" in listing.err


def test_newer_format_version_is_refused(run, api, home):
    run("ask", "-S", "v", "one")
    doc = load(home, "v")
    doc["version"] = 99
    spath(home, "v").write_text(json.dumps(doc))
    result = run("ask", "-S", "v", "two")
    assert result.code == 6
    assert "format version 99" in result.err and "upgrade" in result.err
    del doc["version"]
    spath(home, "v").write_text(json.dumps(doc))
    assert "no valid format version" in run("ask", "-S", "v", "two").err


def test_files_are_private(run, api, home):
    run("ask", "-S", "perm", "one")
    assert spath(home, "perm").stat().st_mode & 0o777 == 0o600
    for folder in (sdir(home), sdir(home).parent, sdir(home).parent / "blobs"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    assert not [p for p in sdir(home).iterdir() if p.name.endswith(".tmp")]


def test_concurrent_asks_never_lose_a_turn(run, cli_env, api, home):
    # Each racing reply thought on the history it read: a reply saved after other turns
    # came keeps its text but not its thinking, so no prefix changes (the api fixture
    # fails the test otherwise), and the last `ask` below is not refused.
    # No reply leaves before all six requests came: each read the history before any saved.
    arrived, lock, all_in = [0], threading.Lock(), threading.Event()

    def pace(body: dict) -> float:
        with lock:
            arrived[0] += 1
            if arrived[0] >= 6:
                all_in.set()
        all_in.wait(60)  # bounds a failure only
        return 0.0

    api.pace = pace
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "claude_cli", "ask", "-S", "race", f"message {i}"],
            env=cli_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(6)
    ]
    assert all(p.wait(60) == 0 for p in procs)
    messages = load(home, "race")["messages"]
    assert len(messages) == 12
    assert sorted(m["content"] for m in messages if m["role"] == "user") == [
        f"message {i}" for i in range(6)
    ]
    # Still a valid conversation: user and assistant alternate.
    assert [m["role"] for m in messages] == ["user", "assistant"] * 6

    def thought(m: dict) -> bool:
        return isinstance(m["content"], list) and m["content"][0]["type"] == "thinking"

    replies = [m for m in messages if m["role"] == "assistant"]
    assert thought(replies[0]) and not all(map(thought, replies))  # late savers lost it
    assert all(m["content"][-1]["text"].startswith("You said: message") for m in replies)
    assert run("ask", "-S", "race", "after").code == 0
    assert run("ask", "-m", "claude-fable-5-2", "-S", "race", "on fable").code == 0


WRITER = """
import sys
from claude_cli.store import session
for i in range(int(sys.argv[2])):
    session.record_exchange(
        "locked", {"role": "user", "content": f"{sys.argv[1]}-{i}"},
        {"role": "assistant", "content": "ok"}, model="m", system=None, usage={})
"""


def test_lock_holds_under_many_concurrent_writers(cli_env, home):
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, f"w{w}", "15"], env=cli_env)
        for w in range(4)
    ]
    assert all(p.wait(120) == 0 for p in procs)
    messages = load(home, "locked")["messages"]
    users = [m["content"] for m in messages if m["role"] == "user"]
    assert sorted(users) == sorted(f"w{w}-{i}" for w in range(4) for i in range(15))
    for w in range(4):  # each writer's turns in its own order
        mine = [u for u in users if u.startswith(f"w{w}-")]
        assert mine == [f"w{w}-{i}" for i in range(15)]


READER = """
import json, sys, time
path = sys.argv[1]
end = time.time() + 1.5
n = 0
while time.time() < end:
    try:
        json.loads(open(path, "rb").read()); n += 1
    except FileNotFoundError:
        pass
print(n)
"""


def test_readers_never_see_a_half_written_file(cli_env, home, monkeypatch):
    for key in ("XDG_DATA_HOME",):
        monkeypatch.setenv(key, cli_env[key])
    from claude_cli.store import session

    doc = session.new_doc("atomic", "m")
    doc["messages"] = [{"role": "user", "content": "x" * 2000}] * 500  # about 1 MB
    session.save(doc)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(session.path_for("atomic"))],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    while reader.poll() is None:
        session.save(doc)
    out, err = reader.communicate()
    assert reader.returncode == 0, err.decode()  # a torn read would raise in json.loads
    assert int(out) > 0


def test_a_failing_write_keeps_the_old_file(cli_env, home, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", cli_env["XDG_DATA_HOME"])
    monkeypatch.setenv("XDG_CACHE_HOME", cli_env["XDG_CACHE_HOME"])
    from claude_cli.errors import SessionError
    from claude_cli.store import session

    session.record_exchange(
        "w", {"role": "user", "content": "a"}, None, model="m", system=None, usage=None
    )
    before = session.path_for("w").read_bytes()

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch, pytest.raises(SessionError, match="No space left"):
        patch.setattr(os, "replace", disk_full)  # the OS fails, not our code
        session.record_exchange(
            "w", {"role": "user", "content": "b"}, None, model="m", system=None, usage=None
        )
    assert session.path_for("w").read_bytes() == before
    assert [p.name for p in session.sessions_dir().iterdir() if p.suffix == ".tmp"] == []
    # and the in-process cache did not keep the unsaved change
    assert [m["content"] for m in session.load("w")["messages"]] == ["a"]
    with pytest.raises(SessionError):
        session.check_name("../w")


# -- images ----------------------------------------------------------------------


def png_b64() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (3, 2), (0, 128, 255)).save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def image_conversation(data: str) -> list[dict]:
    block = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": data}}
    return [
        {"role": "user", "content": [block, {"type": "text", "text": "what is this?"}]},
        {"role": "assistant", "content": "A blue rectangle."},
        {"role": "user", "content": [block, {"type": "text", "text": "same picture again"}]},
        {"role": "assistant", "content": "Still blue."},
    ]


def test_images_are_stored_once_and_sent_and_exported_inline(run, api, home, tmp_path):
    data = png_b64()
    src = tmp_path / "conv.json"
    src.write_text(json.dumps(image_conversation(data)))
    assert run("sessions", "import", "img", str(src)).code == 0
    raw = spath(home, "img").read_text()
    assert data not in raw and raw.count("blob:sha256:") == 2
    blobs = list((sdir(home).parent / "blobs").iterdir())
    assert len(blobs) == 1 and blobs[0].read_text() == data
    assert blobs[0].stat().st_mode & 0o777 == 0o600
    mtime = blobs[0].stat().st_mtime_ns

    assert run("ask", "-S", "img", "and now?").code == 0
    sent = api.last_body["messages"]
    assert sent[0]["content"][0]["source"]["data"] == data  # the server decoded the PNG
    assert blobs[0].stat().st_mtime_ns == mtime  # saving did not rewrite the image

    exported = json.loads(run("sessions", "export", "img", "--format", "json").out)
    assert exported["messages"][:4] == image_conversation(data)
    # The export is importable as it is.
    (tmp_path / "exp.json").write_text(json.dumps(exported))
    assert run("sessions", "import", "img2", str(tmp_path / "exp.json")).code == 0
    assert len(list((sdir(home).parent / "blobs").iterdir())) == 1

    markdown = run("sessions", "export", "img", "--format", "markdown").out
    assert "[image: image/png]" in markdown and data not in markdown


def test_deleting_the_last_user_of_an_old_blob_removes_it(run, api, home, tmp_path):
    (tmp_path / "c.json").write_text(json.dumps(image_conversation(png_b64())))
    run("sessions", "import", "one", str(tmp_path / "c.json"))
    run("sessions", "import", "two", str(tmp_path / "c.json"))
    blob = next((sdir(home).parent / "blobs").iterdir())
    os.utime(blob, (1, 1))  # old enough not to belong to a save in progress
    assert run("sessions", "delete", "--yes", "one").code == 0
    assert blob.exists()  # still used by "two"
    assert run("sessions", "delete", "--yes", "two").code == 0
    assert not blob.exists()


# -- the sessions commands -------------------------------------------------------


def test_list_show_search(run, api, home):
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    run("ask", "-S", "alpha", "Tell me about otters please")
    run("ask", "-S", "beta", "-m", "claude-fable-5-2", "Something about badgers")
    listing = run("sessions", "list")
    assert listing.code == 0
    lines = listing.out.splitlines()
    assert lines[0].split()[:3] == ["beta", "1", "claude-fable-5-2"]
    assert lines[1].split()[:3] == ["alpha", "1", api.models[0]["id"]]
    assert lines[1].endswith("Tell me about otters please")

    show = run("sessions", "show", "alpha")
    assert show.code == 0
    assert "## User\n\nTell me about otters please" in show.out
    assert "## Assistant\n\nYou said: Tell me about otters please" in show.out
    assert "usage (1 reply):" in show.out and "≈ $" in show.out
    # Fable 5.2 is priced now ($40 out, $10 per 5-minute write): 6 out + 14 written = $0.00038
    assert "6 out · cache 0 read / 14 written · ≈ $0.0004" in run("sessions", "show", "beta").out

    found = run("sessions", "search", "OTTERS")
    assert found.code == 0
    assert found.out.splitlines() == [
        "alpha:1: user: Tell me about otters please",
        "alpha:2: assistant: You said: Tell me about otters please",
    ]
    # like grep: no match is exit status 1
    none = run("sessions", "search", "wombat")
    assert none.code == 1 and none.out == "" and "no session mentions" in none.err


def test_import_accepts_lists_and_objects_and_validates(run, api, home, tmp_path):
    good = [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "synthetic A"}]
    (tmp_path / "list.json").write_text(json.dumps(good))
    (tmp_path / "obj.json").write_text(
        json.dumps({"model": "claude-haiku-4-5", "system": "Be kind.", "messages": good})
    )
    assert run("sessions", "import", "l", str(tmp_path / "list.json")).code == 0
    assert run("sessions", "import", "o", str(tmp_path / "obj.json")).code == 0
    assert run("ask", "-S", "o", "next").code == 0
    assert api.last_body["model"] == "claude-haiku-4-5"
    assert api.last_body["system"] == "Be kind."
    assert api.last_body["messages"][:2] == good
    from_stdin = run("sessions", "import", "s", "-", input=json.dumps(good))
    assert from_stdin.code == 0

    exists = run("sessions", "import", "l", str(tmp_path / "list.json"))
    assert exists.code == 6 and "already exists" in exists.err
    cases = {
        "[]": "non-empty list",
        '[{"role": "tool", "content": "x"}]': "has role 'tool', not one of user, assistant, system",
        '[{"role": "user", "content": ""}]': "content is empty",
        '[{"role": "user", "content": "x", "id": 1}]': "keys the API does not accept: id",
        '[{"role": "user", "content": [{"text": "no type"}]}]': "without a 'type'",
        '[{"role": "assistant", "content": "first"}]': "first message must be from the user",
        "{not json": "not valid JSON",
    }
    for i, (text, message) in enumerate(cases.items()):
        bad = tmp_path / f"bad{i}.json"
        bad.write_text(text)
        result = run("sessions", "import", f"bad{i}", str(bad))
        assert result.code == 6, text
        assert message in result.err and str(bad) in result.err, (text, result.err)
        assert not spath(home, f"bad{i}").exists()


def test_rename_and_delete(run, api, home):
    run("ask", "-S", "a", "one")
    run("ask", "-S", "b", "two")
    clash = run("sessions", "rename", "a", "b")
    assert clash.code == 6 and "already exists" in clash.err
    assert run("sessions", "rename", "a", "c").code == 0
    assert not spath(home, "a").exists() and load(home, "c")["name"] == "c"
    assert run("sessions", "rename", "nope", "d").code == 6

    refused = run("sessions", "delete", "c")  # stdin is not a terminal: needs --yes
    assert refused.code == 2 and "--yes" in refused.err and spath(home, "c").exists()
    assert run("sessions", "delete", "c", "--yes").code == 0
    assert not spath(home, "c").exists()
    missing = run("sessions", "delete", "c", "--yes")
    assert missing.code == 6 and "no session named 'c'" in missing.err
    assert run("sessions", "delete", "../b", "--yes").code == 6


def test_delete_asks_on_a_terminal(api, cli_env, home, run):
    from terminal import spawn

    run("ask", "-S", "keep", "one")
    child = spawn(["sessions", "delete", "keep"], cli_env)
    child.expect(r"Delete session keep \(1 turn\)\? \[y/N\]")
    child.sendline("n")
    child.expect("kept")
    child.wait()
    assert spath(home, "keep").exists()
    child = spawn(["sessions", "delete", "keep"], cli_env)
    child.expect(r"\[y/N\]")
    child.sendline("y")
    child.expect("deleted session keep")
    child.wait()
    assert not spath(home, "keep").exists()


def test_export_markdown_and_unknown_format(run, api, home):
    run("ask", "-S", "e", "-s", "Be brief.", "hi")
    md = run("sessions", "export", "e")
    assert md.code == 0
    assert md.out.startswith("# e\n")
    assert "## System\n\nBe brief." in md.out and "## User\n\nhi" in md.out
    bad = run("sessions", "export", "e", "--format", "yaml")
    assert bad.code == 2 and "markdown or json" in bad.err


# -- pricing ---------------------------------------------------------------------


def test_price_estimates():
    from claude_cli.request.pricing import cost, estimate

    usage = {"input_tokens": 1_000_000, "output_tokens": 1_000_000}
    assert cost("claude-haiku-4-5", usage) == pytest.approx(6.0)
    assert cost("claude-haiku-4-5-20251001", usage) == pytest.approx(6.0)
    cached = {"cache_read_input_tokens": 1_000_000, "cache_creation_input_tokens": 1_000_000}
    assert cost("claude-sonnet-4-5", cached) == pytest.approx(0.30 + 3.75)
    assert cost("my-gateway-alias", usage) is None
    est = estimate([{"model": "claude-haiku-4-5", "usage": usage}, {"model": "x", "usage": usage}])
    assert est.describe() == "≈ $6.0000 + unknown (no price for x)"


def test_an_unreadable_session_can_still_be_deleted(run, home) -> None:
    folder = home / "data" / "claude-cli" / "sessions"
    folder.mkdir(parents=True)
    (folder / "broken.json").write_text("{broken")
    r = run("sessions", "delete", "broken")  # not a terminal: needs --yes
    assert r.code == 2 and (folder / "broken.json").exists()
    r = run("sessions", "delete", "broken", "--yes")
    assert r.code == 0, r.err
    assert not (folder / "broken.json").exists()
    assert run("sessions", "delete", "missing", "--yes").code == 6


# -- rename / delete while a turn is in flight (L13) ---------------------------------


def _in_flight(api, cli_env, *args: str) -> subprocess.Popen:
    """Start `ask ARGS` and return once the server has its request (a slow answer)."""
    import time

    before = len(api.messages_requests)
    api.latency = 3.0
    proc = subprocess.Popen(
        [sys.executable, "-m", "claude_cli", "ask", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env,
        text=True,
    )
    for _ in range(600):  # up to a minute: only waits for the request to arrive
        if len(api.messages_requests) > before or proc.poll() is not None:
            break
        time.sleep(0.1)
    return proc


@pytest.mark.parametrize("action", ["rename", "delete"])
def test_a_turn_whose_session_went_away_meanwhile_is_recovered_not_respawned(
    action: str, api, run, cli_env, home: Path
) -> None:
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    api.reply("first answer")
    assert run("ask", "-S", "moving", "first").code == 0
    api.reply("second answer")
    proc = _in_flight(api, cli_env, "-S", "moving", "second")
    if action == "rename":
        done = run("sessions", "rename", "moving", "moved")
    else:
        done = run("sessions", "delete", "moving", "--yes")
    assert done.code == 0, done.err
    out, err = proc.communicate(timeout=60)
    api.latency = 0.0

    assert out == "second answer\n"  # the paid reply is shown
    assert proc.returncode == 6, err
    assert "renamed or deleted while the reply was coming" in err
    sessions = home / "data" / "claude-cli" / "sessions"
    assert not (sessions / "moving.json").exists()  # not resurrected, not split
    if action == "rename":
        moved = json.loads((sessions / "moved.json").read_text())
        assert [m["content"] for m in moved["messages"]] == ["first", "first answer"]
    recovered = list((home / "cache" / "claude-cli" / "recovered").glob("moving-*.json"))
    assert len(recovered) == 1, err
    kept = json.loads(recovered[0].read_text())
    assert [m["content"] for m in kept["messages"]] == [
        "first",
        "first answer",
        "second",
        "second answer",
    ]
    assert f"sessions import NEW-NAME {recovered[0]}" in err


def test_a_recovery_file_of_an_unnamed_ask_has_the_date_once(home: Path, monkeypatch) -> None:
    from claude_cli.store import session

    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    user = {"role": "user", "content": "q"}
    reply = {"role": "assistant", "content": "a"}
    said = session.keep_recovery("ask-20261201-220130", user, reply, "m", None, None)
    kept = [p.name for p in (home / "cache" / "claude-cli" / "recovered").iterdir()]
    assert kept == [f"ask-20261201-220130-{os.getpid()}.json"], said
    session.keep_recovery("trip", user, reply, "m", None, None)  # a name of one's own: dated
    named = [p for p in (home / "cache" / "claude-cli" / "recovered").glob("trip-*.json")]
    assert re.fullmatch(rf"trip-\d{{8}}-\d{{6}}-{os.getpid()}\.json", named[0].name)
