"""The context-window check: ask and chat refuse a request that cannot fit the model's
window and warn near it, asking count_tokens only when a cheap guess says it may be near.
The test server refuses a prompt larger than the window (`prompt is too long`), so a
request the check lets through is one the service takes."""

from __future__ import annotations

import pytest

MODEL = "claude-haiku-4-5"


def small_window(api, run, window: int) -> None:
    """The model's window made small, and known to claude-cli (its capabilities cache)."""
    api.without(MODEL, context=window)
    assert run("tokens", "-m", MODEL, "hi").code == 0  # describes the model: cached a day
    api.requests.clear()


def paths(api) -> list[str]:
    return [r.path for r in api.requests]


def test_a_request_that_cannot_fit_is_refused_before_sending(run, api) -> None:
    small_window(api, run, 3000)
    r = run("ask", "-m", MODEL, input="word " * 4000)
    assert r.code == 2, r.err
    count = api.counted[-1]
    assert count > 3000
    assert (
        f"this request is {count:,} input tokens, more than {MODEL}'s 3,000-token context window"
        in r.err
    )
    assert "a model with a larger context window with -m" in r.err
    assert paths(api) == ["/v1/messages/count_tokens"]  # counted, nothing generated
    assert r.out == ""


def test_near_the_window_a_warning_and_the_request_is_sent(run, api) -> None:
    small_window(api, run, 10_000)
    api.reply("ok")
    r = run("ask", "-m", MODEL, input="word " * 7400)
    assert r.code == 0, r.err
    count = api.counted[-1]
    assert 9000 < count <= 10_000
    [warning] = [line for line in r.err.splitlines() if "this request is" in line]
    assert f"this request is {count:,} input tokens" in warning
    assert f"of {MODEL}'s 10,000-token window" in warning
    assert f"room for only {10_000 - count:,} tokens" in warning
    assert paths(api) == ["/v1/messages/count_tokens", "/v1/messages"]
    assert r.out == "ok\n"


@pytest.mark.parametrize("words", [100, 3600], ids=["tiny", "60% of the window"])
def test_a_request_far_from_the_window_costs_no_extra_request(run, api, words: int) -> None:
    # 3,600 words of 5 bytes: a guess of 6,000 tokens, 60 % of the window: not counted
    # (counting re-sends the whole conversation first).
    small_window(api, run, 10_000)
    r = run("ask", "-m", MODEL, input="word " * words)
    assert r.code == 0, r.err
    assert paths(api) == ["/v1/messages"]
    assert "this request is" not in r.err


def test_a_session_that_outgrew_the_window_is_refused_in_chat(run, api) -> None:
    small_window(api, run, 3000)
    assert run("ask", "-m", MODEL, "-S", "long", input="word " * 1000).code == 0
    api.requests.clear()
    r = run("chat", "-S", "long", input="and " * 1000 + "\n")
    assert r.code == 2, r.err
    assert f"more than {MODEL}'s 3,000-token context window" in r.err
    assert api.messages_requests == []


@pytest.mark.parametrize("count", [100, 2500])
def test_judge_says_nothing_far_from_the_window(count: int) -> None:
    from claude_cli.request.context import judge

    assert judge(count, 1_000_000, "m", 4096, exact=True).warn is None
    assert judge(count, 1_000_000, "m", 4096, exact=True).refuse is None


def test_a_guess_over_the_window_only_warns() -> None:
    from claude_cli.request.context import judge

    fit = judge(300_000, 200_000, "m", 4096, exact=False)
    assert fit.refuse is None and "about 300,000 input tokens (a guess)" in (fit.warn or "")


def test_images_and_pdfs_are_guessed_by_count_not_by_base64_size() -> None:
    import base64

    from claude_cli.request.context import IMAGE_TOKENS, PDF_PAGE_TOKENS, estimate

    pdf = b"%PDF-1.4\n" + b"1 0 obj << /Type /Page >> endobj\n" * 3 + b"x" * 100_000
    body = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "image", "source": {"type": "base64", "data": "A" * 1_000_000}},
                    {
                        "type": "document",
                        "source": {
                            "type": "base64",
                            "media_type": "application/pdf",
                            "data": base64.b64encode(pdf).decode(),
                        },
                    },
                    {"type": "text", "text": "hi"},
                ],
            }
        ]
    }
    assert estimate(body) == 4 + IMAGE_TOKENS + 3 * PDF_PAGE_TOKENS + 1
