"""The session store against hostile and unlucky input (issue 9), and its small
issue-11 items: each case is the input that broke it, run through the real CLI
against the fake server where a user would meet it."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pexpect
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakeapi import API_KEY
from terminal import spawn

SECRET = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAnotreally\n"


def sdir(home: Path) -> Path:
    return home / "data" / "claude-cli" / "sessions"


def spath(home: Path, name: str) -> Path:
    return sdir(home) / f"{name}.json"


def load(home: Path, name: str) -> dict[str, Any]:
    return json.loads(spath(home, name).read_text())


def write_session(home: Path, name: str, doc: Any) -> Path:
    path = spath(home, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def good_doc(**changes: Any) -> dict[str, Any]:
    doc = {
        "format": "claude-cli-session",
        "version": 1,
        "name": "x",
        "model": "claude-sonnet-5-5",
        "system": None,
        "usage": {"input_tokens": 1, "output_tokens": 2},
        "replies": [{"at": "2026-11-24T18:30:15Z", "model": "claude-sonnet-5-5", "usage": {}}],
        "messages": [
            {"role": "user", "content": "hello otters"},
            {"role": "assistant", "content": "hi"},
        ],
    }
    doc.update(changes)
    return doc


@pytest.fixture
def in_process(home: Path, monkeypatch: pytest.MonkeyPatch):
    """claude_cli.store.session in this process, with its folders under `home`."""
    for name in ("config", "data", "state", "cache"):
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(home / name))
    from claude_cli.store import session

    session._made.clear()
    session._known.clear()
    return session


# -- 1. a copied session is saved under the name asked for ---------------------


def test_a_copied_session_never_overwrites_the_original(run, api, home):
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    assert run("ask", "-S", "trip", "Plan Lisbon").code == 0
    original = spath(home, "trip").read_bytes()
    spath(home, "trip2").write_bytes(original)  # cp trip.json trip2.json
    result = run("ask", "-S", "trip2", "Swap day two")
    assert result.code == 0, result.err
    assert spath(home, "trip").read_bytes() == original
    copy = load(home, "trip2")
    assert [m["content"] for m in copy["messages"]][-2:] == [
        "Swap day two",
        "You said: Swap day two",
    ]
    assert copy["name"] == "trip2"


@pytest.mark.parametrize("name", ["missing", 5, None, "../../etc/passwd", ["x"]])
def test_a_missing_or_odd_name_field_breaks_nothing(run, api, home, name):
    doc = good_doc()
    if name == "missing":
        del doc["name"]
    else:
        doc["name"] = name
    write_session(home, "odd", doc)
    listed = run("sessions", "list")
    assert listed.code == 0 and listed.out.startswith("odd "), listed.err
    for args in (("show", "odd"), ("export", "odd"), ("export", "odd", "-f", "json")):
        result = run("sessions", *args)
        assert result.code == 0, (args, result.err)
        assert "hello otters" in result.out
    assert run("ask", "-S", "odd", "more").code == 0
    chat = run("chat", "-S", "odd", input="and more\n")
    assert chat.code == 0, chat.err
    assert load(home, "odd")["name"] == "odd"
    assert not (home / "etc").exists()


# -- 2. validated at load: usable, or a clear error naming the file ---------------


UNUSABLE = {
    "messages: [1]": (good_doc(messages=[1]), "message 1 is not an object"),
    "content: 5": (good_doc(messages=[{"role": "user", "content": 5}]), "neither a string"),
    "a block without type": (
        good_doc(messages=[{"role": "user", "content": [{"text": "x"}]}]),
        "without a 'type'",
    ),
    "text that is not a string": (
        good_doc(messages=[{"role": "user", "content": [{"type": "text", "text": 5}]}]),
        "'text' is not a string",
    ),
    "role tool": (good_doc(messages=[{"role": "tool", "content": "x"}]), "has role 'tool'"),
    "usage as a string count": (good_doc(usage={"input_tokens": "5"}), "not a token count"),
    "replies: [1]": (good_doc(replies=[1]), "reply 1 is not an object"),
    "replies not a list": (good_doc(replies={"a": 1}), "'replies' is not a list"),
    "reply usage as a string": (
        good_doc(replies=[{"model": "m", "usage": {"output_tokens": "7"}}]),
        "not a token count",
    ),
    "model: 5": (good_doc(model=5), "'model' is 5"),
    "version true": (good_doc(version=True), "no valid format version"),
}


@pytest.mark.parametrize("case", list(UNUSABLE))
def test_an_unusable_session_is_a_clear_error_before_anything_is_sent(run, api, home, case):
    doc, message = UNUSABLE[case]
    path = write_session(home, "bad", doc)
    before = path.read_bytes()
    for args in (("sessions", "show", "bad"), ("ask", "-S", "bad", "hi"), ("chat", "-S", "bad")):
        result = run(*args, input="hi\n")
        assert result.code == 6, (args, result.err)
        assert message in result.err and str(path) in result.err, result.err
        assert "Traceback" not in result.err and "internal error" not in result.err
    assert api.messages_requests == []
    assert path.read_bytes() == before  # never overwritten


def test_a_lone_surrogate_in_a_file_is_refused_at_load(run, api, home):
    path = write_session(home, "sur", json.dumps(good_doc()).replace("hello otters", "\\ud800"))
    result = run("ask", "-S", "sur", "hi")
    assert result.code == 6 and "lone surrogate" in result.err and str(path) in result.err
    assert api.messages_requests == []


DEEP = '{"version": 1, "messages": ' + "[" * 100_000 + "]" * 100_000 + "}"


def nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def test_deep_nesting_is_a_clear_error(run, api, home):
    path = write_session(home, "deep", DEEP)
    result = run("sessions", "show", "deep")
    assert result.code == 6 and str(path) in result.err and "nested too deeply" in result.err
    write_session(home, "deep2", json.dumps(good_doc(extra=nested(50))))
    assert run("sessions", "show", "deep2").code == 0
    write_session(home, "deep3", json.dumps(good_doc(extra=nested(500))))
    result = run("ask", "-S", "deep3", "hi")
    assert result.code == 6 and "nested deeper than" in result.err
    assert api.messages_requests == []


def test_surrogates_in_argv_cannot_break_the_save(run, api, home):
    api.reply("fine")
    result = run("ask", "-S", "argv", "caf\udcff")  # the byte 0xff on the command line
    assert result.code == 0, result.err
    assert load(home, "argv")["messages"][0]["content"] == "caf\ufffd"
    assert run("ask", "-S", "argv", "again").code == 0


def test_argv_text_that_is_not_utf8_is_sent_as_the_session_stores_it(run, api, home, tmp_path):
    """A byte that is not UTF-8 (0xe9, Latin-1 é) reaches argv as a lone surrogate: the
    request carries U+FFFD, as the session file does, so the next turn's prefix matches;
    a file name with such a byte still opens (-i)."""
    from test_images import make_image

    image = tmp_path / "caf\udce9.png"
    image.write_bytes(make_image("PNG"))
    api.reply("fine")
    result = run(
        "ask", "-m", "claude-haiku-4-5", "-S", "latin", "-s", "sys\udce9", "--prefill",
        "pre\udce9", "-i", str(image), "caf\udce9",
    )  # fmt: skip
    assert result.code == 0, result.err
    raw = api.messages_requests[-1].raw
    assert b"\\udce9" not in raw.lower() and b"\\ufffd" in raw  # valid Unicode
    body = api.last_body
    assert body["system"] == "sys\ufffd"
    user, prefill = body["messages"]
    assert user["content"][-1] == {"type": "text", "text": "caf\ufffd"}
    assert user["content"][0]["type"] == "image"
    assert prefill == {"role": "assistant", "content": "pre\ufffd"}
    stored = load(home, "latin")
    assert stored["messages"][0]["content"][-1]["text"] == "caf\ufffd"
    assert stored["system"] == "sys\ufffd"


def test_chat_system_text_that_is_not_utf8_is_sent_as_u_fffd(run, api, home):
    result = run("chat", "-S", "latin-chat", "-s", "sys\udce9", input="hi\n")
    assert result.code == 0, result.err
    assert api.last_body["system"] == "sys\ufffd"
    assert b"\\udce9" not in api.messages_requests[-1].raw.lower()
    assert load(home, "latin-chat")["system"] == "sys\ufffd"


def test_other_branches_messages_and_usage_details_load(run, api, home, in_process):
    """Mid-conversation system messages, any block type, usage breakdowns: kept."""
    messages = [
        {"role": "user", "content": "q"},
        {"role": "system", "content": "Be brief from now on."},
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "hmm", "signature": "sig"},
                {"type": "redacted_thinking", "data": "xyz"},
                {"type": "server_tool_use", "id": "s1", "name": "web_search", "input": {}},
                {"type": "web_search_tool_result", "tool_use_id": "s1", "content": []},
                {"type": "tool_use", "id": "t1", "name": "f", "input": {"a": [1, {"b": 2}]}},
                {"type": "text", "text": "answer"},
            ],
        },
        {"role": "user", "content": [{"type": "document", "source": {"type": "text"}}]},
    ]
    usage = {
        "input_tokens": 3,
        "output_tokens": 4,
        "cache_creation": {"ephemeral_5m_input_tokens": 2, "ephemeral_1h_input_tokens": 0},
        "output_tokens_details": {"thinking_tokens": 1},
        "server_tool_use": {"web_search_requests": 1},
    }
    doc = good_doc(messages=messages, replies=[{"at": "t", "model": "m", "usage": usage}])
    write_session(home, "compat", doc)
    for args in (("list",), ("show", "compat"), ("export", "compat", "-f", "json")):
        result = run("sessions", *args)
        assert result.code == 0, result.err
    shown = run("sessions", "show", "compat").out
    assert "## System" in shown and "Be brief from now on." in shown
    loaded = in_process.load("compat")
    assert loaded["messages"] == messages
    assert loaded["replies"][0]["usage"] == usage


def test_usage_of_keeps_counts_and_drops_everything_else(in_process):
    message = {
        "usage": {
            "input_tokens": "5",
            "output_tokens": 7,
            "cache_read_input_tokens": None,
            "cache_creation": {"ephemeral_5m_input_tokens": 2, "bad": "x"},
            "server_tool_use": [1],
            "service_tier": "standard",
        }
    }
    assert in_process.usage_of(message) == {
        "input_tokens": 0,
        "output_tokens": 7,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 2},
    }
    for odd in ({"usage": [1]}, {"usage": "x"}, {}, {"usage": {"output_tokens": True}}):
        assert set(in_process.usage_of(odd).values()) == {0}
    doc = in_process.record_exchange(
        "u", {"role": "user", "content": "q"}, None, model="m", system=None, usage={"x": "y"}
    )
    assert doc["usage"]["input_tokens"] == 0


# -- 3. one bad file never hides the others ---------------------------------------


def test_list_and_search_skip_malformed_files_with_a_note(run, api, home):
    assert run("ask", "-S", "good", "otters are great").code == 0
    deep = write_session(home, "deep", DEEP)
    nonobj = write_session(home, "nonobj", good_doc(messages=[1, 2]))
    listed = run("sessions", "list")
    assert listed.code == 0, listed.err
    assert [line.split()[0] for line in listed.out.splitlines()] == ["good"]
    assert str(deep) in listed.err and str(nonobj) in listed.err and "skipped" in listed.err
    found = run("sessions", "search", "otters")
    assert found.code == 0, found.err
    assert found.out.startswith("good:1: user: otters are great")
    assert str(deep) in found.err and str(nonobj) in found.err


def test_chat_sessions_skips_a_malformed_file_with_a_note(env_chat):
    h, _, home = env_chat
    h.type("hello\r", until_sent=1)
    bad = write_session(home, "broken", DEEP)
    h.chat.handle("/sessions")
    listing = h.notes[-1]
    assert "* t  1 turn" in listing
    assert f"skipped: session file {bad}" in listing and "nested too deeply" in listing


# -- 4. a blob reference is a digest, never a path --------------------------------


@pytest.mark.parametrize("where", ["absolute", "relative"])
def test_a_blob_reference_cannot_read_a_local_file(run, api, home, tmp_path, where):
    secret = tmp_path / "id_ed25519"
    secret.write_text(SECRET)
    blobs = home / "data" / "claude-cli" / "blobs"
    blobs.mkdir(parents=True)
    ref = "blob:sha256:" + (str(secret) if where == "absolute" else os.path.relpath(secret, blobs))
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": ref}}
    messages = [{"role": "user", "content": [image, {"type": "text", "text": "what is it?"}]}]
    write_session(home, "leak", good_doc(messages=messages))
    for args in (
        ("sessions", "export", "leak", "-f", "json"),
        ("sessions", "show", "leak"),
        ("ask", "-S", "leak", "and now?"),
    ):
        result = run(*args)
        assert result.code == 6, (args, result.err)
        assert "blob:sha256:<64 hex digits>" in result.err
        assert "OPENSSH" not in result.out + result.err and "notreally" not in result.out
    assert api.messages_requests == []
    conv = tmp_path / "conv.json"
    conv.write_text(json.dumps(messages))
    imported = run("sessions", "import", "leak2", str(conv))
    assert imported.code == 6 and "blob:sha256:<64 hex digits>" in imported.err
    assert not spath(home, "leak2").exists()


# -- 5. blob collection and a save that reuses a blob -----------------------------


def test_a_reused_blob_survives_collection_during_the_save(in_process):
    session = in_process
    data = base64.b64encode(b"\x89PNG fake image bytes").decode()
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": data}}
    turn = {"role": "user", "content": [image]}
    session.record_exchange("a", turn, None, model="m", system=None, usage=None)
    session.delete("a")  # the blob is now unreferenced ...
    (blob,) = list(session.blobs_dir().iterdir())
    old = time.time() - 2 * session.BLOB_GRACE_SECONDS
    os.utime(blob, (old, old))  # ... and old enough to collect
    stored = session.externalize(turn)  # another save reuses it: found, not rewritten
    assert session.collect_blobs() == 0  # the collection runs before that save is written
    assert blob.exists()
    session.record_exchange("b", stored, None, model="m", system=None, usage=None)
    assert session.inline(session.load("b")["messages"])[0]["content"][0] == image


# -- 6. a paid reply is never lost --------------------------------------------------


def test_an_unwritable_data_folder_fails_before_paying(run, api, home):
    # Readable, not writable (as root, chmod would not stop us): a file where the
    # image folder should be.
    sdir(home).mkdir(parents=True)
    (home / "data" / "claude-cli" / "blobs").write_text("not a folder")
    result = run("ask", "-S", "s", "hello")
    assert result.code == 6 and "nothing was sent" in result.err, result.err
    assert api.messages_requests == []
    result = run("chat", "-S", "s", input="hello\n")
    assert result.code == 6 and "nothing was sent" in result.err, result.err
    assert api.messages_requests == []


def test_a_held_lock_fails_before_paying(in_process, monkeypatch):
    from claude_cli.errors import SessionError

    monkeypatch.setattr(in_process, "LOCK_TIMEOUT", 0.05)
    with in_process.locked("busy"), pytest.raises(SessionError) as e:
        in_process.check_writable("busy")  # another open file: flock says it is taken
    assert "locked by another claude-cli" in e.value.message
    assert "nothing was sent" in e.value.message


def test_a_lock_held_past_the_reply_keeps_it_in_tmp_when_the_cache_is_unusable(
    in_process, home, tmp_path, monkeypatch
):
    import tempfile

    from claude_cli.errors import SessionError

    session = in_process
    session.record_exchange(
        "held", {"role": "user", "content": "one"}, None, model="m", system=None, usage=None
    )
    monkeypatch.setattr(session, "LOCK_TIMEOUT", 0.05)
    (home / "cache").rmdir()
    (home / "cache").write_text("not a folder")  # the recovery folder cannot be made
    spare = tmp_path / "tmpdir"
    spare.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spare))
    reply = {"role": "assistant", "content": "paid for"}
    with session.locked("held"), pytest.raises(SessionError) as e:  # another writer hangs on
        session.record_exchange(
            "held", {"role": "user", "content": "two"}, reply, model="m", system=None, usage={}
        )
    assert "locked by another claude-cli" in e.value.message
    (kept,) = list(spare.iterdir())
    assert str(kept) in e.value.message and kept.stat().st_mode & 0o777 == 0o600
    assert [m["content"] for m in json.loads(kept.read_text())["messages"]] == [
        "one",
        "two",
        "paid for",
    ]


def _break_the_save(home: Path, name: str):
    """A `pace` hook: while the request is at the server, the session file becomes
    a folder, so the save after the reply fails the way a full disk would."""

    def hook(body: dict[str, Any]) -> float:
        path = spath(home, name)
        if path.exists():
            path.unlink()
        path.mkdir()
        return 0.0

    return hook


def test_a_failed_save_keeps_the_reply_in_a_recovery_file(run, api, home):
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    assert run("ask", "-S", "s", "first question").code == 0
    api.pace = _break_the_save(home, "s")
    api.reply("the paid answer")
    result = run("ask", "-S", "s", "second question")
    assert result.out == "the paid answer\n"
    assert result.code == 6, result.err
    assert "could not save session 's'" in result.err and "Traceback" not in result.err
    (kept,) = list((home / "cache" / "claude-cli" / "recovered").iterdir())
    assert str(kept) in result.err and "sessions import" in result.err
    assert kept.stat().st_mode & 0o777 == 0o600
    assert kept.parent.stat().st_mode & 0o777 == 0o700
    api.pace = None
    restored = run("sessions", "import", "s2", str(kept))
    assert restored.code == 0, restored.err
    assert [m["content"] for m in load(home, "s2")["messages"]] == [
        "first question",
        "You said: first question",
        "second question",
        "the paid answer",
    ]


def test_a_recovery_file_keeps_its_images_through_blob_collection(run, api, home, tmp_path):
    """Blob GC looks only at the sessions folder: a recovery file holding references would
    lose its images before the user imports it (issue 9 audit, C4)."""
    from test_images import make_image

    image = tmp_path / "red.png"
    image.write_bytes(make_image("PNG"))
    assert run("ask", "-S", "s", "-i", str(image), "what is it").code == 0
    sent_first = api.last_body["messages"][0]["content"][0]
    api.pace = _break_the_save(home, "s")
    assert run("ask", "-S", "s", "more").code == 6
    api.pace = None
    (kept,) = list((home / "cache" / "claude-cli" / "recovered").iterdir())
    spath(home, "s").rmdir()
    blobs = home / "data" / "claude-cli" / "blobs"
    for blob in blobs.iterdir():
        os.utime(blob, (0, 0))  # an hour and more later
    assert run("ask", "-S", "other", "x").code == 0
    assert run("sessions", "delete", "--yes", "other").code == 0  # collects unused blobs
    restored = run("sessions", "import", "back", str(kept))
    assert restored.code == 0, restored.err
    sent = run("ask", "-S", "back", "and?")
    assert sent.code == 0, sent.err
    assert api.last_body["messages"][0]["content"][0] == sent_first  # the same image again


def test_the_chat_survives_a_failed_save(env_chat):
    h, api, home = env_chat
    api.pace = _break_the_save(home, "t")
    h.type("hello\r", until_sent=1)
    assert h.out.getvalue() == "You said: hello\n"
    errors = [n for n in h.notes if n.startswith("error:")]
    assert errors and "could not save session 't'" in errors[0] and "kept in" in errors[0]
    assert list((home / "cache" / "claude-cli" / "recovered").iterdir())


@pytest.fixture
def env_chat(home, api, monkeypatch):
    """A chat in this process (tests/test_repl.py's Harness) on `home`."""
    from test_repl import Harness

    for key in list(os.environ):
        if key.startswith(("ANTHROPIC_", "CLAUDE_CLI_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("config", "data", "state", "cache"):
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(home / name))
    from claude_cli.store import session

    session._made.clear()
    session._known.clear()
    return Harness(api), api, home


# -- 7. /retry and a concurrent writer ---------------------------------------------


def test_retry_never_overwrites_a_reply_saved_meanwhile(env_chat, cli_env):
    h, api, _ = env_chat
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    api.reply("first answer")
    api.reply("second answer")
    requests = []

    def meanwhile(body: dict[str, Any]) -> float:
        requests.append(body)
        if len(requests) == 2:  # the /retry request: another process saves a turn now
            done = subprocess.run(
                [sys.executable, "-m", "claude_cli", "ask", "-S", "t", "meanwhile"],
                env=cli_env,
                capture_output=True,
            )
            assert done.returncode == 0, done.stderr
        return 0.0

    api.pace = meanwhile
    h.type("question\r/retry\r", until_sent=3)
    assert [m["content"] for m in h.saved()["messages"]] == [
        "question",
        "first answer",
        "meanwhile",
        "You said: meanwhile",
        "question",
        "second answer",
    ]
    assert any("the session changed during /retry" in n for n in h.notes)


# -- 8. stale temp files, signals in chat, the input history ------------------------


def test_temp_files_of_killed_writers_are_cleaned(run, api, home):
    assert run("ask", "-S", "trip", "one").code == 0
    folder = sdir(home)
    own = folder / ".trip.json.k9k9k9k9.tmp"  # kill -9 during a save of trip
    other_old = folder / ".other.json.a1b2c3d4.tmp"
    other_fresh = folder / ".busy.json.z9y8x7w6.tmp"  # a writer at work right now
    for path in (own, other_old, other_fresh):
        path.write_bytes(b"x" * 100_000)
    old = time.time() - 3600
    os.utime(other_old, (old, old))
    assert run("ask", "-S", "trip", "two").code == 0  # saving trip (under its lock)
    assert not own.exists() and other_old.exists()
    assert run("sessions", "list").code == 0
    assert not other_old.exists() and other_fresh.exists()


def _chat_pty(cli_env: dict[str, str], *args: str) -> pexpect.spawn:
    child = spawn(["chat", *args], {**cli_env, "PROMPT_TOOLKIT_NO_CPR": "1"}, rows=24, cols=80)
    child.expect("Ctrl-D to quit")
    child.expect("›")
    return child


def test_sigterm_during_a_reply_keeps_it_like_ctrl_c_then_exits(api, cli_env, home):
    api.reply(pieces=["Once upon ", "a time"], delay=30)  # waits after the first words
    child = _chat_pty(cli_env, "--session", "sig")
    child.send("tell me a story\r")
    child.expect("Once upon")
    child.kill(signal.SIGTERM)
    child.expect("stopped; the partial reply is kept")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 128 + signal.SIGTERM, (child.exitstatus, child.signalstatus)
    assert load(home, "sig")["messages"] == [
        {"role": "user", "content": "tell me a story"},
        {"role": "assistant", "content": "Once upon"},
    ]


def test_the_chat_keeps_a_reply_with_malformed_usage_and_goes_on(api, cli_env, home):
    """Audit C1/D2c: the text arrived whole, only its usage is malformed. The REPL shows
    the error, keeps the reply (no "/retry" to pay again) and the next message goes on."""
    from hostile_server import MESSAGE_STOP, event, message_delta, message_start, text_events

    api.think_by_default = False  # plain-text replies: this test is not about thinking
    start = event("message_start", message_start())
    api.reply(
        raw_sse=b"".join(
            [start, *text_events("Paid words"), message_delta(usage=[1, 2]), MESSAGE_STOP]
        )
    )
    api.reply("second answer")
    child = spawn(
        ["chat", "-S", "mu"], {**cli_env, "PROMPT_TOOLKIT_NO_CPR": "1"}, rows=24, cols=200
    )
    child.expect("›")
    child.send("first\r")
    child.expect("Paid words")
    child.expect(
        "error: protocol error: [^\r\n]*usage is not an object; the reply is kept in session mu"
    )
    child.expect("›")
    assert "/retry sends it again" not in child.before
    child.send("second\r")
    child.expect("second answer")
    child.expect("›")
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [(m["role"], m["content"]) for m in load(home, "mu")["messages"]] == [
        ("user", "first"),
        ("assistant", "Paid words"),
        ("user", "second"),
        ("assistant", "second answer"),
    ]
    assert api.messages_requests[1].body["messages"][1] == {
        "role": "assistant",
        "content": "Paid words",
    }


def test_sighup_at_the_prompt_leaves_cleanly(api, cli_env, home):
    child = _chat_pty(cli_env, "--session", "hup")
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 128 + signal.SIGHUP, (child.exitstatus, child.signalstatus)


def test_sigterm_in_a_piped_chat_keeps_the_partial_reply(api, cli_env, home):
    api.reply(pieces=["Partial ", "rest"], delay=30)
    proc = subprocess.Popen(
        [sys.executable, "-m", "claude_cli", "chat", "-S", "pipe"],
        env=cli_env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin and proc.stdout
    proc.stdin.write(b"go\n")
    proc.stdin.flush()
    assert proc.stdout.read(len("Partial ")) == b"Partial "
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert load(home, "pipe")["messages"][-1] == {"role": "assistant", "content": "Partial"}


def test_the_history_file_is_tightened_and_capped(env_chat):
    from claude_cli.commands.chat import HISTORY_ENTRIES, history_path

    _, _, home = env_chat
    path = home / "state" / "claude-cli" / "chat_history"
    path.parent.mkdir(parents=True)
    entries = [f"\n# 2026-01-01 00:00:{i:06d}\n+line {i}\n+second line\n" for i in range(1500)]
    path.write_text("".join(entries))
    path.chmod(0o644)
    assert history_path() == path
    assert path.stat().st_mode & 0o777 == 0o600
    from prompt_toolkit.history import FileHistory

    kept = list(FileHistory(str(path)).load_history_strings())  # newest first
    assert len(kept) == HISTORY_ENTRIES
    assert kept[0] == "line 1499\nsecond line" and kept[-1] == "line 500\nsecond line"
    path.write_text("\n# t\n+" + "x" * 2_000_000 + "\n" + "\n# t\n+small\n")
    history_path()
    assert list(FileHistory(str(path)).load_history_strings()) == ["small"]


# -- 9. lock files, search, delete -------------------------------------------------


def test_no_lock_file_is_left_for_a_name_without_a_session(run, api, home):
    assert run("ask", "-S", "real", "hi").code == 0
    assert run("sessions", "delete", "typo", "--yes").code == 6
    assert run("sessions", "delete", "real", "--yes").code == 0
    (sdir(home) / ".old-typo.lock").write_text("")  # left by an older claude-cli
    assert run("sessions", "list").code == 0
    assert [p.name for p in sdir(home).iterdir()] == []


def test_delete_takes_several_names_and_checks_them_all_first(run, api, home):
    for name in ("a", "b", "c"):
        assert run("ask", "-S", name, "hi").code == 0
    missing = run("sessions", "delete", "a", "nope", "--yes")
    assert missing.code == 6 and "nope" in missing.err
    assert spath(home, "a").exists()
    both = run("sessions", "delete", "a", "b", "--yes")
    assert both.code == 0, both.err
    assert not spath(home, "a").exists() and not spath(home, "b").exists()
    assert spath(home, "c").exists()


# -- 10. the loader fuzzed -----------------------------------------------------------

# Text with lone surrogates among the rest: json.dumps writes them as \ud800 escapes.
TEXT = st.text(st.characters(exclude_categories=()), max_size=12) | st.sampled_from(
    ["\ud800", "a\udcffb", "\U0001f600", "\x1b]52;c;eA==\x07"]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
BLOCK = st.fixed_dictionaries(
    {"type": st.sampled_from(["text", "image", "thinking", "tool_use"]) | JSON},
    optional={
        "text": TEXT | JSON,
        "source": st.fixed_dictionaries(
            {"type": st.just("base64"), "data": st.just("blob:sha256:" + "0" * 64) | TEXT}
        )
        | JSON,
    },
)
MESSAGE = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["user", "assistant", "system"]) | JSON,
        "content": TEXT | st.lists(BLOCK | JSON, max_size=3) | JSON,
    }
)
USAGE = st.dictionaries(
    st.sampled_from(["input_tokens", "output_tokens", "cache_creation", "x"]),
    st.integers(min_value=0) | JSON,
    max_size=4,
)
DOC = st.fixed_dictionaries(
    {"version": st.just(1) | JSON, "messages": st.lists(MESSAGE | JSON, max_size=4)},
    optional={
        "format": st.just("claude-cli-session") | JSON,
        "name": st.just("fuzz") | JSON,
        "created": TEXT | JSON,
        "updated": TEXT | JSON,
        "model": TEXT | JSON,
        "system": TEXT | st.lists(BLOCK, max_size=2) | JSON,
        "usage": USAGE | JSON,
        "replies": st.lists(
            st.fixed_dictionaries({}, optional={"at": TEXT, "model": TEXT, "usage": USAGE}) | JSON,
            max_size=3,
        )
        | JSON,
    },
)


def _everything_works_on(session, raw: bytes) -> None:
    """`raw` is refused with a SessionError, or it loads and then saves, lists,
    shows, exports, searches and takes a new turn."""
    import io

    from claude_cli.commands import sessions as session_cmds
    from claude_cli.errors import SessionError
    from claude_cli.terminal.term import Streams

    try:
        doc = session.parse(raw, "fuzz.json", "fuzz")
    except SessionError:
        return
    with session.locked("fuzz"):
        session.save(doc, "fuzz")
    (listed,) = session.summaries()
    assert not isinstance(listed, SessionError), listed.message  # what loads, saves and reloads
    streams = Streams(io.StringIO(), io.StringIO(), io.StringIO())
    session_cmds.list_sessions(streams)
    session_cmds.show("fuzz", streams)
    session_cmds.summary_line(listed)
    session.export_markdown(listed)
    session.first_words(listed)
    list(session.search("a"))
    with contextlib.suppress(SessionError):  # a good reference to a missing blob is one
        session.export_json(listed)
    turn = {"role": "user", "content": "more"}
    usage = {"input_tokens": 1, "output_tokens": 1}
    session.record_exchange("fuzz", turn, None, model="m", system=None, usage=usage)
    assert session.load("fuzz")["messages"][-1] == turn


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    home = tmp_path_factory.mktemp("fuzz")
    saved = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "XDG_CACHE_HOME")}
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    os.environ["XDG_CACHE_HOME"] = str(home / "cache")
    from claude_cli.store import session

    session._made.clear()
    session._known.clear()
    yield session
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    session._made.clear()
    session._known.clear()


@settings(max_examples=300, deadline=None, derandomize=True)  # repeatable in CI
@given(doc=DOC)
def test_fuzz_session_documents(fuzz_store, doc):
    _everything_works_on(fuzz_store, json.dumps(doc).encode())


@settings(max_examples=200, deadline=None, derandomize=True)
@given(raw=st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode()))
def test_fuzz_session_bytes(fuzz_store, raw):
    _everything_works_on(fuzz_store, raw)


@pytest.mark.parametrize(
    ("data", "why"),
    [("blob:sha256:" + "b" * 64, "is missing from"), ("!!!notbase64", "not valid base64")],
)
def test_import_refuses_image_data_no_later_turn_could_send(run, api, home, tmp_path, data, why):
    conv = tmp_path / "conv.json"
    image = {"type": "base64", "media_type": "image/png", "data": data}
    conv.write_text(json.dumps([{"role": "user", "content": [{"type": "image", "source": image}]}]))
    r = run("sessions", "import", "dangling", str(conv))
    assert r.code == 6, r.err
    assert r.err.count("\n") == 1 and why in r.err and "message 1" in r.err
    assert run("sessions", "list").out.count("dangling") == 0


@pytest.mark.parametrize("source", ["/dev/zero", "fifo"])
def test_import_of_a_device_or_fifo_is_refused_not_read_forever(run, api, tmp_path, source):
    if source == "fifo":
        source = str(tmp_path / "fifo.json")
        os.mkfifo(source)
    r = run("sessions", "import", "endless", source, timeout=20)
    assert r.code == 2, r.err
    assert r.err == f"claude-cli: error: cannot import {source}: not a regular file\n"


def test_import_says_how_many_messages_in_good_english(run, api, tmp_path):
    r = run("sessions", "import", "one", "-", input='[{"role": "user", "content": "hi"}]')
    assert (r.code, r.err) == (0, "imported 1 message into session one\n")


def test_a_sessions_folder_that_is_a_file_is_an_error_naming_it(run, home) -> None:
    folder = home / "data" / "claude-cli" / "sessions"
    folder.parent.mkdir(parents=True)
    folder.write_text("not a folder")
    for args in (["list"], ["list", "--json"], ["search", "hello"], ["show", "s1"]):
        r = run("sessions", *args)
        assert r.code == 6, (args, r.err)
        assert str(folder) in r.err and "Not a directory" in r.err, (args, r.err)
        assert r.out == "" and "Traceback" not in r.err
