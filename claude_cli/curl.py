"""Showing a request without sending it: redacted headers and a curl command.

Secrets stay in the environment: the key is `$ANTHROPIC_API_KEY`, and a base URL
with a password in it (`https://user:TOKEN@host`) is `$ANTHROPIC_BASE_URL` when
that is where it came from; from the config file it is left out (add `-u`).
"""

from __future__ import annotations

import json
import os
import shlex
from typing import Any

from .redact import redact_url, split_userinfo


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
        f"curl {_url_argument(url)}" + (" --no-buffer" if body.get("stream") else ""),
        f"  -H {auth}",
        f"  -H {shlex.quote('anthropic-version: ' + api_version)}",
        "  -H 'content-type: application/json'",
        f"  -d {shlex.quote(json.dumps(body, indent=2, ensure_ascii=False))}",
    ]
    return " \\\n".join(lines)


def _url_argument(url: str) -> str:
    """`url` for the shell; credentials only by reference to the variable holding them."""
    from .config import env_names

    for name in env_names("base_url"):
        value = os.environ.get(name, "").rstrip("/")
        if not value:
            continue
        bare, auth = split_userinfo(value)
        if auth and url.startswith(bare):
            return f'"${{{name}%/}}"' + shlex.quote(url[len(bare) :])
        break  # the variable that wins has no password: nothing to refer to
    return shlex.quote(redact_url(url))
