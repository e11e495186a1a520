"""What one request from the command line is made of, shared by `ask` and `tokens`: the
options the flags gave (AskOptions), the prompt from the words and stdin, the session it
continues, the --schema it must follow, and the images and attachments it carries.

Not a command: commands import it, it imports no command (tests/test_layers.py). Light at
import time, as a plain `ask` loads it (tests/test_startup.py): the rest is imported when used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from claude_cli.api.stream import whole_unicode
from claude_cli.config import Settings
from claude_cli.errors import UsageError
from claude_cli.request.body import RequestOptions
from claude_cli.request.payload import join_prompt
from claude_cli.terminal.term import Streams

# The user turn `ask -c` / `ask -S NAME` sends, given no words, after a cut-off reply.
CONTINUE_PROMPT = "Continue from where you stopped."


@dataclass
class AskOptions:
    """What `ask` (or `tokens`) was told to do, as cli.py / fast_ask parsed it."""

    words: list[str] = field(default_factory=list)
    prefill: str | None = None
    stop: list[str] = field(default_factory=list)
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    effort: str | None = None
    think: bool | None = None
    think_budget: int | None = None
    json_out: bool = False
    stream: bool = True
    dry_run: bool = False
    curl: bool = False
    plain: bool = False
    show_thinking: bool = False
    images: list[str] = field(default_factory=list)
    attach: list[str] = field(default_factory=list)  # -a: PDFs, text files, images
    cite: bool = False  # --cite: citations on attached documents
    web: bool = False  # --web: web search and fetch, run by the service
    web_domains: list[str] = field(default_factory=list)
    max_searches: int | None = None
    sources: bool = False  # --sources: cited sources on stderr in a pipe
    session: str | None = None
    continue_last: bool = False
    schema_text: str | None = None  # --schema as given
    schema_multi: bool = False
    schema: dict[str, Any] | None = None  # what --schema stands for, once read
    save: bool = True  # False: --no-save

    def request(self) -> RequestOptions:
        return RequestOptions(
            prefill=self.prefill,
            stop=list(self.stop),
            temperature=self.temperature,
            top_p=self.top_p,
            top_k=self.top_k,
            effort=self.effort,
            think=self.think,
            think_budget=self.think_budget,
            show_thinking=self.show_thinking,
            stream=self.stream,
            schema=self.schema,
            web=self.web,
            web_domains=list(self.web_domains),
            max_searches=self.max_searches,
        )


def read_prompt(
    opts: AskOptions, streams: Streams, *, stdin_free: bool = True, cut_off: bool = False
) -> str:
    """The prompt from the words and stdin. With none, a session whose last reply was
    cut off (`cut_off`) is asked to go on (CONTINUE_PROMPT); otherwise a usage error."""
    stdin_text = streams.read_stdin_text() if stdin_free else None
    # Words that were not UTF-8 reach argv as lone surrogates ("caf\udce9"): sent as
    # U+FFFD, as stdin is decoded and the session file stores them, so the two agree.
    prompt = whole_unicode(join_prompt(opts.words, stdin_text))
    if not prompt.strip() and not opts.images and not opts.attach:
        if cut_off:
            if streams.stderr_tty:
                streams.note(f"the last reply was cut off; sending {CONTINUE_PROMPT!r}")
            return CONTINUE_PROMPT
        raise UsageError("no prompt: give the question as words, or pipe text on stdin")
    return prompt


def session_name(opts: AskOptions, streams: Streams) -> str | None:
    """The session this request continues (validated), or None for a new conversation."""
    from claude_cli.store import session

    if opts.session and opts.continue_last:
        raise UsageError("--session and --continue do not go together")
    if opts.continue_last:
        name = session.latest_name()
        if name is None:
            raise UsageError(
                "no session to continue yet: ask something first, or use --session NAME"
            )
        if streams.stderr_tty:  # never silently: it may not be the one the user thinks
            streams.note(f"continuing session {name} (`claude-cli sessions show {name}`)")
        return name
    return session.check_name(opts.session) if opts.session is not None else None


def load_schema(opts: AskOptions) -> None:
    """Read --schema (a bad one fails before anything is read or sent)."""
    if opts.schema_text is None:
        if opts.schema_multi:
            raise UsageError("--schema-multi needs --schema: the fields of each item")
        return
    from claude_cli.request.schema import load

    opts.schema = load(opts.schema_text, multi=opts.schema_multi)


def load_images(settings: Settings, sources: list[str], streams: Streams) -> list[dict[str, Any]]:
    """Image blocks for `-i` sources; what was changed is told on a terminal."""
    from claude_cli.api.capabilities import Registry
    from claude_cli.inputs.images import load_image_blocks

    note = streams.note if streams.stderr_tty else None
    # The context window as already known (cache or built-in table; fetch=None: no
    # request just for this): 1M-context models take 600 images, others 100.
    context = Registry(settings.base_url, None).lookup(settings.model).context
    return load_image_blocks(
        sources, settings, note=note, stdin=streams.stdin, max_input_tokens=context
    )


def load_inputs(
    settings: Settings, opts: AskOptions, streams: Streams
) -> list[dict[str, Any]] | None:
    """The blocks `-i` and `-a` stand for, images first (None: neither was given). What
    fitting changed is told on a terminal; the request's size counts every block."""
    images = load_images(settings, opts.images, streams) if opts.images else None
    if opts.attach:
        from claude_cli.inputs.documents import block_bytes, load_attachments

        note = streams.note if streams.stderr_tty else None
        images = (images or []) + load_attachments(
            opts.attach,
            settings,
            cite=opts.cite,
            note=note,
            stdin=streams.stdin,
            already=sum(block_bytes(b) for b in images or []),
        )
    return images


__all__ = [
    "CONTINUE_PROMPT",
    "AskOptions",
    "load_images",
    "load_inputs",
    "load_schema",
    "read_prompt",
    "session_name",
]
