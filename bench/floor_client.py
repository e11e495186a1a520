"""The floor: the least a Python streaming client can do with httpx.

POST, iterate over the SSE lines, json.loads each `data:` line, write text
deltas to stdout as they come (flushed, as any streaming client must).
No retries, no Markdown, no error handling: this is the cost of the network
library and the JSON, nothing more.

    ANTHROPIC_BASE_URL=... ANTHROPIC_API_KEY=... floor_client.py MODEL MAX_TOKENS PROMPT
"""

import json
import os
import sys

import httpx


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
    out = sys.stdout
    with httpx.stream("POST", url, json=body, headers=headers, timeout=600) as response:
        for line in response.iter_lines():
            if line.startswith("data:"):
                event = json.loads(line[5:])
                if (
                    event["type"] == "content_block_delta"
                    and event["delta"]["type"] == "text_delta"
                ):
                    out.write(event["delta"]["text"])
                    out.flush()


if __name__ == "__main__":
    main()
