"""The job journal: our local record of one `batch submit` (it may span batches).

A 0600 JSON file in the data folder (batches/NAME.json), replaced atomically
(store.write_private) at every step, so a crash leaves the previous step whole.
It records the input's hash and the options' fingerprint (what makes a re-run the
same job), each request's input line and custom_id, every batch id as soon as the
service returns it, and the range being submitted when no id came back yet.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from claude_cli.errors import CliError, ExitCode, UsageError
from claude_cli.store.files import ensure_private_dir, write_private
from claude_cli.store.session import NAME_RE, data_dir

FORMAT = "claude-cli-batch-job"
VERSION = 1
Job = dict[str, Any]


class JobError(UsageError):
    """A job name, file or state is at fault."""


class JobFolderError(CliError):
    """The jobs folder cannot be written (exit 6, as for a session's folder)."""

    exit_code = ExitCode.SESSION


def jobs_dir() -> Path:
    return data_dir() / "batches"


def check_writable() -> None:
    """Before anything is sent: the jobs folder exists (or can be made) and takes files."""
    folder = jobs_dir()
    try:
        ensure_private_dir(folder)
        fd, probe = tempfile.mkstemp(prefix=".probe.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        why = e.strerror or type(e).__name__
        raise JobFolderError(
            f"cannot write the batch jobs folder {folder}: {why}; nothing was sent"
        ) from None


def check_name(name: str) -> str:
    if not NAME_RE.fullmatch(name or ""):
        raise JobError(
            f"bad job name {name!r}: use letters, digits, '.', '_' and '-' "
            "(at most 64, not starting with '.')"
        )
    return name


def path_for(name: str) -> Path:
    return jobs_dir() / f"{check_name(name)}.json"


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_job(name: str, source: str | None, digest: str, fingerprint: str) -> Job:
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": name,
        "created": now_iso(),
        "input": {"path": source, "sha256": digest, "options": fingerprint},
        "lines": [],  # input line number of each request, in input order
        "ids": [],  # custom_id of each request
        "batches": [],  # {"id", "start", "end"}: requests [start, end) in that batch
        "pending": None,  # {"start", "end", "since"}: sent, no batch id back yet
        "estimate_usd": None,
        "done": False,  # every request is in a batch
    }


def input_path(name: str) -> Path:
    return jobs_dir() / f"{check_name(name)}.input.jsonl"


def write_input(path: Path, data: bytes) -> None:
    check_writable()
    write_private(path, data)


def keep_input(name: str, spooled: Path) -> Path:
    """A copy of the input read from stdin, kept with the job."""
    path = input_path(name)
    write_input(path, spooled.read_bytes())
    return path


def save(job: Job) -> None:
    ensure_private_dir(jobs_dir())
    os.chmod(jobs_dir(), 0o700)
    write_private(path_for(job["name"]), json.dumps(job, separators=(",", ":")) + "\n")


def load(name: str) -> Job:
    path = path_for(name)
    try:
        job = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise JobError(f"no job named {name!r} (see: claude-cli batch list)") from None
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise JobError(f"cannot read the job file {path}: {type(e).__name__}") from None
    if (
        type(job) is not dict
        or job.get("format") != FORMAT
        or type(job.get("batches")) is not list
        or type(job.get("ids")) is not list
        or type(job.get("lines")) is not list
        or len(job["ids"]) != len(job["lines"])
    ):
        raise JobError(f"the job file {path} is not a batch job")
    return job


def names() -> list[str]:
    folder = jobs_dir()
    if not folder.is_dir():
        return []
    found = [
        p for p in folder.glob("*.json") if NAME_RE.fullmatch(p.stem) and ".input" not in p.name
    ]
    return [p.stem for p in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)]


def find(digest: str, fingerprint: str) -> Job | None:
    """The newest job made from this input with these options, if any."""
    for name in names():
        with contextlib.suppress(JobError):
            job = load(name)
            if job["input"].get("sha256") == digest and job["input"].get("options") == fingerprint:
                return job
    return None


def resolve(ref: str) -> Job:
    """A job by name, or the job holding this batch id."""
    if ref.startswith("msgbatch_"):
        for name in names():
            with contextlib.suppress(JobError):
                job = load(name)
                if any(b.get("id") == ref for b in job["batches"]):
                    return job
        # A batch submitted elsewhere: a job of its own, with no input lines known.
        job = new_job(check_name(ref), None, "", "")
        job["batches"] = [{"id": ref, "start": 0, "end": 0}]
        job["done"] = True
        job["foreign"] = True
        return job
    return load(ref)


def name_base(text: str) -> str:
    """What a fresh job's name starts with (fresh_name adds -2, -3, ... when taken)."""
    base = "".join(c if c.isalnum() or c in "._-" else "-" for c in text).strip(".-")[:48]
    return base or "job"


def fresh_name(base: str) -> str:
    base = name_base(base)
    name, n = base, 1
    while path_for(name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@contextlib.contextmanager
def locked(name: str) -> Iterator[None]:
    """One `batch submit` at a time per job (a second one would submit twice)."""
    ensure_private_dir(jobs_dir())
    lock = jobs_dir() / f".{check_name(name)}.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise JobError(f"job {name!r} is being submitted by another claude-cli") from None
        yield
    finally:
        os.close(fd)


def submitted(job: Job) -> int:
    """How many requests (from the start) are in a batch already."""
    return max((b["end"] for b in job["batches"]), default=0)


def remember_state(name: str, state: str) -> None:
    """Keep the state a status check saw, for `batch list` (which asks no one). Only a
    cache: skipped while a submit holds the job (it rewrites the journal) or when the
    folder cannot be written."""
    with contextlib.suppress(JobError, OSError), locked(name):
        job = load(name)
        if job.get("state") != state:
            job["state"] = state
            save(job)
