from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from claude_cli.payload import (
    clean_prefill,
    conversation,
    join_prompt,
    message_text,
    request_body,
    user_turn,
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


def test_full_body_is_valid_against_the_official_schema() -> None:
    image = {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}
    history = [
        {"role": "user", "content": "earlier"},
        {"role": "assistant", "content": [{"type": "text", "text": "synthetic"}]},
    ]
    messages = conversation(history, user_turn("what is this?", [image]), "It is")
    body = request_body(
        model="claude-haiku-4-5",
        max_tokens=100,
        messages=messages,
        system="Be brief",
        stop_sequences=["END"],
        temperature=0.2,
        cache=True,
        stream=True,
    )
    assert_valid(body)
    assert body["messages"][-1] == {"role": "assistant", "content": "It is"}
    assert body["messages"][-2]["content"][0] == image  # images before the text
    assert body["cache_control"] == {"type": "ephemeral"}


def test_optional_fields_only_when_given() -> None:
    body = request_body(model="m", max_tokens=5, messages=[user_turn("hi")])
    assert body == {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
    assert_valid(body)


def test_thinking_body_is_valid() -> None:
    body = request_body(
        model="m", max_tokens=5000, messages=[user_turn("hi")], thinking_budget=2048
    )
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
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
