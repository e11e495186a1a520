"""Showing a request without sending it: redacted headers and a curl command."""

from __future__ import annotations

import json
import os
import shlex
from typing import Any


def redacted_headers(api_version: str) -> dict[str, str]:
    if os.environ.get("ANTHROPIC_API_KEY"):
        auth = {"x-api-key": "<redacted: $ANTHROPIC_API_KEY>"}
    elif os.environ.get("ANTHROPIC_AUTH_TOKEN"):
        auth = {"authorization": "Bearer <redacted: $ANTHROPIC_AUTH_TOKEN>"}
    else:
        auth = {"x-api-key": "<not set>"}
    return {**auth, "anthropic-version": api_version, "content-type": "application/json"}


def curl_command(url: str, api_version: str, body: dict[str, Any]) -> str:
    """An equivalent curl command, like the docs' examples: the key stays in the env."""
    auth = (
        '"Authorization: Bearer $ANTHROPIC_AUTH_TOKEN"'
        if os.environ.get("ANTHROPIC_AUTH_TOKEN") and not os.environ.get("ANTHROPIC_API_KEY")
        else '"x-api-key: $ANTHROPIC_API_KEY"'
    )
    lines = [
        f"curl {shlex.quote(url)}" + (" --no-buffer" if body.get("stream") else ""),
        f"  -H {auth}",
        f"  -H {shlex.quote('anthropic-version: ' + api_version)}",
        "  -H 'content-type: application/json'",
        f"  -d {shlex.quote(json.dumps(body, indent=2, ensure_ascii=False))}",
    ]
    return " \\\n".join(lines)
