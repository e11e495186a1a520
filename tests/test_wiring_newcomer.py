"""Wiring left by the hardening work: what session commands and describe-image print
on a terminal is made safe, describe-image --session checks the session before paying,
and image counts use the model's context window (ask) and the whole request (chat)."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

from PIL import Image

from terminal import read_all, spawn

EVIL = "a\x1b]0;pwned\x07b\u202ec"


def png(path: Path) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 200, 0)).save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return str(path)


def test_export_is_made_safe_on_a_terminal_and_exact_in_a_pipe(run, api, cli_env):
    messages = [{"role": "user", "content": EVIL}, {"role": "assistant", "content": "ok"}]
    assert run("sessions", "import", "e", "-", input=json.dumps(messages)).code == 0
    for fmt in ("markdown", "json"):
        screen = read_all(spawn(["sessions", "export", "e", "--format", fmt], cli_env))
        assert "\x1b]0;" not in screen.raw and "\u202e" not in screen.raw
        assert screen.title != "pwned"
    piped = run("sessions", "export", "e", "--format", "json")
    assert json.loads(piped.out)["messages"][0]["content"] == EVIL


def test_describe_json_lines_are_escaped_on_a_terminal(run, api, cli_env, tmp_path):
    api.reply("left\u202eright")
    image = png(tmp_path / "p.png")
    screen = read_all(spawn(["describe-image", "--json", image], cli_env))
    assert "\u202e" not in screen.raw
    assert "\\u202e" in screen.raw
    api.reply("left\u202eright")
    piped = run("describe-image", "--json", image)
    assert json.loads(piped.out)["text"] == "left\u202eright"


def test_describe_session_is_checked_before_anything_is_sent(run, api, home, tmp_path):
    folder = home / "data" / "claude-cli" / "sessions"
    folder.mkdir(parents=True)
    (folder / "broken.json").write_text("{not json")
    result = run("describe-image", "--session", "broken", png(tmp_path / "p.png"))
    assert result.code == 6, result.err
    assert "nothing was sent" in result.err
    assert api.messages_requests == []


def test_ask_counts_images_against_the_models_context(run, api, tmp_path):
    images = [png(tmp_path / f"p{i}.png") for i in range(101)]
    args = [a for path in images for a in ("-i", path)]
    # claude-sonnet-5-5 has a 1M context (built-in table): 600 images are allowed.
    result = run("ask", "-m", "claude-sonnet-5-5", *args, "count them")
    assert result.code == 0, result.err
    sent = api.last_body["messages"][-1]["content"]
    assert sum(b["type"] == "image" for b in sent) == 101
    small = run("ask", "-m", "claude-haiku-4-5", *args, "count them")
    assert small.code == 2 and "at most 100" in small.err
    assert len(api.messages_requests) == 1


def test_chat_counts_the_images_of_the_whole_request(run, api, tmp_path):
    data = base64.b64encode(Path(png(tmp_path / "h.png")).read_bytes()).decode()
    block = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": data}}
    messages = []
    for i in range(50):
        messages += [
            {"role": "user", "content": [block, block, {"type": "text", "text": f"q{i}"}]},
            {"role": "assistant", "content": f"a{i}"},
        ]
    assert run("sessions", "import", "many", "-", input=json.dumps(messages)).code == 0
    image = png(tmp_path / "one-more.png")
    result = run(
        "chat", "-S", "many", "-m", "claude-haiku-4-5", input=f"/image {image}\nand this?\n"
    )
    assert result.code == 2, result.err
    assert "101 images in one request" in result.err
    assert api.messages_requests == []
