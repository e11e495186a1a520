from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from claude_cli.request.payload import (
    clean_prefill,
    join_prompt,
    message_text,
)

SCHEMA = json.loads((Path(__file__).parent / "schema" / "create_message_params.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def assert_valid(body: dict) -> None:
    errors = [e.message for e in VALIDATOR.iter_errors(body)]
    assert errors == []


def test_join_prompt() -> None:
    assert join_prompt(["a", "b"], None) == "a b"
    assert join_prompt(["review"], "diff\n") == "review\n\ndiff\n"
    assert join_prompt([], "only stdin") == "only stdin"
    assert join_prompt(["q"], "") == "q"
    big = "x" * 5_000_000
    assert join_prompt(["q"], big).endswith(big)


def test_prefill_trailing_whitespace_removed() -> None:
    assert clean_prefill("The answer is (") == "The answer is ("
    assert clean_prefill("Sure, \n\t ") == "Sure,"
    assert clean_prefill("   ") is None
    assert clean_prefill(None) is None


def _settings(**values):
    from claude_cli.config import Settings

    return Settings(**values, sources=dict.fromkeys(values, "flag"))


def test_full_body_is_valid_against_the_official_schema() -> None:
    from claude_cli.api.capabilities import built_in
    from claude_cli.request.body import RequestOptions, shape

    image = {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}
    history = [
        {"role": "user", "content": "earlier"},
        {"role": "assistant", "content": [{"type": "text", "text": "synthetic"}]},
    ]
    settings = _settings(model="claude-haiku-4-5", max_tokens=100, system="Be brief")
    opts = RequestOptions(prefill="It is", stop=["END"], temperature=0.2)
    prepared = shape(
        settings, opts, "what is this?", lookup=built_in, history=history, images=[image],
        cache=True,
    )  # fmt: skip
    body = prepared.body
    assert_valid(body)
    assert body["messages"][-1] == {"role": "assistant", "content": "It is"}
    assert body["messages"][-2]["content"][0] == image  # images before the text
    assert body["cache_control"] == {"type": "ephemeral"}
    assert body["temperature"] == 0.2 and body["stream"] is True


def test_optional_fields_only_when_given() -> None:
    from claude_cli.request.body import RequestOptions, shape

    body = shape(_settings(model="m", max_tokens=5), RequestOptions(stream=False), "hi").body
    assert body == {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
    assert_valid(body)


@pytest.mark.parametrize(
    ("model", "thinking"),
    [
        ("claude-haiku-4-5", {"type": "enabled", "budget_tokens": 4096}),
        ("claude-fable-5-2", {"type": "adaptive"}),
        ("my-gateway-alias", {"type": "adaptive"}),  # unknown: the recommended shape
    ],
)
def test_thinking_body_is_valid(model: str, thinking: dict) -> None:
    from claude_cli.api.capabilities import built_in
    from claude_cli.request.body import RequestOptions, shape

    opts = RequestOptions(think=True, effort=None)
    body = shape(_settings(model=model), opts, "hi", lookup=built_in).body
    assert body["thinking"] == thinking
    assert_valid(body)


@pytest.mark.parametrize(
    ("message", "text"),
    [
        ({"content": "plain"}, "plain"),
        (
            {
                "content": [
                    {"type": "thinking", "thinking": "x"},
                    {"type": "text", "text": "a"},
                    {"type": "text", "text": "b"},
                ]
            },
            "ab",
        ),
    ],
)
def test_message_text(message: dict, text: str) -> None:
    assert message_text(message) == text
