"""`claude-cli chat`: a conversation loop over a session, with slash commands.

`Chat` holds the conversation and runs one line at a time; it is given its
`send` (Prepared, Renderer) -> Message and a renderer factory, so tests drive
it against a real server with any input. Two front ends feed it lines:

* `run_tty`: a prompt-toolkit prompt (history, Ctrl-R, Tab completion of slash
  commands, Alt+Enter / Esc Enter for a newline, bracketed paste kept as one
  message, Ctrl-X Ctrl-E for $EDITOR; Ctrl-C clears the line, Ctrl-D leaves).
* `run_lines`: stdin is not a terminal, so each line is one message, replies
  are plain text and the first error ends the run with its exit code.

Ctrl-C during a reply stops it and returns to the prompt. What was already
shown is kept as the assistant turn (trailing whitespace trimmed), so the
conversation on disk always alternates user/assistant and matches the screen;
when nothing was shown yet, nothing is saved. `/undo` drops a stopped reply,
`/retry` regenerates it. SIGTERM and SIGHUP stop a reply the same way, then the
chat ends (exit 128 + the signal's number).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from claude_cli.api.capabilities import EFFORT_LEVELS, Capabilities, unknown
from claude_cli.errors import (
    CliError,
    FlawedReply,
    Interrupted,
    Refused,
    SessionError,
    StreamInterrupted,
    UsageError,
)
from claude_cli.request import conversation
from claude_cli.request.body import Prepared, RequestOptions, shape
from claude_cli.request.payload import user_turn
from claude_cli.request.pricing import plural, usage_summary
from claude_cli.store import session
from claude_cli.terminal.term import isatty

if TYPE_CHECKING:
    from claude_cli.config import Settings
    from claude_cli.terminal.raw_render import Renderer

Send = Callable[[Prepared, "Renderer", "Settings"], dict[str, Any]]
Note = Callable[[str], None]


@dataclass(frozen=True)
class Command:
    name: str
    args: str
    help: str


# How many sessions /sessions lists (the most recent).
SESSIONS_SHOWN = 20
# How much of a continued session `chat -S NAME` shows when it opens.
RECAP_MESSAGES = 4
RECAP_CHARS = 200
COMMANDS: tuple[Command, ...] = (
    Command("help", "", "show this list"),
    Command("exit", "", "leave (Ctrl-D does too)"),
    Command("clear", "", "start a new, empty conversation (the old one stays on disk)"),
    Command("model", "[NAME]", "show or change the model"),
    Command("system", "[TEXT|-]", "show, set, or (with -) remove the system prompt"),
    Command("effort", "[LEVEL|-]", "show or set the effort: low, medium, high, xhigh, max"),
    Command("think", "[on|off|N|-]", "thinking: on, off, a budget N (older models), - default"),
    Command("prefill", "TEXT", "start Claude's next reply with TEXT"),
    Command("retry", "", "regenerate the last reply (or resend a message that failed)"),
    Command("undo", "", "drop the last exchange"),
    Command("image", "PATH|URL", "attach an image to your next message"),
    Command("attach", "PATH|URL", "attach a PDF, a text file or an image to your next message"),
    Command("cite", "[on|off]", "citations from attached documents, shown as footnotes"),
    Command("schema", "[--multi] [SCHEMA|-]", "answer as JSON matching SCHEMA ('name, age int')"),
    Command("web", "[on|off]", "let Claude search the web and read pages (server tools)"),
    Command("sessions", "", "list saved sessions"),
    Command("usage", "", "tokens and estimated cost of this session"),
    Command("save", "NAME", "copy this conversation to a new name and continue there"),
)
_SLASH = re.compile(r"/(\S*)\s*(.*)", re.S)


class _Recording:
    """Passes deltas on to the real renderer and remembers the text shown."""

    def __init__(self, inner: Renderer) -> None:
        self.inner = inner
        self.shown: list[str] = []

    def text(self, text: str) -> None:
        self.shown.append(text)
        self.inner.text(text)

    def thinking(self, text: str) -> None:
        self.inner.thinking(text)

    def thinking_started(self) -> None:
        started = getattr(self.inner, "thinking_started", None)
        if started is not None:
            started()

    def finish(self) -> None:
        self.inner.finish()


class Chat:
    """One conversation, saved to session `name` after every reply."""

    def __init__(
        self,
        settings: Settings,
        *,
        name: str | None,
        send: Send,
        new_renderer: Callable[[], Renderer],
        out: TextIO,
        note: Note,
        interactive: bool = True,
        load_image: Callable[[str, Settings], dict[str, Any]] | None = None,
        options: RequestOptions | None = None,
        lookup: Callable[[str], Capabilities] = unknown,
        schema_multi: bool = False,
        cite: bool = False,
        sources: bool = False,
        show_usage: Callable[[dict[str, Any]], None] | None = None,
        width: Callable[[], int] | None = None,
    ) -> None:
        self.name = session.check_name(name) if name else session.auto_name()
        self.doc = session.read(self.name)
        # A -s for a session already under way is a change for the next message to carry.
        self.pending_system = conversation.new_system(settings, self.doc)
        self.settings = _apply_doc(settings, self.doc)
        self.options = options or RequestOptions()
        self.schema_multi = schema_multi  # options.schema asks for a list of objects
        self.cite = cite  # citations on attached documents
        self.sources = sources  # footnotes on stderr when stdout is not a terminal
        self.lookup = lookup
        self.show_usage = show_usage  # the usage line, after a /schema reply's data
        self.width = width  # the terminal's columns, for text of our own (None: no wrapping)
        self.send = send
        self.new_renderer = new_renderer
        self.out = out
        self.note = note
        self.interactive = interactive
        self.load_image = load_image
        self.images: list[dict[str, Any]] = []
        self.image_names: list[str] = []
        self.prefill: str | None = None
        # A message whose request failed (not sent, or no reply): /retry sends it again.
        self.failed: dict[str, Any] | None = None
        self.last_usage: dict[str, Any] | None = None  # {"model", "usage"} of the last reply
        self.done = False
        self.saving = False  # a paid reply is being written: signals wait for it
        self.prompt_app: Any = None  # the running prompt-toolkit application, if any

    # -- what the user sees about the state ---------------------------------

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.doc["messages"] if self.doc else []

    def header(self) -> str:
        turns = session.turn_count(self.doc) if self.doc else 0
        state = plural(turns, "turn", "turns") if self.doc else "new"
        return self.fit(
            f"{self.settings.model} · session {self.name} ({state}) · /help · Ctrl-D to quit"
        )

    def recap(self, turns: int = RECAP_MESSAGES) -> str | None:
        """The last few messages of a continued session, shortened, to see where
        the conversation stands; None for a new one."""
        shown = [m for m in self.messages if m.get("role") in ("user", "assistant")][-turns:]
        if not shown:
            return None
        earlier = len([m for m in self.messages if m.get("role") in ("user", "assistant")])
        lines = [f"… {earlier - len(shown)} earlier messages"] if earlier > len(shown) else []
        for m in shown:
            who = "you" if m.get("role") == "user" else "claude"
            text = " ".join(session.text_of(m.get("content")).split())
            if len(text) > RECAP_CHARS:
                text = text[: RECAP_CHARS - 1] + "…"
            lines.append(f"{who}: {text or '(no text)'}")
        return "\n".join(lines)

    # -- one line -----------------------------------------------------------

    def handle(self, line: str) -> None:
        """Run one line: a slash command, or a message to send."""
        if line.startswith("/") and not line.startswith("//"):
            match = _SLASH.match(line)
            assert match is not None
            self.command(match.group(1), match.group(2).strip())
            return
        text = line[1:] if line.startswith("//") else line
        if not text.strip() and not self.images:
            return
        self.message(text)

    def command(self, name: str, arg: str) -> None:
        found = [c for c in COMMANDS if c.name == name] or [
            c for c in COMMANDS if name and c.name.startswith(name)
        ]
        if len(found) != 1:
            self.note(f"unknown command /{name}; /help lists them (// sends a leading /)")
            return
        getattr(self, f"cmd_{found[0].name}")(arg)

    # -- sending --------------------------------------------------------------

    def message(self, text: str) -> None:
        for block in self.images:  # /cite decides for what is attached, until it is sent
            if block.get("type") == "document":
                block.pop("citations", None)
                if self.cite:
                    block["citations"] = {"enabled": True}
        turn = user_turn(text, self.images or None)
        self._reply(turn, history=None)

    def _reply(
        self,
        turn: dict[str, Any],
        *,
        history: list[dict[str, Any]] | None,
        retried: dict[str, Any] | None = None,
        resend: dict[str, Any] | None = None,
    ) -> None:
        """Send `turn` after `history` (default: the session's messages) and save
        the exchange; with `retried`, the new reply replaces that last message, and
        `resend` is the system message that followed `turn` (sent again, not stored)."""
        retry = retried is not None
        # Fails before paying when the reply could not be saved; another process
        # may have added turns, so this is also the fresh read.
        fresh = session.check_writable(self.name)
        if fresh is None and self.doc is not None:
            self._gone(turn, retry)
        if fresh is not None:
            self.doc = fresh
        if history is None:
            history = self.messages
        if self.pending_system is not None and not history:
            # Nothing produced yet (e.g. after /clear): the prompt can simply be the prompt.
            self.settings = _with(self.settings, system=self.pending_system[0])
            self.pending_system = None
        # The whole request counts (history included): refused here, not by the service.
        count = count_images([*history, turn])
        if count:
            from claude_cli.inputs.images import check_image_count

            check_image_count(count, self.lookup(self.settings.model).context)
        opts = replace(self.options, prefill=self.prefill)
        new_system = None if retry else self.pending_system
        if resend is not None:
            new_system = (session.text_of(resend.get("content")),)
        with in_chat_terms():
            prepared = shape(
                self.settings,
                opts,
                "",
                lookup=self.lookup,
                history=session.inline(history),
                turn=session.inline([turn])[0],
                cache=self.settings.prompt_caching,
                new_system=new_system,
            )
        renderer = _Recording(self.new_renderer())
        if not retry:
            self.failed = turn  # until a reply comes: an error keeps it for /retry
        flawed: FlawedReply | None = None
        try:
            message = self.send(prepared, renderer, self.settings)
        except Interrupted:
            self.failed = None
            self._stopped(turn, renderer, retry)
            return
        except FlawedReply as e:  # shown whole and paid: kept like any reply, then reported
            message, flawed = e.reply, e
        except StreamInterrupted as e:  # broke off mid-reply: what was shown is kept
            self._broken(turn, renderer, retry, e)
            raise
        self.failed = None
        known = flawed is None or "usage" in message
        usage = session.usage_of(message) if known else None
        self.last_usage = {"model": prepared.body["model"], "usage": usage} if known else None
        saved = dict(
            model=self.settings.model,
            reply_model=prepared.body["model"],
            system=self.settings.system,
            usage=usage,
        )
        reply = session.assistant_turn(message, prepared.prefill)
        # The turn as sent: for a model without system messages it carries the new prompt.
        changed = new_system is not None and prepared.instruction is None
        sent_turn = prepared.turn if changed and prepared.turn else turn
        self.images, self.image_names, self.prefill = [], [], None
        replaced = True
        with self._saving():
            try:
                if retried is None:
                    self.doc = session.record_exchange(
                        self.name, sent_turn, reply, instruction=prepared.instruction, **saved
                    )
                else:
                    self.doc, replaced = session.record_retry(
                        self.name, turn, retried, reply, **saved
                    )
            except SessionError as e:
                if retried is not None or self.doc is None or session.exists(self.name):
                    raise
                # Renamed or deleted while the reply came: it is in the recovery file, and
                # this chat keeps it too, so /save NAME goes on with the whole conversation.
                extra = [sent_turn, prepared.instruction, reply]
                messages = [*self.doc["messages"], *(m for m in extra if m is not None)]
                self.doc = {**self.doc, "messages": messages}
                self.pending_system = None
                raise SessionError(
                    e.message,
                    detail=(e.detail + "\n" if e.detail else "")
                    + "Or here: /save NAME continues this conversation under NAME, reply included",
                ) from None
        if not retry:
            self.pending_system = None
        if not replaced:
            self.note(
                "the session changed during /retry: the new reply was added after the "
                "newer turns (nothing was overwritten)"
            )
        if flawed is not None:
            unknown = "" if known else ", its usage unknown"
            raise flawed.kept(f"the reply is kept in session {self.name}{unknown}")
        from claude_cli.exchange import explain_stop, refusal_line

        explain_stop(message, self.note)
        refused = refusal_line(message)
        if self.options.schema is None:
            if refused:
                self._refused(refused)
            else:
                self._show_sources(message)
            return
        try:
            if refused:  # nothing was shown: the text is on stderr
                self._raw(message)
                self._refused(refused)
            else:
                self._show_data(message)
        finally:  # with /schema the usage line waits for the data (see run_chat)
            if self.show_usage is not None:
                self.show_usage(message)

    def _refused(self, line: str) -> None:
        """A refusal (the reply is saved): a note at the prompt, where the chat goes on; a
        piped chat ends with exit 7 as `ask` does, so a script knows it got no answer."""
        if self.interactive:
            self.note(line)
            return
        raise Refused(line)

    def _gone(self, turn: dict[str, Any], retry: bool) -> None:
        """The session file this chat wrote went away (`sessions rename` or `delete` in
        another shell): a new file under the name would hold only the later turns, so
        nothing is sent; the conversation is still here, and the user says where it goes."""
        if not retry:
            self.failed = turn  # /retry sends it once the conversation has a home
        raise SessionError(
            f"session {self.name!r} was renamed or deleted outside this chat; nothing was sent",
            detail=(
                "/save NAME writes this conversation (as this chat has it) to NAME and "
                "continues there; /clear starts a new one"
            ),
        )

    def _raw(self, message: dict[str, Any]) -> None:
        from claude_cli.request.payload import message_text

        text = message_text(message)
        if text:
            self.note(text)

    def _show_data(self, message: dict[str, Any]) -> None:
        """A /schema reply: its data as JSON; one that is not such data is an error (it is
        saved already), its raw text on stderr."""
        from claude_cli.request.payload import message_text
        from claude_cli.request.schema import SchemaMismatch, check
        from claude_cli.terminal.jsonout import write_json

        assert self.options.schema is not None
        try:
            data = check(
                message, message_text(message), self.options.schema, multi=self.schema_multi
            )
        except SchemaMismatch:
            self._raw(message)
            raise
        write_json(self.out, data)

    def _show_sources(self, message: dict[str, Any]) -> None:
        """Cited sources as numbered footnotes after the reply, as `ask` shows them."""
        from claude_cli.terminal.web import footnotes

        notes = footnotes(message)
        if not notes:
            return
        if isatty(self.out):
            from claude_cli.terminal.term import dim

            self.out.write("\n" + dim(notes, self.out) + "\n")
            self.out.flush()
        elif self.sources:
            self.note(notes)

    def _stopped(self, turn: dict[str, Any], renderer: _Recording, retry: bool) -> None:
        if self.interactive and isatty(self.out):
            # The terminal echoed "^C" where the next line begins; start that line afresh.
            self.out.write("\r\x1b[2K")
            self.out.flush()
        shown = "".join(renderer.shown).rstrip()
        if retry or not shown:
            what = "the previous reply is kept" if retry else "nothing was saved"
            self.note(f"stopped; {what}")
        else:
            self._keep_partial(turn, shown)
            self.note("stopped; the partial reply is kept (/retry regenerates it, /undo drops it)")
        if not self.interactive:
            raise Interrupted()

    def _broken(
        self, turn: dict[str, Any], renderer: _Recording, retry: bool, error: StreamInterrupted
    ) -> None:
        """A stream that broke off after some text: that text was shown and paid for, so
        it is saved as the reply (usage unknown), as Ctrl-C keeps it; the error follows."""
        shown = "".join(renderer.shown).rstrip()
        if retry or not shown:
            return  # nothing new to keep: the message stays for /retry
        self.failed = None
        self._keep_partial(turn, shown)
        self.note(
            f"the partial reply is kept in session {self.name} "
            "(/retry regenerates it, /undo drops it)"
        )

    def _keep_partial(self, turn: dict[str, Any], shown: str) -> None:
        """Save the text a cut-short reply showed as the turn's reply (usage unknown)."""
        with self._saving():
            self.doc = session.record_exchange(
                self.name,
                turn,
                {"role": "assistant", "content": shown},
                model=self.settings.model,
                system=self.settings.system,
                usage=None,
            )
        self.images, self.image_names, self.prefill = [], [], None

    @contextmanager
    def _saving(self) -> Iterator[None]:
        self.saving = True
        try:
            yield
        finally:
            self.saving = False

    # -- slash commands -------------------------------------------------------

    def cmd_help(self, arg: str) -> None:
        width = max(len(f"/{c.name} {c.args}") for c in COMMANDS)
        hang = " " * (width + 4)  # a wrapped description stays in its column
        lines = [self.fit(f"  {f'/{c.name} {c.args}':<{width}}  {c.help}", hang) for c in COMMANDS]
        keys = (
            "  Enter sends · Alt+Enter or Esc Enter: new line · Ctrl-X Ctrl-E: $EDITOR",
            "  Up/Down, Ctrl-R: history · Ctrl-C: clear line / stop a reply · Ctrl-D: quit",
        )
        lines += ["", *(self.fit(line) for line in keys)]
        self.note("\n".join(lines))

    def fit(self, line: str, indent: str = "  ") -> str:
        """`line` wrapped at word boundaries to the terminal's width (as it is now: it
        may have been resized), later lines starting with `indent`."""
        from claude_cli.terminal.term import fit_words

        return fit_words(line, self.width() if self.width is not None else None, indent)

    def cmd_exit(self, arg: str) -> None:
        self.done = True

    def cmd_clear(self, arg: str) -> None:
        old, had = self.name, self.doc is not None
        self.name = session.auto_name()
        self.doc = None
        self.images, self.image_names, self.prefill = [], [], None
        kept = f" ({old} stays on disk)" if had else ""
        self.note(self.fit(f"new conversation: session {self.name}{kept}"))

    def cmd_model(self, arg: str) -> None:
        if not arg:
            self.note(f"model: {self.settings.model}")
            return
        known = self.known_models()
        if known and arg not in known:
            import difflib

            close = difflib.get_close_matches(arg, known, n=3)
            maybe = f" (did you mean {', '.join(close)}?)" if close else ""
            self.note(
                f"{arg} is not a model claude-cli knows{maybe}; using it anyway: the service "
                "will say if it does not exist (`claude-cli models` refreshes the list)"
            )
        switched = conversation.model_switch_note(self.doc, arg)
        dropped = self._drop_unfitting(arg)
        self.settings = _with(self.settings, model=arg)
        self._store("model", arg)
        self.note(switched or f"model: {arg}")
        if dropped:
            self.note(dropped)

    def _drop_unfitting(self, model: str) -> str | None:
        """Before switching to `model`: the /effort and /think settings it cannot take
        are dropped (every message would fail otherwise); says which, or None."""
        o = self.options
        gone = []
        try:
            self._fits(replace(o, think=None, think_budget=None), model)
        except UsageError:
            gone.append(f"/effort {o.effort}")
            o = replace(o, effort=None)
        try:
            self._fits(o, model)
        except UsageError:
            setting = o.think_budget or {True: "on", False: "off"}.get(o.think, "-")
            gone.append(f"/think {setting}")
            o = replace(o, think=None, think_budget=None)
        if not gone:
            return None
        self.options = o
        return (
            f"{model} cannot take {' or '.join(gone)}: dropped, the model's default applies "
            "(/effort and /think show or set them)"
        )

    def known_models(self) -> list[str]:
        from claude_cli.api.capabilities import known_models

        return known_models(self.settings.base_url)

    def cmd_system(self, arg: str) -> None:
        if not arg:
            shown = (
                self.pending_system[0]
                if self.pending_system is not None
                else conversation.current_system(self.doc) or self.settings.system
            )
            self.note(f"system prompt: {shown or '(none)'}")
            return
        value = None if arg == "-" else arg
        if conversation.started(self.doc):
            # The conversation so far stays as it was sent (the prefix check on thinking):
            # the change goes with the next message, as a mid-conversation system message.
            self.pending_system = (value,)
            self.note(
                "system prompt "
                + ("removed" if value is None else "set")
                + " from your next message on (earlier turns stay as they were)"
            )
            return
        self.settings = _with(self.settings, system=value)
        self._store("system", value)
        self.note("system prompt removed" if value is None else "system prompt set")

    def cmd_effort(self, arg: str) -> None:
        if not arg:
            self.note(f"effort: {self.options.effort or 'the model default'}")
            return
        level = None if arg == "-" else arg.lower()
        if level is not None:
            if level not in EFFORT_LEVELS:
                raise UsageError(f"/effort takes {', '.join(EFFORT_LEVELS)} or -")
            caps = self.lookup(self.settings.model)
            if caps.known and level not in caps.effort:
                takes = ", ".join(caps.effort) or "no effort level"
                raise UsageError(f"/effort {level}: {self.settings.model} takes {takes}")
        self.options = replace(self.options, effort=level)
        self.note(f"effort: {level or 'the model default'}")

    def _fits(self, options: RequestOptions, model: str) -> None:
        """The thinking and effort settings checked against `model` as a request would
        check them (request.py), worded for the chat; a UsageError when they do not fit."""
        from claude_cli.request.body import check_effort, thinking_config

        caps = self.lookup(model)
        with in_chat_terms():
            check_effort(options, model, caps)
            thinking_config(options, model, caps)

    def cmd_think(self, arg: str) -> None:
        word = arg.strip().lower()
        if not word:
            o = self.options
            now = (
                f"budget {o.think_budget}"
                if o.think_budget
                else {True: "on", False: "off", None: "the model default"}[o.think]
            )
            if o.think is None and not o.think_budget and o.show_thinking:
                now = "on (--show-thinking asks for it where the model thinks only when asked)"
            self.note(f"thinking: {now}")
            return
        if word.isdigit():
            if int(word) < 1024:
                raise UsageError("/think N: a budget is at least 1024 tokens")
            wanted = replace(self.options, think=None, think_budget=int(word))
        elif word in ("on", "off", "-"):
            think = {"on": True, "off": False, "-": None}[word]
            wanted = replace(self.options, think=think, think_budget=None)
        else:
            raise UsageError("/think takes on, off, a budget in tokens, or -")
        self._fits(wanted, self.settings.model)  # refused now, not with the next message
        self.options = wanted
        self.note(f"thinking: {word if word != '-' else 'the model default'}")

    def cmd_prefill(self, arg: str) -> None:
        if not arg.strip():
            self.prefill = None
            self.note("prefill cleared")
            return
        self.prefill = arg
        self.note(f"the next reply starts with {arg!r}")

    def cmd_retry(self, arg: str) -> None:
        if self.failed is not None:  # the last message got no reply: send it again
            self._reply(self.failed, history=None)
            return
        fresh = session.read(self.name)
        if fresh is not None:
            self.doc = fresh
        msgs = self.messages
        # [..., user, (system: a /system change sent with that turn,) assistant]
        at = len(msgs) - 3 if len(msgs) >= 3 and msgs[-2].get("role") == "system" else len(msgs) - 2
        if at < 0 or msgs[-1].get("role") != "assistant" or msgs[at].get("role") != "user":
            self.note("nothing to retry yet")
            return
        resend = msgs[at + 1] if at == len(msgs) - 3 else None
        self._reply(msgs[at], history=msgs[:at], retried=msgs[-1], resend=resend)

    def cmd_undo(self, arg: str) -> None:
        if not self.messages:
            self.note("nothing to undo")
            return
        self.doc, removed = session.drop_last_exchange(self.name)
        self.note(f"dropped the last exchange ({removed} message{'s' if removed != 1 else ''})")

    def cmd_image(self, arg: str) -> None:
        if not arg:
            attached = ", ".join(self.image_names) or "none"
            self.note(f"attached to the next message: {attached}")
            return
        loader = self.load_image or _image_loader()
        self.images.append(loader(arg, self.settings))
        self.image_names.append(arg)
        self.note(f"attached {arg} to your next message ({len(self.images)} image(s))")

    def cmd_attach(self, arg: str) -> None:
        if not arg:
            return self.cmd_image(arg)
        from claude_cli.inputs.documents import load_attachment

        self.images.append(load_attachment(arg, self.settings, cite=self.cite))
        self.image_names.append(arg)
        self.note(f"attached {arg} to your next message ({len(self.images)} attachment(s))")

    def cmd_cite(self, arg: str) -> None:
        word = arg.strip().lower()
        if word not in ("", "on", "off"):
            raise UsageError("/cite takes on or off")
        if word:
            self.cite = word == "on"
        state = "on" if self.cite else "off"
        self.note(f"citations from attached documents: {state}")

    def cmd_web(self, arg: str) -> None:
        word = arg.strip().lower()
        if word not in ("", "on", "off"):
            raise UsageError("/web takes on or off")
        if word and (word == "on") != self.options.web:
            self.options = replace(self.options, web=word == "on")
            if _has_thinking(self.messages):
                # Thinking is tied to the tools it was produced with (conversation.py).
                self.note(
                    "the tools change from your next message on: earlier thinking was made "
                    "without them, so models leave it out (Claude Fable 5.2 refuses the "
                    "request; /clear starts a new conversation)"
                )
        o = self.options
        limits = [f"only {', '.join(o.web_domains)}"] if o.web_domains else []
        if o.max_searches is not None:
            limits.append(f"at most {o.max_searches} searches")
        state = "on" + (f" ({'; '.join(limits)})" if limits else "") if o.web else "off"
        self.note(f"web search and fetch: {state}")

    def cmd_schema(self, arg: str) -> None:
        multi = arg.startswith("--multi")
        text = arg.removeprefix("--multi").strip() if multi else arg.strip()
        if not text:
            if multi:
                raise UsageError("/schema --multi needs the fields of each item")
            if self.options.schema is None:
                self.note("schema: none (replies are text)")
            else:
                import json

                kind = "a list of objects matching" if self.schema_multi else "JSON matching"
                self.note(f"replies are {kind}: {json.dumps(self.options.schema)}")
            return
        if text == "-":
            self.options = replace(self.options, schema=None)
            self.schema_multi = False
            self.note("schema removed: replies are text again")
            return
        from claude_cli.request.schema import load

        schema = load(text, multi=multi)  # a bad schema is an error; the old one stays
        self.options = replace(self.options, schema=schema)
        self.schema_multi = multi
        self.note("replies are " + ("lists of objects" if multi else "JSON") + " from now on")

    def cmd_sessions(self, arg: str) -> None:
        from claude_cli.terminal.term import local_time

        docs = session.summaries()
        rows = []
        for doc in docs[:SESSIONS_SHOWN]:  # the most recent first, as `sessions list`
            if isinstance(doc, SessionError):
                rows.append(f"  skipped: {doc.message}")
                continue
            mark = "*" if doc["name"] == self.name else " "
            row = (
                f"{mark} {doc['name']}  {plural(session.turn_count(doc), 'turn', 'turns')}  "
                f"{local_time(doc.get('updated'))}  {session.first_words(doc, 40)}"
            )
            rows.append(self.fit(row, "    "))
        more = len(docs) - SESSIONS_SHOWN
        if more > 0:
            rows.append(f"  … {more} more (`claude-cli sessions list` shows them all)")
        self.note("\n".join(rows) if rows else "no saved sessions yet")

    def cmd_usage(self, arg: str) -> None:
        lines = []
        if self.last_usage is not None:
            last = self.last_usage
            lines.append(f"last reply: {usage_summary(last['usage'], [last])}")
        if self.doc:
            replies = self.doc.get("replies") or []
            lines.append(
                f"session {self.name} ({plural(len(replies), 'reply', 'replies')}): "
                f"{usage_summary(self.doc['usage'], replies)}"
            )
        self.note("\n".join(self.fit(line) for line in lines) if lines else "no replies yet")

    def cmd_save(self, arg: str) -> None:
        if not arg:
            raise UsageError("/save needs a NAME")
        doc = self.doc or session.new_doc(self.name, self.settings.model, self.settings.system)
        doc = {**doc, "model": self.settings.model, "system": self.settings.system}
        kept = f"; {self.name} stays as it was" if self.doc else ""
        fresh = session.copy(doc, arg)
        self.name, self.doc = arg, fresh
        self.note(f"saved as {arg}; continuing in {arg}{kept}")

    def _store(self, key: str, value: Any) -> None:
        if self.doc is None:
            return  # written with the first reply

        def change(doc: dict[str, Any]) -> None:
            doc[key] = value

        self.doc = session.modify(self.name, change)


# Request errors name command-line flags; in chat the settings are slash commands.
_CHAT_TERMS = (
    (re.compile(r"--think-budget(?: \d+)?"), "/think N"),
    (re.compile(r"--no-think\b"), "/think off"),
    (re.compile(r"--think\b"), "/think on"),
    (re.compile(r"--effort\b"), "/effort"),
    (re.compile(r"--prefill\b"), "/prefill"),
    (re.compile(r"--schema\b"), "/schema"),
    (re.compile(r"pick another model with -m\b"), "pick another model with /model"),
)


@contextmanager
def in_chat_terms() -> Iterator[None]:
    """A UsageError from request.py, reworded in the chat's commands, with how to clear
    the setting at fault."""
    try:
        yield
    except UsageError as e:
        text = e.message
        for pattern, words in _CHAT_TERMS:
            text = pattern.sub(words, text)
        if text == e.message:
            raise
        clears = [
            how
            for cmd, how in (
                ("/effort", "`/effort -` clears it"),
                ("/think", "`/think -` goes back to the model's default"),
            )
            if cmd in text
        ]
        detail = "; ".join(filter(None, [*clears, e.detail])) or None
        raise UsageError(text, detail) from None


def _has_thinking(messages: list[dict[str, Any]]) -> bool:
    return any(
        isinstance(block, dict) and block.get("type") in ("thinking", "redacted_thinking")
        for m in messages
        if isinstance(m.get("content"), list)
        for block in m["content"]
    )


def count_images(messages: list[dict[str, Any]]) -> int:
    """Image blocks in these messages (stored ones are references: they count too)."""
    return sum(
        1
        for m in messages
        if isinstance(m.get("content"), list)
        for block in m["content"]
        if isinstance(block, dict) and block.get("type") == "image"
    )


def _with(settings: Settings, **changes: Any) -> Settings:
    sources = {**settings.sources, **dict.fromkeys(changes, "flag")}
    return replace(settings, **changes, sources=sources)


def _apply_doc(settings: Settings, doc: dict[str, Any] | None) -> Settings:
    return conversation.with_session(settings, doc)


def _image_loader() -> Callable[[str, Settings], dict[str, Any]]:
    try:
        from claude_cli.inputs.images import load_image_block
    except ImportError:
        raise UsageError("/image is not available: this build has no image support") from None
    return load_image_block


# -- front ends ----------------------------------------------------------------


def run_lines(chat: Chat, stdin: TextIO) -> None:
    """Each line is one message; the first error ends the run (raised)."""
    for raw in stdin:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        chat.handle(line)
        if chat.done:
            return


def run_tty(
    chat: Chat, *, history_file: Path | None, input: Any = None, output: Any = None
) -> None:
    """The interactive loop. Survives every error but EOF (Ctrl-D) and /exit."""
    prompt_session = make_prompt_session(chat, history_file, input=input, output=output)
    chat.note(chat.header())
    recap = chat.recap()
    if recap:
        chat.note(recap)
    while not chat.done:
        chat.prompt_app = prompt_session.app
        try:
            line = prompt_session.prompt()
        except KeyboardInterrupt:
            continue  # Ctrl-C at the prompt: a fresh, empty line
        except EOFError:
            break
        finally:
            chat.prompt_app = None
        try:
            chat.handle(line)
        except CliError as e:
            chat.note(chat.fit(f"error: {e.message}" + (f"\n{e.detail}" if e.detail else "")))
            if chat.failed is not None:
                chat.note("your message is kept: /retry sends it again")
        except KeyboardInterrupt:
            chat.note("interrupted")


def make_prompt_session(
    chat: Chat, history_file: Path | None, *, input: Any = None, output: Any = None
):
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import Completer, Completion, PathCompleter
    from prompt_toolkit.document import Document
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    from prompt_toolkit.key_binding import KeyBindings

    paths = PathCompleter(expanduser=True)

    class SlashCompleter(Completer):
        def get_completions(self, document, complete_event):
            text = document.text_before_cursor
            if not text.startswith("/") or "\n" in text:
                return
            if " " in text:  # the command's argument: a path or a model id
                command, _, arg = text.partition(" ")
                if command in ("/image", "/attach"):
                    yield from paths.get_completions(Document(arg, len(arg)), complete_event)
                elif command == "/schema" and arg.startswith("@"):  # a schema file
                    path = arg[1:]
                    yield from paths.get_completions(Document(path, len(path)), complete_event)
                elif command == "/model":
                    for model in chat.known_models():
                        if model.startswith(arg):
                            yield Completion(model, start_position=-len(arg))
                return
            for command in COMMANDS:
                word = "/" + command.name
                if word.startswith(text):
                    yield Completion(word, start_position=-len(text), display_meta=command.help)

    bindings = KeyBindings()

    @bindings.add("escape", "enter")  # Alt+Enter sends the same keys
    def _newline(event) -> None:
        event.current_buffer.insert_text("\n")

    history = FileHistory(str(history_file)) if history_file else InMemoryHistory()
    return PromptSession(
        message="› ",
        history=history,
        completer=SlashCompleter(),
        complete_while_typing=True,
        key_bindings=bindings,
        enable_open_in_editor=True,
        multiline=False,
        prompt_continuation="  ",
        input=input,
        output=output,
    )


# The input history keeps the newest entries within both limits (it holds pastes).
HISTORY_ENTRIES = 1000
HISTORY_BYTES = 1_000_000


def history_path() -> Path | None:
    """The prompt history file (0600 in a 0700 folder), created if missing,
    tightened if it was not private, trimmed to the newest entries. None (no
    saved history, said on stderr by the caller) when it cannot be used."""
    import os

    from platformdirs import user_state_dir

    from claude_cli.store.files import ensure_private_dir

    folder = Path(user_state_dir("claude-cli"))
    path = folder / "chat_history"
    try:
        ensure_private_dir(folder)
        os.chmod(folder, 0o700)
        os.close(os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)  # a file from before (or another tool) may be 0644
        trim_history(path)
    except OSError:
        return None
    return path


def trim_history(path: Path, entries: int = HISTORY_ENTRIES, size: int = HISTORY_BYTES) -> None:
    """Keep the newest `entries` of a prompt-toolkit FileHistory, at most `size`
    bytes of them. Each entry starts with a "# <time>" line (its text lines
    start with "+"), so splitting before those lines never cuts one."""
    from claude_cli.store.files import write_private

    raw = path.read_bytes()
    starts = [m.start() for m in re.finditer(rb"(?m)^# ", raw)]
    if len(starts) <= entries and len(raw) <= size:
        return
    keep = starts[-entries:] if entries > 0 else []
    while keep and len(raw) - keep[0] > size:
        keep.pop(0)
    cut = keep[0] if keep else len(raw)
    write_private(path, b"\n" + raw[cut:])


# -- wiring --------------------------------------------------------------------


def run_chat(
    settings: Settings,
    name: str | None,
    streams: Any,
    *,
    continue_last: bool = False,
    options: RequestOptions | None = None,
    schema_text: str | None = None,
    schema_multi: bool = False,
    cite: bool = False,
    sources: bool = False,
) -> None:
    """`claude-cli chat`: the real client, renderer and front end."""
    from claude_cli import exchange
    from claude_cli.request.body import web_tools
    from claude_cli.terminal.render import terminal_size

    if name and continue_last:
        raise UsageError("--session and --continue do not go together")
    if continue_last:
        name = session.latest_name()
        if name is None:
            raise UsageError("no session to continue yet: start one with --session NAME")
    if name:
        session.check_name(name)  # before anything else can fail or be sent
    interactive = streams.stdin_tty
    options = options or RequestOptions()
    # Bad --schema or --web-domains fail now, before the first message is typed.
    if schema_text is not None:
        from claude_cli.request.schema import load

        options = replace(options, schema=load(schema_text, multi=schema_multi))
    elif schema_multi:
        raise UsageError("--schema-multi needs --schema: the fields of each item")
    web_tools(options, settings.model)
    link = exchange.Link(settings, streams)
    client = link.client

    def send_one(prepared: Prepared, renderer: Renderer, current: Settings) -> dict[str, Any]:
        return exchange.send(
            current,
            chat.options,
            prepared,
            streams,
            client,
            renderer,
            registry=link.registry,
            usage=chat.options.schema is None,  # else after the data: Chat.show_usage
        )

    chat = Chat(
        settings,
        name=name,
        send=send_one,
        new_renderer=lambda: exchange.make_renderer(
            streams,
            json_out=chat.options.schema is not None,  # the data is printed once checked
            plain=not interactive,
            show_thinking=chat.options.show_thinking,
        ),
        out=streams.stdout,
        note=streams.note,
        interactive=interactive,
        options=options,
        lookup=link.lookup,
        schema_multi=schema_multi,
        cite=cite,
        sources=sources,
        show_usage=lambda message: exchange.show_usage(message, streams),
        width=(lambda: terminal_size(streams.stderr).columns) if streams.stderr_tty else None,
    )
    try:
        with stop_signals(chat) as caught:
            try:
                if interactive:
                    output = None
                    if not streams.stdout_tty:  # replies to the file; the prompt to the screen
                        from prompt_toolkit.output import create_output

                        output = create_output(stdout=streams.stderr)
                    history = history_path()
                    if history is None:
                        streams.note("the input history cannot be saved (state folder unusable)")
                    from claude_cli.terminal.dumb_prompt import (
                        dumb_prompt,  # TERM=dumb: a prompt without escapes
                    )

                    with dumb_prompt(streams.stdout if output is None else streams.stderr) as dumb:
                        run_tty(chat, history_file=history, output=None if dumb else output)
                else:
                    run_lines(chat, streams.stdin)
            except (Interrupted, KeyboardInterrupt):
                if not caught:
                    raise
            if caught:
                raise Terminated(caught[0])
    finally:
        client.close()


class Terminated(CliError):
    """SIGTERM or SIGHUP ended the chat (after keeping a partial reply as Ctrl-C does)."""

    def __init__(self, signum: int) -> None:
        import signal

        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.exit_code = 128 + signum


@contextmanager
def stop_signals(chat: Chat) -> Iterator[list[int]]:
    """While chatting, SIGTERM and SIGHUP act like Ctrl-C during a reply (the
    partial reply is kept) and like Ctrl-D at the prompt, and the chat then ends;
    a reply being saved is saved first. Yields the list the caught signal is put in."""
    import signal

    caught: list[int] = []

    def stop(signum: int, frame: Any) -> None:
        caught.append(signum)
        chat.done = True
        if chat.saving:
            return  # let the reply be written; the chat ends right after
        app = chat.prompt_app
        if app is not None and app.is_running:
            # At the prompt: leave it the way Ctrl-D does, terminal restored.
            app.loop.call_soon_threadsafe(lambda: app.exit(exception=EOFError()))
            return
        raise KeyboardInterrupt  # during a reply: stopped like Ctrl-C

    wanted = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {sig: signal.signal(sig, stop) for sig in wanted}
    try:
        yield caught
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


__all__ = ["COMMANDS", "Chat", "run_chat", "run_lines", "run_tty"]
