"""Prices and usage: what a reply and a session cost, counting what the API reports
(thinking tokens, 5-minute and 1-hour cache writes, server tool uses), and the line shown
after a reply."""

from __future__ import annotations

import json

import pytest

from claude_cli.request.pricing import PRICES, cost, estimate, price_for, usage_summary
from claude_cli.request.usage import STOP_REASONS, Usage, record, stop_phrase, usage_line

# Two replies of a Sonnet 5.5 session with thinking and 1-hour prompt caching.
FIRST = {
    "input_tokens": 3_000,
    "output_tokens": 800,
    "output_tokens_details": {"thinking_tokens": 500},
    "cache_creation_input_tokens": 10_000,
    "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 10_000},
    "cache_read_input_tokens": 0,
}
SECOND = {
    "input_tokens": 200,
    "output_tokens": 400,
    "output_tokens_details": {"thinking_tokens": 150},
    "cache_creation_input_tokens": 400,
    "cache_creation": {"ephemeral_5m_input_tokens": 400, "ephemeral_1h_input_tokens": 0},
    "cache_read_input_tokens": 10_000,
    "service_tier": "standard",
}
# By hand, Sonnet 5.5 at $2 in, $10 out (thinking is output), $2.50 per 5-minute write,
# $4 per 1-hour write, $0.20 per cache read, all per million tokens:
#   first:  3,000 x 2 + 800 x 10 + 10,000 x 4                      = 54,000 -> $0.054
#   second:   200 x 2 + 400 x 10 +    400 x 2.50 + 10,000 x 0.20   =  7,400 -> $0.0074
#   session                                                                  -> $0.0614
SESSION_DOLLARS = 0.0614


def test_a_session_with_thinking_and_1h_caching_costs_what_the_hand_computation_says(
    api, run
) -> None:
    api.reply("First answer.", usage=FIRST)
    api.reply("Second answer.", usage=SECOND)
    for prompt in ("Read this long document", "And summarise it"):
        r = run("ask", "--no-stream", "-S", "costs", "-m", "claude-sonnet-5-5", prompt)
        assert r.code == 0, r.err
    shown = run("sessions", "show", "costs")
    assert shown.code == 0, shown.err
    summary = shown.out.strip().splitlines()[-1]
    assert summary == (
        "usage (2 replies): 3,200 in · 1,200 out (650 thinking) · "
        "cache 10,000 read / 10,400 written (10,000 1h) · ≈ $0.0614"
    )
    replies = [{"model": "claude-sonnet-5-5", "usage": u} for u in (FIRST, SECOND)]
    assert estimate(replies).dollars == pytest.approx(SESSION_DOLLARS)
    # Were every write priced as a 5-minute one (the old sum), it would be 10,000 x $1.50
    # per million = $0.015 less.
    flat = [{"model": "claude-sonnet-5-5", "usage": {**u, "cache_creation": {}}} for u in
            (FIRST, SECOND)]  # fmt: skip
    assert estimate(flat).dollars == pytest.approx(SESSION_DOLLARS - 10_000 * 1.5 / 1e6)


def test_the_batch_discount_halves_tokens_not_tool_fees() -> None:
    usage = {**FIRST, "server_tool_use": {"web_search_requests": 3, "web_fetch_requests": 2}}
    searches = 3 * 10 / 1000  # $10 per 1,000 searches; fetches cost only their tokens
    assert cost("claude-sonnet-5-5", usage) == pytest.approx(0.054 + searches)
    assert cost("claude-sonnet-5-5", usage, batch=True) == pytest.approx(0.027 + searches)
    replies = [{"model": "claude-sonnet-5-5", "usage": u} for u in (FIRST, SECOND)]
    assert estimate(replies, batch=True).dollars == pytest.approx(SESSION_DOLLARS / 2)


@pytest.mark.parametrize(
    ("model", "inp", "out", "write_5m", "write_1h", "read"),
    [
        ("claude-fable-5-2", 8, 40, 10, 16, 0.20),
        ("claude-fable-5-1", 10, 50, 12.50, 20, 0.25),
        ("claude-fable-5", 10, 50, 12.50, 20, 1),
        ("claude-opus-5-5", 4, 20, 5, 8, 0.20),
        ("claude-opus-5", 5, 25, 6.25, 10, 0.50),
        ("claude-opus-4-8", 5, 25, 6.25, 10, 0.50),
        ("claude-opus-4-7", 5, 25, 6.25, 10, 0.50),
        ("claude-opus-4-6", 5, 25, 6.25, 10, 0.50),
        ("claude-opus-4-5-20251101", 5, 25, 6.25, 10, 0.50),
        ("claude-opus-4-1-20250805", 15, 75, 18.75, 30, 1.50),
        ("claude-sonnet-5-5", 2, 10, 2.50, 4, 0.20),
        ("claude-sonnet-5", 2, 10, 2.50, 4, 0.20),
        ("claude-sonnet-4-6", 3, 15, 3.75, 6, 0.30),
        ("claude-sonnet-4-5-20250929", 3, 15, 3.75, 6, 0.30),
        ("claude-haiku-5-5", 0.10, 0.50, 0.125, 0.20, 0.01),
        ("claude-haiku-4-5-20251001", 1, 5, 1.25, 2, 0.10),
    ],
)
def test_the_lineup_is_priced(model, inp, out, write_5m, write_1h, read) -> None:
    price = price_for(model)
    assert price is not None, model
    assert (price.input, price.output) == pytest.approx((inp, out))
    assert (price.cache_write_5m, price.cache_write_1h, price.cache_read) == pytest.approx(
        (write_5m, write_1h, read)
    )


def test_haiku_5_5_bills_the_whole_request_at_5x_above_100k_prompt_tokens() -> None:
    at_limit = {"input_tokens": 60_000, "cache_read_input_tokens": 40_000, "output_tokens": 1_000}
    # 60,000 x 0.10 + 40,000 x 0.01 + 1,000 x 0.50 = 6,900 -> $0.0069
    assert cost("claude-haiku-5-5", at_limit) == pytest.approx(0.0069)
    over = {**at_limit, "cache_creation_input_tokens": 1}
    # 60,000 x 0.50 + 40,000 x 0.05 + 1 x 0.625 + 1,000 x 2.50 = 34,500.625 -> $0.0345006
    assert cost("claude-haiku-5-5", over) == pytest.approx(0.034500625)
    # Each reply is priced on its own: two short prompts stay in the low band.
    assert estimate([{"model": "claude-haiku-5-5", "usage": at_limit}] * 2).dollars == (
        pytest.approx(0.0138)
    )


def test_only_a_flat_cache_total_counts_as_5_minute_writes() -> None:
    assert Usage.of({"cache_creation_input_tokens": 1_000}).cache_write_5m == 1_000
    mixed = Usage.of(
        {"cache_creation_input_tokens": 1_000, "cache_creation": {"ephemeral_1h_input_tokens": 600}}
    )
    assert (mixed.cache_write_5m, mixed.cache_write_1h) == (400, 600)
    # 400 x 1.25 + 600 x 2 (Haiku 4.5 at $1 in) = 1,700 -> $0.0017
    assert cost("claude-haiku-4-5", mixed) == pytest.approx(0.0017)


def test_junk_in_usage_records_is_ignored_never_fatal() -> None:
    junk = {
        "input_tokens": "12",
        "output_tokens": 7.5,
        "cache_read_input_tokens": True,
        "cache_creation_input_tokens": -5,
        "cache_creation": ["ephemeral_1h_input_tokens"],
        "output_tokens_details": {"thinking_tokens": None},
        "server_tool_use": "lots",
    }
    assert Usage.of(junk) == Usage()
    assert Usage.of(None) == Usage() and Usage.of([1, 2]) == Usage()
    assert record(junk) == dict.fromkeys(
        ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"),
        0,
    )
    replies = [
        {"model": "claude-haiku-4-5", "usage": junk},
        {"model": "claude-haiku-4-5", "usage": {"input_tokens": 1_000_000}},
        "not a record",
        {"model": None, "usage": {"output_tokens": 5}},
    ]
    assert estimate(replies).describe() == "≈ $1.0000 + unknown (no price for ?)"
    # The token counts come from the session's totals (junk here), the cost from the replies.
    assert usage_summary({"input_tokens": "x"}, replies) == (
        "0 in · 0 out · cache 0 read / 0 written · ≈ $1.0000 + unknown (no price for ?)"
    )


def test_a_session_file_with_junk_usage_is_a_clear_error(api, run, home) -> None:
    """A token count that is not a count makes the file unusable (issue 9: validated at
    load, never a crash later): one line naming the file and the field, exit 6."""
    assert run("ask", "-S", "junk", "hello").code == 0
    path = home / "data" / "claude-cli" / "sessions" / "junk.json"
    doc = json.loads(path.read_text())
    doc["replies"][0]["usage"] = {"input_tokens": "many", "cache_creation": "x"}
    path.write_text(json.dumps(doc))
    shown = run("sessions", "show", "junk")
    assert shown.code == 6, shown.err
    assert "junk.json" in shown.err and "input_tokens" in shown.err
    assert "Traceback" not in shown.err


def test_junk_in_usage_breakdowns_is_dropped_not_fatal(api, run, home) -> None:
    assert run("ask", "-S", "junk", "hello").code == 0
    path = home / "data" / "claude-cli" / "sessions" / "junk.json"
    doc = json.loads(path.read_text())
    doc["replies"][0]["usage"]["cache_creation"] = {"ephemeral_1h_input_tokens": "x"}
    path.write_text(json.dumps(doc))
    shown = run("sessions", "show", "junk")
    assert shown.code == 0, shown.err
    assert "usage (1 reply):" in shown.out


def test_sessions_keep_the_usage_breakdowns(api, run, home) -> None:
    api.reply("ok", usage={**FIRST, "server_tool_use": {"web_search_requests": 2}})
    assert run("ask", "--no-stream", "-S", "kept", "hi").code == 0
    doc = json.loads((home / "data" / "claude-cli" / "sessions" / "kept.json").read_text())
    kept = doc["replies"][0]["usage"]
    assert kept["cache_creation"] == {"ephemeral_1h_input_tokens": 10_000}
    assert kept["output_tokens_details"] == {"thinking_tokens": 500}
    assert kept["server_tool_use"] == {"web_search_requests": 2}
    assert doc["usage"]["cache_creation_input_tokens"] == 10_000  # the totals stay flat


# -- the line after a reply ------------------------------------------------------------


def test_usage_line_names_the_model_the_tokens_and_the_cost() -> None:
    message = {
        "model": "claude-sonnet-5-5",
        "stop_reason": "end_turn",
        "usage": {
            "input_tokens": 1_234,
            "output_tokens": 567,
            "output_tokens_details": {"thinking_tokens": 120},
            "cache_read_input_tokens": 1_000,
            "cache_creation_input_tokens": 200,
            "cache_creation": {"ephemeral_1h_input_tokens": 200},
        },
    }
    # 1,234 x 2 + 567 x 10 + 1,000 x 0.20 + 200 x 4 = 9,138 -> $0.0091
    assert usage_line(message) == (
        "claude-sonnet-5-5 · 1,234 in · 567 out (120 thinking) · "
        "cache 1,000 read / 200 written (1h) · $0.0091"
    )
    searched = {**message, "usage": {"input_tokens": 10, "server_tool_use": {
        "web_search_requests": 1, "web_fetch_requests": 2}}}  # fmt: skip
    assert usage_line(searched) == (
        "claude-sonnet-5-5 · 10 in · 0 out · 1 web search · 2 web fetches · $0.0100"
    )
    assert (
        usage_line({"model": "my-alias", "usage": {}}) == "my-alias · 0 in · 0 out · cost unknown"
    )


@pytest.mark.parametrize(
    ("extra", "phrase"),
    [
        ({"stop_reason": "max_tokens"}, "cut off: reached --max-tokens"),
        ({"stop_reason": "stop_sequence", "stop_sequence": "END"},
         "stopped at the stop sequence 'END'"),
        ({"stop_reason": "tool_use"}, "stopped for a tool call"),
        ({"stop_reason": "pause_turn"}, "paused: the server needs the turn sent back to continue"),
        ({"stop_reason": "model_context_window_exceeded"},
         "cut off: the conversation filled the model's context window"),
        ({"stop_reason": "refusal"}, "the model declined to answer (refusal)"),
        ({"stop_reason": "refusal", "stop_details": {"type": "refusal", "category": "cyber",
          "explanation": "This looks like\nmalware."}},
         "the model declined to answer (refusal: cyber): This looks like malware."),
        ({"stop_reason": "brand_new\x1b[2J"}, "stop: brand_new^[[2J"),
    ],
)  # fmt: skip
def test_stop_reasons_in_plain_words(extra, phrase) -> None:
    message = {"model": "claude-sonnet-5-5", "usage": {}, **extra}
    assert stop_phrase(message) == phrase
    assert usage_line(message).endswith(" · $0.0000 · " + phrase)


def test_stop_reason_table_covers_every_documented_reason() -> None:
    documented = {"end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn",
                  "refusal", "model_context_window_exceeded"}  # fmt: skip
    assert set(STOP_REASONS) == documented
    assert stop_phrase({"stop_reason": "end_turn"}) is None


def test_server_strings_in_the_usage_line_are_sanitised() -> None:
    details = {"category": "\x1b[31m", "explanation": "\x9b2J"}
    line = usage_line(
        {"model": "evil\x1b]0;title\x07", "usage": {}, "stop_reason": "refusal",
         "stop_details": details}
    )  # fmt: skip
    assert "\x1b" not in line and "\x07" not in line and "\x9b" not in line
    assert line.startswith("evil^[]0;title^G · ")


def test_every_priced_model_has_a_1h_write_price_twice_its_input() -> None:
    for model, price in PRICES.items():
        assert price.cache_write_1h == pytest.approx(2 * price.input), model
        assert price.cache_write_5m == pytest.approx(1.25 * price.input), model
