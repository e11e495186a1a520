"""The test server plays the service as ../shared/api-notes.md states it (issue 10's audit,
F1-F7): each rule is checked with a request sent to it directly, and where the CLI could
break it, with the CLI too. A rule the fake does not enforce is a bug the suite cannot see."""

from __future__ import annotations

import httpx
import pytest

from fakeapi import API_KEY

TOOL = {"name": "lookup", "description": "Look a word up.", "input_schema": {"type": "object"}}


def _post(api, body: dict, version: str = "2023-06-01", path: str = "/v1/messages"):
    headers = {"x-api-key": API_KEY, "anthropic-version": version}
    return httpx.post(f"{api.url}{path}", json=body, headers=headers, timeout=10)


def _body(model: str) -> dict:
    return {"model": model, "max_tokens": 100, "messages": [{"role": "user", "content": "q"}]}


def _error(r: httpx.Response) -> str:
    assert r.status_code == 400, r.text
    return r.json()["error"]["message"]


# -- F1: max_tokens within the model's max output -----------------------------------------


@pytest.mark.allow_invalid
@pytest.mark.parametrize(
    ("model", "ceiling"), [("claude-haiku-4-5", 64_000), ("claude-opus-5-5", 128_000)]
)
def test_max_tokens_above_the_models_max_output_is_refused(api, model, ceiling) -> None:
    assert _post(api, {**_body(model), "max_tokens": ceiling}).is_success
    said = _error(_post(api, {**_body(model), "max_tokens": ceiling + 1}))
    assert said == (
        f"max_tokens: {ceiling + 1} > {ceiling}, which is the maximum allowed number of "
        f"output tokens for {model}"
    )


@pytest.mark.parametrize("model", ["claude-haiku-4-5", "claude-opus-4-5"])
def test_the_cli_never_grows_max_tokens_past_the_models_max_output(api, run, model) -> None:
    # A large budget from a config default: max_tokens grows for the answer, up to the ceiling.
    r = run("ask", "-m", model, "--think-budget", "63000", "q")
    assert r.code == 0, r.err
    assert api.last_body["max_tokens"] == 64_000


# -- F2: forced tool_choice -----------------------------------------------------------------


@pytest.mark.allow_invalid
@pytest.mark.parametrize(
    "model", ["claude-opus-5-5", "claude-sonnet-5-5", "claude-fable-5-1", "claude-fable-5-2"]
)
@pytest.mark.parametrize("choice", [{"type": "any"}, {"type": "tool", "name": "lookup"}])
def test_forced_tool_choice_is_refused_on_the_newest_models(api, model, choice) -> None:
    body = {**_body(model), "tools": [TOOL]}
    assert _post(api, {**body, "tool_choice": {"type": "auto"}}).is_success
    assert "forced tool use" in _error(_post(api, {**body, "tool_choice": choice}))


@pytest.mark.parametrize("model", ["claude-opus-5", "claude-haiku-4-5", "claude-haiku-5-5"])
def test_forced_tool_choice_is_taken_by_older_models(api, model) -> None:
    body = {**_body(model), "tools": [TOOL], "tool_choice": {"type": "any"}}
    assert _post(api, body).is_success


# -- F3, F4: what 2026-10-21 rejects in messages ------------------------------------------

DOCUMENT = {
    "type": "document",
    "source": {"type": "text", "media_type": "text/plain", "data": "A note."},
}
CITATION = {
    "type": "char_location",
    "cited_text": "A note.",
    "document_index": 0,
    "document_title": None,
    "start_char_index": 0,
    "end_char_index": 7,
}


@pytest.mark.allow_invalid
def test_2026_10_21_refuses_a_document_in_an_assistant_message(api) -> None:
    messages = [
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": [DOCUMENT, {"type": "text", "text": "a"}]},
        {"role": "user", "content": "more"},
    ]
    body = {**_body("claude-opus-5-5"), "messages": messages}
    assert _post(api, body).is_success
    said = _error(_post(api, body, "2026-10-21"))
    assert "messages.1.content.0" in said and "assistant messages" in said
    # In a user message a document is what it is for.
    user = {
        **body,
        "messages": [{"role": "user", "content": [DOCUMENT, {"type": "text", "text": "q"}]}],
    }
    assert _post(api, user, "2026-10-21").is_success


@pytest.mark.allow_invalid
def test_2026_10_21_refuses_citations_on_user_text(api) -> None:
    def asking(citations) -> dict:
        text = {"type": "text", "text": "As it says.", "citations": citations}
        return {**_body("claude-opus-5-5"), "messages": [{"role": "user", "content": [text]}]}

    assert _post(api, asking([CITATION])).is_success
    assert _post(api, asking([]), "2026-10-21").is_success  # empty is not "non-empty"
    said = _error(_post(api, asking([CITATION]), "2026-10-21"))
    assert said.startswith("messages.0.content.0.citations:")
    # The same rule for count_tokens (the notes: Messages, count_tokens and Batches alike).
    count = {k: v for k, v in asking([CITATION]).items() if k != "max_tokens"}
    r = _post(api, count, "2026-10-21", "/v1/messages/count_tokens")
    assert r.status_code == 400


def test_the_cli_under_2026_10_21_keeps_cited_replies_sendable(api, run, tmp_path) -> None:
    """A cited reply goes back in the assistant turn (allowed); a document only in user turns."""
    note = tmp_path / "note.txt"
    note.write_text("The meeting is at noon.")
    cited = {"type": "text", "text": "At noon.", "citations": [{**CITATION, "cited_text": "noon"}]}
    api.reply(blocks=[cited])
    api.reply("Yes.")
    env = {"CLAUDE_CLI_API_VERSION": "2026-10-21"}
    r = run("ask", "-S", "doc", "-a", str(note), "--cite", "When?", env=env)
    assert r.code == 0, r.err
    r = run("ask", "-S", "doc", "Sure?", env=env)
    assert r.code == 0, r.err
    sent = api.last_body["messages"]
    assert sent[1]["role"] == "assistant" and sent[1]["content"][-1]["citations"]


# -- F5: thinking on by default from Opus 5 on -------------------------------------------


@pytest.mark.parametrize(
    ("model", "thinks"),
    [
        ("claude-opus-5-5", True),
        ("claude-sonnet-5-5", True),
        ("claude-fable-5-2", True),
        ("claude-opus-5", True),
        ("claude-haiku-5-5", False),
        ("claude-haiku-4-5", False),
    ],
)
def test_thinking_is_on_when_omitted_from_opus_5_on(api, model, thinks) -> None:
    content = _post(api, _body(model)).json()["content"]
    assert (content[0]["type"] == "thinking") is thinks
    if thinks:  # display "omitted" is the default on the newest models: empty text
        assert content[0]["thinking"] == "" and content[0]["signature"]


def test_a_default_ask_session_sends_the_default_thinking_back(api, run, home) -> None:
    for words in ("one", "two"):
        r = run("ask", "-S", "d", "-m", "claude-fable-5-2", words)
        assert r.code == 0, r.err
        assert r.out == f"You said: {words}\n"  # no thinking on stdout
    first, second = (q.body for q in api.messages_requests)
    assert "thinking" not in first and "thinking" not in second
    echoed = second["messages"][1]["content"]
    assert echoed[0]["type"] == "thinking" and echoed[0]["signature"]
    assert api.dropped == []  # Fable 5.2 would 400 a changed prefix; nothing was dropped


# -- F6: the fake's own usage -------------------------------------------------------------


def test_usage_counts_thinking_tokens_as_output(api) -> None:
    plain = _post(api, {**_body("claude-haiku-4-5")}).json()["usage"]
    assert "output_tokens_details" not in plain
    thinking = {"type": "enabled", "budget_tokens": 1024}
    usage = _post(api, {**_body("claude-haiku-4-5"), "max_tokens": 2000, "thinking": thinking})
    usage = usage.json()["usage"]
    thought = usage["output_tokens_details"]["thinking_tokens"]
    assert thought > 0 and usage["output_tokens"] == plain["output_tokens"] + thought


def test_streamed_usage_counts_thinking_tokens_too(api, run) -> None:
    # message_delta carries output_tokens_details: the CLI's session keeps what it said.
    r = run("ask", "-S", "t", "-m", "claude-haiku-4-5", "--think", "q")
    assert r.code == 0, r.err
    shown = run("sessions", "show", "t")
    assert shown.code == 0, shown.err
    assert "thinking)" in shown.out.strip().splitlines()[-1]


@pytest.mark.parametrize(("ttl", "bucket"), [(None, "5m"), ("5m", "5m"), ("1h", "1h")])
def test_cache_writes_are_split_by_lifetime(api, ttl, bucket) -> None:
    control = {"type": "ephemeral", **({"ttl": ttl} if ttl else {})}
    usage = _post(api, {**_body("claude-opus-5-5"), "cache_control": control}).json()["usage"]
    written = usage["cache_creation_input_tokens"]
    assert written > 0
    other = "1h" if bucket == "5m" else "5m"
    assert usage["cache_creation"] == {
        f"ephemeral_{bucket}_input_tokens": written,
        f"ephemeral_{other}_input_tokens": 0,
    }
    assert "cache_creation" not in _post(api, _body("claude-opus-5-5")).json()["usage"]


# -- F7: the legacy ids the notes' table lists are served --------------------------------

LEGACY = [
    "claude-opus-5",
    "claude-sonnet-5",
    "claude-fable-5",
    "claude-opus-4-8",
    "claude-opus-4-7",
    "claude-opus-4-6",
    "claude-sonnet-4-6",
    "claude-haiku-4-5",
    "claude-haiku-4-5-20251001",
    "claude-opus-4-5-20251101",
]


@pytest.mark.parametrize("model", LEGACY)
def test_legacy_callable_models_are_served(api, model) -> None:
    assert _post(api, _body(model)).is_success
    headers = {"x-api-key": API_KEY, "anthropic-version": "2023-06-01"}
    got = httpx.get(f"{api.url}/v1/models/{model}", headers=headers, timeout=10)
    assert got.status_code == 200 and got.json()["id"] == model


def test_a_retired_model_is_not_served(api) -> None:
    r = _post(api, _body("claude-sonnet-4-5-20250929"))
    assert r.status_code == 404


def test_the_cli_asks_claude_fable_5(api, run) -> None:
    r = run("ask", "-m", "claude-fable-5", "--think", "--effort", "high", "q")
    assert r.code == 0, r.err
    assert api.last_body["model"] == "claude-fable-5"
    assert api.last_body["thinking"] == {"type": "adaptive"}
