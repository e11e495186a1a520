"""The `ask` workflow: settings → payload → transport → renderer.

`cli.py` parses arguments into an AskOptions; everything after that is here.
Session and image support plug in through `history` and `images`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .config import Credentials, Settings, resolve_credentials
from .errors import Interrupted, StreamInterrupted, UsageError
from .models import PREFILL_MODELS_HINT, supports_prefill
from .payload import clean_prefill, conversation, join_prompt, request_body, user_turn
from .render import RawRenderer, Renderer
from .term import Streams


@dataclass
class AskOptions:
    words: list[str] = field(default_factory=list)
    prefill: str | None = None
    stop: list[str] = field(default_factory=list)
    temperature: float | None = None
    thinking_budget: int | None = None
    json_out: bool = False
    stream: bool = True
    dry_run: bool = False
    curl: bool = False
    plain: bool = False
    show_thinking: bool = False
    images: list[str] = field(default_factory=list)
    session: str | None = None
    continue_last: bool = False


@dataclass
class Prepared:
    """A request ready to send, and what the user should be told about it."""

    body: dict[str, Any]
    prefill: str | None
    notes: list[str] = field(default_factory=list)
    turn: dict[str, Any] | None = None  # the new user message, as sent


def choose_model(settings: Settings, prefill: str | None) -> tuple[str, str | None]:
    """The model to use, and a note when we swapped it for prefill's sake."""
    model = settings.model
    if not prefill or supports_prefill(model) is not False:
        return model, None
    # A model from a flag, the environment or config.toml is the user's pick; a
    # session's remembered model (often just the default) is not worth an error.
    if settings.source("model") in ("flag", "env", "file"):
        raise UsageError(
            f"model {model} does not accept --prefill (models from the 4.6 family on refuse it); "
            f"{PREFILL_MODELS_HINT}: pick one with -m"
        )
    fallback = settings.prefill_model
    return fallback, f"using {fallback} for --prefill ({model} does not accept prefill)"


def check_sampling(settings: Settings, opts: AskOptions) -> None:
    if any(not stop for stop in opts.stop):
        raise UsageError("--stop needs some text: an empty stop sequence would end every reply")
    if opts.temperature is not None and settings.api_version >= "2026-10-21":
        raise UsageError(
            f"--temperature is not accepted under anthropic-version {settings.api_version}; "
            'drop it or set api_version = "2023-06-01"'
        )
    if opts.prefill and opts.thinking_budget:
        raise UsageError("--prefill cannot be combined with --think (the API refuses both)")
    if opts.temperature is not None and opts.thinking_budget:
        raise UsageError("--temperature cannot be combined with --think (the API refuses both)")


def max_tokens_for(settings: Settings, opts: AskOptions) -> int:
    """max_tokens, with room for the answer after a thinking budget."""
    budget = opts.thinking_budget
    if not budget or budget < settings.max_tokens:
        return settings.max_tokens
    if settings.chose("max_tokens"):
        raise UsageError(
            f"--think {budget} must be below --max-tokens ({settings.max_tokens}): "
            "thinking is part of the reply's tokens"
        )
    return budget + settings.max_tokens


def prepare(
    settings: Settings,
    opts: AskOptions,
    prompt: str,
    *,
    history: list[dict[str, Any]] | None = None,
    images: list[dict[str, Any]] | None = None,
    cache: bool = False,
    turn: dict[str, Any] | None = None,
) -> Prepared:
    """Build the request. `turn` (a ready user message) replaces prompt + images."""
    check_sampling(settings, opts)
    prefill = clean_prefill(opts.prefill)
    model, note = choose_model(settings, prefill)
    turn = turn or user_turn(prompt, images)
    messages = conversation(history or [], turn, prefill)
    body = request_body(
        model=model,
        max_tokens=max_tokens_for(settings, opts),
        messages=messages,
        system=settings.system,
        stop_sequences=opts.stop,
        temperature=opts.temperature,
        thinking_budget=opts.thinking_budget,
        cache=cache,
        stream=opts.stream,
    )
    return Prepared(body, prefill, [note] if note else [], turn)


def read_prompt(opts: AskOptions, streams: Streams, *, stdin_free: bool = True) -> str:
    stdin_text = streams.read_stdin_text() if stdin_free else None
    prompt = join_prompt(opts.words, stdin_text)
    if not prompt.strip() and not opts.images:
        raise UsageError("no prompt: give the question as words, or pipe text on stdin")
    return prompt


def make_client(
    settings: Settings,
    streams: Streams,
    credentials: Credentials | None = None,
    *,
    note: Callable[[str], None] | None = None,
):
    """An API client; retries are announced on a terminal (through `note` when given)."""
    from .api import Client

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


class _Silent:
    def text(self, text: str) -> None:
        pass

    def thinking(self, text: str) -> None:
        pass

    def finish(self) -> None:
        pass


def make_renderer(opts: AskOptions, streams: Streams) -> Renderer:
    if opts.json_out:
        return _Silent()
    thinking_to = streams.stderr if opts.show_thinking else None
    if not streams.stdout_tty:
        return RawRenderer(streams.stdout, thinking_to=thinking_to)
    if opts.plain:
        return RawRenderer(streams.stdout, safe=True, thinking_to=thinking_to)
    from .render import MarkdownRenderer

    status = streams.stderr if streams.stderr_tty else thinking_to
    return MarkdownRenderer(streams.stdout, show_thinking=opts.show_thinking, status=status)


def send(
    settings: Settings,
    opts: AskOptions,
    prepared: Prepared,
    streams: Streams,
    client=None,
    renderer: Renderer | None = None,
) -> dict[str, Any]:
    """Send a prepared request and show the reply. Returns the Message."""
    for note in prepared.notes:
        streams.note(note)
    own_client = client is None
    client = client or make_client(settings, streams)
    renderer = renderer or make_renderer(opts, streams)
    if prepared.prefill:
        renderer.text(prepared.prefill)
    from .reply import fetch, stream_reply

    try:
        if opts.stream:
            message = stream_reply(
                client,
                prepared.body,
                renderer,
                resumes=settings.max_retries,
                note=streams.note if streams.stderr_tty else None,
            )
        else:
            message = fetch(client, prepared.body, renderer)
    except StreamInterrupted:
        renderer.finish()
        raise
    except KeyboardInterrupt:
        renderer.finish()
        raise Interrupted() from None
    finally:
        if own_client:
            client.close()
    renderer.finish()
    if opts.json_out:
        streams.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
        streams.stdout.flush()
    if streams.stderr_tty:
        streams.note(usage_line(message))
    return message


def usage_line(message: dict[str, Any]) -> str:
    usage = message.get("usage") or {}
    parts = [f"{usage.get('input_tokens', 0):,} in", f"{usage.get('output_tokens', 0):,} out"]
    read = usage.get("cache_read_input_tokens") or 0
    written = usage.get("cache_creation_input_tokens") or 0
    if read or written:
        parts.append(f"cache {read:,} read / {written:,} written")
    stop = message.get("stop_reason")
    if stop and stop != "end_turn":
        parts.append(STOP_REASONS.get(stop, f"stop: {stop}"))
    return " · ".join(parts)


STOP_REASONS = {
    "max_tokens": "cut off: reached --max-tokens",
    "stop_sequence": "stopped at a stop sequence",
    "refusal": "the model declined to answer (refusal)",
    "model_context_window_exceeded": "cut off: context window full",
    "pause_turn": "paused (pause_turn)",
    "tool_use": "stopped for a tool call",
}


def dry_run(settings: Settings, prepared: Prepared, streams: Streams, *, curl: bool) -> None:
    """Print the request instead of sending it. The key is never shown."""
    from .curl import curl_command, redacted_headers

    for note in prepared.notes:
        streams.note(note)
    url = f"{settings.base_url}/v1/messages"
    if curl:
        streams.stdout.write(curl_command(url, settings.api_version, prepared.body) + "\n")
        return
    streams.stderr.write(f"POST {url}\n")
    for name, value in redacted_headers(settings.api_version).items():
        streams.stderr.write(f"{name}: {value}\n")
    streams.stdout.write(json.dumps(prepared.body, indent=2, ensure_ascii=False) + "\n")


def session_name(opts: AskOptions) -> str | None:
    """The session this ask belongs to (validated), or None."""
    from . import session

    if opts.session and opts.continue_last:
        raise UsageError("--session and --continue do not go together")
    if opts.continue_last:
        name = session.latest_name()
        if name is None:
            raise UsageError("no session to continue yet: start one with --session NAME")
        return name
    return session.check_name(opts.session) if opts.session is not None else None


def with_session(settings: Settings, doc: dict[str, Any] | None) -> Settings:
    """A session's model and system prompt apply unless given as flags."""
    if doc is None:
        return settings
    from dataclasses import replace

    changes: dict[str, Any] = {}
    for key in ("model", "system"):
        if settings.source(key) != "flag" and isinstance(doc.get(key), str) and doc[key]:
            changes[key] = doc[key]
    if not changes:
        return settings
    sources = {**settings.sources, **dict.fromkeys(changes, "session")}
    return replace(settings, **changes, sources=sources)


def save_exchange(
    name: str, settings: Settings, prepared: Prepared, message: dict[str, Any]
) -> None:
    """After a successful reply: the user turn, the reply (prefill included) and usage."""
    from . import session

    session.record_exchange(
        name,
        prepared.turn or prepared.body["messages"][-1],
        session.assistant_turn(message, prepared.prefill),
        model=settings.model,
        reply_model=prepared.body["model"],
        system=settings.system,
        usage=session.usage_of(message),
    )


def load_images(settings: Settings, sources: list[str], streams: Streams) -> list[dict[str, Any]]:
    """Image blocks for `-i` sources; what was changed is told on a terminal."""
    from .images import load_image_blocks

    note = streams.note if streams.stderr_tty else None
    return load_image_blocks(sources, settings, note=note, stdin=streams.stdin)


def run_ask(settings: Settings, opts: AskOptions, streams: Streams) -> None:
    if opts.json_out and opts.dry_run:
        raise UsageError("--json and --dry-run do not go together")
    name = session_name(opts)  # a bad name fails before anything is read or sent
    history: list[dict[str, Any]] = []
    if name is not None:
        from . import session

        doc = session.read(name)
        settings = with_session(settings, doc)
        history = session.inline(doc["messages"]) if doc else []
    # `-i -`: stdin carries the image, so it is not read as prompt text.
    prompt = read_prompt(opts, streams, stdin_free="-" not in opts.images)
    images = load_images(settings, opts.images, streams) if opts.images else None
    cache = name is not None and settings.prompt_caching
    prepared = prepare(settings, opts, prompt, history=history, images=images, cache=cache)
    if opts.dry_run or opts.curl:
        dry_run(settings, prepared, streams, curl=opts.curl)
        return
    if name is not None:
        session.check_writable(name)  # fail before paying when the reply could not be saved
    message = send(settings, opts, prepared, streams)
    if name is not None:
        save_exchange(name, settings, prepared, message)
