"""The chat REPL driven through prompt-toolkit's pipe input, against the fake API.

`Chat` gets the real `ask.send` (real client, real HTTP to the local server) and
a RawRenderer writing to a StringIO; the keys go through a real PromptSession.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest

from claude_cli.commands.ask import send
from claude_cli.commands.chat import Chat, run_tty
from claude_cli.config import load_settings
from claude_cli.exchange import make_client
from claude_cli.prompt_input import AskOptions
from claude_cli.store import session
from claude_cli.terminal.raw_render import RawRenderer
from claude_cli.terminal.term import Streams

from fakeapi import API_KEY, FakeAPI

ESC_ENTER = "\x1b\r"
PASTE = "\x1b[200~{}\x1b[201~"


class Harness:
    def __init__(self, api: FakeAPI, name: str | None = "t", **chat_kw: Any) -> None:
        self.api = api
        self.out = io.StringIO()
        self.err = io.StringIO()
        self.notes: list[str] = []
        self.settings = load_settings()
        streams = Streams(io.StringIO(), self.out, self.err)
        self.client = make_client(self.settings, streams)
        opts = AskOptions(plain=True)

        def send_one(prepared, renderer, current):
            return send(current, opts, prepared, streams, client=self.client, renderer=renderer)

        self.chat = Chat(
            self.settings,
            name=name,
            send=send_one,
            new_renderer=lambda: RawRenderer(self.out),
            out=self.out,
            note=self.notes.append,
            **chat_kw,
        )

    def type(self, keys: str, history: Path | None = None, until_sent: int = 0) -> None:
        """Type `keys` into a real prompt-toolkit session; then the input ends (as
        Ctrl-D does), once `until_sent` requests have reached the server."""
        import threading
        import time

        from prompt_toolkit.input import create_pipe_input
        from prompt_toolkit.output import DummyOutput

        with create_pipe_input() as inp:
            inp.send_text(keys)
            loop = threading.Thread(
                target=run_tty,
                args=(self.chat,),
                kwargs={"history_file": history, "input": inp, "output": DummyOutput()},
            )
            loop.start()
            deadline = time.monotonic() + 20
            while len(self.api.messages_requests) < until_sent and time.monotonic() < deadline:
                time.sleep(0.02)
            inp.close()
            loop.join(30)
        self.client.close()

    @property
    def sent(self) -> list[list[dict[str, Any]]]:
        return [r.body["messages"] for r in self.api.messages_requests]

    def saved(self, name: str | None = None) -> dict[str, Any]:
        return json.loads(session.path_for(name or self.chat.name).read_text())


@pytest.fixture
def env(home: Path, api: FakeAPI, monkeypatch: pytest.MonkeyPatch) -> FakeAPI:
    for key in list(__import__("os").environ):
        if key.startswith(("ANTHROPIC_", "CLAUDE_CLI_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("config", "data", "state", "cache"):
        monkeypatch.setenv(f"XDG_{name.upper()}_HOME", str(home / name))
    return api


def test_loop_sends_each_line_with_history_and_saves(env: FakeAPI) -> None:
    env.think_by_default = False  # plain-text replies: this test is not about thinking
    h = Harness(env)
    h.type("hello\rhow are you\r")
    assert h.out.getvalue() == "You said: hello\nYou said: how are you\n"
    assert h.sent[1] == [
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "You said: hello"},
        {"role": "user", "content": "how are you"},
    ]
    assert all(r.body.get("cache_control") == {"type": "ephemeral"} for r in env.messages_requests)
    saved = h.saved()
    assert [m["content"] for m in saved["messages"]] == [
        "hello",
        "You said: hello",
        "how are you",
        "You said: how are you",
    ]
    assert "session t (new)" in h.notes[0] and h.settings.model in h.notes[0]


def test_esc_enter_and_bracketed_paste_make_one_multiline_message(env: FakeAPI) -> None:
    h = Harness(env)
    h.type("first line" + ESC_ENTER + "second line\r" + PASTE.format("a\nb\nc") + "\r")
    assert [m[-1]["content"] for m in h.sent] == ["first line\nsecond line", "a\nb\nc"]


def test_ctrl_c_at_prompt_clears_the_line(env: FakeAPI) -> None:
    h = Harness(env)
    h.type("never sent\x03kept\r")
    assert [m[-1]["content"] for m in h.sent] == ["kept"]


def test_tab_completes_slash_commands(env: FakeAPI) -> None:
    h = Harness(env)
    h.type("/he\t\r")
    assert any("/retry" in n and "/undo" in n for n in h.notes)
    assert h.sent == []


def test_model_system_and_prefill(env: FakeAPI) -> None:
    h = Harness(env)
    h.type("/model claude-haiku-4-5\r/system Answer in French.\r/prefill Bonjour\rhi\ragain\r")
    first, second = env.messages_requests
    assert first.body["model"] == "claude-haiku-4-5"
    assert first.body["system"] == "Answer in French."
    assert first.body["messages"][-1] == {"role": "assistant", "content": "Bonjour"}
    # The prefill was for one reply only; the saved turn is prefill + continuation.
    assert second.body["messages"][-1] == {"role": "user", "content": "again"}
    assert second.body["messages"][1] == {"role": "assistant", "content": "BonjourYou said: hi"}
    saved = h.saved()
    assert saved["model"] == "claude-haiku-4-5" and saved["system"] == "Answer in French."
    assert h.out.getvalue().startswith("BonjourYou said: hi\n")


def test_retry_replaces_the_last_reply(env: FakeAPI) -> None:
    env.think_by_default = False  # plain-text replies: this test is not about thinking
    env.reply("first answer")
    env.reply("second answer")
    h = Harness(env)
    h.type("question\r/retry\r")
    assert h.sent[1] == [{"role": "user", "content": "question"}]
    msgs = h.saved()["messages"]
    assert msgs == [
        {"role": "user", "content": "question"},
        {"role": "assistant", "content": "second answer"},
    ]
    assert len(h.saved()["replies"]) == 2  # both replies were paid for


def test_undo_drops_the_last_exchange(env: FakeAPI) -> None:
    env.think_by_default = False  # plain-text replies: this test is not about thinking
    h = Harness(env)
    h.type("one\rtwo\r/undo\rthree\r")
    assert h.sent[2] == [
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": "You said: one"},
        {"role": "user", "content": "three"},
    ]
    assert [m["content"] for m in h.saved()["messages"]][-1] == "You said: three"


def test_clear_starts_a_new_session_and_keeps_the_old(env: FakeAPI) -> None:
    h = Harness(env)
    h.type("one\r/clear\rtwo\r")
    assert h.sent[1] == [{"role": "user", "content": "two"}]
    assert h.chat.name != "t"
    assert len(h.saved("t")["messages"]) == 2
    assert h.saved()["messages"][0]["content"] == "two"
    assert any("t stays on disk" in n for n in h.notes)


def test_save_copies_and_continues_in_the_copy(env: FakeAPI) -> None:
    h = Harness(env)
    h.type("one\r/save copy\rtwo\r/sessions\r")
    assert len(h.saved("t")["messages"]) == 2
    assert len(h.saved("copy")["messages"]) == 4
    listing = h.notes[-1]
    assert "* copy" in listing and "  t " in listing


def test_usage_shows_tokens_cache_reads_and_cost(env: FakeAPI) -> None:
    h = Harness(env)
    h.type("one\rtwo\r/usage\r")
    usage = h.notes[-1]
    totals = h.saved()["usage"]
    assert totals["cache_read_input_tokens"] > 0  # the second request read the first's cache
    assert f"cache {totals['cache_read_input_tokens']:,} read" in usage
    assert "$" in usage and "session t (2 replies)" in usage


def test_usage_for_a_model_without_a_price_says_so(env: FakeAPI) -> None:
    env.alias("my-gateway-alias", like="claude-sonnet-5-5")  # a name no price table knows
    h = Harness(env)
    h.type("/model my-gateway-alias\rhi\r/usage\r")
    assert "cost unknown (no price for my-gateway-alias)" in h.notes[-1], h.notes


def test_errors_are_shown_and_the_loop_goes_on(env: FakeAPI) -> None:
    env.think_by_default = False  # plain-text replies: this test is not about thinking
    env.fail(400, "invalid_request_error", "nope")
    h = Harness(env)
    h.type("bad\rgood\r/bogus\r")
    assert any("nope" in n for n in h.notes)
    assert any("unknown command /bogus" in n for n in h.notes)
    assert [m["content"] for m in h.saved()["messages"]] == ["good", "You said: good"]


def test_prefill_refused_by_chosen_model_is_a_clear_error(env: FakeAPI) -> None:
    h = Harness(env)
    h.type("/model claude-sonnet-5-5\r/prefill {\rhi\r")
    assert h.sent == []
    assert any("does not accept /prefill" in n for n in h.notes), h.notes


def _png_block(tmp_path: Path) -> dict[str, Any]:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 10, 10)).save(buf, "PNG")
    data = base64.b64encode(buf.getvalue()).decode()
    return {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": data}}


def test_image_attaches_to_next_message_and_is_stored_once(env: FakeAPI, tmp_path: Path) -> None:
    block = _png_block(tmp_path)
    loaded: list[str] = []

    def load(source: str, settings) -> dict[str, Any]:
        loaded.append(source)
        return block

    h = Harness(env, load_image=load)
    h.type("/image red.png\rwhat colour?\rand now?\r")
    assert loaded == ["red.png"]
    first = h.sent[0][-1]["content"]
    assert first[0] == block and first[1] == {"type": "text", "text": "what colour?"}
    assert h.sent[1][0]["content"][0] == block  # history carries the image inline
    assert h.sent[1][-1] == {"role": "user", "content": "and now?"}
    raw = session.path_for("t").read_text()
    assert block["source"]["data"] not in raw and "blob:sha256:" in raw
    assert len(list(session.blobs_dir().iterdir())) == 1


def test_image_without_loader_is_a_clear_error(env: FakeAPI, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "claude_cli.inputs.images", None)  # as if #4 were absent
    h = Harness(env)
    h.type("/image x.png\r")
    assert any("/image is not available" in n for n in h.notes)


def test_history_file_is_private_and_remembers(env: FakeAPI, tmp_path: Path) -> None:
    from claude_cli.commands.chat import history_path

    path = history_path()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    Harness(env).type("remember me\r", history=path)
    assert "remember me" in path.read_text()
    h = Harness(env, name="u")
    h.type("\x1b[A\r", history=path)  # Up recalls it
    assert h.sent[-1][-1]["content"] == "remember me"


def test_continuing_a_session_sends_its_history(env: FakeAPI) -> None:
    env.think_by_default = False  # plain-text replies: this test is not about thinking
    Harness(env).type("one\r")
    h = Harness(env)
    assert "(1 turn)" in h.chat.header()
    h.type("two\r")
    assert [m["content"] for m in h.sent[-1]] == ["one", "You said: one", "two"]


def test_ctrl_x_ctrl_e_edits_the_message_in_editor(
    env: FakeAPI, tmp_path: Path, monkeypatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\n"
        "path = sys.argv[1]\n"
        "text = open(path).read()\n"
        "open(path, 'w').write(text.strip() + ' (edited)\\nsecond line\\n')\n"
    )
    import sys

    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.delenv("VISUAL", raising=False)
    h = Harness(env)
    h.type("draft\x18\x05", until_sent=1)
    assert [m[-1]["content"] for m in h.sent] == ["draft (edited)\nsecond line"]


def test_a_chat_whose_session_was_renamed_continues_under_save(env: FakeAPI) -> None:
    env.think_by_default = False  # plain-text replies: this test is not about thinking
    import os
    import subprocess
    import sys

    h = Harness(env, name="rn1")
    h.chat.handle("msg one")
    cmd = [sys.executable, "-m", "claude_cli", "sessions", "rename", "rn1", "rn2"]
    assert subprocess.run(cmd, env=os.environ, capture_output=True).returncode == 0
    with pytest.raises(session.SessionError, match="renamed or deleted outside this chat"):
        h.chat.handle("msg two")
    assert len(env.messages_requests) == 1  # nothing was sent
    h.chat.handle("/save rn3")
    h.chat.handle("/retry")  # the kept message, with the whole conversation
    assert [m["content"] for m in h.saved("rn3")["messages"]] == [
        "msg one",
        "You said: msg one",
        "msg two",
        "You said: msg two",
    ]
    assert not session.path_for("rn1").exists()
    h.client.close()


def test_a_session_renamed_during_a_reply_is_recovered_and_save_keeps_the_reply(
    env: FakeAPI,
) -> None:
    env.think_by_default = False  # plain-text replies: this test is not about thinking
    import os
    import subprocess
    import sys

    h = Harness(env, name="mv1")
    h.chat.handle("msg one")
    cmd = [sys.executable, "-m", "claude_cli", "sessions", "rename", "mv1", "mv2"]

    def rename_meanwhile(body: dict[str, Any]) -> float:
        env.pace = None
        assert subprocess.run(cmd, env=os.environ, capture_output=True).returncode == 0
        return 0.0

    env.pace = rename_meanwhile
    with pytest.raises(session.SessionError) as e:
        h.chat.handle("msg two")  # paid, shown, kept in a recovery file
    assert "renamed or deleted while the reply was coming" in e.value.message
    assert "/save NAME continues this conversation" in (e.value.detail or "")
    assert not session.path_for("mv1").exists()  # not re-created
    h.chat.handle("/save mv3")
    assert [m["content"] for m in h.saved("mv3")["messages"]] == [
        "msg one",
        "You said: msg one",
        "msg two",
        "You said: msg two",
    ]
    assert len(env.messages_requests) == 2
    h.client.close()
