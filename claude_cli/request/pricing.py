"""The price table and cost estimates for what the API reports in `usage`.

US dollars per million tokens. Sources, checked 2026-12-01: the model overview pages and the
pricing page on platform.claude.com (`/docs/en/about-claude/pricing`, `/docs/*/models/*/
overview`) and ../shared/api-notes.md ("Models"); where they disagree the newer fact wins and
the row says so. Cache writes cost 1.25x input (5-minute TTL) or 2x input (1-hour TTL); cache
reads 0.1x input unless a row says otherwise. A model that is not in the table has no
estimate, and we say so rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from claude_cli.request.usage import Usage, format_dollars

#: The Message Batches API bills input and output at half price.
BATCH_DISCOUNT = 0.5
#: Web search is $10 per 1,000 searches on top of tokens (pricing page, "Web search tool").
WEB_SEARCH_DOLLARS = 10 / 1000
#: Web fetch has no charge of its own: the fetched content is billed as input tokens
#: (web fetch tool docs, "Usage and pricing").
WEB_FETCH_DOLLARS = 0.0


@dataclass(frozen=True)
class Price:
    input: float
    output: float
    cache_write_5m: float
    cache_write_1h: float
    cache_read: float

    @property
    def cache_write(self) -> float:
        """The 5-minute write price (the default TTL); kept for older callers."""
        return self.cache_write_5m


def _p(inp: float, out: float, read: float | None = None) -> Price:
    return Price(inp, out, inp * 1.25, inp * 2, inp * 0.1 if read is None else read)


#: Keyed by model id without a date suffix.
PRICES: dict[str, Price] = {
    # Fable 5.2: $8 / $40 is a third-party figure (the notes; gateways quoting the list
    # price); no Anthropic page for it was found. Cache reads 0.025x like Fable 5.1.
    "claude-fable-5-2": _p(8, 40, 8 * 0.025),
    # Fable 5.1: cache reads 0.025x input ($0.25), pricing page and notes.
    "claude-fable-5-1": _p(10, 50, 10 * 0.025),
    "claude-fable-5": _p(10, 50),  # reads $1 (0.1x), pricing page
    # Opus 5.5: cache reads 0.05x input ($0.20), overview page and notes.
    "claude-opus-5-5": _p(4, 20, 4 * 0.05),
    "claude-opus-5": _p(5, 25),
    "claude-opus-4-8": _p(5, 25),
    "claude-opus-4-7": _p(5, 25),
    "claude-opus-4-6": _p(5, 25),
    "claude-opus-4-5": _p(5, 25),
    "claude-opus-4-1": _p(15, 75),
    "claude-opus-4-0": _p(15, 75),
    # Sonnet 5.5: cache reads 0.1x input ($0.20), the notes' general rule and the official
    # overview page (only Opus 5.5 and the Fable 5.1/5.2 models read cheaper).
    "claude-sonnet-5-5": _p(2, 10),
    "claude-sonnet-5": _p(2, 10),  # the planned rise to $3 / $15 was cancelled
    "claude-sonnet-4-6": _p(3, 15),
    "claude-sonnet-4-5": _p(3, 15),  # retired 2026-11-30; kept to price old sessions
    "claude-sonnet-4-0": _p(3, 15),
    # Haiku 5.5 up to 100K-token prompts; LONG_PROMPT below for longer ones.
    "claude-haiku-5-5": _p(0.10, 0.50),
    "claude-haiku-4-5": _p(1, 5),
    "claude-3-5-haiku": _p(0.80, 4),
    "claude-3-haiku": _p(0.25, 1.25, 0.03),
}
#: Haiku 5.5 bills a request whose prompt (input + cache reads + cache writes) is over 100K
#: tokens at 5x, on every token of that request, output included (pricing page, notes).
LONG_PROMPT: dict[str, tuple[int, Price]] = {
    "claude-haiku-5-5": (100_000, _p(0.50, 2.50)),
}
_DATE = re.compile(r"-\d{8}$")


def price_for(model: str, prompt_tokens: int = 0) -> Price | None:
    key = _DATE.sub("", model)
    if key in LONG_PROMPT and prompt_tokens > LONG_PROMPT[key][0]:
        return LONG_PROMPT[key][1]
    return PRICES.get(key) or PRICES.get(key + "-0")


def cost(model: str, usage: dict[str, Any] | Usage, *, batch: bool = False) -> float | None:
    """Dollars for one reply's usage, or None when the model's price is unknown.

    Thinking is billed as output (it is part of `output_tokens`). With `batch`, token
    prices are halved; the batch discount stacks with cache prices, and server tool fees
    are not discounted.
    """
    counts = usage if isinstance(usage, Usage) else Usage.of(usage)
    price = price_for(model, counts.prompt_tokens)
    if price is None:
        return None
    tokens = (
        counts.input * price.input
        + counts.output * price.output
        + counts.cache_write_5m * price.cache_write_5m
        + counts.cache_write_1h * price.cache_write_1h
        + counts.cache_read * price.cache_read
    ) / 1_000_000
    if batch:
        tokens *= BATCH_DISCOUNT
    tools = counts.web_searches * WEB_SEARCH_DOLLARS + counts.web_fetches * WEB_FETCH_DOLLARS
    return tokens + tools


@dataclass
class Estimate:
    dollars: float
    unknown_models: list[str]

    def describe(self) -> str:
        if not self.unknown_models:
            return f"≈ {format_dollars(self.dollars)}"
        unknown = ", ".join(self.unknown_models)
        if self.dollars:
            return f"≈ {format_dollars(self.dollars)} + unknown (no price for {unknown})"
        return f"cost unknown (no price for {unknown})"


def _records(replies: Iterable[Any]) -> Iterable[dict[str, Any]]:
    return (r for r in replies if isinstance(r, dict))


def estimate(replies: Iterable[dict[str, Any]], *, batch: bool = False) -> Estimate:
    """Sum over `{"model", "usage"}` records, naming the models we cannot price.

    Each reply is priced on its own: a prompt-length tier applies per request."""
    total = 0.0
    unknown: list[str] = []
    for reply in _records(replies):
        model = reply.get("model")
        model = model if isinstance(model, str) and model else "?"
        dollars = cost(model, Usage.of(reply.get("usage")), batch=batch)
        if dollars is None:
            if model not in unknown:
                unknown.append(model)
        else:
            total += dollars
    return Estimate(total, unknown)


def usage_summary(usage: dict[str, Any], replies: list[dict[str, Any]]) -> str:
    """One line: token totals, thinking, cache use (1-hour writes apart), server tool
    uses and the cost estimate.

    `usage` is the session's running totals (the four flat counts every version keeps);
    the breakdowns come from the per-reply records, which may carry them."""
    from dataclasses import replace

    from claude_cli.terminal.term import sanitize

    replies = list(_records(replies))
    summed = sum((Usage.of(r.get("usage")) for r in replies), Usage())
    flat = Usage.of(usage)
    # Records written by older versions lack the breakdowns; never show more 1-hour writes
    # or thinking than the totals hold.
    write_1h = min(summed.cache_write_1h, flat.cache_written)
    totals = replace(
        summed,
        input=flat.input,
        output=flat.output,
        thinking=min(summed.thinking, flat.output),
        cache_read=flat.cache_read,
        cache_write_5m=flat.cache_written - write_1h,
        cache_write_1h=write_1h,
    )
    parts = totals.describe(always_cache=True)
    return " · ".join(parts) + " · " + sanitize(estimate(replies).describe())


def plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"
