"""Today's API (December 2026): model-aware requests against a server playing each model.

Each test runs the real CLI against the fake server, which enforces the service's rules
per model (tests/fake_models.py); the `api` fixture fails any test whose CLI got a 400
it did not expect. "Before sending" is checked as: no POST reached the server.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import httpx
import pytest

from fakeapi import API_KEY

FOUR = ["claude-sonnet-5-5", "claude-opus-5-5", "claude-haiku-4-5", "claude-fable-5-2"]


def posts(api) -> int:
    return len(api.messages_requests)


def one_line_error(r) -> bool:
    return r.code != 0 and r.err.count("\n") == 1 and r.err.startswith("claude-cli: error:")


# -- the test server itself knows the rules --------------------------------------


def _post(api, body: dict, version: str = "2023-06-01") -> httpx.Response:
    headers = {"x-api-key": API_KEY, "anthropic-version": version}
    return httpx.post(f"{api.url}/v1/messages", json=body, headers=headers, timeout=10)


@pytest.mark.allow_invalid
@pytest.mark.parametrize(
    ("model", "extra", "message"),
    [
        (
            "claude-sonnet-5-5",
            {"thinking": {"type": "enabled", "budget_tokens": 2000}},
            '"thinking.type.enabled" is not supported for this model',
        ),
        ("claude-fable-5-2", {"thinking": {"type": "disabled"}}, "not supported"),
        ("claude-sonnet-5-5", {"thinking": {"type": "disabled"}}, "between_tools"),
        ("claude-haiku-4-5", {"thinking": {"type": "adaptive"}}, "adaptive"),
        ("claude-haiku-4-5", {"output_config": {"effort": "low"}}, "effort"),
        ("claude-opus-5-5", {"temperature": 0.5}, "`temperature` is deprecated for this model."),
        ("claude-haiku-4-5", {"temperature": 0.5, "top_p": 0.9}, "cannot both be specified"),
        ("claude-haiku-5-5", {"output_config": {"effort": "max"}}, "low, medium, high"),
    ],
)
def test_fake_refuses_what_the_service_refuses(api, model, extra, message) -> None:
    body = {"model": model, "max_tokens": 100, "messages": [{"role": "user", "content": "q"}]}
    r = _post(api, {**body, **extra})
    assert r.status_code == 400 and message in r.json()["error"]["message"]


@pytest.mark.allow_invalid
def test_fake_refuses_system_messages_and_prefill_where_the_service_does(api) -> None:
    convo = [{"role": "user", "content": "q"}, {"role": "system", "content": "Be brief"}]
    r = _post(api, {"model": "claude-haiku-4-5", "max_tokens": 9, "messages": convo})
    assert r.json()["error"]["message"] == "role 'system' is not supported on this model"
    assert _post(api, {"model": "claude-opus-4-8", "max_tokens": 9, "messages": convo}).is_success
    prefill = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "A"}]
    r = _post(api, {"model": "claude-opus-4-6", "max_tokens": 9, "messages": prefill})
    assert "does not support assistant message prefill" in r.json()["error"]["message"]
    r = _post(
        api,
        {"model": "claude-haiku-4-5", "max_tokens": 9, "temperature": 1, "messages": convo[:1]},
        "2026-10-21",
    )
    assert r.status_code == 400


def test_fake_serves_models_with_capabilities(api) -> None:
    headers = {"x-api-key": API_KEY, "anthropic-version": "2023-06-01"}
    got = httpx.get(f"{api.url}/v1/models/claude-haiku-4-5", headers=headers).json()
    assert (got["max_input_tokens"], got["max_tokens"]) == (200_000, 64_000)
    caps = got["capabilities"]
    assert caps["thinking"]["types"] == {
        "adaptive": {"supported": False},
        "enabled": {"supported": True},
    }
    assert caps["effort"]["max"] == {"supported": False}
    assert httpx.get(f"{api.url}/v1/models/claude-nope", headers=headers).status_code == 404


# -- thinking ------------------------------------------------------------------------


@pytest.mark.parametrize("model", FOUR)
def test_think_asks_the_way_each_model_takes_it(api, run, model) -> None:
    api.reply("42")
    r = run("ask", "-m", model, "--think", "q")
    assert (r.code, r.out) == (0, "42\n"), r.err
    body = api.last_body
    if model == "claude-haiku-4-5":
        assert body["thinking"] == {"type": "enabled", "budget_tokens": 4096}
        assert body["max_tokens"] > 4096  # room for the answer
    else:
        assert body["thinking"] == {"type": "adaptive"}
    assert body["messages"][0]["content"] == "q"


@pytest.mark.parametrize("where", ["config", "env"])
def test_a_max_tokens_default_grows_to_make_room_for_thinking(api, run, home, where) -> None:
    """The README's example config (max_tokens = 1000) must not break --think."""
    env = {}
    if where == "config":
        (home / "config" / "claude-cli").mkdir(parents=True, exist_ok=True)
        (home / "config" / "claude-cli" / "config.toml").write_text("max_tokens = 1000\n")
    else:
        env["CLAUDE_CLI_MAX_TOKENS"] = "1000"
    r = run("ask", "-m", "claude-haiku-4-5", "--think", "q", env=env)
    assert r.code == 0, r.err
    assert api.last_body["thinking"] == {"type": "enabled", "budget_tokens": 4096}
    assert api.last_body["max_tokens"] == 4096 + 1000
    flag = run("ask", "-m", "claude-haiku-4-5", "--think", "--max-tokens", "1000", "q")
    assert flag.code == 2 and "must be below --max-tokens (1000)" in flag.err


def test_think_budget_is_refused_for_adaptive_models_before_sending(api, run) -> None:
    r = run("ask", "-m", "claude-sonnet-5-5", "--think-budget", "2000", "q")
    assert one_line_error(r) and r.code == 2
    assert "adaptive thinking: use --think" in r.err
    assert posts(api) == 0


@pytest.mark.parametrize(
    ("model", "ok", "said"),
    [
        ("claude-fable-5-2", False, "lowest it allows is adaptive thinking at --effort low"),
        ("claude-opus-5-5", False, "cannot turn thinking off"),
        ("claude-sonnet-5-5", False, "between_tools"),
        ("claude-haiku-4-5", True, ""),
        ("claude-haiku-5-5", True, ""),
    ],
)
def test_no_think(api, run, model, ok, said) -> None:
    r = run("ask", "-m", model, "--no-think", "q")
    if ok:
        assert r.code == 0, r.err
        assert api.last_body["thinking"] == {"type": "disabled"}
    else:
        assert one_line_error(r) and said in r.err
        assert posts(api) == 0


@pytest.mark.parametrize("model", ["claude-sonnet-5-5", "claude-opus-5-5", "claude-fable-5-2"])
def test_show_thinking_asks_for_the_summary_and_prints_it_on_stderr(api, run, model) -> None:
    api.reply("answer", thinking="weighing it up")
    r = run("ask", "-m", model, "--show-thinking", "q")
    assert r.code == 0, r.err
    assert api.last_body["thinking"] == {"type": "adaptive", "display": "summarized"}
    assert r.out == "answer\n"
    assert "weighing it up" in r.err


def test_show_thinking_on_a_budget_model_with_think(api, run) -> None:
    api.reply("answer", thinking="hmm")
    r = run("ask", "-m", "claude-haiku-4-5", "--think", "--show-thinking", "q")
    assert r.code == 0, r.err
    assert api.last_body["thinking"]["display"] == "summarized"
    assert "hmm" in r.err


def test_show_thinking_on_a_budget_model_asks_for_thinking_as_think_does(api, run) -> None:
    """A budget-only model thinks only when asked: --show-thinking alone asks (the budget
    --think gives there), rather than silently showing nothing."""
    api.reply("ans", thinking="hm")
    r = run("ask", "-m", "claude-haiku-4-5", "--show-thinking", "q")
    assert r.code == 0, r.err
    assert r.out == "ans\n" and "hm" in r.err
    assert api.last_body["thinking"] == {
        "type": "enabled",
        "budget_tokens": 4096,
        "display": "summarized",
    }
    assert api.last_body["max_tokens"] == 4096 + 4096
    flag = run("ask", "-m", "claude-haiku-4-5", "--show-thinking", "--max-tokens", "900", "q")
    assert one_line_error(flag)
    assert "thinking's 4096-token budget must be below --max-tokens (900)" in flag.err
    # Prefill picks Haiku 4.5, where showing thinking would mean thinking: said, not sent.
    both = run("ask", "--prefill", "The answer is", "--show-thinking", "q")
    assert one_line_error(both) and "--show-thinking and --prefill do not go together" in both.err
    assert posts(api) == 1


def test_show_thinking_on_a_budget_model_in_chat(api, run) -> None:
    api.reply("one", thinking="first thought")
    api.reply("two", thinking="second thought")
    lines = ["a", "/think off", "b"]
    r = run("chat", "-m", "claude-haiku-4-5", "--show-thinking", input="\n".join(lines) + "\n")
    assert r.code == 0, r.err
    first, second = (q.body for q in api.messages_requests)
    assert first["thinking"] == {"type": "enabled", "budget_tokens": 4096, "display": "summarized"}
    assert second["thinking"] == {"type": "disabled"}
    assert "first thought" in r.err


def test_a_grown_max_tokens_stays_within_the_models_max_output(api, run) -> None:
    # Haiku 4.5 writes at most 64K tokens: a 60,000 budget + the 4,096 default would be
    # refused by the service, so max_tokens stops at the model's ceiling.
    r = run("ask", "-m", "claude-haiku-4-5", "--think-budget", "60000", "q")
    assert r.code == 0, r.err
    assert api.last_body["max_tokens"] == 64_000
    r = run("ask", "-m", "claude-haiku-4-5", "--think-budget", "64000", "q")
    assert one_line_error(r) and "claude-haiku-4-5's max output of 64,000 tokens" in r.err
    assert posts(api) == 1


# -- effort ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["claude-sonnet-5-5", "claude-opus-5-5", "claude-fable-5-2"])
def test_effort_goes_to_output_config(api, run, model) -> None:
    r = run("ask", "-m", model, "--effort", "xhigh", "q")
    assert r.code == 0, r.err
    assert api.last_body["output_config"] == {"effort": "xhigh"}


def test_effort_a_model_lacks_is_an_error_naming_the_levels_it_has(api, run) -> None:
    r = run("ask", "-m", "claude-haiku-5-5", "--effort", "max", "q")
    assert one_line_error(r) and r.code == 2
    assert "--effort max: claude-haiku-5-5 takes low, medium, high" in r.err
    r = run("ask", "-m", "claude-haiku-4-5", "--effort", "low", "q")
    assert one_line_error(r) and "does not take an effort level" in r.err
    r = run("ask", "--effort", "extreme", "q")
    assert one_line_error(r) and "low, medium, high, xhigh, max" in r.err
    assert posts(api) == 0


# -- sampling and prefill ------------------------------------------------------------------


@pytest.mark.parametrize("model", FOUR)
def test_temperature_is_sent_only_where_it_is_taken(api, run, model) -> None:
    r = run("ask", "-m", model, "--temperature", "0.5", "q")
    if model == "claude-haiku-4-5":
        assert r.code == 0, r.err
        assert api.last_body["temperature"] == 0.5
    else:
        assert one_line_error(r) and r.code == 2
        assert f"{model} does not take --temperature" in r.err
        assert posts(api) == 0


def test_top_p_and_top_k(api, run) -> None:
    assert run("ask", "-m", "claude-haiku-4-5", "--top-p", "0.9", "--top-k", "40", "q").code == 0
    assert (api.last_body["top_p"], api.last_body["top_k"]) == (0.9, 40)
    sent = posts(api)
    r = run("ask", "-m", "claude-haiku-4-5", "--top-p", "0.9", "--temperature", "0.2", "q")
    assert one_line_error(r) and "not both" in r.err
    r = run("ask", "-m", "claude-opus-5-5", "--top-k", "5", "q")
    assert one_line_error(r) and "--top-k" in r.err
    assert posts(api) == sent


@pytest.mark.parametrize("model", FOUR)
def test_prefill_succeeds_or_fails_before_sending(api, run, model) -> None:
    api.reply("C) Formicidae")
    r = run("ask", "-m", model, "--max-tokens", "1", "--prefill", "The answer is (", "q")
    if model == "claude-haiku-4-5":
        assert (r.code, r.out) == (0, "The answer is (C\n"), r.err
    else:
        assert one_line_error(r) and f"{model} does not accept --prefill" in r.err
        assert posts(api) == 0


def test_guide_prefill_example_still_uses_the_fallback(api, run) -> None:
    api.reply("C) Formicidae")
    r = run("ask", "--max-tokens", "1", "--prefill", "The answer is (", "q")
    assert (r.code, r.out) == (0, "The answer is (C\n")
    assert api.last_body["model"] == "claude-haiku-4-5"


# -- capabilities: asked once, cached for a day, never when not needed ---------------------


def cache_files(home: Path) -> list[Path]:
    return sorted((home / "cache" / "claude-cli").glob("models-*.json"))


def test_capabilities_are_fetched_once_and_cached_privately(api, run, home) -> None:
    assert run("ask", "q").code == 0
    assert api.models_requests == []  # a plain question needs no capabilities
    assert run("ask", "--effort", "low", "q").code == 0
    assert [r.path for r in api.models_requests] == ["/v1/models/claude-sonnet-5-5"]
    (path,) = cache_files(home)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert run("ask", "--think", "--effort", "high", "q").code == 0
    assert len(api.models_requests) == 1  # fresh cache: nothing extra
    assert len(api.messages_requests) == 3


def test_a_stale_cache_is_asked_again(api, run, home) -> None:
    assert run("ask", "--effort", "low", "q").code == 0
    (path,) = cache_files(home)
    data = json.loads(path.read_text())
    for entry in data["models"].values():
        entry["at"] -= 2 * 24 * 3600
    path.write_text(json.dumps(data))
    assert run("ask", "--effort", "low", "q").code == 0
    assert len(api.models_requests) == 2


def test_gateway_without_models_route_uses_the_built_in_table(api, run, home) -> None:
    api.models_route = False
    r = run("ask", "-m", "claude-haiku-5-5", "--effort", "max", "q")
    assert one_line_error(r) and "takes low, medium, high" in r.err
    assert posts(api) == 0
    assert run("ask", "-m", "claude-haiku-5-5", "--effort", "high", "q").code == 0
    assert len(api.models_requests) == 1  # the 404 is remembered too


def test_dry_run_asks_nothing(api, run) -> None:
    r = run("ask", "--dry-run", "--think", "--effort", "high", "q")
    assert r.code == 0, r.err
    assert json.loads(r.out)["thinking"] == {"type": "adaptive"}
    assert api.requests == []


@pytest.mark.allow_invalid
def test_a_capability_shaped_400_refreshes_the_cache(api, run, home) -> None:
    # The service's listing claims haiku-5-5 takes "max", but the model refuses it.
    for m in api.models:
        if m["id"] == "claude-haiku-5-5":
            m["capabilities"]["effort"]["max"] = {"supported": True}
    r = run("ask", "-m", "claude-haiku-5-5", "--effort", "max", "q")
    assert r.code == 1 and "400" in r.err and "will ask the service again" in r.err
    assert json.loads(cache_files(home)[0].read_text())["models"] == {}
    for m in api.models:
        if m["id"] == "claude-haiku-5-5":
            m["capabilities"]["effort"]["max"] = {"supported": False}
    r = run("ask", "-m", "claude-haiku-5-5", "--effort", "max", "q")
    assert one_line_error(r) and r.code == 2 and len(api.models_requests) == 2


# -- refusals and stop reasons -----------------------------------------------------------


@pytest.mark.parametrize("stream", [True, False])
def test_refusal_shows_its_details_and_exits_7(api, run, stream) -> None:
    details = {"type": "refusal", "category": "cyber", "explanation": "Not going to help."}
    api.reply("I can't", stop_reason="refusal", stop_details=details)
    r = run("ask", "-S", "r", "q", *([] if stream else ["--no-stream"]))
    assert r.code == 7
    assert r.out == "I can't\n"
    assert "declined to answer (refusal): cyber — Not going to help." in r.err
    assert run("sessions", "show", "r").code == 0  # the paid reply was kept


REFUSAL = {"type": "refusal", "category": "cyber", "explanation": "Nope."}


def test_a_refusal_ends_a_piped_chat_with_exit_7(api, run, home) -> None:
    api.reply("fine")
    api.reply("I can't", stop_reason="refusal", stop_details=REFUSAL)
    r = run("chat", "-S", "rc", input="hello\nbad\nafter\n")
    assert r.code == 7, r.err
    assert r.out == "fine\nI can't\n"
    assert r.err.count("declined to answer (refusal): cyber — Nope.") == 1
    assert posts(api) == 2  # the line after the refusal was not sent
    assert [m["role"] for m in load(home, "rc")["messages"]] == ["user", "assistant"] * 2


def test_a_refusal_at_the_chat_prompt_is_a_note_and_the_chat_goes_on(api, cli_env) -> None:
    import pexpect

    from terminal import spawn

    api.reply("I can't", stop_reason="refusal", stop_details=REFUSAL)
    api.reply("Sure.")
    child = spawn(["chat"], {**cli_env, "PROMPT_TOOLKIT_NO_CPR": "1"}, rows=24, cols=80)
    child.expect("Ctrl-D to quit")
    child.expect("›")
    child.send("bad\r")
    child.expect("declined to answer")
    child.expect("›")
    child.send("good\r")
    child.expect("Sure.")
    child.expect("›")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert posts(api) == 2


@pytest.mark.parametrize(
    ("reason", "words"),
    [("pause_turn", "ask again"), ("model_context_window_exceeded", "context window")],
)
def test_new_stop_reasons_are_explained(api, run, reason, words) -> None:
    api.reply("partial", stop_reason=reason)
    r = run("ask", "q")
    assert r.code == 0 and words in r.err


# -- API versions --------------------------------------------------------------------------


def test_version_2026_10_21_end_to_end(api, run) -> None:
    env = {"CLAUDE_CLI_API_VERSION": "2026-10-21"}
    api.reply("fine", thinking="x")
    r = run("ask", "--think", "--effort", "high", "--show-thinking", "q", env=env)
    assert r.code == 0, r.err
    assert api.messages_requests[-1].headers["anthropic-version"] == "2026-10-21"
    r = run("ask", "-m", "claude-haiku-4-5", "--temperature", "0", "q", env=env)
    assert one_line_error(r) and "2026-10-21" in r.err


NEW_VERSION = {"CLAUDE_CLI_API_VERSION": "2026-10-21"}


def _versions(requests) -> set[str]:
    return {q.headers["anthropic-version"] for q in requests}


def test_describe_image_under_2026_10_21(api, run, tmp_path) -> None:
    r = run("describe-image", "--think", "--effort", "low", str(_png(tmp_path)), env=NEW_VERSION)
    assert r.code == 0, r.err
    assert "saw image/png 40x30" in r.out
    assert _versions(api.messages_requests) == {"2026-10-21"}
    r = run(
        "describe-image", "-m", "claude-haiku-4-5", "--think", str(_png(tmp_path)), env=NEW_VERSION
    )
    assert r.code == 0, r.err
    assert api.last_body["thinking"] == {"type": "enabled", "budget_tokens": 4096}
    assert _versions(api.messages_requests) == {"2026-10-21"}


def test_batch_submit_under_2026_10_21(api, run, tmp_path) -> None:
    src = tmp_path / "qs.jsonl"
    src.write_text(json.dumps("What is 2+2?") + "\n" + json.dumps({"prompt": "Peru?"}) + "\n")
    r = run("batch", "submit", "--think", "--wait", "--interval", "0.01", str(src), env=NEW_VERSION)
    assert r.code == 0, r.err
    assert _versions(api.batch_creates) == {"2026-10-21"}
    out = tmp_path / "answers.jsonl"
    r = run("batch", "results", "qs", "-o", str(out), env=NEW_VERSION)
    assert r.code == 0, r.err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["text"] for row in rows] == ["You said: What is 2+2?", "You said: Peru?"]
    r = run("batch", "submit", "--temperature", "0.5", "--new", str(src), env=NEW_VERSION)
    assert (
        r.code == 2 and "--temperature is not accepted under anthropic-version 2026-10-21" in r.err
    )
    assert len(api.batch_creates) == 1


def test_chat_and_tokens_under_2026_10_21(api, run) -> None:
    lines = ["one", "/system Be brief.", "two", "/model claude-haiku-4-5", "three"]
    r = run("chat", "-S", "v", "--think", input="\n".join(lines) + "\n", env=NEW_VERSION)
    assert r.code == 0, r.err
    assert posts(api) == 3 and _versions(api.messages_requests) == {"2026-10-21"}
    r = run("tokens", "-S", "v", "and four?", env=NEW_VERSION)
    assert r.code == 0, r.err
    assert int(r.out) > 0
    counts = [q for q in api.requests if q.path == "/v1/messages/count_tokens"]
    assert _versions(counts) == {"2026-10-21"}


# -- sessions that survive the prefix check ------------------------------------------------


def load(home: Path, name: str) -> dict:
    return json.loads((home / "data" / "claude-cli" / "sessions" / f"{name}.json").read_text())


TEN_TURNS = [
    "one",
    "two",
    "/system Be brief.",
    "three",
    "/model claude-opus-5-5",
    "four",
    "/system Speak like a pirate.",
    "five",
    "/model claude-haiku-4-5",
    "six",
    "/model claude-fable-5-2",
    "seven",
    "/system -",
    "eight",
    "/model claude-sonnet-5-5",
    "nine",
    "/model claude-fable-5-2",
    "ten",
]


@pytest.mark.parametrize("start", FOUR)
def test_ten_turn_chat_with_thinking_changing_system_and_model(api, run, home, start) -> None:
    args = ["chat", "-S", "long", "-m", start, "-s", "You are kind.", "--think"]
    r = run(*args, input="\n".join(TEN_TURNS) + "\n")
    assert r.code == 0, r.err
    bodies = [q.body for q in api.messages_requests]
    assert len(bodies) == 10
    assert bodies[0]["model"] == start
    # The top-level system prompt never changes: it is the thinking blocks' prefix.
    assert {b["system"] for b in bodies} == {"You are kind."}
    # Each request sends the stored conversation exactly as it stands (append-only)...
    doc = load(home, "long")
    haiku = [b for b in bodies if b["model"] == "claude-haiku-4-5"]
    for b in bodies:
        if b["model"] != "claude-haiku-4-5":
            assert b["messages"] == doc["messages"][: len(b["messages"])]
    # ...except to Haiku 4.5, which takes no system messages: for that request only, they
    # travel inside the user turn they followed (Haiku runs no prefix check).
    for h in haiku:
        assert all(m["role"] != "system" for m in h["messages"])
        assert h["thinking"]["type"] == "enabled"
    six = haiku[-1]  # turn six, after /model claude-haiku-4-5
    said = [
        b["text"]
        for m in six["messages"]
        if m["role"] == "user" and isinstance(m["content"], list)
        for b in m["content"]
    ]
    assert any(t.endswith("Be brief.") for t in said)
    assert any(t.endswith("Speak like a pirate.") for t in said)
    assert "earlier ones are sent inside the user turns they followed" in r.err
    # Thinking blocks went back exactly as they came, signatures and empty text included.
    last = bodies[-1]["messages"]
    thoughts = [
        b
        for m in last
        if m["role"] == "assistant" and isinstance(m["content"], list)
        for b in m["content"]
        if b["type"] == "thinking"
    ]
    assert len(thoughts) == 9 and all(t["signature"] for t in thoughts)
    # /system became mid-conversation system messages where the model takes them (started
    # on Haiku 4.5, the first one opened the next user turn instead)...
    systems = [m["content"] for m in last if m["role"] == "system"]
    expected = ["Be brief.", "Speak like a pirate.", "Disregard the earlier system instructions."]
    assert systems == (expected[1:] if start == "claude-haiku-4-5" else expected)
    assert "switched from claude-opus-5-5 to claude-haiku-4-5" in r.err
    assert doc["system"] == "You are kind."
    assert doc["messages"] == [*last, doc["messages"][-1]]
    assert [m["role"] for m in doc["messages"]].count("system") == len(systems)
    # Fable 5.2 rejects a changed prefix (a 400, which the fixture fails on); the others
    # drop such a block silently: none was.
    assert not [d for d in api.dropped if "prefix changed" in d]


def test_system_change_on_a_model_without_system_messages_opens_the_next_turn(
    api, run, home
) -> None:
    lines = ["one", "/system Answer in French.", "two"]
    r = run("chat", "-S", "h", "-m", "claude-haiku-4-5", input="\n".join(lines) + "\n")
    assert r.code == 0, r.err
    assert "does not take mid-conversation system messages" in r.err
    turn = api.last_body["messages"][-1]
    assert turn["role"] == "user"
    assert turn["content"][0]["text"].endswith("Answer in French.")
    assert turn["content"][1] == {"type": "text", "text": "two"}
    assert "system" not in api.last_body  # the first prompt (none) was not rewritten
    assert load(home, "h")["messages"][-2] == turn


def test_a_later_ask_with_s_adds_a_system_message(api, run, home) -> None:
    fable = ("-m", "claude-fable-5-2")
    assert run("ask", "-S", "s", *fable, "-s", "Be kind.", "--think", "one").code == 0
    r = run("ask", "-S", "s", "-s", "Be terse.", "--think", "two")
    assert r.code == 0, r.err  # the old rewrite of `system` failed Fable 5.2's prefix check
    assert "the new system prompt goes after your message as a mid-conversation" in r.err
    body = api.last_body
    assert body["system"] == "Be kind."
    assert body["messages"][-1] == {"role": "system", "content": "Be terse."}
    assert body["messages"][-2] == {"role": "user", "content": "two"}
    doc = load(home, "s")
    assert [m["role"] for m in doc["messages"]] == [
        "user",
        "assistant",
        "user",
        "system",
        "assistant",
    ]
    # The same prompt again is no change: nothing more is added.
    r = run("ask", "-S", "s", "-s", "Be terse.", "--think", "three")
    assert r.code == 0 and "system prompt" not in r.err, r.err
    assert [m["role"] for m in api.last_body["messages"]].count("system") == 1


def test_redacted_thinking_goes_back_as_it_came(api, run, home) -> None:
    fable = ("-m", "claude-fable-5-2", "--think")
    api.reply("one", redacted=True)
    assert run("ask", "-S", "red", *fable, "a").code == 0
    stored = load(home, "red")["messages"][1]["content"]
    assert [b["type"] for b in stored] == ["thinking", "redacted_thinking", "text"]
    r = run("ask", "-S", "red", *fable, "b")
    assert r.code == 0, r.err
    assert api.last_body["messages"][1]["content"] == stored
    assert api.dropped == []  # every block passed the check


@pytest.mark.allow_invalid
def test_the_prefix_check_catches_a_rewritten_history(api, run, home) -> None:
    fable = ("-m", "claude-fable-5-2", "--think")
    assert run("ask", "-S", "p", *fable, "-s", "Be kind.", "one").code == 0
    path = home / "data" / "claude-cli" / "sessions" / "p.json"
    doc = json.loads(path.read_text())
    doc["messages"][0]["content"] = "one, edited"
    path.write_text(json.dumps(doc))
    r = run("ask", "-S", "p", *fable, "two")
    assert r.code == 1 and "bound to a different conversation" in r.err


def test_a_session_from_the_previous_version_still_works(api, run, home) -> None:
    folder = home / "data" / "claude-cli" / "sessions"
    folder.mkdir(parents=True)
    old = {
        "format": "claude-cli-session",
        "version": 1,
        "name": "old",
        "created": "2026-11-01T10:00:00Z",
        "updated": "2026-11-01T10:00:00Z",
        "model": "claude-sonnet-5-5",
        "system": "Be kind.",
        "usage": {},
        "replies": [],
        "messages": [
            {"role": "user", "content": "hi"},
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": "pondering", "signature": "c2ln"},
                    {"type": "text", "text": "Hello"},
                ],
            },
        ],
    }
    (folder / "old.json").write_text(json.dumps(old))
    for extra in ([], ["-m", "claude-fable-5-2", "--think"], ["-s", "Be terse."]):
        r = run("ask", "-S", "old", *extra, "more")
        assert r.code == 0, r.err
        assert api.last_body["messages"][1] == old["messages"][1]
        assert api.last_body["system"] == "Be kind."


# -- the thinking status on a terminal -------------------------------------------------------


def test_terminal_shows_thinking_status_even_for_empty_thinking(api, cli_env) -> None:
    from terminal import read_all, spawn

    api.think_by_default = True  # Sonnet 5.5 thinks; its thinking text is omitted
    api.reply("The answer.")
    screen = read_all(spawn(["ask", "q"], cli_env))
    assert "✻ thought" in screen.text
    assert "The answer." in screen.text
    assert api.last_body.get("thinking") is None


# -- the same options in chat and describe-image ------------------------------------------


def test_chat_effort_and_think_commands(api, run) -> None:
    lines = ["/effort high", "/think off", "one", "/think on", "/effort -", "two"]
    r = run("chat", "-S", "c", "-m", "claude-haiku-5-5", input="\n".join(lines) + "\n")
    assert r.code == 0, r.err
    first, second = (q.body for q in api.messages_requests)
    assert first["output_config"] == {"effort": "high"}
    assert first["thinking"] == {"type": "disabled"}
    assert second["thinking"] == {"type": "adaptive"} and "output_config" not in second


def test_chat_effort_the_model_lacks_is_refused(api, run) -> None:
    r = run("chat", "-S", "c", "-m", "claude-haiku-5-5", input="/effort max\nhello\n")
    assert r.code == 2 and "claude-haiku-5-5 takes low, medium, high" in r.err
    assert posts(api) == 0


def test_chat_flags_apply_to_every_turn(api, run) -> None:
    r = run("chat", "-S", "c", "-m", "claude-opus-5-5", "--effort", "low", input="a\nb\n")
    assert r.code == 0, r.err
    assert [q.body["output_config"] for q in api.messages_requests] == [{"effort": "low"}] * 2


def _png(tmp_path: Path) -> Path:
    from PIL import Image

    path = tmp_path / "dot.png"
    Image.new("RGB", (40, 30), (255, 0, 0)).save(path)
    return path


def test_describe_image_takes_effort_and_think(api, run, tmp_path) -> None:
    image = str(_png(tmp_path))
    r = run("describe-image", "--think", "--effort", "low", image)
    assert r.code == 0, r.err
    assert api.last_body["thinking"] == {"type": "adaptive"}
    assert api.last_body["output_config"] == {"effort": "low"}
    sent = posts(api)
    r = run("describe-image", "-m", "claude-haiku-4-5", "--effort", "low", image)
    assert one_line_error(r) and "does not take an effort level" in r.err
    assert posts(api) == sent


def test_system_set_then_clear_starts_the_new_conversation_with_it(api, run) -> None:
    lines = ["one", "/system Be brief.", "/clear", "two"]
    r = run("chat", "-S", "k", "-m", "claude-opus-5-5", input="\n".join(lines) + "\n")
    assert r.code == 0, r.err
    assert api.last_body["system"] == "Be brief."
    assert api.last_body["messages"] == [{"role": "user", "content": "two"}]


def test_a_gateway_without_capabilities_falls_back_to_the_built_in_table(api, run) -> None:
    """A /v1/models/{id} answer without `capabilities` must not read as "supports nothing"."""
    api.models = [
        {k: v for k, v in m.items() if k != "capabilities"}
        for m in api.models
        if m["id"] == "claude-sonnet-5-5"
    ]
    result = run("ask", "--effort", "low", "--think", "hi")
    assert result.code == 0, result.err
    assert api.last_body["output_config"] == {"effort": "low"}
    assert api.last_body["thinking"]["type"] == "adaptive"
    again = run("ask", "--effort", "low", "hi")  # and the cached answer does not either
    assert again.code == 0, again.err


def test_max_tokens_above_the_models_max_output_is_refused_or_fitted(api, run, home) -> None:
    # Given on the command line: an error before sending, naming the model's most.
    r = run("ask", "--max-tokens", "200000", "hi")
    assert r.code == 2 and not api.messages_requests, r.err  # (its capabilities were asked)
    assert "--max-tokens 200000 is above claude-sonnet-5-5's max output of 128,000" in r.err
    # A general default (config.toml) larger than a smaller model's most is fitted to it.
    config = home / "config" / "claude-cli" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("max_tokens = 100000\n")
    r = run("ask", "-m", "claude-haiku-4-5", "--no-save", "hi")
    assert r.code == 0, r.err
    assert api.last_body["max_tokens"] == 64000
    assert run("ask", "--no-save", "hi").code == 0
    assert api.last_body["max_tokens"] == 100000  # within Sonnet 5.5's 128,000


def test_chat_think_says_show_thinking_turned_thinking_on(api, run) -> None:
    r = run("chat", "--show-thinking", "-m", "claude-haiku-4-5", input="/think\n")
    assert r.code == 0, r.err
    assert "thinking: on (--show-thinking asks for it" in r.err
    assert "the model default" not in r.err
