"""`claude-cli tokens`: what a request would cost in input tokens, asked of the service
(POST /v1/messages/count_tokens), with the estimated input cost and the model's context
window. The request is shaped exactly as `ask` would shape it; nothing is generated."""

from __future__ import annotations

from typing import Any

from claude_cli.config import Settings
from claude_cli.errors import UsageError
from claude_cli.exchange import Link
from claude_cli.prompt_input import AskOptions, load_inputs, load_schema, read_prompt, session_name
from claude_cli.request.body import count_body, shape
from claude_cli.terminal.term import Streams

PLACEHOLDER = "?"


def run_tokens(settings: Settings, opts: AskOptions, streams: Streams) -> None:
    load_schema(opts)
    name = session_name(opts, streams)
    history: list[dict[str, Any]] = []
    if name is not None:
        from claude_cli.request import conversation
        from claude_cli.store import session

        doc = session.load(name)  # a missing one is exit 6, as for `sessions show`
        settings = conversation.with_session(settings, doc)
        history = session.inline(doc["messages"])
    stdin_free = "-" not in opts.images + opts.attach
    if name is not None and not opts.words and not opts.images and not opts.attach:
        prompt = ""  # the session as it stands
    else:
        prompt = read_prompt(opts, streams, stdin_free=stdin_free)
    images = load_inputs(settings, opts, streams)
    link = Link(settings, streams)
    try:
        if not prompt and not images:
            if not history:
                raise UsageError(f"session {name!r} is empty: give a prompt to count")
            # A conversation must end with a user turn: the next question stands as "?".
            prompt = PLACEHOLDER
        prepared = shape(
            settings, opts.request(), prompt, lookup=link.lookup, history=history, images=images
        )
        body = prepared.body
        count = link.client.count_tokens(count_body(body))
        caps = link.lookup(body["model"])
    finally:
        link.close()
    show(count, body["model"], caps.context, streams)


def show(count: int, model: str, context: int | None, streams: Streams) -> None:
    """A terminal gets one line; a pipe gets the number on stdout and the line on stderr."""
    from claude_cli.request.pricing import price_for

    parts = [f"{count:,} input tokens"]
    if context:
        parts.append(f"{count / context:.1%} of {model}'s {context:,}-token context window")
    else:
        parts.append(model)
    price = price_for(model, count)
    if price is not None:
        parts.append(f"about ${count * price.input / 1_000_000:.4f} of input")
    line = " · ".join(parts)
    streams.stdout.write((line if streams.stdout_tty else str(count)) + "\n")
    streams.stdout.flush()
    if not streams.stdout_tty:
        streams.note(line)
    if context and count > context:
        streams.note(f"this does not fit: {model} takes at most {context:,} input tokens")


__all__ = ["run_tokens"]
