"""Getting one reply: stream events into a renderer and a MessageBuilder.

When the stream breaks after some text has arrived and the model accepts
prefill, the request is sent again with that text as the start of the
assistant turn, and the continuation is appended: nothing is printed twice.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from typing import TYPE_CHECKING, Any

from claude_cli.api.stream import MessageBuilder, TextDelta, ThinkingDelta
from claude_cli.errors import FlawedReply, ProtocolError, StreamApiError, StreamInterrupted
from claude_cli.model_rules import supports_prefill
from claude_cli.request.payload import message_text

if TYPE_CHECKING:
    from claude_cli.api.client import Client
    from claude_cli.terminal.raw_render import Renderer

Note = Callable[[str], None]


def fetch(client: Client, body: dict[str, Any], renderer: Renderer) -> dict[str, Any]:
    """A non-streaming request, shown through the same renderer. A reply whose content
    is good but whose usage is not is shown all the same, then reported (FlawedReply)."""
    try:
        message = client.create(body)  # its shape is checked: blocks are dicts, texts strings
    except FlawedReply as e:
        _show(e.reply, renderer)
        raise
    _show(message, renderer)
    return message


def _show(message: dict[str, Any], renderer: Renderer) -> None:
    for block in message["content"]:
        if block.get("type") == "thinking":
            renderer.thinking(block.get("thinking", ""))
        elif block.get("type") == "text":
            renderer.text(block.get("text", ""))


def stream_reply(
    client: Client,
    body: dict[str, Any],
    renderer: Renderer,
    *,
    resumes: int = 0,
    note: Note | None = None,
) -> dict[str, Any]:
    """Stream one reply; returns the Message (continuation only, as the API gives it)."""
    prior_text = ""  # text received by earlier, broken attempts
    attempt_body = body
    # A resumed turn's prefill cannot end in whitespace (the API refuses it), and
    # the model continues the stripped text. So trailing whitespace is held back
    # until more text follows or the reply ends: if the stream breaks there, what
    # is shown and saved is the stripped text + the continuation, exactly once.
    hold = resumes > 0 and _may_prefill(body)
    while True:
        builder = MessageBuilder()
        add = builder.add
        held = ""
        try:
            with closing(client.stream(attempt_body)) as events:
                # Only what the builder took is shown: a delta for another kind of
                # block is ignored on screen as in the Message.
                for event in events:
                    if type(event) is TextDelta:
                        if add(event):
                            if hold:
                                text = held + event.text
                                shown = text.rstrip()
                                held = text[len(shown) :]
                                if shown:
                                    renderer.text(shown)
                            else:
                                renderer.text(event.text)
                    elif type(event) is ThinkingDelta:
                        if add(event):
                            renderer.thinking(event.text)
                    else:
                        add(event)
            if held:
                renderer.text(held)
            if builder.flaw is not None:  # the content is whole: kept, then reported
                raise FlawedReply(builder.flaw.message, _joined(prior_text, builder.message()))
            return _joined(prior_text, builder.message())
        except FlawedReply as e:
            if not builder.started:  # a JSON answer to the stream request: not shown yet
                _show(e.reply, renderer)
                e.reply = _joined(prior_text, e.reply)
            raise
        except StreamInterrupted as e:
            got = builder.text()
            can_go_on = resumes > 0 and (not got or _may_prefill(attempt_body))
            if isinstance(e, ProtocolError) or (isinstance(e, StreamApiError) and not e.retryable):
                can_go_on = False  # the server would say the same again
            if not can_go_on:
                if held:
                    renderer.text(held)  # no continuation: show all that was paid for
                raise
            resumes -= 1
            if got:
                attempt_body, prior_text = _continue_body(body, prior_text + got)
                if note:
                    note(f"{e.message}; continuing from the text received so far")
            elif note:
                note(f"{e.message}; retrying")


def _may_prefill(body: dict[str, Any]) -> bool:
    if body.get("thinking"):
        return False
    return supports_prefill(str(body.get("model", ""))) is not False


def _continue_body(body: dict[str, Any], received: str) -> tuple[dict[str, Any], str]:
    """The request that continues `received`, and `received` as the continuation
    will follow it: without trailing whitespace, as the prefill must be sent."""
    messages = list(body["messages"])
    prefill = ""
    if messages and messages[-1]["role"] == "assistant":
        prefill = message_text(messages.pop())
    stripped = (prefill + received).rstrip()
    if stripped:  # else (only whitespace came): ask again from the start
        messages.append({"role": "assistant", "content": stripped})
    return {**body, "messages": messages}, stripped[len(prefill) :]


def _joined(prior_text: str, message: dict[str, Any]) -> dict[str, Any]:
    if not prior_text:
        return message
    blocks = list(message.get("content") or [])
    for i, block in enumerate(blocks):
        if block.get("type") == "text":
            blocks[i] = {**block, "text": prior_text + block.get("text", "")}
            break
    else:
        blocks.append({"type": "text", "text": prior_text})
    return {**message, "content": blocks}
