"""The `batch` commands: submit a JSONL file as a job, follow it, fetch its results.

Submission is idempotent: every step is in the job journal (batch_jobs.py) before
the next one starts, so a re-run after a crash submits only what is not yet in a
batch. Requests are shaped by request.shape, as `ask` shapes them.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from claude_cli.api import batch
from claude_cli.config import Settings
from claude_cli.errors import (
    CliError,
    ExitCode,
    Interrupted,
    OutputError,
    TransportError,
    UsageError,
)
from claude_cli.request.body import RequestOptions, shape
from claude_cli.store import batch_jobs
from claude_cli.store.batch_jobs import Job, JobError
from claude_cli.terminal.term import Streams, clean, json_safe

CUSTOM_ID_RE = re.compile(r"[a-zA-Z0-9_-]{1,64}")
LINE_KEYS = {
    "id",
    "prompt",
    "system",
    "images",
    "attach",
    "model",
    "max_tokens",
    "schema",
    "schema_multi",
}
MAX_LISTED_ERRORS = 20
MAX_AHEAD = 256  # lines read ahead of the one being shaped, while images are fitted
CLOCK_MARGIN = timedelta(minutes=10)
# Test hooks: stop the process hard at a point of `batch submit`, as a crash would.
EXIT_AFTER_BATCH = "CLAUDE_CLI_TEST_EXIT_AFTER_BATCH"  # after the Nth batch id is journaled
EXIT_BEFORE_JOURNAL = "CLAUDE_CLI_TEST_EXIT_BEFORE_JOURNAL"  # batch created, id not journaled
EXPIRY_NOTE = (
    "results are kept by the service for 29 days after a batch is created; fetch them before then"
)


class BatchFailed(CliError):
    """Some requests of the job did not succeed (their lines say why)."""

    exit_code = ExitCode.API_ERROR


@dataclass
class SubmitOptions:
    source: str  # a path, or "-" for stdin
    request: RequestOptions = field(default_factory=RequestOptions)
    name: str | None = None
    new: bool = False
    batch_size: int = batch.MAX_REQUESTS
    wait: bool = False
    interval: float = 30.0
    default_name: str | None = None  # the base of a fresh job's name (default: the file's)
    attach: list[str] = field(default_factory=list)  # -a: attached to every line without its own
    schema_multi: bool = False  # the default schema (request.schema) is a list of items
    # describe-image --batch: each input line's image as the user gave it (kept in the
    # journal for `batch results`, and how a bad line is named).
    sources: dict[int, str] | None = None
    retry_of: dict[str, Any] | None = None  # {"job", "lines"}: the job whose failures these are


# -- reading the input ---------------------------------------------------------


def spool_input(source: str, streams: Streams, folder: Path) -> tuple[Path, str]:
    """The input as a file (stdin is copied to one) and its sha256."""
    digest = hashlib.sha256()
    if source == "-":
        path = folder / "stdin.jsonl"
        with open(path, "wb") as out:
            data_in = streams.stdin.buffer if hasattr(streams.stdin, "buffer") else None
            if data_in is None:
                raise UsageError("no input on stdin")
            while chunk := data_in.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        return path, digest.hexdigest()
    path = Path(source)
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except OSError as e:
        raise UsageError(f"cannot read {source}: {e.strerror or type(e).__name__}") from None
    return path, digest.hexdigest()


def options_of(settings: Settings, opts: SubmitOptions) -> dict[str, Any]:
    """The defaults every line was shaped with (kept for --retry-failed, and for
    `batch results` to check replies against the schema)."""
    options: dict[str, Any] = {
        "model": settings.model,
        "system": settings.system,
        "max_tokens": settings.max_tokens,
        "request": dataclasses.asdict(opts.request),
    }
    # Only when given: a job made before these options existed keeps its fingerprint.
    if opts.attach:
        options["attach"] = [where(a) for a in opts.attach]
        # An edited -a file makes another job: its answers would differ.
        options["attach_sha256"] = [file_digest(a) for a in options["attach"]]
    if opts.schema_multi:
        options["schema_multi"] = True
    return options


def file_digest(source: str) -> str | None:
    """The sha256 of a local file (None for a URL, or a file that cannot be read: the
    attachment's own error says why, line by line)."""
    from claude_cli.inputs.images import is_url

    if is_url(source) or source == "-":
        return None
    digest = hashlib.sha256()
    try:
        with open(source, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def where(source: str) -> str:
    """A path made absolute (the job may be resumed from another folder); URLs as they are."""
    from claude_cli.inputs.images import is_url

    if is_url(source) or source == "-":
        return source
    return str(Path(source).expanduser().resolve())


def fingerprint(options: dict[str, Any]) -> str:
    """What, besides the input, makes two submissions the same job."""
    return hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()


@dataclass
class Shaped:
    line: int
    custom_id: str
    params: dict[str, Any]
    # The line's own schema {"schema", "multi"} (NO_SCHEMA: none, even if --schema is given;
    # None: the command line's, if any), for `batch results` to check the reply against.
    schema: dict[str, Any] | None = None


NO_SCHEMA: dict[str, Any] = {}
#: A future image block per image of a line (fitted elsewhere), or None: fit them here.
Prefitted = list[Callable[[], dict[str, Any]]] | None


class Shaper:
    """One input line → one request, the command line's options as defaults."""

    def __init__(
        self,
        settings: Settings,
        opts: RequestOptions,
        lookup,
        streams: Streams,
        *,
        attach: list[str] | None = None,
        schema_multi: bool = False,
    ) -> None:
        self.settings = settings
        self.opts = dataclasses.replace(opts, stream=False)  # batches do not stream
        self.lookup = lookup  # capabilities: the registry asks once per model
        self.streams = streams
        self.attach = attach or []
        self.schema_multi = schema_multi
        self._default_blocks: list[dict[str, Any]] | None = None

    @staticmethod
    def parse(text: str) -> Any:
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise UsageError("not JSON (a line is a JSON string or object)") from None

    def __call__(self, number: int, text: str) -> Shaped:
        return self.shape(number, self.parse(text))

    def shape(self, number: int, item: Any, prefitted: Prefitted = None) -> Shaped:
        if type(item) is str:  # the common case, kept short: 100,000 of them are typical
            if not item.strip():
                raise UsageError("no prompt")
            if not self.attach:
                body = shape(self.settings, self.opts, item, lookup=self.lookup).body
                return Shaped(number, f"line-{number}", body)
            item = {"prompt": item}
        if type(item) is not dict:
            raise UsageError("a line is a JSON string (the prompt) or an object")
        if "params" in item or "custom_id" in item:
            return self.raw(number, item)
        if not item.keys() <= LINE_KEYS:
            unknown = sorted(set(item) - LINE_KEYS)
            raise UsageError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(LINE_KEYS))})")
        custom_id = self.custom_id(number, item.get("id"))
        prompt = item.get("prompt", "")
        images = item.get("images") or []
        if type(prompt) is not str:
            raise UsageError("'prompt' must be a string")
        if not sources_list(images):
            raise UsageError("'images' must be a list of paths or URLs")
        if "-" in images:
            raise UsageError("images: - (stdin) cannot be used in a batch")
        attach = item.get("attach")
        if attach is not None and not sources_list(attach):
            raise UsageError("'attach' must be a list of paths or URLs")
        if not prompt.strip() and not images and not attach:
            raise UsageError("no prompt")
        settings = self.settings
        changes: dict[str, Any] = {}
        for key, kind in (("model", str), ("system", str), ("max_tokens", int)):
            if key in item:
                value = item[key]
                if type(value) is not kind or (kind is int and value < 1) or value == "":
                    raise UsageError(
                        f"'{key}' must be a "
                        + ("positive integer" if kind is int else "non-empty string")
                    )
                changes[key] = value
        if changes:
            sources = {**settings.sources, **{k: "flag" for k in changes}}
            settings = dataclasses.replace(settings, **changes, sources=sources)
        opts, own_schema = self.opts, None
        if "schema" in item or "schema_multi" in item:
            own_schema = self.line_schema(item)
            opts = dataclasses.replace(opts, schema=own_schema.get("schema"))
        blocks = None
        if images:
            if prefitted is not None:
                blocks = [get() for get in prefitted]
            else:
                from claude_cli.inputs.images import load_image_blocks

                blocks = load_image_blocks(images, settings)
        blocks = self.attachments(attach, settings, blocks)
        prepared = shape(settings, opts, prompt, lookup=self.lookup, images=blocks)
        return Shaped(number, custom_id, prepared.body, own_schema)

    def line_schema(self, item: dict[str, Any]) -> dict[str, Any]:
        """The line's `schema` (as --schema takes it, or a JSON Schema object) and
        `schema_multi`; a line may also say `"schema": null` for none."""
        from claude_cli.request.schema import MULTI_KEY, check_schema, closed, load, many

        multi = item.get("schema_multi", self.schema_multi if "schema" not in item else False)
        if type(multi) is not bool:
            raise UsageError("'schema_multi' must be true or false")
        if "schema" not in item:  # the command line's schema, a list of items or not
            given = self.opts.schema
            if given is None:
                raise UsageError("'schema_multi' needs a schema ('schema', or --schema)")
            if self.schema_multi:
                given = given["properties"][MULTI_KEY]["items"]
            return {"schema": many(given) if multi else given, "multi": multi}
        given = item["schema"]
        if given is None:
            if multi:
                raise UsageError("'schema_multi' needs a schema")
            return NO_SCHEMA
        try:
            if type(given) is str:
                schema = load(given, multi=multi)
            elif type(given) is dict:
                check_schema(given)
                schema = many(closed(given)) if multi else closed(given)
            else:
                raise UsageError("'schema' must be a JSON Schema object or a string as --schema")
        except UsageError as e:
            raise UsageError(e.message.replace("--schema", "'schema'")) from None
        return {"schema": schema, "multi": multi}

    def attachments(
        self, attach: list[str] | None, settings: Settings, blocks: list[dict[str, Any]] | None
    ) -> list[dict[str, Any]] | None:
        """Content blocks for the line's `attach`, or -a's (read once, for every line)."""
        from claude_cli.inputs.documents import block_bytes, load_attachments

        if attach is None and not self.attach:
            return blocks
        already = sum(block_bytes(b) for b in blocks or [])
        if "-" in (attach if attach is not None else self.attach):
            raise UsageError("attach: - (stdin) cannot be attached in a batch")
        if attach is not None:
            found = load_attachments(attach, settings, already=already) if attach else []
        else:
            if self._default_blocks is None:
                self._default_blocks = load_attachments(self.attach, settings)
            found = self._default_blocks
            total = already + sum(block_bytes(b) for b in found)
            from claude_cli.inputs.documents import MAX_REQUEST_BYTES, REQUEST_MARGIN

            if total > MAX_REQUEST_BYTES - REQUEST_MARGIN:
                raise UsageError(
                    f"images and -a: {total / 2**20:.1f} MB together once encoded; "
                    "a request may carry at most 32 MB"
                )
        return (blocks or []) + found or None

    def raw(self, number: int, item: dict[str, Any]) -> Shaped:
        if set(item) != {"custom_id", "params"}:
            raise UsageError("a raw request has exactly 'custom_id' and 'params'")
        params = item["params"]
        if type(params) is not dict or type(params.get("model")) is not str:
            raise UsageError("'params' must be a Messages request with a model")
        if params.get("stream"):
            raise UsageError("'params' asks to stream: batch requests cannot stream")
        # Sent as given: no --schema is added, so none is checked.
        return Shaped(
            number, self.custom_id(number, item["custom_id"], "custom_id"), params, NO_SCHEMA
        )

    @staticmethod
    def custom_id(number: int, given: Any, key: str = "id") -> str:
        """The request's id: the line's own (`key` as the line spells it), or line-N."""
        if given is None and key == "id":
            return f"line-{number}"
        if type(given) is str and CUSTOM_ID_RE.fullmatch(given):
            return given
        rule = "use 1 to 64 letters, digits, '_' or '-'"
        if type(given) is not str:
            raise UsageError(f"'{key}' must be a string: {rule}")
        if not given:
            raise UsageError(f"'{key}' is empty: {rule}")
        if len(given) > 64:
            raise UsageError(f"'{key}' is {len(given)} characters long: {rule}")
        bad = next(c for c in given if not CUSTOM_ID_RE.fullmatch(c))
        shown = "a space" if bad == " " else repr(bad)
        raise UsageError(f"'{key}' {given!r} has {shown} in it: {rule}")


def sources_list(value: Any) -> bool:
    return type(value) is list and all(type(i) is str and i for i in value)


def input_lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """(line number, its text), or (line number, None) for a line that is not UTF-8."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None
                continue
            if text.strip():
                yield number, text


class Prefitter:
    """Fits the images of the lines ahead in worker processes (fitpool.py), a bounded
    number at a time, while this process shapes and writes the lines before them.

    The pool starts with the second line that has images to fit: one image alone is
    fitted here, sooner than worker processes could start."""

    def __init__(self, settings: Settings, note: Callable[[str], None]) -> None:
        self.settings = settings
        self.note = note
        self.pool = None
        self.seen = 0
        self.off = False

    def wanted(self, item: Any) -> list[str] | None:
        if type(item) is not dict or "params" in item or "custom_id" in item:
            return None
        images = item.get("images")
        if not images or not sources_list(images) or "-" in images:
            return None
        from claude_cli.inputs.images import MAX_IMAGES, is_url

        if len(images) > MAX_IMAGES:
            return None  # refused when shaped, before any image is read
        if self.settings.download_images or any(not is_url(s) for s in images):
            return images
        return None  # URLs the service fetches: nothing to fit

    def start(self, item: Any) -> tuple[Prefitted, int]:
        images = self.wanted(item)
        if images is None or self.off or (self.pool is not None and self.pool.broken):
            return None, 0
        self.seen += 1
        if self.pool is None:
            if self.seen < 2:
                return None, 0
            from claude_cli.inputs.fitpool import FitPool

            self.pool = FitPool.start(self.settings)
            if self.pool is None:
                self.off = True
                return None, 0
        from claude_cli.inputs.images import MANY_IMAGES, MAX_SIDE, MAX_SIDE_MANY, per_image_base64

        max_side = MAX_SIDE_MANY if len(images) > MANY_IMAGES else MAX_SIDE
        share = per_image_base64(len(images))
        from concurrent.futures.process import BrokenProcessPool

        try:
            fittings = [self.pool.submit(s, max_side, share) for s in images]
        except BrokenProcessPool:
            self.pool.broken = True
            return None, 0  # fitted here when shaped
        return [f.result for f in fittings], len(fittings)

    @property
    def queue_size(self) -> int:
        return self.pool.queue_size if self.pool is not None else 0

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            if self.pool.broken:
                self.note(
                    "a process fitting images stopped (killed, or out of memory?); "
                    "its images and the rest were fitted in the main process"
                )


def shaped_lines(
    path: Path, shaper: Shaper, prefitter: Prefitter | None = None
) -> Iterator[Shaped | tuple[int, str]]:
    """Each request, or (line number, what is wrong with it), in input order."""
    seen: set[str] = set()
    ahead: collections.deque[tuple[int, Any, Prefitted, int]] = collections.deque()
    fitting = 0  # images being fitted for the lines ahead

    def finish(number: int, item: Any, prefitted: Prefitted) -> Shaped | tuple[int, str]:
        try:
            shaped = shaper.shape(number, item, prefitted)
        except CliError as e:
            return number, e.message
        if shaped.custom_id in seen:
            return number, f"the id {shaped.custom_id!r} is used by an earlier line"
        seen.add(shaped.custom_id)
        return shaped

    try:
        for number, text in input_lines(path):
            if text is None:
                ahead.append((number, UsageError("not UTF-8 text"), None, 0))
            else:
                try:
                    item: Any = shaper.parse(text)
                except UsageError as e:
                    item = e
                prefitted, count = (None, 0)
                if prefitter is not None and not isinstance(item, UsageError):
                    prefitted, count = prefitter.start(item)
                ahead.append((number, item, prefitted, count))
                fitting += count
            # Lines wait here only while images are being fitted, and only so many.
            queue = prefitter.queue_size if prefitter is not None else 0
            while ahead and (not fitting or fitting > queue or len(ahead) > MAX_AHEAD):
                number, item, prefitted, count = ahead.popleft()
                fitting -= count
                yield (
                    (number, item.message)
                    if isinstance(item, UsageError)
                    else finish(number, item, prefitted)
                )
        while ahead:
            number, item, prefitted, _ = ahead.popleft()
            yield (
                (number, item.message)
                if isinstance(item, UsageError)
                else finish(number, item, prefitted)
            )
    finally:
        if prefitter is not None:
            prefitter.close()


# -- submit ----------------------------------------------------------------------


def run_submit(settings: Settings, opts: SubmitOptions, streams: Streams) -> None:
    from claude_cli.exchange import Link

    batch_jobs.check_writable()
    folder = Path(tempfile.mkdtemp(prefix="claude-cli-batch-"))
    link = Link(settings, streams)
    try:
        path, digest = spool_input(opts.source, streams, folder)
        _ = link.client  # no credentials: say so now, not after every line is shaped
        options = options_of(settings, opts)
        prints = fingerprint(options)
        job = None if opts.new else batch_jobs.find(digest, prints)
        if job is None and opts.name and not opts.new and batch_jobs.path_for(opts.name).exists():
            raise JobError(
                f"job {opts.name!r} exists for another input or other options: "
                "pick another --name, or --new for a fresh job"
            )
        if job is None:
            name = batch_jobs.check_name(opts.name) if opts.name else None
            stem = opts.default_name or ("stdin" if opts.source == "-" else Path(opts.source).stem)
            name = batch_jobs.fresh_name(name or stem)
            source = str(Path(opts.source).resolve())
            if opts.source == "-":  # kept (0600) so --retry-failed can read the lines again
                source = str(batch_jobs.keep_input(name, path))
            job = batch_jobs.new_job(name, source, digest, prints)
            job["options"] = options
            if opts.retry_of:
                job["retry_of"] = opts.retry_of
        elif job["done"]:
            streams.note(f"already submitted as job {job['name']} (use --new for a fresh job)")
            print_job_name(job, streams)
            if opts.wait:
                wait_job(settings, job, streams, opts.interval, link)
            return
        else:
            streams.note(f"resuming job {job['name']}")
        with batch_jobs.locked(job["name"]):
            shaper = Shaper(
                settings,
                opts.request,
                link.lookup,
                streams,
                attach=[where(a) for a in opts.attach],
                schema_multi=opts.schema_multi,
            )
            submit(job, path, shaper, opts, link, folder, Prefitter(settings, streams.note))
        streams.note(
            f"job {job['name']}: {len(job['ids'])} requests in "
            f"{len(job['batches'])} batch(es); {EXPIRY_NOTE}"
        )
        print_job_name(job, streams)
        if opts.wait:
            wait_job(settings, job, streams, opts.interval, link)
    finally:
        link.close()
        shutil.rmtree(folder, ignore_errors=True)


def image_error(source: str, why: str) -> str:
    """`photo.jpg: not a JPEG ...`: the image as given, not the path the line holds."""
    from claude_cli.inputs.images import label

    own = f"image {label(resolved(source))}: "
    return f"{label(source)}: {why[len(own) :] if why.startswith(own) else why}"


def resolved(source: str) -> str:
    """How describe-image --batch writes an image into its lines (a job resumes from
    any folder)."""
    from claude_cli.inputs.images import is_url

    return source if is_url(source) else str(Path(source).resolve())


def print_job_name(job: Job, streams: Streams) -> None:
    streams.stdout.write(job["name"] + "\n")
    streams.stdout.flush()


def submit(
    job: Job,
    path: Path,
    shaper: Shaper,
    opts: SubmitOptions,
    link,
    work: Path,
    prefitter: Prefitter | None = None,
) -> None:
    """Check every line, then send what is not yet in a batch, one batch at a time.
    `work` is a temporary folder for the request bodies."""
    ids: list[str] = []
    lines: list[int] = []
    errors: list[tuple[int, str]] = []
    schemas = LineSchemas()
    # Tokens per model, priced once at the end (pricing per line would cost more than shaping).
    per_model: dict[str, list[int]] = {}
    spool = work / "requests.jsonl"  # our temporary folder, never the input's
    with open(spool, "wb") as out:
        for item in shaped_lines(path, shaper, prefitter):
            if isinstance(item, tuple):
                errors.append(item)
                continue
            schemas.add(len(ids), item.schema)
            ids.append(item.custom_id)
            lines.append(item.line)
            line = batch.request_line(item.custom_id, item.params)
            out.write(line + b"\n")
            tally = per_model.setdefault(str(item.params.get("model")), [0, 0])
            tally[0] += len(line) // 4  # about 4 characters a token
            max_tokens = item.params.get("max_tokens")
            tally[1] += max_tokens if type(max_tokens) is int else 0
    if errors:
        if opts.sources:  # describe-image --batch: the user gave images, not lines
            listed = [image_error(opts.sources.get(n, "?"), why) for n, why in errors]
            headline = f"{len(errors)} bad image(s), nothing submitted"
        else:
            listed = [f"line {n}: {why}" for n, why in errors]
            headline = f"{opts.source}: {len(errors)} bad line(s), nothing submitted"
        shown = "\n".join(f"  {one}" for one in listed[:MAX_LISTED_ERRORS])
        more = len(errors) - MAX_LISTED_ERRORS
        shown += f"\n  ... and {more} more" if more > 0 else ""
        raise UsageError(headline, shown)
    if not ids:
        raise UsageError(f"{opts.source}: no requests (every line is blank)")
    if job["ids"] and (job["ids"] != ids or job["lines"] != lines):
        raise JobError(f"job {job['name']!r} was made from other lines: use --new")
    job["ids"], job["lines"] = ids, lines
    if opts.sources:
        job["sources"] = [opts.sources.get(n) for n in lines]
    schemas.record(job)
    job["estimate_usd"] = estimate(per_model)
    adopt_pending(job, link)
    batch_jobs.save(job)
    start = batch_jobs.submitted(job)
    body: batch.BodyFile | None = None
    with open(spool, "rb") as f:
        for index, line in enumerate(f):
            if index < start:
                continue
            line = line.rstrip(b"\n")
            if body is not None and (body.count >= opts.batch_size or not body.fits(line)):
                send_batch(job, body, start, link)
                start += body.count
                body = None
            if body is None:
                body = batch.BodyFile(work / f"batch-{start}.json")
            if not body.fits(line):
                raise UsageError(f"line {lines[index]}: one request over 256 MB")
            body.add(line)
    if body is not None:
        send_batch(job, body, start, link)
    job["done"] = True
    batch_jobs.save(job)


class LineSchemas:
    """Which lines have a schema of their own (kept in the journal for `batch results`):
    each distinct schema once, and the positions of the lines that use it."""

    def __init__(self) -> None:
        self.distinct: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}
        self.lines: dict[str, int] = {}

    def add(self, pos: int, schema: dict[str, Any] | None) -> None:
        if schema is None:
            return
        key = json.dumps(schema, sort_keys=True)
        if key not in self.index:
            self.index[key] = len(self.distinct)
            self.distinct.append(schema)
        self.lines[str(pos)] = self.index[key]

    def record(self, job: Job) -> None:
        if self.lines:
            job["schemas"] = self.distinct
            job["line_schemas"] = self.lines


def schema_for(job: Job, pos: int) -> tuple[dict[str, Any], bool] | None:
    """The schema request `pos` was sent with, and whether it is a list (None: none)."""
    own = job.get("line_schemas") or {}
    if str(pos) in own:
        found = job["schemas"][own[str(pos)]]
        return (found["schema"], bool(found.get("multi"))) if found else None
    options = job.get("options") or {}
    schema = (options.get("request") or {}).get("schema")
    return (schema, bool(options.get("schema_multi"))) if schema is not None else None


def estimate(per_model: dict[str, list[int]]) -> dict[str, float | None]:
    """Dollars at batch prices: the prompts, and the most the replies could cost."""
    from claude_cli.request.pricing import cost

    spent: dict[str, float | None] = {"input": 0.0, "max_output": 0.0}
    for model, (inp, out) in per_model.items():
        for key, usage in (
            ("input", {"input_tokens": inp}),
            ("max_output", {"output_tokens": out}),
        ):
            dollars = cost(model, usage, batch=True)
            prior = spent[key]
            spent[key] = None if prior is None or dollars is None else prior + dollars
    return spent


def send_batch(job: Job, body: batch.BodyFile, start: int, link) -> None:
    end = start + body.count
    job["pending"] = {"start": start, "end": end, "since": batch_jobs.now_iso()}
    batch_jobs.save(job)  # a crash from here on is resolved by adopt_pending
    created = batch.create(link.client, body)
    if os.environ.get(EXIT_BEFORE_JOURNAL):
        os._exit(9)
    job["batches"].append({"id": created["id"], "start": start, "end": end})
    job["pending"] = None
    batch_jobs.save(job)
    body.discard()
    after = os.environ.get(EXIT_AFTER_BATCH)
    if after and len(job["batches"]) >= int(after):
        os._exit(9)


def adopt_pending(job: Job, link) -> None:
    """A batch sent just before a crash, whose id never reached the journal.

    The service may have made it: a batch created since then with as many
    requests, and in no job of ours, is taken as that one instead of paying twice."""
    pending = job.get("pending")
    if not pending:
        return
    known = {b["id"] for name in batch_jobs.names() for b in _batches_of(name)}
    size = pending["end"] - pending["start"]
    # A margin for the service's clock running behind ours.
    since = datetime.strptime(pending["since"], "%Y-%m-%dT%H:%M:%SZ") - CLOCK_MARGIN
    earliest = since.strftime("%Y-%m-%dT%H:%M:%S")
    for found in batch.list_batches(link.client, pages=5):
        if str(found.get("created_at", ""))[:19] < earliest:
            break  # listed newest first: older ones cannot be it
        total = sum(found["request_counts"].values())
        if found["id"] not in known and total == size:
            job["batches"].append(
                {"id": found["id"], "start": pending["start"], "end": pending["end"]}
            )
            link.streams.note(f"found batch {found['id']}, sent before the interruption")
            break
    job["pending"] = None


def _batches_of(name: str) -> list[dict[str, Any]]:
    try:
        return batch_jobs.load(name)["batches"]
    except JobError:
        return []


# -- list, status, wait, cancel ----------------------------------------------------


def client_for(settings: Settings, streams: Streams):
    from claude_cli.exchange import Link

    return Link(settings, streams, offline=True)


def batch_states(job: Job, link) -> list[dict[str, Any]]:
    states = [batch.retrieve(link.client, b["id"]) for b in job["batches"]]
    remember(job, states)
    return states


def remember(job: Job, states: list[dict[str, Any]]) -> None:
    """The state seen goes into the journal, for `batch list`."""
    if states and job["done"] and not job.get("foreign"):
        job["state"] = job_state(states)  # kept too when this job is saved again
        batch_jobs.remember_state(job["name"], job["state"])


def job_state(states: list[dict[str, Any]]) -> str:
    """One word for a job's batches: ended, canceling or in_progress (as the API says)."""
    if all_ended(states):
        return batch.ENDED
    if any(s.get("processing_status") == "canceling" for s in states):
        return "canceling"
    return "in_progress"


def totals(states: list[dict[str, Any]]) -> dict[str, int]:
    return {k: sum(s["request_counts"][k] for s in states) for k in batch.COUNT_KEYS}


def all_ended(states: list[dict[str, Any]]) -> bool:
    return all(s.get("processing_status") == batch.ENDED for s in states)


def run_list(streams: Streams, json_out: bool = False) -> None:
    items: list[dict[str, Any]] = []
    for name in batch_jobs.names():
        try:
            job = batch_jobs.load(name)
        except JobError as e:
            streams.note(e.message)
            continue
        retry_of = job.get("retry_of") if type(job.get("retry_of")) is dict else {}
        items.append(
            {
                "name": name,
                "requests": len(job["ids"]),
                "batches": [str(b.get("id")) for b in job["batches"]],
                "created": job.get("created"),
                "submitted": bool(job["done"]),
                "state": list_state(job),
                "input": (job.get("input") or {}).get("path"),
                "retry_of": retry_of.get("job"),
            }
        )
    # Newest first by the `created` shown (a status check rewrites the journal, so its
    # file time says nothing); a journal without one goes last.
    items.sort(key=lambda item: str(item["created"] or ""), reverse=True)
    if json_out:
        if streams.stdout_tty:
            from claude_cli.terminal.richout import print_json

            print_json(streams.stdout, items)
            return
        streams.stdout.write(json.dumps(items, ensure_ascii=False) + "\n")
        return
    if not items:
        streams.note("no batch jobs yet (start one with: claude-cli batch submit FILE)")
        return
    for item in items:
        state = (
            clean(item["state"])
            if item["submitted"]
            else "incomplete: run batch submit again to resume"
        )
        streams.stdout.write(
            f"{item['name']}\t{item['requests']} requests\t{len(item['batches'])} batch(es)\t"
            f"{clean(str(item['created']))}\t{state}\n"
        )


def list_state(job: Job) -> str:
    """What the last status, wait, cancel or results saw (`batch list` asks no one);
    `submitted` until one of them has looked."""
    seen = job.get("state")
    if not job["done"]:
        return "incomplete"
    return seen if type(seen) is str and seen else "submitted"


def run_status(settings: Settings, ref: str, streams: Streams) -> None:
    from claude_cli.request.usage import format_dollars

    job = batch_jobs.resolve(ref)
    link = client_for(settings, streams)
    try:
        states = batch_states(job, link)
        counts = totals(states)
        out = streams.stdout
        out.write(f"job {job['name']}: {len(job['ids']) or sum(counts.values())} requests\n")
        for s in states:
            out.write(f"  {clean(s['id'])}: {clean(str(s.get('processing_status')))}\n")
        out.write("  " + ", ".join(f"{k} {counts[k]}" for k in batch.COUNT_KEYS) + "\n")
        estimate = job.get("estimate_usd") or {}
        if estimate.get("input") is not None:
            line = f"  estimated cost at batch prices: {format_dollars(estimate['input'])} input"
            if estimate.get("max_output") is not None:
                line += f" + up to {format_dollars(estimate['max_output'])} output"
            out.write(line + "\n")
        if states and all_ended(states):
            spent = true_cost(job, link)
            if spent is not None:
                out.write(f"  cost of the results at batch prices: {format_dollars(spent)}\n")
            out.write(f"  ended; {EXPIRY_NOTE}\n")
        elif not job["done"]:
            out.write("  not all submitted: run batch submit again on the same input\n")
    finally:
        link.close()


def true_cost(job: Job, link) -> float | None:
    from claude_cli.request.pricing import cost

    if job.get("cost_usd") is not None:
        return job["cost_usd"]
    total = 0.0
    for b in job["batches"]:
        for entry in batch.results(link.client, b["id"]):
            message = entry["result"].get("message")
            if type(message) is dict and type(message.get("usage")) is dict:
                spent = cost(str(message.get("model")), message["usage"], batch=True)
                if spent is None:
                    return None
                total += spent
    if not job.get("foreign"):
        job["cost_usd"] = total
        with contextlib.suppress(OSError):  # a cache only: an unwritable folder costs a download
            batch_jobs.save(job)
    return total


def run_wait(settings: Settings, ref: str, streams: Streams, interval: float) -> None:
    job = batch_jobs.resolve(ref)
    link = client_for(settings, streams)
    try:
        wait_job(settings, job, streams, interval, link)
    finally:
        link.close()


def wait_job(settings: Settings, job: Job, streams: Streams, interval: float, link) -> None:
    """Poll until every batch has ended; progress on stderr. Ctrl-C stops the waiting."""
    from claude_cli.terminal.waiting import can_wait_visibly

    last = ""
    redraw = can_wait_visibly(streams.stderr)  # a terminal that can erase a line (not dumb)
    try:
        while True:
            states = batch_states(job, link)
            counts = totals(states)
            line = " ".join(f"{k} {counts[k]}" for k in batch.COUNT_KEYS)
            if line != last:
                # The name comes from the journal file and the counts from the server.
                shown = clean(f"{job['name']}: {line}")
                if redraw:
                    streams.stderr.write(f"\r\x1b[2K{progress_bar(counts)} {shown}")
                else:
                    streams.stderr.write(f"{shown}\n")
                streams.stderr.flush()
                last = line
            if all_ended(states):
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        if redraw:
            streams.stderr.write("\n")
        streams.note(
            f"stopped waiting; job {job['name']} goes on (claude-cli batch wait {job['name']})"
        )
        raise Interrupted() from None
    if redraw:
        streams.stderr.write("\n")
    streams.note(f"job {job['name']} ended: claude-cli batch results {job['name']}")


def progress_bar(counts: dict[str, int], width: int = 20) -> str:
    """`[#######-------------]  35%`: the share of requests no longer processing."""
    total = sum(counts.values())
    done = total - counts["processing"]
    filled = width * done // total if total else 0
    percent = 100 * done // total if total else 0
    return f"[{'#' * filled}{'-' * (width - filled)}] {percent:3d}%"


def run_cancel(settings: Settings, ref: str, streams: Streams) -> None:
    job = batch_jobs.resolve(ref)
    link = client_for(settings, streams)
    try:
        states, asked = [], 0
        for b in job["batches"]:
            state = batch.retrieve(link.client, b["id"])
            if state.get("processing_status") != batch.ENDED:
                state = batch.cancel(link.client, b["id"])
                asked += 1
                streams.note(f"{clean(b['id'])}: {clean(str(state.get('processing_status')))}")
            states.append(state)
        remember(job, states)
        if not asked:
            streams.note(f"job {job['name']} has already ended: nothing was canceled")
            return
        streams.note(f"job {job['name']}: cancel asked; requests already done keep their results")
    finally:
        link.close()


# -- results -------------------------------------------------------------------------


def run_results(
    settings: Settings, ref: str, streams: Streams, output: str | None, retry_failed: bool
) -> None:
    """Every request's outcome, one JSON line each, in input order; a request that
    failed but succeeded in a `--retry-failed` job has that job's result instead.

    Results come in any order: each one goes into a temporary SQLite table keyed by
    its request's position (on disk, so 100,000 results never sit in memory, and a
    result downloaded twice after a dropped connection simply replaces itself); the
    table is then read in order into a temporary file, moved into place at the end."""
    job = batch_jobs.resolve(ref)
    # The file is checked (and its temporary file made) before anything is downloaded.
    target = ResultsFile.open(output) if output and output != "-" else None
    link = client_for(settings, streams)  # makes no connection yet: nothing to fail
    folder = Path(tempfile.mkdtemp(prefix="claude-cli-results-"))
    try:
        states = batch_states(job, link)
        if not states or not all_ended(states):
            raise UsageError(
                f"job {job['name']} has not ended yet: claude-cli batch wait {job['name']}"
            )
        store = Results(folder / "results.db", link, settings.max_retries, streams)
        failed, total = write_results(job, store, streams, target)
        store.close()
    finally:
        if target is not None:
            target.discard()
        link.close()
        shutil.rmtree(folder, ignore_errors=True)
    for name, count in store.answered.items():
        streams.note(f"{count} failed request(s) answered by the retry job {name}")
    for name in store.unfinished:
        streams.note(f"the retry job {name} has not ended: its results are not in yet")
    streams.note(EXPIRY_NOTE[0].upper() + EXPIRY_NOTE[1:] + ".")
    if failed:
        if retry_failed:
            if store.unfinished:
                streams.note(
                    f"not retried again while {store.unfinished[0]} runs: "
                    f"claude-cli batch wait {store.unfinished[0]}"
                )
            else:
                retry(settings, job, failed, streams)
        raise BatchFailed(f"{len(failed)} of {total} requests failed (see their error lines)")


def retries_of(job: Job) -> list[Job]:
    """The jobs `batch results --retry-failed` made from this one, oldest first."""
    if job.get("foreign"):
        return []
    found = []
    # Named JOB-retry (-2, ...) by retry(): only those journals are read.
    prefix = batch_jobs.name_base(f"{job['name']}-retry")
    for name in batch_jobs.names():
        if not name.startswith(prefix):
            continue
        with contextlib.suppress(JobError):
            other = batch_jobs.load(name)
            of = other.get("retry_of")
            if type(of) is dict and of.get("job") == job["name"] and name != job["name"]:
                found.append(other)
    return sorted(found, key=lambda j: (str(j.get("created")), len(j["name"]), j["name"]))


class Results:
    """A job's results, downloaded into a temporary SQLite file, read in input order,
    with the successful results of its retry jobs (and theirs) in place of failures."""

    def __init__(self, path: Path, link, retries: int, streams: Streams) -> None:
        self.db = sqlite3.connect(path)
        self.link = link
        self.retries = retries
        self.streams = streams
        self.tables = 0
        self.seen: set[str] = set()
        self.answered: dict[str, int] = {}  # retry job → failed requests of ours it answered
        self.unfinished: list[str] = []  # retry jobs not ended yet

    def close(self) -> None:
        self.db.close()

    def table(self, columns: str) -> str:
        self.tables += 1
        name = f"t{self.tables}"
        self.db.execute(f"create table {name} ({columns})")
        return name

    def download(self, job: Job) -> str:
        table = self.table("pos integer primary key, custom_id text unique, entry text")
        position = {cid: i for i, cid in enumerate(job["ids"])}
        for b in job["batches"]:
            fetch_results(self.link, b["id"], self.db, table, position, self.retries, self.streams)
        return table

    def fixes(self, job: Job) -> str | None:
        """A table: input line → the record of a retry that succeeded, and its job."""
        table = None
        for other in retries_of(job):
            if other["name"] in self.seen:
                continue  # a loop of hand-edited journals
            states = batch_states(other, self.link) if other["done"] else []
            if not states or not all_ended(states):
                self.unfinished.append(other["name"])
                continue
            table = table or self.table("line integer primary key, record text, job text")
            for _, record in self.records(other):
                if "error" not in record and type(record.get("line")) is int:
                    self.db.execute(
                        f"insert or replace into {table} values (?, ?, ?)",
                        (record["line"], json.dumps(record), other["name"]),
                    )
        return table

    def records(self, job: Job, top: bool = False) -> Iterator[tuple[int | None, dict[str, Any]]]:
        self.seen.add(job["name"])
        table = self.download(job)
        fixes = self.fixes(job)
        sources = job.get("sources") if type(job.get("sources")) is list else None
        for pos, record in ordered(job, self.db, table):
            if "error" in record and fixes is not None:
                row = self.db.execute(
                    f"select record, job from {fixes} where line = ?", (record.get("line"),)
                ).fetchone()
                if row is not None:
                    record = json.loads(row[0])
                    if top:
                        self.answered[row[1]] = self.answered.get(row[1], 0) + 1
            if sources is not None and pos is not None and pos < len(sources):
                record = with_source(record, sources[pos])
            yield pos, record


def with_source(record: dict[str, Any], source: Any) -> dict[str, Any]:
    """`source` (the image as given to describe-image --batch) right after `line`."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key != "source":
            out[key] = value
        if key == "line":
            out["source"] = source
    return out


def ordered(job: Job, db, table: str) -> Iterator[tuple[int | None, dict[str, Any]]]:
    """(position, output record) for each request, in input order; a request the
    service sent no result for is a `missing` error."""
    prefill = ((job.get("options") or {}).get("request") or {}).get("prefill") or ""
    expected = 0
    for pos, custom_id, entry in db.execute(
        f"select pos, custom_id, entry from {table} order by pos"
    ):
        if job["ids"]:
            while expected < pos:  # no result came back for these
                yield expected, missing(job, expected)
                expected += 1
            expected = pos + 1
        line = job["lines"][pos] if job["ids"] else None
        record = batch.outcome(line, custom_id, json.loads(entry))
        if "error" not in record and job["ids"]:
            if prefill:
                record["text"] = prefill + record["text"]  # as ask prints it: the whole reply
            schema = schema_for(job, pos)
            if schema is not None:
                record = with_data(record, *schema)
        yield (pos if job["ids"] else None), record
    while job["ids"] and expected < len(job["ids"]):
        yield expected, missing(job, expected)
        expected += 1


def write_results(
    job: Job, store: Results, streams: Streams, target: ResultsFile | None
) -> tuple[list[int], int]:
    """Write the ordered lines; returns the failed requests' positions and the total."""
    failed: list[int] = []
    out = target.out if target is not None else streams.stdout
    on_terminal = target is None and streams.stdout_tty  # C1 and bidi escaped, as models --json
    total = 0
    for pos, record in store.records(job, top=True):
        if "error" in record and pos is not None:
            failed.append(pos)
        elif "error" in record:
            failed.append(total)
        text = json.dumps(record, ensure_ascii=False)
        out.write((json_safe(text) if on_terminal else text) + "\n")
        total += 1
    out.flush()
    if target is not None:
        target.commit()
    return failed, total


def fetch_results(
    link, batch_id: str, db, table: str, position: dict[str, int], retries: int, streams
) -> None:
    from claude_cli.errors import ApiError

    for attempt in range(retries + 1):
        try:
            with db:
                for entry in batch.results(link.client, batch_id):
                    pos = position.get(entry["custom_id"])
                    if pos is None and position:
                        continue  # not one of this job's requests
                    db.execute(
                        f"insert or replace into {table} values (?, ?, ?)",
                        (pos, entry["custom_id"], json.dumps(entry["result"])),
                    )
            return
        except TransportError:
            if attempt == retries:
                raise
            streams.note(f"{clean(batch_id)}: results broke off; reading them again")
        except ApiError as e:
            if e.status == 404:
                raise ApiError(
                    f"the results of {batch_id} are no longer on the service "
                    "(they are kept 29 days)",
                    status=404,
                ) from None
            raise


class ResultsFile:
    """`-o PATH`: written into a temporary file in PATH's folder, moved into place
    only once complete (a failed download leaves PATH as it was)."""

    def __init__(self, target: Path, tmp: str, out) -> None:
        self.target, self.tmp, self.out = target, tmp, out

    @classmethod
    def open(cls, output: str) -> ResultsFile:
        target = Path(output)
        folder = target.parent
        if target.is_dir():
            raise UsageError(f"cannot write {output}: it is a folder")
        if not folder.is_dir():
            raise UsageError(f"cannot write {output}: no such folder")
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        except OSError as e:
            raise UsageError(f"cannot write {output}: {e.strerror or type(e).__name__}") from None
        return cls(target, tmp, os.fdopen(fd, "w", encoding="utf-8"))

    def commit(self) -> None:
        try:
            self.out.flush()
            os.fsync(self.out.fileno())
            self.out.close()
            os.replace(self.tmp, self.target)
        except OSError as e:
            why = e.strerror or type(e).__name__
            raise OutputError(f"cannot write {self.target}: {why}") from None
        self.tmp = None

    def discard(self) -> None:
        if self.tmp is not None:
            self.out.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp)
            self.tmp = None


def with_data(record: dict[str, Any], schema: dict[str, Any], multi: bool) -> dict[str, Any]:
    """The reply's parsed object as `data`; a reply that is not the JSON asked for is an
    error line naming why, its text (paid for) kept."""
    from claude_cli.request.schema import SchemaMismatch, check

    try:
        data = check({"stop_reason": record["stop_reason"]}, record["text"], schema, multi=multi)
    except SchemaMismatch as e:
        error = {"type": "schema_mismatch", "message": e.message}
        return {"id": record["id"], "line": record["line"], "error": error, **_reply(record)}
    head = {k: record[k] for k in ("id", "line", "text")}
    return {**head, "data": data, **_reply(record)}


def _reply(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in ("text", "model", "stop_reason", "usage")}


def missing(job: Job, pos: int) -> dict[str, Any]:
    return {
        "id": job["ids"][pos],
        "line": job["lines"][pos],
        "error": {"type": "missing", "message": "the service sent no result for this request"},
    }


def retry(settings: Settings, job: Job, failed: list[int], streams: Streams) -> None:
    """Submit the failed requests' input lines again, as a new job."""
    source = job["input"].get("path")
    if not source or not Path(source).is_file():
        streams.note("cannot retry: the job's input file is gone (or was stdin)")
        return
    wanted = {job["lines"][pos] for pos in failed}
    options = job.get("options")
    if options is None:
        streams.note("cannot retry: this job does not record its options")
        return
    name = batch_jobs.fresh_name(f"{job['name']}-retry")
    path = batch_jobs.input_path(name)
    data = bytearray()
    with open(source, "rb") as f:
        for number, raw in enumerate(f, 1):
            # Failed lines only, each in its place: line numbers stay the input's.
            data += raw if number in wanted else b"\n"
    batch_jobs.write_input(path, bytes(data))
    changes = {k: options[k] for k in ("model", "system", "max_tokens")}
    sources = {**settings.sources, **{k: "flag" for k in changes if changes[k] is not None}}
    settings = dataclasses.replace(settings, **changes, sources=sources)
    opts = SubmitOptions(
        source=str(path),
        request=RequestOptions(**options["request"]),
        name=name,
        new=True,
        attach=options.get("attach") or [],
        schema_multi=bool(options.get("schema_multi")),
        retry_of={"job": job["name"], "lines": sorted(wanted)},
    )
    sources = job.get("sources")
    if type(sources) is list and len(sources) == len(job["lines"]):
        opts.sources = {job["lines"][pos]: sources[pos] for pos in failed}
    streams.note(f"submitting the {len(failed)} failed requests again, as job {name}")
    run_submit(settings, opts, streams)


def run_describe_batch(
    settings: Settings,
    sources: list[str],
    prompt: str,
    request: RequestOptions,
    streams: Streams,
    *,
    wait: bool = False,
    interval: float = 30.0,
    schema_multi: bool = False,
) -> None:
    """`describe-image --batch`: one line per image, submitted as a job (resumable
    like any other: the same sources and options make the same job)."""
    if not sources:
        raise UsageError("describe-image needs at least one image (a path or a URL)")
    if "-" in sources:
        raise UsageError("describe-image --batch takes paths and URLs, not - (stdin)")
    if not prompt.strip():
        raise UsageError("--prompt is empty")
    lines = []
    for i, source in enumerate(sources, 1):
        lines.append(
            json.dumps({"id": f"image-{i}", "prompt": prompt, "images": [resolved(source)]})
        )
    data = ("\n".join(lines) + "\n").encode()
    digest = hashlib.sha256(data).hexdigest()[:12]
    path = batch_jobs.input_path(f"describe-image-{digest}")
    batch_jobs.write_input(path, data)
    opts = SubmitOptions(
        source=str(path),
        request=request,
        default_name="describe-image",
        wait=wait,
        interval=interval,
        schema_multi=schema_multi,
        # As given (a name that is not UTF-8 shown with U+FFFD), for the results' "source".
        sources={i: text_of(s) for i, s in enumerate(sources, 1)},
    )
    run_submit(settings, opts, streams)


def text_of(source: str) -> str:
    return source.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
