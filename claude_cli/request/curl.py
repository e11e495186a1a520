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

from claude_cli.redact import command_shown, redact_url, split_userinfo


def redacted_headers(api_version: str) -> dict[str, str]:
    if os.environ.get("ANTHROPIC_API_KEY"):
        auth = {"x-api-key": "<redacted: $ANTHROPIC_API_KEY>"}
    elif os.environ.get("ANTHROPIC_AUTH_TOKEN"):
        auth = {"authorization": "Bearer <redacted: $ANTHROPIC_AUTH_TOKEN>"}
    else:
        auth = {"x-api-key": "<not set>"}
    return {**auth, "anthropic-version": api_version, "content-type": "application/json"}


# The body follows the command as a quoted here-document: no argument-length limit
# (an image is a megabyte of base64), no shell expansion. JSON escapes line breaks
# inside strings, so no line of the body can be this word.
BODY_END = "CLAUDE_CLI_JSON"


def curl_command(
    url: str, api_version: str, body: dict[str, Any], *, key_command: str | None = None
) -> str:
    """An equivalent curl command, like the docs' examples: the key stays in the env
    (or comes from `key_command`, api_key_command, run by the shell when neither
    variable is set). `-sS`: no progress meter in `| jq`, errors still shown."""
    env_key = os.environ.get("ANTHROPIC_API_KEY")
    first = ""
    if os.environ.get("ANTHROPIC_AUTH_TOKEN") and not env_key:
        auth = '"Authorization: Bearer $ANTHROPIC_AUTH_TOKEN"'
    else:
        auth = '"x-api-key: $ANTHROPIC_API_KEY"'
        if key_command and not env_key:
            # Shown as `config show` shows it: the program, never its arguments (`echo
            # hunter2` holds the key itself, and no pattern can tell every key).
            shown = command_shown(key_command)
            first = f"# the key comes from api_key_command (config.toml): {shown}\n"
            if shown == key_command:  # a bare program: nothing hidden, so the shell runs it
                first += f'ANTHROPIC_API_KEY="$({key_command})"\n'
            else:
                first += (
                    "# (its arguments are not shown: set ANTHROPIC_API_KEY first, "
                    'e.g. export ANTHROPIC_API_KEY="$(your api_key_command)")\n'
                )
    lines = [
        f"curl -sS {_url_argument(url)}" + (" --no-buffer" if body.get("stream") else ""),
        f"  -H {auth}",
        f"  -H {shlex.quote('anthropic-version: ' + api_version)}",
        "  -H 'content-type: application/json'",
        f"  --data-binary @- <<'{BODY_END}'",
    ]
    text = json.dumps(body, indent=2, ensure_ascii=False)
    return first + " \\\n".join(lines) + f"\n{text}\n{BODY_END}"


def _url_argument(url: str) -> str:
    """`url` for the shell; credentials only by reference to the variable holding them."""
    from claude_cli.config import env_names

    for name in env_names("base_url"):
        value = os.environ.get(name, "").rstrip("/")
        if not value:
            continue
        bare, auth = split_userinfo(value)
        if auth and url.startswith(bare):
            return f'"${{{name}%/}}"' + shlex.quote(url[len(bare) :])
        break  # the variable that wins has no password: nothing to refer to
    return shlex.quote(redact_url(url))
