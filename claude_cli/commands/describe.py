"""`describe-image`: each source its own request, a few at a time, results in input order.

Worker threads read, fit and send; the main thread alone prints. Three bounds
keep a run of hundreds of large photos small and quick:

- at most `concurrency` requests are in flight (the API's rate limits);
- at most DECODE_SLOTS images are being decoded at once (CPU-bound anyway,
  and a decoded photo is the big thing in memory), and together they may take
  at most images.TOTAL_MEMORY (a MemoryBudget weighted by each image's
  estimated decoding cost, so two huge PNGs do not decode side by side);
- up to MAX_PREFETCH extra workers fit the next images while the others wait
  on the network, so a request leaves as soon as a slot frees up: decoding
  overlaps the waiting instead of adding to it.

A worker drops each image's bytes as soon as the request is built; only the
answers' text waits (when it arrives out of order) to be printed.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

from claude_cli.config import Settings, resolve_credentials
from claude_cli.errors import CliError, FlawedReply, Interrupted, UsageError
from claude_cli.exchange import Link, make_client, make_renderer
from claude_cli.inputs.images import (
    MemoryBudget,
    block_from_bytes,
    check_stdin_once,
    label,
    read_source,
)
from claude_cli.request.body import RequestOptions, shape
from claude_cli.request.payload import message_text
from claude_cli.terminal.term import Streams, clean, dim, json_safe, sanitize, use_color

DEFAULT_PROMPT = (
    "Describe this image in detail: what it shows, the notable details, and any text it contains."
)
# 8, not 4: each request mostly waits on the model (seconds per image), decoding
# has its own bound (DECODE_SLOTS) and memory its own (MAX_PREFETCH), so more
# requests in flight cost little here; 429s are retried with the server's
# retry-after. Lower it with -j for low rate-limit tiers.
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 64
DECODE_SLOTS = max(1, min(os.cpu_count() or 1, 4))
MAX_PREFETCH = 8  # fitted images waiting for a send slot: each at most 5 MB


@dataclass
class DescribeOptions:
    sources: list[str] = field(default_factory=list)
    prompt: str | None = None
    prefill: str | None = None
    effort: str | None = None
    think: bool | None = None
    think_budget: int | None = None
    json_out: bool = False
    concurrency: int = DEFAULT_CONCURRENCY
    session: str | None = None
    plain: bool = False
    schema_text: str | None = None  # --schema: each reply is JSON data
    schema_multi: bool = False


@dataclass
class Outcome:
    index: int
    source: str
    message: dict[str, Any] | None = None
    text: str = ""
    error: CliError | None = None
    turn: dict[str, Any] | None = None  # the user turn, kept only for --session
    notes: list[str] = field(default_factory=list)  # what fitting changed, told in order
    data: Any = None  # --schema: the reply, parsed and checked
    flaw: CliError | None = None  # shown and kept as paid for, then reported (FlawedReply)


class Progress:
    """rich.progress on stderr (a terminal that can redraw): a spinner, the bar, done/total,
    failures and the time elapsed; and a lock for everything written around it, which
    takes the bar off the screen while it is written (the bar leaves no trace)."""

    def __init__(self, stream: TextIO | None, total: int) -> None:
        from claude_cli.terminal.waiting import can_wait_visibly

        self.stream = stream if stream is not None and can_wait_visibly(stream) else None
        self.total = total
        self.done = 0
        self.failed = 0
        self.lock = threading.RLock()
        self._bar: Any = None  # rich.progress.Progress, while shown
        self._task: Any = None

    def start(self) -> None:
        if self.stream is None:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as RichProgress

        from claude_cli.terminal.console import console_for

        with self.lock:
            self._bar = RichProgress(
                SpinnerColumn(style="none"),
                TextColumn("describing"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[failed]}"),
                TimeElapsedColumn(),
                console=console_for(self.stream),
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
                refresh_per_second=10,
            )
            self._task = self._bar.add_task("describing", total=self.total, failed="")
            self._bar.start()

    def advance(self, *, failed: bool) -> None:
        with self.lock:
            self.done += 1
            self.failed += failed
            if self._bar is not None:
                shown = f"· {self.failed} failed" if self.failed else ""
                self._bar.update(self._task, completed=self.done, failed=shown)

    def note(self, text: str) -> None:
        """A line of talk on stderr that does not tear the bar."""
        with self.paused():
            if self.stream is not None:
                self.stream.write(dim(clean(text), self.stream) + "\n")
                self.stream.flush()

    def error(self, text: str, stderr: TextIO) -> None:
        with self.paused():
            stderr.write(text + "\n")
            stderr.flush()

    @contextmanager
    def paused(self) -> Iterator[None]:
        with self.lock:
            bar = self._bar
            if bar is not None:
                bar.stop()  # transient: erased
            try:
                yield
            finally:
                if bar is not None and self._bar is bar:
                    bar.start()

    def finish(self) -> None:
        with self.lock:
            if self._bar is not None:
                self._bar.stop()
            self._bar = None
            self.stream = None


def open_session(
    name: str, settings: Settings, prefill: str | None
) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    """A recorder for `--session NAME`: appends (image turn, description) per success,
    in input order. The requests themselves do not carry the session's history."""
    from claude_cli.store import session

    session.check_name(name)
    # Before any image is sent (and paid for): the descriptions must be savable.
    session.check_writable(name)

    def record(turn: dict[str, Any], message: dict[str, Any]) -> None:
        # Each image was asked on its own, not on the session's history: its thinking
        # would not pass the prefix check there, so only the description is kept.
        reply = session.assistant_turn(message, prefill)
        session.record_exchange(
            name,
            turn,
            session.without_thinking(reply) if reply is not None else None,
            model=settings.model,
            system=settings.system,
            usage=session.usage_of(message) if "usage" in message else None,  # no made-up counts
            reply_model=message.get("model"),
        )

    return record


def release_big_buffers() -> None:
    """Make glibc give multi-megabyte buffers back to the OS as soon as they are freed.

    glibc raises its mmap threshold each time a big mmapped block is freed, so
    later image-sized buffers come from per-thread heaps that it rarely trims:
    without this, 200 photos peak at 260 MB instead of about 130 MB. A fixed
    threshold turns that off. Nothing to do (and nothing done) off glibc.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    m_mmap_threshold = -3
    mallopt(m_mmap_threshold, 1024 * 1024)


def run_describe(settings: Settings, opts: DescribeOptions, streams: Streams) -> None:
    sources = opts.sources
    if not sources:
        raise UsageError("describe-image needs at least one image (a path, a URL or -)")
    check_stdin_once(sources)
    if not 1 <= opts.concurrency <= MAX_CONCURRENCY:
        raise UsageError(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    schema = None
    if opts.schema_text is not None:
        from claude_cli.request.schema import load

        schema = load(opts.schema_text, multi=opts.schema_multi)
    elif opts.schema_multi:
        raise UsageError("--schema-multi needs --schema: the fields of each item")
    record = open_session(opts.session, settings, opts.prefill) if opts.session else None
    request_opts = RequestOptions(
        schema=schema,
        prefill=opts.prefill,
        effort=opts.effort,
        think=opts.think,
        think_budget=opts.think_budget,
        stream=False,
    )
    prompt = opts.prompt if opts.prompt is not None else DEFAULT_PROMPT
    if not prompt.strip():
        raise UsageError("--prompt is empty")
    credentials = resolve_credentials(settings)
    say: list[Callable[[str], None]] = [streams.note]  # the progress bar's, once it exists
    client = make_client(settings, streams, credentials, note=lambda text: say[0](text))
    link = Link(settings, streams, client=client)
    # Model, prefill, thinking and effort problems fail once, before any image is touched;
    # the capabilities looked up here are reused by every worker.
    try:
        for note in shape(settings, request_opts, prompt, lookup=link.lookup).notes:
            streams.note(note)
    except BaseException:
        client.close()
        raise

    release_big_buffers()
    progress = Progress(streams.stderr if streams.stderr_tty else None, len(sources))
    say[0] = progress.note
    tell = streams.stderr_tty  # say what fitting changed (in input order, with the result)
    results: queue.Queue[Outcome] = queue.Queue()
    work: queue.Queue[tuple[int, str]] = queue.Queue()
    for item in enumerate(sources):
        work.put(item)
    send_slots = threading.Semaphore(opts.concurrency)
    decode_slots = threading.Semaphore(min(DECODE_SLOTS, opts.concurrency))
    memory = MemoryBudget()  # what the images being decoded at once may take together

    def describe(index: int, source: str) -> Outcome:
        raw = read_source(source, download=settings.download_images, stdin=streams.stdin)
        notes: list[str] = []
        if isinstance(raw, dict):
            block = raw
        else:
            with decode_slots:
                block = block_from_bytes(
                    source, raw, settings, note=notes.append if tell else None, memory=memory
                )
            del raw
        prepared = shape(settings, request_opts, prompt, lookup=link.lookup, images=[block])
        del block
        flaw = None
        with send_slots:
            try:
                message = client.create(prepared.body)
            except FlawedReply as e:  # paid for: the description is shown and kept anyway
                message = e.reply
                kept = "the description is shown" + (" and kept" if record else "")
                flaw = e.kept(kept + ("" if "usage" in message else ", its usage unknown"))
        turn = prepared.body["messages"][0] if record else None
        text = (prepared.prefill or "") + message_text(message)
        outcome = Outcome(index, source, message, text, turn=turn, notes=notes, flaw=flaw)
        if schema is not None:
            from claude_cli.request.schema import SchemaMismatch, check

            try:
                outcome.data = check(message, text, schema, multi=opts.schema_multi)
            except SchemaMismatch as e:
                outcome.error = e  # the reply stays in the session, as paid for
        return outcome

    def worker() -> None:
        while True:
            try:
                index, source = work.get_nowait()
            except queue.Empty:
                return
            try:
                outcome = describe(index, source)
            except CliError as e:
                outcome = Outcome(index, source, error=e)
            except Exception as e:  # one bad image must not sink the batch
                outcome = Outcome(
                    index, source, error=CliError(f"internal error: {type(e).__name__}: {e}")
                )
            results.put(outcome)

    prefetch = min(opts.concurrency, MAX_PREFETCH)
    threads = [
        threading.Thread(target=worker, daemon=True, name=f"describe-{n}")
        for n in range(min(len(sources), opts.concurrency + prefetch))
    ]
    printer = _Printer(opts, streams, progress)
    progress.start()
    try:
        for t in threads:
            t.start()
        waiting: dict[int, Outcome] = {}
        next_index = 0
        for _ in sources:
            outcome = results.get()
            progress.advance(failed=outcome.error is not None)
            waiting[outcome.index] = outcome
            while next_index in waiting:
                done = waiting.pop(next_index)
                printer.show(done)  # a reply that fails --schema is still recorded
                if record and done.message is not None and done.turn is not None:
                    record(done.turn, done.message)
                next_index += 1
    except KeyboardInterrupt:
        raise Interrupted() from None
    finally:
        progress.finish()
        # Workers are daemons: on Ctrl-C they die with the process.
        if all(not t.is_alive() for t in threads):
            client.close()
    printer.summary()


def error_line(outcome: Outcome) -> str:
    """The failure, naming its source once."""
    assert outcome.error is not None
    name = label(outcome.source)
    message = outcome.error.message
    if message.startswith(f"image {name}"):
        return message
    return f"image {name}: {message}"


class _Printer:
    """Shows outcomes in input order: JSON lines, a headed terminal view, or plain text."""

    def __init__(self, opts: DescribeOptions, streams: Streams, progress: Progress) -> None:
        self.opts = opts
        self.streams = streams
        self.progress = progress
        self.total = len(opts.sources)
        self.many = self.total > 1
        self.shown = 0  # results written to stdout as text
        self.described = 0
        self.failures: list[Outcome] = []
        self.tokens_in = 0
        self.tokens_out = 0

    def show(self, outcome: Outcome) -> None:
        self._show(outcome)
        if outcome.error is None and outcome.flaw is not None:
            outcome.error = outcome.flaw  # shown above; the exit status still tells
            self.failures.append(outcome)
            if self.many:
                self.progress.error(
                    f"claude-cli: error: {error_line(outcome)}", self.streams.stderr
                )

    def _show(self, outcome: Outcome) -> None:
        out = self.streams.stdout
        if outcome.error is not None:
            self.failures.append(outcome)
            if self.opts.json_out:
                failed: dict[str, Any] = {"source": outcome.source, "error": error_line(outcome)}
                if outcome.message is not None:  # --schema: what came instead of the data
                    failed["text"] = outcome.text
                self._json(failed)
            if self.many:  # a single failure is reported once, as the command's error
                self.progress.error(
                    f"claude-cli: error: {error_line(outcome)}", self.streams.stderr
                )
            return
        message = outcome.message or {}
        usage = message.get("usage") or {}
        self.described += 1
        self.tokens_in += int(usage.get("input_tokens") or 0)
        self.tokens_out += int(usage.get("output_tokens") or 0)
        if self.opts.json_out:
            with self.progress.paused():
                self._notes(outcome)
            line = {
                "source": outcome.source,
                "text": outcome.text,
                "model": message.get("model"),
                "stop_reason": message.get("stop_reason"),
                "usage": usage,
            }
            if self.opts.schema_text is not None:
                line["data"] = outcome.data
            self._json(line)
            return
        with self.progress.paused():
            if self.streams.stdout_tty:
                self._terminal(outcome)
            else:
                if self.many:
                    # `head`'s convention for several files in one stream.
                    sep = "\n" if self.shown else ""
                    # sanitized: a line break in a name would forge a header
                    out.write(f"{sep}==> {sanitize(outcome.source.replace(chr(10), '^J'))} <==\n")
                self._notes(outcome)
                if self.opts.schema_text is not None:
                    from claude_cli.terminal.jsonout import write_json

                    write_json(out, outcome.data)
                else:
                    out.write(outcome.text)
                    if not outcome.text.endswith("\n"):
                        out.write("\n")
            out.flush()
        self.shown += 1

    def _terminal(self, outcome: Outcome) -> None:
        out = self.streams.stdout
        if self.shown:
            out.write("\n")
        title = f"── {sanitize(label(outcome.source))} ──"
        out.write((f"\x1b[1m{title}\x1b[0m" if use_color(out) else title) + "\n")
        out.flush()
        self._notes(outcome)
        if self.opts.schema_text is not None:
            from claude_cli.terminal.jsonout import write_json

            write_json(out, outcome.data)
            return
        renderer = make_renderer(self.streams, plain=self.opts.plain)
        renderer.text(outcome.text)
        renderer.finish()

    def _notes(self, outcome: Outcome) -> None:
        """What fitting changed, told with its own result: after the separator and the
        heading, never above them where it would read as part of the previous result.
        The caller holds the progress bar paused."""
        if not outcome.notes:
            return
        self.streams.stdout.flush()  # stdout and stderr may be one terminal: keep order
        err = self.streams.stderr
        for note in outcome.notes:
            err.write(dim(clean(note), err) + "\n")
        err.flush()

    def _json(self, obj: dict[str, Any]) -> None:
        with self.progress.paused():
            text = json.dumps(obj, ensure_ascii=False)
            # On a terminal, C1 and bidi characters are \u-escaped: the same JSON, safe to show.
            self.streams.stdout.write((json_safe(text) if self.streams.stdout_tty else text) + "\n")
            self.streams.stdout.flush()

    def summary(self) -> None:
        """Totals on a terminal; a failing exit when any source failed."""
        if self.streams.stderr_tty and self.described:
            parts = [f"{self.described} described"]
            if self.failures:
                parts.append(f"{len(self.failures)} failed")
            parts.append(f"{self.tokens_in:,} in · {self.tokens_out:,} out")
            self.streams.note(" · ".join(parts))
        if not self.failures:
            return
        first = self.failures[0].error
        assert first is not None
        if not self.many:
            raise first
        names = ", ".join(label(f.source) for f in self.failures[:5])
        more = ", …" if len(self.failures) > 5 else ""
        err = CliError(f"{len(self.failures)} of {self.total} images failed: {names}{more}")
        codes = {f.error.exit_code for f in self.failures if f.error is not None}
        # One kind of failure keeps its own code (2 for bad files); a mix is 1.
        err.exit_code = codes.pop() if len(codes) == 1 else 1
        raise err
