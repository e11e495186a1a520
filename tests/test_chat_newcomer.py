"""Chat for a newcomer (issue 11): a failed message is kept for /retry, Tab completes
paths and model ids, /model NAME is checked, `chat -S x` shows where it stands."""

from __future__ import annotations

import json
from pathlib import Path

import pexpect

from terminal import spawn

PROMPT = "›"


def _chat(cli_env: dict[str, str], *args: str) -> pexpect.spawn:
    child = spawn(["chat", *args], {**cli_env, "PROMPT_TOOLKIT_NO_CPR": "1"}, rows=24, cols=100)
    child.expect("Ctrl-D to quit")
    child.expect(PROMPT)
    return child


def _quit(child: pexpect.spawn) -> None:
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()


def test_retry_resends_a_message_that_failed(api, cli_env, home):
    api.think_by_default = False  # plain-text replies: this test is not about thinking
    api.fail(400, "invalid_request_error", "injected fault")
    child = _chat(cli_env, "-S", "r", "--max-retries", "0")
    child.send("my precious question\r")
    child.expect("invalid_request_error")
    child.expect("your message is kept: /retry sends it again")
    child.expect(PROMPT)
    child.send("/retry\r")
    child.expect("You said: my precious question")
    child.expect(PROMPT)
    _quit(child)
    assert [m["content"] for m in api.last_body["messages"]] == ["my precious question"]
    doc = json.loads((home / "data/claude-cli/sessions/r.json").read_text())
    assert [m["content"] for m in doc["messages"]] == [
        "my precious question",
        "You said: my precious question",
    ]


def test_tab_completes_paths_after_image_and_models_after_model(api, cli_env, tmp_path: Path):
    (tmp_path / "holiday-photo.png").write_bytes(b"x")
    child = _chat(cli_env, "-S", "t")
    child.send("/model claude-sonnet-4-")
    child.expect("claude-sonnet-4-")
    child.send("\t")
    child.expect("claude-sonnet-4-6")
    child.send("\r")
    child.expect("model: claude-sonnet-4-6")
    child.expect(PROMPT)
    child.send(f"/image {tmp_path}/holi")
    child.expect("holi")
    child.send("\t")
    child.expect("holiday-photo.png")
    child.close(force=True)


def test_an_unknown_model_gets_a_clear_note(api, cli_env):
    child = _chat(cli_env, "-S", "m")
    child.send("/model claude-sonet-5-5\r")
    child.expect("claude-sonet-5-5 is not a model claude-cli knows")
    child.expect("did you mean claude-sonnet-5-5")
    child.expect(PROMPT)
    _quit(child)


def test_opening_a_session_shows_its_last_turns(run, api, cli_env):
    for word in ("alpha", "bravo", "charlie"):
        assert run("ask", "-S", "old", word).code == 0
    child = _chat(cli_env, "-S", "old")
    screen = child.before or ""
    child.send("\r")
    _quit(child)
    assert "2 earlier messages" in screen
    assert "you: bravo" in screen and "claude: You said: charlie" in screen
    assert "alpha" not in screen


def test_a_model_the_service_said_it_does_not_have_still_gets_the_note(run, api, home):
    # /effort asks the service about the model; its 404 is cached as "not found".
    first = run("chat", "-S", "neg1", input="/model claude-zzz-9\n/effort high\n")
    assert "claude-zzz-9 is not a model claude-cli knows" in first.err, first.err
    cached = next((home / "cache" / "claude-cli").glob("models-*.json")).read_text()
    assert '"claude-zzz-9": {' in cached  # the negative entry the old code counted as known
    again = run("chat", "-S", "neg2", input="/model claude-zzz-9\n")
    assert "claude-zzz-9 is not a model claude-cli knows" in again.err, again.err
