"""Sending one prepared request: the client, the renderer, the stream, the outcome.

Used by ask, chat and describe-image. `Link` holds one client (made on first use)
and the capabilities registry that shares it, so a cold capabilities cache costs one
GET on the same connection as the request, and a fresh cache costs nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from claude_cli.api.capabilities import Capabilities, Registry, capability_shaped, fetcher
from claude_cli.config import Credentials, Settings, resolve_credentials
from claude_cli.errors import (
    ApiError,
    FlawedReply,
    Interrupted,
    OutputError,
    StreamInterrupted,
)
from claude_cli.request.body import Prepared, RequestOptions
from claude_cli.terminal.raw_render import RawRenderer, Renderer
from claude_cli.terminal.term import ReaderLeft, Streams
from claude_cli.terminal.waiting import Waiting, can_wait_visibly

if TYPE_CHECKING:
    from claude_cli.api.client import Client


def make_client(
    settings: Settings,
    streams: Streams,
    credentials: Credentials | None = None,
    *,
    note: Callable[[str], None] | None = None,
) -> Client:
    """An API client; retries are announced on a terminal (through `note` when given)."""
    from claude_cli.api.client import Client

    def on_retry(attempt: int, seconds: float, reason: str) -> None:
        if streams.stderr_tty:
            (note or streams.note)(
                f"{reason}; retrying in {seconds:.1f} s ({attempt}/{settings.max_retries})"
            )

    return Client(
        settings.base_url,
        credentials or resolve_credentials(settings),
        settings.api_version,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        on_retry=on_retry,
    )


class Link:
    """One client per command (made when first needed) and the capabilities it can fetch."""

    def __init__(
        self,
        settings: Settings,
        streams: Streams,
        *,
        offline: bool = False,
        client: Client | None = None,
        note: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.streams = streams
        self.note = note
        self._client = client
        self._own = client is None
        fetch = None if offline else (lambda model: fetcher(self.client)(model))
        self.registry = Registry(settings.base_url, fetch)

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = make_client(self.settings, self.streams, note=self.note)
        return self._client

    def lookup(self, model: str) -> Capabilities:
        return self.registry.lookup(model)

    def close(self) -> None:
        if self._client is not None and self._own:
            self._client.close()
            self._client = None


class _Silent:
    def text(self, text: str) -> None:
        pass

    def thinking(self, text: str) -> None:
        pass

    def finish(self) -> None:
        pass


def make_renderer(
    streams: Streams, *, json_out: bool = False, plain: bool = False, show_thinking: bool = False
) -> Renderer:
    if json_out:
        return _Silent()
    thinking_to = streams.stderr if show_thinking else None
    if not streams.stdout_tty:
        return RawRenderer(streams.stdout, thinking_to=thinking_to)
    if plain:
        return RawRenderer(streams.stdout, safe=True, thinking_to=thinking_to)
    from claude_cli.terminal.render import MarkdownRenderer

    status = streams.stderr if streams.stderr_tty else thinking_to
    return MarkdownRenderer(streams.stdout, show_thinking=show_thinking, status=status)


def _output_may_fail() -> suppress:
    """stdout failing (full, or the reader left) must not cost the paid reply: the
    failure is remembered by stdout (term.ReaderMayLeave) and reported at exit, after
    the reply was received whole and saved; fd 1 then points at /dev/null."""
    return suppress(OutputError, ReaderLeft)


class _Undisturbed:
    """A renderer whose output may fail: after the first failure it shows nothing
    more, and the stream goes on into the Message (see `_output_may_fail`)."""

    def __init__(self, inner: Renderer) -> None:
        self.inner = inner
        self.failed = False

    def _call(self, name: str, *args: str) -> None:
        if self.failed:
            return
        method = getattr(self.inner, name, None)
        if method is None:
            return
        self.failed = True
        with _output_may_fail():
            method(*args)
            self.failed = False

    def text(self, text: str) -> None:
        # The hot path (once per delta): no getattr, no context manager.
        if self.failed:
            return
        self.failed = True
        try:
            self.inner.text(text)
        except (OutputError, ReaderLeft):
            return
        self.failed = False

    def thinking(self, text: str) -> None:
        self._call("thinking", text)

    def thinking_started(self) -> None:
        self._call("thinking_started")

    def finish(self) -> None:
        self._call("finish")


class _PrefillFirst:
    """Shows the prefill (the reply's given start) with the reply's first text, never
    before: a request that fails must leave nothing on stdout (`> out.txt`, `| jq`)."""

    def __init__(self, inner: _Undisturbed, prefill: str) -> None:
        self.inner = inner
        self.pending = prefill
        if not prefill:
            self.text = inner.text  # type: ignore[method-assign]  # nothing to hold: no layer

    def release(self) -> None:
        if self.pending:
            pending, self.pending = self.pending, ""
            self.inner.text(pending)

    def text(self, text: str) -> None:
        if text:
            self.release()
        self.inner.text(text)

    def thinking(self, text: str) -> None:
        self.inner.thinking(text)

    def thinking_started(self) -> None:
        self.inner.thinking_started()

    def finish(self) -> None:
        self.inner.finish()


class _UntilFirstSign:
    """A renderer that erases the waiting indicator before the reply's first sign
    reaches the terminal. While the model thinks unseen the spinner goes on, named
    "thinking" (the renderer's own thinking line is drawn over by it, then restored)."""

    def __init__(self, inner: Renderer, waiting: Waiting, shows_thinking: bool) -> None:
        self.inner = inner
        self.waiting = waiting
        self.shows_thinking = shows_thinking
        self._announced = False  # has the renderer said "thinking" (under the spinner)?

    def text(self, text: str) -> None:
        if text:
            self.waiting.stop()
        self.inner.text(text)

    def thinking(self, text: str) -> None:
        if self.shows_thinking and text:
            self.waiting.stop()
            self.inner.thinking(text)
            return
        self._quietly_thinking(lambda: self.inner.thinking(text))

    def thinking_started(self) -> None:
        started = getattr(self.inner, "thinking_started", None)
        if started is None:
            return
        if self.shows_thinking:
            self.waiting.stop()
            started()
            return
        self._quietly_thinking(started)

    def _quietly_thinking(self, call: Callable[[], None]) -> None:
        if not self.waiting.active or self._announced:
            call()  # the renderer's thinking line is written once, at the first
            return
        self._announced = True
        self.waiting.label = "thinking"
        with self.waiting.paused():
            call()

    def finish(self) -> None:
        self.waiting.stop()
        self.inner.finish()


def _shows_thinking(renderer: Renderer) -> bool:
    return bool(getattr(renderer, "show_thinking", False) or getattr(renderer, "thinking_to", None))


class _BlockWatch:
    """A client whose stream tells the renderer when a thinking block starts: with
    display "omitted" a block may bring no text at all, and the terminal should
    still say that the model is thinking."""

    def __init__(
        self,
        client: Client,
        renderer: Renderer | None,
        on_tool: Callable[[str, Any], None] | None = None,
    ) -> None:
        self._client = client
        self._started = getattr(renderer, "thinking_started", None)
        self._on_tool = on_tool  # told each server tool use once its input is whole
        self._tools: dict[Any, tuple[str, list[str]]] = {}
        # Nobody to tell (a pipe): the stream goes straight to the reply, one layer less.
        self.watching = self._started is not None or on_tool is not None

    def stream(self, body: dict[str, Any]):
        from claude_cli.api.stream import Other

        for event in self._client.stream(body):
            if type(event) is Other:
                self._watch(event)
            yield event

    def _watch(self, event: Any) -> None:
        data = event.data
        if not isinstance(data.get("index"), int):
            return  # malformed: the builder says so
        if event.name == "content_block_start":
            block = data.get("content_block") or {}
            kind = block.get("type")
            if self._started is not None and kind in ("thinking", "redacted_thinking"):
                self._started()
            if self._on_tool is not None and kind == "server_tool_use":
                start = block.get("input")
                parts = [json.dumps(start)] if isinstance(start, dict) and start else []
                self._tools[data.get("index")] = (str(block.get("name") or "tool"), parts)
        elif event.name == "content_block_delta" and data.get("index") in self._tools:
            delta = data.get("delta") or {}
            if delta.get("type") == "input_json_delta":
                self._tools[data["index"]][1].append(str(delta.get("partial_json") or ""))
        elif event.name == "content_block_stop" and data.get("index") in self._tools:
            name, parts = self._tools.pop(data["index"])
            try:
                tool_input = json.loads("".join(parts) or "{}")
            except ValueError:
                tool_input = {}
            assert self._on_tool is not None
            self._on_tool(name, tool_input)

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._client.create(body)


def send(
    settings: Settings,
    opts: RequestOptions,
    prepared: Prepared,
    streams: Streams,
    client: Client,
    renderer: Renderer,
    *,
    registry: Registry | None = None,
    json_out: bool = False,
    usage: bool = True,
) -> dict[str, Any]:
    """Send a prepared request and show the reply. Returns the Message. With
    `usage=False` the caller shows the usage line (`show_usage`) once it has shown
    the answer itself (--schema data is printed after the reply is whole)."""
    # stdout closed (>&-), or already failing: OutputError now, before paying.
    getattr(streams.stdout, "check_open", lambda: None)()
    for note in prepared.notes:
        streams.note(note)
    check_fit(settings, prepared.body, streams, client, registry)
    waiting: Waiting | None = None
    if can_wait_visibly(streams.stderr):
        # From here to the reply's first sign: a spinner on stderr (waiting.py).
        waiting = Waiting(streams.stderr).start()
        renderer = _UntilFirstSign(renderer, waiting, _shows_thinking(renderer))
        streams.talk_guard = waiting.paused
    try:
        return _send(
            settings,
            opts,
            prepared,
            streams,
            client,
            renderer,
            registry=registry,
            json_out=json_out,
            usage=usage,
        )
    finally:
        if waiting is not None:
            waiting.stop()
            streams.talk_guard = None


def _send(
    settings: Settings,
    opts: RequestOptions,
    prepared: Prepared,
    streams: Streams,
    client: Client,
    renderer: Renderer,
    *,
    registry: Registry | None,
    json_out: bool,
    usage: bool,
) -> dict[str, Any]:
    tell_thinking = hasattr(renderer, "thinking_started")  # a pipe's renderer is not told
    renderer = _PrefillFirst(_Undisturbed(renderer), prepared.prefill or "")
    from claude_cli.reply import fetch, stream_reply
    from claude_cli.terminal.web import MAX_CONTINUATIONS, continuation, merged, status_line

    def on_tool(name: str, tool_input: Any) -> None:
        streams.note(status_line(name, tool_input))

    def one(body: dict[str, Any]) -> dict[str, Any]:
        if opts.stream:
            tool_lines = on_tool if streams.stderr_tty else None
            watch = _BlockWatch(client, renderer if tell_thinking else None, tool_lines)
            return stream_reply(
                watch if watch.watching else client,  # type: ignore[arg-type]
                body,
                renderer,
                resumes=settings.max_retries,
                note=streams.note if streams.stderr_tty else None,
            )
        return fetch(client, body, renderer)

    try:
        message = one(prepared.body)
        # pause_turn: the service stopped a long server-tool turn; sending the turn back
        # as it came lets it go on (the docs' way), a few times at most.
        for n in range(1, MAX_CONTINUATIONS + 1):
            if message.get("stop_reason") != "pause_turn" or not _ran_server_tools(message):
                break  # without server tool blocks, sending it back would be a prefill
            if streams.stderr_tty:
                streams.note(f"the service paused this turn; continuing ({n}/{MAX_CONTINUATIONS})")
            more = one(continuation(prepared.body, message["content"]))
            message = merged(message, more)
        renderer.release()  # an empty reply is still the prefill
    except FlawedReply as e:  # shown whole; the caller keeps it, then reports the flaw
        renderer.release()
        renderer.finish()
        if json_out:
            _print_json(e.reply, streams)
        raise
    except StreamInterrupted:
        renderer.finish()
        raise
    except KeyboardInterrupt:
        renderer.finish()
        raise Interrupted() from None
    except ApiError as e:
        if registry is None or e.hint or not capability_shaped(e.status, e.api_message):
            raise
        model = prepared.body["model"]
        registry.forget(model)  # what we cached was wrong: ask again next time
        raise ApiError(
            e.status,
            e.error_type,
            e.api_message,
            e.request_id,
            f"What {model} accepts has changed; claude-cli will ask the service again next run",
        ) from None
    renderer.finish()
    if json_out:
        _print_json(message, streams)
    if usage:
        show_usage(message, streams)
    return message


def _print_json(message: dict[str, Any], streams: Streams) -> None:
    with _output_may_fail():
        if streams.stdout_tty:
            from claude_cli.terminal.richout import print_json

            print_json(streams.stdout, message)  # indented, highlighted, made safe
        else:
            streams.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
            streams.stdout.flush()


def show_usage(message: dict[str, Any], streams: Streams) -> None:
    """The reply's tokens and cost, on a terminal, after the answer."""
    if streams.stderr_tty:
        from claude_cli.request.usage import usage_line

        streams.note(usage_line(message))


def check_fit(
    settings: Settings,
    body: dict[str, Any],
    streams: Streams,
    client: Client,
    registry: Registry | None,
) -> None:
    """Refuse a request that cannot fit the model's context window, warn when it is near
    (context.py). Most requests are far from it: they cost no request at all."""
    from claude_cli.request import context

    model = body["model"]
    guess = context.estimate(body)
    window = Registry(settings.base_url, None).lookup(model).context  # known without asking
    if not context.worth_counting(guess, window):
        return
    if registry is not None:
        window = registry.lookup(model).context or window
    if not window:
        return  # a model nobody describes: the service decides
    from claude_cli.errors import CliError, UsageError
    from claude_cli.request.body import count_body

    try:
        count, exact = client.count_tokens(count_body(body)), True
    except CliError:  # no count route (a gateway), or it failed: go by the guess
        count, exact = guess, False
    fit = context.judge(count, window, model, body["max_tokens"], exact=exact)
    if fit.refuse:
        raise UsageError(fit.refuse, context.TOO_LARGE_HINT)
    if fit.warn:
        streams.note(fit.warn)


def _ran_server_tools(message: dict[str, Any]) -> bool:
    return any(
        isinstance(b, dict) and b.get("type") == "server_tool_use"
        for b in message.get("content") or []
    )


# -- what a stop reason means -------------------------------------------------

STOP_EXPLAINED = {
    "pause_turn": (
        "the service paused this turn (pause_turn), e.g. a long server-side tool run; "
        "ask again in the session to let it continue"
    ),
    "model_context_window_exceeded": (
        "the reply stopped because the conversation filled the model's context window "
        "(model_context_window_exceeded); start a new session or a shorter prompt"
    ),
}


def refusal_line(message: dict[str, Any]) -> str | None:
    """One line for stop_reason "refusal": the category and explanation, if given."""
    if message.get("stop_reason") != "refusal":
        return None
    from claude_cli.terminal.term import sanitize

    details = message.get("stop_details") or {}
    category = details.get("category") if isinstance(details, dict) else None
    explanation = details.get("explanation") if isinstance(details, dict) else None
    line = "the model declined to answer (refusal)"
    if category:
        line += f": {sanitize(str(category))}"
    if explanation:
        line += f" — {sanitize(str(explanation))}"
    return line


def explain_stop(message: dict[str, Any], note: Callable[[str], None]) -> None:
    """Plain words for stop reasons a person would not guess."""
    said = STOP_EXPLAINED.get(str(message.get("stop_reason")))
    if said:
        note(said)


__all__ = [
    "Link",
    "explain_stop",
    "make_client",
    "make_renderer",
    "refusal_line",
    "send",
    "show_usage",
]
