"""The naive renderer many streaming tools use: rich Live over the whole Markdown.

On every delta the accumulated text is wrapped in a new `Markdown` (which parses
all of it again) and handed to `Live.update`; Live's refresh thread redraws the
whole thing 4 times a second (its default). Cost grows with the square of the
reply's length. Same transport as floor_client.py.

    ANTHROPIC_BASE_URL=... ANTHROPIC_API_KEY=... naive_render.py MODEL MAX_TOKENS PROMPT
"""

import json
import os
import sys

import httpx
from rich.console import Console
from rich.live import Live
from rich.markdown import Markdown


def main() -> None:
    model, max_tokens, prompt = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    body = {
        "model": model,
        "max_tokens": max_tokens,
        "messages": [{"role": "user", "content": prompt}],
        "stream": True,
    }
    headers = {"x-api-key": os.environ["ANTHROPIC_API_KEY"], "anthropic-version": "2023-06-01"}
    url = os.environ["ANTHROPIC_BASE_URL"] + "/v1/messages"
    text = ""
    with (
        Live(console=Console()) as live,
        httpx.stream("POST", url, json=body, headers=headers, timeout=600) as response,
    ):
        for line in response.iter_lines():
            if line.startswith("data:"):
                event = json.loads(line[5:])
                if (
                    event["type"] == "content_block_delta"
                    and event["delta"]["type"] == "text_delta"
                ):
                    text += event["delta"]["text"]
                    live.update(Markdown(text))


if __name__ == "__main__":
    main()
