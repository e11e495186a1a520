"""A small price table and cost estimates for token usage.

Prices are US dollars per million tokens from Anthropic's public pricing page
(as of November 2026): base input, output, 5-minute cache write, cache read.
A model that is not in the table has no estimate, and we say so rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Price:
    input: float
    output: float
    cache_write: float
    cache_read: float


def _p(inp: float, out: float, read: float | None = None) -> Price:
    # Cache writes (5 min) cost 1.25x input; reads 0.1x unless the model says otherwise.
    return Price(inp, out, inp * 1.25, inp * 0.1 if read is None else read)


#: Keyed by model id without a date suffix.
PRICES: dict[str, Price] = {
    "claude-opus-5-5": _p(4, 20, 0.20),
    "claude-sonnet-5-5": _p(2, 10, 0.10),
    "claude-haiku-5-5": _p(0.10, 0.50, 0.01),
    "claude-fable-5-1": _p(10, 50, 0.25),
    "claude-fable-5": _p(10, 50),
    "claude-opus-5": _p(5, 25),
    "claude-sonnet-5": _p(2, 10),
    "claude-opus-4-8": _p(5, 25),
    "claude-opus-4-7": _p(5, 25),
    "claude-opus-4-6": _p(5, 25),
    "claude-opus-4-5": _p(5, 25),
    "claude-opus-4-1": _p(15, 75),
    "claude-opus-4-0": _p(15, 75),
    "claude-sonnet-4-6": _p(3, 15),
    "claude-sonnet-4-5": _p(3, 15),
    "claude-sonnet-4-0": _p(3, 15),
    "claude-haiku-4-5": _p(1, 5),
    "claude-3-5-haiku": _p(0.80, 4),
    "claude-3-haiku": _p(0.25, 1.25, 0.03),
}
# Haiku 5.5 bills prompts over 100k tokens (input + cache) at a higher band.
LONG_PROMPT: dict[str, tuple[int, Price]] = {
    "claude-haiku-5-5": (100_000, _p(0.50, 2.50, 0.05)),
}
_DATE = re.compile(r"-\d{8}$")


def price_for(model: str, prompt_tokens: int = 0) -> Price | None:
    key = _DATE.sub("", model)
    if key in LONG_PROMPT and prompt_tokens > LONG_PROMPT[key][0]:
        return LONG_PROMPT[key][1]
    return PRICES.get(key) or PRICES.get(key + "-0")


def cost(model: str, usage: dict[str, Any]) -> float | None:
    """Dollars for one reply's usage, or None when the model's price is unknown."""
    inp = int(usage.get("input_tokens") or 0)
    out = int(usage.get("output_tokens") or 0)
    write = int(usage.get("cache_creation_input_tokens") or 0)
    read = int(usage.get("cache_read_input_tokens") or 0)
    price = price_for(model, inp + write + read)
    if price is None:
        return None
    return (
        inp * price.input + out * price.output + write * price.cache_write + read * price.cache_read
    ) / 1_000_000


@dataclass
class Estimate:
    dollars: float
    unknown_models: list[str]

    def describe(self) -> str:
        if not self.unknown_models:
            return f"≈ ${self.dollars:.4f}"
        unknown = ", ".join(self.unknown_models)
        if self.dollars:
            return f"≈ ${self.dollars:.4f} + unknown (no price for {unknown})"
        return f"cost unknown (no price for {unknown})"


def estimate(replies: Iterable[dict[str, Any]]) -> Estimate:
    """Sum over `{"model", "usage"}` records, naming the models we cannot price."""
    total = 0.0
    unknown: list[str] = []
    for reply in replies:
        model = str(reply.get("model") or "?")
        dollars = cost(model, reply.get("usage") or {})
        if dollars is None:
            if model not in unknown:
                unknown.append(model)
        else:
            total += dollars
    return Estimate(total, unknown)


def usage_summary(usage: dict[str, Any], replies: list[dict[str, Any]]) -> str:
    """One line: token totals, cache use and the cost estimate."""
    parts = [
        f"{int(usage.get('input_tokens') or 0):,} in",
        f"{int(usage.get('output_tokens') or 0):,} out",
        f"cache {int(usage.get('cache_read_input_tokens') or 0):,} read / "
        f"{int(usage.get('cache_creation_input_tokens') or 0):,} written",
    ]
    return " · ".join(parts) + " · " + estimate(replies).describe()


def plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"
