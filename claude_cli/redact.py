"""Secrets never reach the terminal: the one place that knows what to hide.

Servers echo what they were sent (a gateway's error text may quote our headers),
and URLs carry passwords (`https://user:TOKEN@host`). Every line of talk passes
through `redact()` before it is written (term.say, cli._fail, CliError), so a
caller cannot forget. Light on purpose: imported by errors.py, so by every command.
"""

from __future__ import annotations

import os
import re

# What a request may authenticate with, read when redacting (set or not).
CREDENTIAL_ENV = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")
MASK = "***"
# Shorter values would blank out ordinary words; no real key or token is this short.
MIN_SECRET = 8
# Anything shaped like an Anthropic key, ours or not.
_KEY_SHAPE = re.compile(r"sk-ant-[A-Za-z0-9_\-]+")
# scheme://userinfo@ : the userinfo is hidden (the password, or a lone user name: a token).
_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://)([^/?#\s]*)@")

_registered: set[str] = set()


def register(secret: str | None) -> None:
    """Hide `secret` from everything printed from now on (a key from api_key_command)."""
    if secret and len(secret) >= MIN_SECRET:
        _registered.add(secret)


def register_userinfo(url: str) -> None:
    """Hide every form of a URL's credentials that a server may echo: decoded, as typed
    (percent-encoded), and the Basic-auth token sent from them (base64 of user:password)."""
    match = _USERINFO.match(url)
    if not match:
        return
    import base64
    from urllib.parse import unquote

    raw = match.group(2)
    raw_user, colon, raw_password = raw.partition(":")
    raw_secret = raw_password if colon else raw_user  # a lone user name is a token
    decoded = f"{unquote(raw_user)}:{unquote(raw_password)}"
    for secret in (raw_secret, unquote(raw_secret), raw, decoded if colon else ""):
        register(secret)
    for pair in (raw, decoded):  # httpx sends the decoded pair; a gateway may take it as typed
        register(base64.b64encode(pair.encode("utf-8", "replace")).decode("ascii"))


def command_shown(command: str) -> str:
    """The program a command runs, not its arguments: `echo hunter2` prints its own
    argument, and no pattern can tell a key that does not look like one."""
    import shlex

    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    if not words:
        return ""
    program = _KEY_SHAPE.sub("sk-ant-…", words[0])
    return program + " …" if len(words) > 1 else program


def _secrets() -> list[str]:
    found = set(_registered)
    for name in CREDENTIAL_ENV:
        value = os.environ.get(name, "").strip()
        if len(value) >= MIN_SECRET:
            found.add(value)
    return sorted(found, key=len, reverse=True)  # a longer secret may contain a shorter one


def _mask_userinfo(match: re.Match[str]) -> str:
    user, colon, _password = match.group(2).partition(":")
    return f"{match.group(1)}{user}:{MASK}@" if colon else f"{match.group(1)}{MASK}@"


def redact_url(url: str) -> str:
    """`https://user:TOKEN@host` → `https://user:***@host` (and `https://TOKEN@h` → `***@h`)."""
    return _USERINFO.sub(_mask_userinfo, url)


def redact(text: str) -> str:
    """`text` with our credentials, key-shaped strings and URL passwords masked."""
    for secret in _secrets():
        if secret in text:
            text = text.replace(secret, MASK)
    if "sk-ant-" in text:
        text = _KEY_SHAPE.sub("sk-ant-" + MASK, text)
    if "@" in text:
        text = redact_url(text)
    return text


def split_userinfo(url: str) -> tuple[str, tuple[str, str] | None]:
    """The URL without its userinfo, and (user, password) decoded, or None when it had none."""
    match = _USERINFO.match(url)
    if not match:
        return url, None
    from urllib.parse import unquote

    user, _, password = match.group(2).partition(":")
    return match.group(1) + url[match.end() :], (unquote(user), unquote(password))
