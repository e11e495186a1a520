"""The `ask` command: one question (or one more turn of a session), one answer.

`cli.py` parses arguments into an AskOptions (prompt_input.py, with the prompt, session,
schema and attachments it stands for, shared with `tokens`). Shaping the request lives in
request/body.py, sending it in exchange.py; this module wires them for `ask`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from claude_cli.api.stream import whole_unicode
from claude_cli.config import Settings
from claude_cli.errors import CliError, ExitCode, FlawedReply, ProtocolError, Refused, UsageError
from claude_cli.exchange import (
    Link,
    explain_stop,
    make_client,
    make_renderer,
    refusal_line,
    show_usage,
)
from claude_cli.prompt_input import AskOptions, load_inputs, load_schema, read_prompt, session_name
from claude_cli.request.body import Prepared, shape
from claude_cli.terminal.raw_render import Renderer
from claude_cli.terminal.term import Streams

__all__ = ["run_ask", "send"]


class CutOff(CliError):
    """stop_reason "max_tokens": what was printed is only the start of the answer."""

    exit_code = ExitCode.CUT_OFF


def send(
    settings: Settings,
    opts: AskOptions,
    prepared: Prepared,
    streams: Streams,
    client=None,
    renderer: Renderer | None = None,
    *,
    registry=None,
) -> dict[str, Any]:
    """Send a prepared request and show the reply (exchange.send with ask's renderer)."""
    from claude_cli import exchange

    own_client = client is None
    client = client or make_client(settings, streams)
    # With --schema the reply is printed as JSON once it is whole and checked.
    renderer = renderer or make_renderer(
        streams,
        json_out=opts.json_out or opts.schema is not None,
        plain=opts.plain,
        show_thinking=opts.show_thinking,
    )
    try:
        return exchange.send(
            settings,
            opts.request(),
            prepared,
            streams,
            client,
            renderer,
            registry=registry,
            json_out=opts.json_out,
            usage=opts.schema is None,  # with --schema: after the data (run_ask)
        )
    finally:
        if own_client:
            client.close()


def dry_run(settings: Settings, prepared: Prepared, streams: Streams, *, curl: bool) -> None:
    """Print the request instead of sending it. The key is never shown."""
    from claude_cli.request.curl import curl_command, redacted_headers

    for note in prepared.notes:
        streams.note(note)
    url = f"{settings.base_url}/v1/messages"
    if curl:
        command = curl_command(
            url, settings.api_version, prepared.body, key_command=settings.api_key_command
        )
        streams.stdout.write(command + "\n")
        return
    streams.stderr.write(f"POST {url}\n")
    for name, value in redacted_headers(settings.api_version).items():
        streams.stderr.write(f"{name}: {value}\n")
    streams.stdout.write(json.dumps(prepared.body, indent=2, ensure_ascii=False) + "\n")


def remember(
    settings: Settings, prepared: Prepared, message: dict[str, Any], streams
) -> str | None:
    """Keep a one-off ask as a new ask-DATE session, so `ask -c` can continue it.
    The user did not ask for a file: a failure is a note, not a failed command.
    Returns the session's name, or None when it was not kept."""
    from claude_cli.errors import SessionError
    from claude_cli.store import session

    name = session.auto_name("ask")
    try:
        save_exchange(name, settings, prepared, message)
    except (SessionError, OSError) as e:
        streams.note(f"this ask was not remembered: {e}")
        return None
    return name


def save_exchange(
    name: str,
    settings: Settings,
    prepared: Prepared,
    message: dict[str, Any],
    *,
    usage_known: bool = True,
) -> None:
    """After a reply: the user turn (and a new system message), the reply as it came
    (thinking blocks and signatures included, prefill joined) and usage (none recorded
    when the server's was malformed: `usage_known=False`)."""
    from claude_cli.store import session

    session.record_exchange(
        name,
        prepared.turn or prepared.body["messages"][-1],
        session.assistant_turn(message, prepared.prefill),
        model=settings.model,
        reply_model=prepared.body["model"],
        system=settings.system,
        usage=session.usage_of(message) if usage_known else None,
        instruction=prepared.instruction,
        cut_off=message.get("stop_reason") == "max_tokens",
    )


def show_structured(
    message: dict[str, Any], schema: dict[str, Any], streams: Streams, *, multi: bool, quiet: bool
) -> None:
    """Print the reply's data as JSON; a reply that is not such data is an error, its raw
    text on stderr (the reply is already saved in a session: nothing paid is lost)."""
    from claude_cli.request.payload import message_text
    from claude_cli.request.schema import SchemaMismatch, check

    text = message_text(message)
    try:
        data = check(message, text, schema, multi=multi)
    except SchemaMismatch:
        if not quiet:
            write_raw(text, streams)
        raise
    if not quiet:
        from claude_cli.terminal.jsonout import write_json

        write_json(streams.stdout, data)


def write_raw(text: str, streams: Streams) -> None:
    from claude_cli.terminal.term import sanitize

    if text:
        streams.stderr.write((sanitize(text) if streams.stderr_tty else text) + "\n")
        streams.stderr.flush()


def run_ask(settings: Settings, opts: AskOptions, streams: Streams) -> None:
    if opts.json_out and opts.dry_run:
        raise UsageError("--json and --dry-run do not go together")
    load_schema(opts)
    if settings.system:  # -s text from argv: as the prompt's words (read_prompt)
        settings = replace(settings, system=whole_unicode(settings.system))
    name = session_name(opts, streams)  # a bad name fails before anything is read or sent
    save = opts.save and (name is not None or settings.save_asks)
    history: list[dict[str, Any]] = []
    changed_system = None
    notes: list[str] = []
    cut_off_before = False
    if name is not None:
        from claude_cli.request import conversation
        from claude_cli.store import session

        doc = session.read(name)
        cut_off_before = session.last_reply_cut_off(doc)
        changed_system = conversation.new_system(settings, doc)
        settings = conversation.with_session(settings, doc)
        history = session.inline(doc["messages"]) if doc else []
        switched = conversation.model_switch_note(doc, settings.model)
        if switched:
            notes.append(switched)
    # `-i -` / `-a -`: stdin carries the file, so it is not read as prompt text.
    if "-" in opts.images and "-" in opts.attach:
        raise UsageError("stdin can carry one file: `-` given to both -i and -a")
    if opts.cite and not opts.attach:
        raise UsageError("--cite needs a document to cite: attach one with -a")
    if opts.sources and not (opts.web or opts.cite):  # like --web-domains without --web
        raise UsageError("--sources needs --web or --cite: only they bring sources to show")
    prompt = read_prompt(
        opts, streams, stdin_free="-" not in opts.images + opts.attach, cut_off=cut_off_before
    )
    images = load_inputs(settings, opts, streams)
    cache = name is not None and settings.prompt_caching
    offline = opts.dry_run or opts.curl
    link = Link(settings, streams, offline=offline)
    try:
        prepared = shape(
            settings,
            opts.request(),
            prompt,
            lookup=link.lookup,
            history=history,
            images=images,
            cache=cache,
            new_system=changed_system,
        )
        if prepared.instruction is not None:  # -s on a session that has begun
            notes.append(
                "the new system prompt goes after your message as a mid-conversation system "
                "message; earlier turns stay as they were"
            )
        prepared.notes[:0] = notes
        if offline:
            dry_run(settings, prepared, streams, curl=opts.curl)
            return
        if name is not None and save:
            session.check_writable(name)  # fail before paying when the reply could not be saved
        try:
            message = send(
                settings, opts, prepared, streams, client=link.client, registry=link.registry
            )
        except FlawedReply as e:  # paid and shown: kept before the error is reported
            raise keep_flawed(e, name, save, settings, prepared) from None
    finally:
        link.close()
    kept = None  # how the session is continued (the cut-off hint says it)
    if save:  # a paid reply is kept, refusal or not
        if name is not None:
            save_exchange(name, settings, prepared, message)
            kept = "ask -c" if opts.continue_last else f"ask -S {name}"
        elif remember(settings, prepared, message, streams):
            kept = "ask -c"
    explain_stop(message, streams.note)
    refused = refusal_line(message)
    if refused:
        if opts.schema is not None:
            if not opts.json_out:
                from claude_cli.request.payload import message_text

                write_raw(message_text(message), streams)
            show_usage(message, streams)
        raise Refused(refused)
    if opts.schema is not None:
        try:
            show_structured(
                message, opts.schema, streams, multi=opts.schema_multi, quiet=opts.json_out
            )
        finally:  # after the data, as after every other answer (it was paid either way)
            show_usage(message, streams)
    elif not opts.json_out:
        show_sources(message, streams, on_stderr=opts.sources)
    if message.get("stop_reason") == "max_tokens":
        cut_off(settings, streams, kept)


def show_sources(message: dict[str, Any], streams: Streams, *, on_stderr: bool) -> None:
    """Cited sources as numbered footnotes: after the reply on a terminal, on stderr in a
    pipe only when asked (--sources), so stdout stays the answer's text."""
    from claude_cli.terminal.term import dim
    from claude_cli.terminal.web import footnotes

    notes = footnotes(message)
    if not notes:
        return
    if streams.stdout_tty:
        streams.stdout.write("\n" + dim(notes, streams.stdout) + "\n")
        streams.stdout.flush()
    elif on_stderr:
        streams.stderr.write(notes + "\n")
        streams.stderr.flush()


def cut_off(settings: Settings, streams: Streams, kept: str | None = None) -> None:
    """A reply stopped by max_tokens: scripts must know the text is partial (exit 8),
    unless --max-tokens on this command line asked for that short a reply (as in
    `--max-tokens 1 --prefill ...`): then only a note, where the usage line is not shown.
    `kept`: the command that continues the saved session (None: it was not saved)."""
    said = f"the reply was cut off at max_tokens ({settings.max_tokens}): it is incomplete"
    if settings.source("max_tokens") != "flag":
        more = f", or `{kept}` (no words) to continue it" if kept else ""
        raise CutOff(f"{said} (raise --max-tokens{more})")
    if not streams.stderr_tty:
        streams.note(said)


def keep_flawed(
    flawed: FlawedReply, name: str | None, save: bool, settings: Settings, prepared: Prepared
) -> ProtocolError:
    """A reply that arrived whole with malformed metadata (its usage, its message_delta)
    is saved like any other (in `name`, or a new ask session), its usage unknown; a failed
    save keeps it in a recovery file (SessionError). Returns the error to exit with (5)."""
    from claude_cli.store import session

    message = flawed.reply
    if not save:
        return flawed.kept("the reply was shown but not saved")
    usage_known = "usage" in message
    name = name or session.auto_name("ask")
    save_exchange(name, settings, prepared, message, usage_known=usage_known)
    return flawed.kept(
        f"the reply is kept in session {name}" + ("" if usage_known else ", its usage unknown")
    )
