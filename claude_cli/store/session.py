"""Session files: one JSON file per conversation, safe to trust and to hand-edit.

Layout under ``platformdirs.user_data_dir("claude-cli")`` (0700 folders, 0600 files)::

    sessions/NAME.json     the session (format below)
    sessions/.NAME.lock    taken around every read-modify-write (removed when
                           no session has the name)
    .blobs.lock            taken by blob reuse and collection
    blobs/<sha256>         image bytes (base64 text), stored once, shared

A session file is a JSON object::

    {"format": "claude-cli-session", "version": 1, "name": ..., "created": ...,
     "updated": ..., "model": ..., "system": ..., "usage": {token totals},
     "replies": [{"at", "model", "usage"} per reply; "stop_reason": "max_tokens" when cut off],
     "messages": [Messages API messages, one per line]}

Roles are user, assistant and system; blocks of any ``type`` are kept.
``messages`` is the Messages API's own shape, except that an image (or PDF document)
block's base64 ``data`` is replaced by ``"blob:sha256:<hex>"`` (":" is not base64, so the
two never mix). Loading for a request puts the bytes back (`inline`); saving never
re-reads or re-writes them, so a long chat with images stays cheap to save.

Every change is lock → read → change → atomic write (`store.write_private`), so two
``ask --session`` at once never lose a turn; a file that does not parse, or does not
have that shape, is an error naming it and is never overwritten. A session is
saved under the name it was asked for: the ``name`` field inside is informational.

A paid reply is never lost: `check_writable` runs before a request is sent, and
when a save still fails afterwards `record_exchange` keeps the conversation in a
recovery file (`recovery_dir`) and raises a SessionError saying where.
Nothing here imports httpx or rich.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from claude_cli.errors import SessionError
from claude_cli.store.files import ensure_private_dir, read_regular, write_private

FORMAT = "claude-cli-session"
VERSION = 1
NAME_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")
BLOB_PREFIX = "blob:sha256:"
BLOB_BLOCKS = ("image", "document")  # blocks whose base64 source data is stored as a blob
_BLOB_RE = re.compile(r"blob:sha256:([0-9a-f]{64})")
_DIGEST_RE = re.compile(r"[0-9a-f]{64}")
USAGE_KEYS = (
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
)
ROLES = ("user", "assistant", "system")
LOCK_TIMEOUT = 30.0
# Images live in blobs, so a session file this large is not one of ours.
MAX_SESSION_BYTES = 256 * 1024 * 1024
# An unreferenced blob younger than this may belong to a save in progress.
BLOB_GRACE_SECONDS = 3600
# A temp file this old was left by a writer that died (a write takes milliseconds).
STALE_TEMP_SECONDS = 600
# Deeper JSON than this is no conversation; refusing it keeps every later step safe
# from RecursionError.
MAX_DEPTH = 100

Doc = dict[str, Any]
Message = dict[str, Any]


# -- paths and names ---------------------------------------------------------


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("claude-cli"))


def sessions_dir() -> Path:
    return data_dir() / "sessions"


def blobs_dir() -> Path:
    return data_dir() / "blobs"


_made: set[Path] = set()


def private_dirs() -> Path:
    """Create the data, sessions and blobs folders 0700 (once per process);
    returns the sessions folder."""
    folder = sessions_dir()
    if folder not in _made:
        for path in (data_dir(), folder, blobs_dir()):
            try:
                ensure_private_dir(path)
                os.chmod(path, 0o700)
            except OSError as e:
                raise SessionError(f"cannot use the folder {path}: {_why(e)}") from None
        _made.add(folder)
    return folder


def _why(e: BaseException) -> str:
    if isinstance(e, OSError):
        return e.strerror or type(e).__name__
    if isinstance(e, SessionError):
        return e.message
    return f"{type(e).__name__}: {e}"


def check_name(name: str) -> str:
    if not NAME_RE.fullmatch(name or ""):
        raise SessionError(
            f"bad session name {name!r}: use letters, digits, '.', '_' and '-' "
            "(at most 64, not starting with '.')"
        )
    return name


def path_for(name: str) -> Path:
    return sessions_dir() / f"{check_name(name)}.json"


def exists(name: str) -> bool:
    return path_for(name).exists()


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


AUTO_NAME_RE = re.compile(r"(?:chat|ask)-\d{8}-\d{6}(?:-\d+)?")


def auto_name(kind: str = "chat") -> str:
    """A fresh name for a conversation the user did not name:
    KIND-YYYYMMDD-HHMMSS[-n] (kind: chat or ask)."""
    base = f"{kind}-" + datetime.now().strftime("%Y%m%d-%H%M%S")
    name, n = base, 1
    while exists(name):
        n += 1
        name = f"{base}-{n}"
    return name


# -- the document ------------------------------------------------------------


def new_doc(name: str, model: str | None = None, system: str | None = None) -> Doc:
    stamp = now_iso()
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": name,
        "created": stamp,
        "updated": stamp,
        "model": model,
        "system": system,
        "usage": dict.fromkeys(USAGE_KEYS, 0),
        "replies": [],
        "messages": [],
    }


_LINE_STARTS = {"messages": '{"role": ', "replies": '{"at": '}


def dumps(doc: Doc) -> str:
    """Top-level keys and each message on their own line: readable and diffable.

    One C-encoder call per value (indent= would use the slow pure-Python one).
    Newlines go before each `{"role": ` that follows a comma: that text cannot
    occur inside a JSON string (its quotes would be escaped), so at worst a
    nested object gets a line break, which is still the same JSON.
    """
    lines = []
    for key, value in doc.items():
        text = json.dumps(value, ensure_ascii=False)
        start = _LINE_STARTS.get(key)
        if start and value:
            text = text.replace(", " + start, ",\n  " + start)
            text = "[\n  " + text[1:-1] + "\n ]"
        lines.append(f"{json.dumps(key)}: {text}")
    return "{" + ",\n ".join(lines) + "\n}\n"


def parse(raw: bytes | str, where: Path | str, name: str | None = None) -> Doc:
    """A usable session document from file bytes, or a SessionError naming `where`
    and what is wrong. `name` (the file's own name) replaces the informational
    ``name`` field, which may be missing or stale (a copied file)."""
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise SessionError(
            f"session file {where} is not valid JSON ({e}); fix or move it "
            "(it will not be overwritten)"
        ) from None
    except RecursionError:
        raise SessionError(f"session file {where} is nested too deeply to be a session") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
        raise SessionError(f"session file {where} is not a claude-cli session (no 'messages' list)")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionError(f"session file {where} has no valid format version")
    if version > VERSION:
        raise SessionError(
            f"session file {where} has format version {version}; this claude-cli reads "
            f"up to {VERSION} (upgrade claude-cli)"
        )
    # Lone surrogates (a "\ud800" escape) cannot be written back as UTF-8.
    check_surrogates = isinstance(raw, str) or _SURROGATE_ESCAPE.search(raw) is not None
    problem = _shape_problem(doc, check_surrogates)
    if problem:
        raise SessionError(
            f"session file {where} is not usable: {problem} (it will not be overwritten)"
        )
    if name is not None:
        doc["name"] = name
    elif not isinstance(doc.get("name"), str):
        doc["name"] = None
    for key in ("created", "updated"):
        if not isinstance(doc.get(key), str):
            doc[key] = None
    doc["usage"] = _counts(doc.get("usage"))
    if doc.get("replies") is None:
        doc["replies"] = []
    return doc


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _counts(usage: Any) -> dict[str, Any]:
    """The four token counts of a usage record (0 when absent or not a count)."""
    usage = usage if isinstance(usage, dict) else {}
    return {k: usage[k] if _is_count(usage.get(k)) else 0 for k in USAGE_KEYS}


def _usage_problem(usage: Any, at: str) -> str | None:
    if usage is None:
        return None
    if type(usage) is not dict:
        return f"{at} is not an object"
    for key in USAGE_KEYS:
        value = usage.get(key)
        if value is not None and (type(value) is not int or value < 0):  # bool is no count
            return f"{at}.{key} is {_show(value)}, not a token count"
    return None


def _flat_usage(usage: Any) -> bool:
    return usage is None or not any(type(v) in _CONTAINERS for v in usage.values())


def _show(value: Any, limit: int = 40) -> str:
    """A short, printable view of a value from a file, for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shape_problem(doc: Doc, check_surrogates: bool) -> str | None:
    """What makes `doc` unusable, or None. Unknown keys and block types are kept:
    other versions (and the API) add them."""
    if "format" in doc and doc["format"] != FORMAT:
        return f"'format' is {_show(doc['format'])}, not {FORMAT!r}"
    if doc.get("model") is not None and not isinstance(doc["model"], str):
        return f"'model' is {_show(doc['model'])}, not a string"
    system = doc.get("system")
    if not (system is None or isinstance(system, str)) and not (
        isinstance(system, list) and all(_is_block(b) for b in system)
    ):
        return "'system' is neither a string nor a list of blocks"
    problem = _usage_problem(doc.get("usage"), "'usage'")
    if problem:
        return problem
    # Containers the checks here do not look into: only they can hide deep nesting.
    # A long plain conversation has none, so checking depth costs it nothing.
    roots: list[tuple[Any, int]] = [
        (v, 1)
        for k, v in doc.items()
        if k not in ("messages", "replies") and isinstance(v, _CONTAINERS)
    ]
    replies = doc.get("replies")
    if replies is not None:
        if not isinstance(replies, list):
            return "'replies' is not a list"
        for i, reply in enumerate(replies):
            if type(reply) is not dict:
                return f"reply {i + 1} is not an object"
            model = reply.get("model")
            if model is not None and type(model) is not str:
                return f"reply {i + 1}'s model is not a string"
            problem = _usage_problem(reply.get("usage"), "")
            if problem:
                return f"reply {i + 1}'s usage{problem}"
            if len(reply) <= 3 and _flat_usage(reply.get("usage")):
                continue  # {"at", "model", "usage"} with plain counts: nothing deeper
            for key, value in reply.items():
                if key == "usage" and isinstance(value, dict):
                    roots += [(v, 4) for v in value.values() if isinstance(v, _CONTAINERS)]
                elif isinstance(value, _CONTAINERS):
                    roots.append((value, 3))
    for i, message in enumerate(doc["messages"]):
        if _plain_message(message):
            continue
        problem = message_problem(message)
        if problem:
            return f"message {i + 1} {problem}"
        for key, value in message.items():
            if key == "content" and isinstance(value, list):
                for block in value:
                    roots += [(v, 5) for v in block.values() if isinstance(v, _CONTAINERS)]
            elif isinstance(value, _CONTAINERS):
                roots.append((value, 3))
    if check_surrogates:
        return _structure_problem([(doc, 0)], check_surrogates=True)
    return _structure_problem(roots, check_surrogates=False)


_CONTAINERS = (dict, list)
_ROLE_SET = frozenset(ROLES)


def _plain_message(message: Any) -> bool:
    """The common case, checked fast: {"role", "content"} with text, or text blocks."""
    if type(message) is not dict or len(message) != 2:
        return False
    role = message.get("role")
    if type(role) is not str or role not in _ROLE_SET:
        return False
    content = message.get("content")
    if type(content) is str:
        return True
    return type(content) is list and all(
        type(b) is dict and len(b) == 2 and b.get("type") == "text" and type(b.get("text")) is str
        for b in content
    )


def _is_block(block: Any) -> bool:
    return isinstance(block, dict) and isinstance(block.get("type"), str)


def message_problem(message: Any) -> str | None:
    """What makes one stored message unusable, or None."""
    if not isinstance(message, dict):
        return "is not an object"
    if message.get("role") not in ROLES:
        return f"has role {_show(message.get('role'))}, not one of {', '.join(ROLES)}"
    content = message.get("content")
    if isinstance(content, str):
        return None
    if not isinstance(content, list):
        return "has content that is neither a string nor a list of blocks"
    for block in content:
        if not _is_block(block):
            return "has a content block without a 'type'"
        if block["type"] == "text" and not isinstance(block.get("text"), str):
            return "has a text block whose 'text' is not a string"
        source = block.get("source")
        data = source.get("data") if isinstance(source, dict) else None
        if isinstance(data, str) and data.startswith("blob:") and not _BLOB_RE.fullmatch(data):
            return f"refers to image data {_show(data)}: not a blob:sha256:<64 hex digits>"
    return None


def _structure_problem(roots: Any, check_surrogates: bool) -> str | None:
    """Too deep, or (when asked) a string with a lone surrogate, anywhere under
    the (value, depth) `roots`. Iterative: the point is to be safe from deep input."""
    stack: list[tuple[Any, int]] = list(roots)
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            if depth >= MAX_DEPTH:
                return f"nested deeper than {MAX_DEPTH} levels"
            values: Any = item.values()
            if check_surrogates:
                values = [*item, *values]
        elif isinstance(item, list):
            if depth >= MAX_DEPTH:
                return f"nested deeper than {MAX_DEPTH} levels"
            values = item
        else:
            if check_surrogates and isinstance(item, str) and _SURROGATE.search(item):
                return "contains a lone surrogate (a \\ud800-\\udfff escape that is no character)"
            continue
        if check_surrogates:
            stack.extend((v, depth + 1) for v in values)
        else:
            stack.extend((v, depth + 1) for v in values if isinstance(v, _CONTAINERS))
    return None


def without_surrogates(text: str) -> str:
    """`text` with each lone surrogate (from a bad escape, or undecodable argv bytes
    kept by Python's surrogateescape) replaced by U+FFFD; pairs stay as they are."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


# The last bytes read or written per file and their document: the locked
# re-read in `modify`, right after the read every `ask` does, then costs a byte
# comparison instead of a second parse. Bytes, not file times: a time can repeat.
_known: dict[Path, tuple[bytes, Doc]] = {}


def read(name: str) -> Doc | None:
    """The stored document (images as references), or None when there is none."""
    path = path_for(name)
    try:
        raw = read_regular(path, MAX_SESSION_BYTES)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise SessionError(f"cannot read session file {path}: {_why(e)}") from None
    known = _known.get(path)
    if known is not None and known[0] == raw:
        return known[1]
    doc = parse(raw, path, name)
    _known[path] = (raw, doc)
    return doc


def load(name: str) -> Doc:
    doc = read(name)
    if doc is None:
        raise SessionError(f"no session named {name!r} (`claude-cli sessions list` shows them)")
    return doc


def save(doc: Doc, name: str | None = None) -> None:
    """Write `doc` as session `name` (by default its own ``name`` field). Call it
    under `locked(name)`: every writer of a session file holds its lock."""
    name = check_name(name if name is not None else doc.get("name") or "")
    folder = private_dirs()
    path = path_for(name)
    doc["name"] = name
    text = dumps(doc)
    try:
        raw, exact = text.encode("utf-8"), True
    except UnicodeEncodeError:  # lone surrogates in a new turn: never lose it for that
        raw, exact = without_surrogates(text).encode("utf-8"), False
    _known.pop(path, None)
    _remove_temps(folder, re.compile(rf"\.{re.escape(path.name)}\.[A-Za-z0-9_]{{8}}\.tmp"))
    write_private(path, raw)
    if exact:
        _known[path] = (raw, doc)


def _remove_temps(folder: Path, pattern: re.Pattern[str], older_than: float = 0.0) -> None:
    """Remove temp files a killed writer left (`write_private` names them
    .FILE.XXXXXXXX.tmp). With `older_than` 0 the caller holds the file's lock, so
    no live writer can own one."""
    cutoff = time.time() - older_than
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not (entry.name.endswith(".tmp") and pattern.fullmatch(entry.name)):
            continue
        try:
            if not older_than or entry.stat(follow_symlinks=False).st_mtime < cutoff:
                os.unlink(entry.path)
        except OSError:
            pass


_ANY_TEMP = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")


def sweep() -> None:
    """Tidy the sessions folder: stale temp files, and lock files of names that
    have no session (typos, deleted sessions). Safe with writers running."""
    folder = sessions_dir()
    _remove_temps(folder, _ANY_TEMP, STALE_TEMP_SECONDS)
    try:
        locks = [p for p in folder.glob(".*.lock") if NAME_RE.fullmatch(p.name[1:-5])]
    except OSError:
        return
    for lock in locks:
        if not (folder / f"{lock.name[1:-5]}.json").exists():
            session_file = folder / f"{lock.name[1:-5]}.json"
            try:
                with _file_lock(lock, 0.0, "", remove=lambda f=session_file: not f.exists()):
                    pass
            except (SessionError, OSError):
                pass  # in use: its holder removes it


@contextmanager
def _file_lock(
    path: Path, timeout: float, busy: str, remove: Callable[[], bool] = lambda: False
) -> Iterator[None]:
    """An exclusive lock on `path` (flock; filelock where there is no fcntl).
    `remove()` is asked on release whether to delete the lock file: it is deleted
    while held, and a waiter that then gets the deleted file notices and retries."""
    try:
        import fcntl
    except ImportError:  # Windows: lock files stay
        from filelock import FileLock, Timeout

        try:
            with FileLock(str(path), timeout=timeout, mode=0o600):
                yield
        except Timeout:
            raise SessionError(busy) from None
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as e:
            raise SessionError(f"cannot create the lock file {path}: {_why(e)}") from None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise SessionError(busy) from None
                    time.sleep(0.02)
            try:
                current = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                current = False
            if current:
                try:
                    yield
                finally:
                    if remove():
                        with contextlib.suppress(OSError):
                            os.unlink(path)
                return
        finally:
            os.close(fd)  # also releases the lock


@contextmanager
def locked(name: str) -> Iterator[None]:
    """The session's lock; its file is removed again when no session has the name."""
    folder = private_dirs()
    lock = folder / f".{check_name(name)}.lock"
    busy = f"session {name!r} is locked by another claude-cli; try again"
    with _file_lock(lock, LOCK_TIMEOUT, busy, remove=lambda: not path_for(name).exists()):
        yield


def modify(
    name: str,
    change: Callable[[Doc], Any],
    *,
    create: Callable[[], Doc] | None = None,
) -> Doc:
    """Lock, read (or `create` when missing), apply `change`, write atomically."""
    with locked(name):
        doc = read(name)
        if doc is None:
            if create is None:
                raise SessionError(f"no session named {name!r}")
            doc = create()
        try:
            change(doc)
            doc["updated"] = now_iso()
            save(doc, name)
        except BaseException:
            _known.pop(path_for(name), None)  # `doc` may be changed but not saved
            raise
        return doc


def check_writable(name: str) -> Doc | None:
    """Before paying for a reply: the session reads, its lock can be had and its
    folders take new files; otherwise a SessionError saying nothing was sent.
    Returns the stored document (None for a new session)."""
    try:
        folder = private_dirs()
        with locked(name):
            doc = read(name)
            for where in (folder, blobs_dir()):
                fd, probe = tempfile.mkstemp(prefix=".probe.", suffix=".tmp", dir=where)
                os.close(fd)
                os.unlink(probe)
    except (SessionError, OSError) as e:
        raise SessionError(
            f"cannot save to session {name!r}: {_why(e)}; nothing was sent"
        ) from None
    return doc


# -- images as blobs ---------------------------------------------------------


@contextmanager
def _blobs_locked() -> Iterator[None]:
    """Held by `collect_blobs` and by a save that reuses a blob: a blob is never
    deleted between being found and being touched."""
    private_dirs()
    busy = "the image store is locked by another claude-cli; try again"
    with _file_lock(data_dir() / ".blobs.lock", LOCK_TIMEOUT, busy):
        yield


def _blob_ref(data: str) -> str:
    digest = hashlib.sha256(data.encode("ascii")).hexdigest()
    path = blobs_dir() / digest
    with _blobs_locked():
        try:
            os.utime(path)  # reused: fresh again, so the grace period covers this save
        except FileNotFoundError:
            write_private(path, data)
    return BLOB_PREFIX + digest


def externalize(message: Message) -> Message:
    """A copy of `message` whose base64 image and document data are stored as blobs."""
    content = message.get("content")
    if not isinstance(content, list):
        return message
    blocks = []
    changed = False
    for block in content:
        source = block.get("source") if isinstance(block, dict) else None
        if (
            isinstance(source, dict)
            and block.get("type") in BLOB_BLOCKS
            and source.get("type") == "base64"
            and isinstance(source.get("data"), str)
            and not source["data"].startswith("blob:")
        ):
            block = {**block, "source": {**source, "data": _blob_ref(source["data"])}}
            changed = True
        blocks.append(block)
    return {**message, "content": blocks} if changed else message


def inline(messages: list[Message]) -> list[Message]:
    """Messages ready to send: blob references replaced by their base64 text.
    Messages without images are passed through as they are (no copying)."""
    out = []
    cache: dict[str, str] = {}
    for message in messages:
        content = message.get("content")
        if isinstance(content, list) and any(_is_ref(b) for b in content):
            blocks = [
                {**b, "source": {**b["source"], "data": _blob_data(b["source"]["data"], cache)}}
                if _is_ref(b)
                else b
                for b in content
            ]
            message = {**message, "content": blocks}
        out.append(message)
    return out


def _is_ref(block: Any) -> bool:
    if not isinstance(block, dict) or block.get("type") not in BLOB_BLOCKS:
        return False
    source = block.get("source")
    return (
        isinstance(source, dict)
        and isinstance(source.get("data"), str)
        and source["data"].startswith(BLOB_PREFIX)
    )


def _blob_data(ref: str, cache: dict[str, str]) -> str:
    if ref in cache:
        return cache[ref]
    if not _BLOB_RE.fullmatch(ref):  # never a path: only our own digests name a file
        raise SessionError(f"bad image reference {_show(ref)}: not blob:sha256:<64 hex digits>")
    digest = ref[len(BLOB_PREFIX) :]
    path = blobs_dir() / digest
    try:
        data = path.read_text("ascii")
    except FileNotFoundError:
        raise SessionError(f"image {digest[:12]}… is missing from {blobs_dir()}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SessionError(
            f"cannot read image {digest[:12]}… in {blobs_dir()}: {_why(e)}"
        ) from None
    cache[ref] = data
    return data


def collect_blobs() -> int:
    """Remove blobs no session refers to any more (old ones only). Returns the count."""
    folder = blobs_dir()
    if not folder.is_dir():
        return 0
    with _blobs_locked():
        used: set[str] = set()
        for path in sessions_dir().glob("*.json"):
            try:
                used.update(_BLOB_RE.findall(path.read_text("utf-8", errors="replace")))
            except OSError:
                return 0  # cannot see every reference: remove nothing
        removed = 0
        cutoff = time.time() - BLOB_GRACE_SECONDS
        for blob in folder.iterdir():
            try:
                if (
                    _DIGEST_RE.fullmatch(blob.name)
                    and blob.name not in used
                    and blob.stat().st_mtime < cutoff
                ):
                    blob.unlink()
                    removed += 1
            except OSError:
                pass
    _remove_temps(folder, _ANY_TEMP, STALE_TEMP_SECONDS)
    return removed


# -- conversations -----------------------------------------------------------


def assistant_turn(message: dict[str, Any], prefill: str | None = None) -> Message | None:
    """The assistant message to save for a reply: prefill + continuation, thinking
    blocks kept as they came. None when the reply has nothing to keep."""
    content = message.get("content") if isinstance(message, dict) else None
    blocks = [
        dict(b)
        for b in (content if isinstance(content, list) else [])
        if _is_block(b) and not (b["type"] == "text" and not isinstance(b.get("text"), str))
    ]
    if prefill:
        for block in blocks:
            if block.get("type") == "text":
                block["text"] = prefill + block["text"]
                break
        else:
            blocks.append({"type": "text", "text": prefill})
    # Empty text blocks are refused by the API when sent back.
    blocks = [b for b in blocks if not (b.get("type") == "text" and not b.get("text"))]
    if not blocks:
        return None
    if len(blocks) == 1 and set(blocks[0]) == {"type", "text"}:
        return {"role": "assistant", "content": blocks[0]["text"]}
    return {"role": "assistant", "content": blocks}


def usage_of(message: dict[str, Any]) -> dict[str, Any]:
    """A reply's usage record as stored: the four counts and the breakdowns the
    server sent (thinking, 1-hour cache writes, server tools), junk dropped."""
    from claude_cli.request.usage import record

    return record(message.get("usage") if isinstance(message, dict) else None)


def last_reply_cut_off(doc: Doc | None) -> bool:
    """Does the conversation end with a reply that max_tokens stopped?"""
    if not doc or not doc["messages"] or doc["messages"][-1].get("role") != "assistant":
        return False
    replies = doc.get("replies") or []
    return bool(replies) and replies[-1].get("stop_reason") == "max_tokens"


def add_usage(doc: Doc, model: str, usage: dict[str, Any]) -> None:
    from claude_cli.request.usage import record

    usage = record(usage)
    totals = doc["usage"]
    for key in USAGE_KEYS:
        totals[key] = totals.get(key, 0) + usage[key]
    doc["replies"].append({"at": now_iso(), "model": model, "usage": usage})


def record_exchange(
    name: str,
    user: Message,
    assistant: Message | None,
    *,
    model: str,
    system: str | None,
    usage: dict[str, Any] | None,
    reply_model: str | None = None,
    replace_last: bool = False,
    instruction: Message | None = None,
    cut_off: bool = False,
) -> Doc:
    """Append a user turn and its reply under the lock. Usage always counts, even
    when the reply is later undone: it was spent. None for a stopped reply
    (unknown). `model` is the session's model; `reply_model` the one that answered
    (they differ when a prefill needed another model). `replace_last` swaps the
    last reply, whatever it is now: `record_retry` is the careful way. `instruction`,
    a mid-conversation system message sent after the user turn, is stored after it.

    When the save fails the conversation goes to a recovery file and the
    SessionError says where: a paid reply is never lost."""
    replaces = _ANY if replace_last else None
    return _record(
        name, user, assistant, model, system, usage, reply_model, replaces, instruction, cut_off
    )[0]


def record_retry(
    name: str,
    user: Message,
    retried: Message,
    assistant: Message | None,
    *,
    model: str,
    system: str | None,
    usage: dict[str, Any] | None,
    reply_model: str | None = None,
) -> tuple[Doc, bool]:
    """Replace `retried` (the last message when the retry began) by a new reply.
    When something else was saved meanwhile, nothing is overwritten: the question
    and its new reply are appended instead. Returns (doc, replaced)."""
    return _record(name, user, assistant, model, system, usage, reply_model, retried)


_ANY: Message = {}  # `replaces` marker: whatever assistant message is last


def _record(
    name: str,
    user: Message,
    assistant: Message | None,
    model: str,
    system: str | None,
    usage: dict[str, Any] | None,
    reply_model: str | None,
    replaces: Message | None,
    instruction: Message | None = None,
    cut_off: bool = False,
) -> tuple[Doc, bool]:
    replaced = False
    user = _clean_strings(user)
    assistant = _clean_strings(assistant) if assistant is not None else None
    seen = _known.get(path_for(name))  # what was read before the reply, for recovery
    made_on = len(seen[1]["messages"]) if seen else 0  # the history the reply was made on

    def change(doc: Doc) -> None:
        nonlocal replaced, assistant
        doc["model"] = model
        doc["system"] = system
        messages = doc["messages"]
        if assistant is not None and len(messages) != made_on:
            # Another writer added turns meanwhile: this reply's thinking was made on a
            # history without them, and after them its prefix would no longer match
            # (dropped by the service, or a 400 on Fable 5.2). Its text stays.
            assistant = without_thinking(assistant)
        last = messages[-1] if messages else None
        if replaces is not None and last is not None and last.get("role") == "assistant":
            replaced = replaces is _ANY or last == replaces
        if replaced:
            messages.pop()
        else:
            messages.append(externalize(user))
            if instruction is not None:
                messages.append(instruction)
        if assistant is not None:
            messages.append(assistant)
        if usage is not None:
            add_usage(doc, reply_model or model, usage)
            if cut_off:  # stopped by max_tokens: `ask -c` with no words continues it
                doc["replies"][-1]["stop_reason"] = "max_tokens"

    def create() -> Doc:
        if seen is not None:
            # It was there when the turn began: `sessions rename`/`delete` took it
            # meanwhile. A new file under the old name would split the conversation
            # (or bring back what was deleted): the turn goes to a recovery file.
            raise SessionError("it was renamed or deleted while the reply was coming")
        return new_doc(name, model, system)

    try:
        doc = modify(name, change, create=create)
    except Exception as e:
        try:
            before = seen[0] if seen else None
            kept = keep_recovery(name, user, assistant, model, system, usage, reply_model, before)
        except Exception:  # the error about the save matters more
            kept = "The reply could not be kept in a file either (it was shown above)"
        raise SessionError(
            f"could not save session {name!r}: {_why(e)}. {kept}", detail=_recovery_help(kept)
        ) from None
    return doc, replaced


THINKING_BLOCKS = ("thinking", "redacted_thinking")


def without_thinking(message: Message) -> Message:
    """`message` without its thinking blocks: for a reply whose thinking was made on
    another history than the one it is stored in. Kept whole when nothing else is left
    (an assistant turn needs content)."""
    content = message.get("content")
    if not isinstance(content, list):
        return message
    kept = [b for b in content if not (isinstance(b, dict) and b.get("type") in THINKING_BLOCKS)]
    if not kept or len(kept) == len(content):
        return message
    return {**message, "content": kept}


def _clean_strings(value: Any) -> Any:
    """`value` with lone surrogates replaced in every string (see `without_surrogates`)."""
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, list):
        return [_clean_strings(v) for v in value]
    if isinstance(value, dict):
        return {_clean_strings(k): _clean_strings(v) for k, v in value.items()}
    return value


def recovery_dir() -> Path:
    """Where replies that could not be saved are kept: the user cache folder."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("claude-cli")) / "recovered"


def keep_recovery(
    name: str,
    user: Message,
    assistant: Message | None,
    model: str,
    system: str | None,
    usage: dict[str, Any] | None,
    reply_model: str | None = None,
    before: bytes | None = None,
) -> str:
    """Write the conversation with its new exchange as a session file (0600) where
    one can be written, images inline; returns a sentence saying where, for the error. The
    history is the stored session's, or the one read before the reply (`before`)
    when the file cannot be read any more."""
    doc = new_doc(name, model, system)
    try:
        stored = read(name)
    except SessionError:
        stored = None
    if stored is None and before is not None:
        try:
            stored = parse(before, path_for(name), name)
        except SessionError:
            stored = None
    if stored is not None:
        doc["messages"] = list(stored["messages"])
        doc["replies"] = list(stored["replies"])
        doc["usage"] = dict(stored["usage"])
        doc["created"] = stored.get("created") or doc["created"]
    doc["messages"] += [user] + ([assistant] if assistant is not None else [])
    # Self-contained: blob GC counts only the sessions folder, so a reference kept here
    # would lose its image before the user imports the file. An image already gone
    # (SessionError): the references stay, rather than losing the reply.
    with suppress(SessionError):
        doc["messages"] = inline(doc["messages"])
    if usage is not None:
        add_usage(doc, reply_model or model, usage)
    raw = without_surrogates(dumps(doc)).encode("utf-8")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    # An unnamed conversation's name is already its date (auto_name): not twice.
    dated = AUTO_NAME_RE.fullmatch(name)
    file_name = f"{name}-{os.getpid()}.json" if dated else f"{name}-{stamp}-{os.getpid()}.json"
    for folder in (recovery_dir(), Path(tempfile.gettempdir())):
        path = folder / file_name
        try:
            if folder != Path(tempfile.gettempdir()):
                ensure_private_dir(folder)
            write_private(path, raw)
            return f"The conversation with the new reply is kept in {path}"
        except OSError:
            continue
    return "The reply could not be kept in a file either (it was shown above)"


def _recovery_help(kept: str) -> str | None:
    if " kept in " not in kept:
        return None
    path = kept.rsplit(" kept in ", 1)[1]
    return f"To go on with it: claude-cli sessions import NEW-NAME {path}"


def drop_last_exchange(name: str) -> tuple[Doc, int]:
    """Remove the last reply and the user turn before it. Returns (doc, removed)."""
    removed = 0

    def change(doc: Doc) -> None:
        nonlocal removed
        messages = doc["messages"]
        if messages and messages[-1].get("role") == "assistant":
            messages.pop()
            removed += 1
        if messages and messages[-1].get("role") == "system":  # sent with that user turn
            messages.pop()
            removed += 1
        if messages and messages[-1].get("role") == "user":
            messages.pop()
            removed += 1

    return modify(name, change), removed


def copy(doc: Doc, new_name: str) -> Doc:
    """Write `doc`'s conversation under a new name (which must be free)."""
    check_name(new_name)
    with locked(new_name):
        if exists(new_name):
            raise SessionError(f"a session named {new_name!r} already exists")
        fresh = {**doc, "name": new_name, "updated": now_iso()}
        fresh["messages"] = [externalize(m) for m in doc["messages"]]
        save(fresh, new_name)
    return fresh


def rename(old: str, new: str) -> None:
    check_name(old)
    check_name(new)
    if old == new:
        return
    first, second = sorted((old, new))  # one order for everyone: no deadlock
    with locked(first), locked(second):
        doc = load(old)
        if exists(new):
            raise SessionError(f"a session named {new!r} already exists")
        save(doc, new)  # the new file first: a crash leaves two copies, never none
        path_for(old).unlink()
        _known.pop(path_for(old), None)


def delete(name: str) -> None:
    with locked(name):
        path = path_for(name)
        try:
            path.unlink()
        except FileNotFoundError:
            raise SessionError(f"no session named {name!r}") from None
        except OSError as e:
            raise SessionError(f"cannot delete {path}: {_why(e)}") from None
        _known.pop(path, None)
    collect_blobs()


def latest_name() -> str | None:
    """The most recently written session (by file time), if any."""
    best: tuple[float, str] | None = None
    folder = sessions_dir()
    if not folder.is_dir():
        return None
    for path in folder.glob("*.json"):
        if not NAME_RE.fullmatch(path.stem):
            continue
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue
        if best is None or mtime > best[0]:
            best = (mtime, path.stem)
    return best[1] if best else None


def older_than(seconds: float) -> list[tuple[str, float]]:
    """Sessions whose file was last written more than `seconds` ago, oldest
    first, with that time (for `sessions prune`)."""
    cutoff = time.time() - seconds
    found: list[tuple[str, float]] = []
    for name in all_names():
        try:
            mtime = path_for(name).stat().st_mtime
        except OSError:
            continue
        if mtime < cutoff:
            found.append((name, mtime))
    return sorted(found, key=lambda item: item[1])


def all_names() -> list[str]:
    """Every session name; none yet when the folder does not exist. A folder that is
    there but cannot be read (a plain file, no permission) is an error naming it: an
    empty listing would say there are no sessions."""
    folder = sessions_dir()
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    except OSError as e:
        raise SessionError(f"cannot read the sessions folder {folder}: {_why(e)}") from None
    names = (e.name[:-5] for e in entries if e.name.endswith(".json"))
    return sorted(n for n in names if NAME_RE.fullmatch(n))


def _load_listed(name: str) -> Doc:
    """`load` for listings: any failure is a SessionError naming the file, so one
    bad file never hides the others."""
    try:
        return load(name)
    except SessionError:
        raise
    except Exception as e:  # listed as unreadable, not a crash
        raise SessionError(f"session file {path_for(name)} is not usable: {_why(e)}") from None


def summaries() -> list[Doc | SessionError]:
    """Every session, newest first (by `updated`, then file time); unreadable
    ones as their error, last. Tidies the folder first (see `sweep`)."""
    sweep()
    items: list[tuple[str, int, Doc | SessionError]] = []
    for name in all_names():
        try:
            doc = _load_listed(name)
            mtime = path_for(name).stat().st_mtime_ns
            items.append((str(doc.get("updated") or ""), mtime, doc))
        except (SessionError, OSError) as e:
            error = e if isinstance(e, SessionError) else SessionError(f"{name}: {_why(e)}")
            items.append(("", 0, error))
    items.sort(key=lambda item: item[:2], reverse=True)
    return [doc for _, _, doc in items]


# -- text views --------------------------------------------------------------


def text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = []
    for block in content if isinstance(content, list) else []:
        if isinstance(block, dict) and block.get("type") == "text":
            text = block.get("text")
            parts.append(text if isinstance(text, str) else "")
    return "".join(parts)


def first_words(doc: Doc, limit: int = 50) -> str:
    for message in doc["messages"]:
        if message.get("role") == "user":
            text = " ".join(text_of(message.get("content")).split())
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""


def turn_count(doc: Doc) -> int:
    """Exchanges: the number of user turns."""
    return sum(1 for m in doc["messages"] if m.get("role") == "user")


def search(
    text: str, skipped: Callable[[SessionError], None] | None = None
) -> Iterator[tuple[str, int, str, str]]:
    """(session, message index, role, snippet) for each message containing `text`.
    Files that cannot be read are passed to `skipped` and left out."""
    needle = text.lower()
    for name in all_names():
        try:
            doc = _load_listed(name)
        except SessionError as e:
            if skipped is not None:
                skipped(e)
            continue
        for i, message in enumerate(doc["messages"]):
            body = text_of(message.get("content"))
            at = body.lower().find(needle)
            if at == -1:
                continue
            start = max(at - 30, 0)
            snippet = " ".join(body[start : at + len(needle) + 40].split())
            prefix = "…" if start else ""
            yield name, i, str(message.get("role")), prefix + snippet


# -- import and export -------------------------------------------------------


def validate_messages(messages: Any, where: str) -> list[Message]:
    if not isinstance(messages, list) or not messages:
        raise SessionError(f"{where}: expected a non-empty list of messages")
    for i, m in enumerate(messages):
        at = f"{where}: message {i + 1}"
        problem = message_problem(m)
        if problem:
            raise SessionError(f"{at} {problem}")
        extra = set(m) - {"role", "content"}
        if extra:
            keys = ", ".join(k[:40] for k in sorted(map(str, extra)))
            raise SessionError(f"{at} has keys the API does not accept: {keys}")
        if not m["content"]:
            raise SessionError(f"{at}: content is empty")
    if messages[0]["role"] != "user":
        raise SessionError(f"{where}: the first message must be from the user")
    return messages


def import_session(name: str, raw: str, where: str) -> Doc:
    """Create session `name` from a JSON list of messages or an object with `messages`."""
    check_name(name)
    try:
        data = json.loads(raw)
    except ValueError as e:
        raise SessionError(f"{where} is not valid JSON ({e})") from None
    except RecursionError:
        raise SessionError(f"{where} is nested too deeply to be a conversation") from None
    problem = _structure_problem([(data, 0)], check_surrogates=True)
    if problem:
        raise SessionError(f"{where}: {problem}")
    model = system = None
    if isinstance(data, dict):
        model = data.get("model") if isinstance(data.get("model"), str) else None
        system = data.get("system") if isinstance(data.get("system"), str) else None
        data = data.get("messages")
    messages = validate_messages(data, where)
    _check_sources(messages, where)
    with locked(name):
        if exists(name):
            raise SessionError(f"a session named {name!r} already exists")
        doc = new_doc(name, model, system)
        # role first: one message per line in the file (see dumps)
        doc["messages"] = [
            externalize({"role": m["role"], "content": m["content"]}) for m in messages
        ]
        save(doc, name)
    return doc


def _check_sources(messages: list[Message], where: str) -> None:
    """Imported image and document data must be usable: a dangling blob reference or
    text that is not base64 would fail every later turn (or pay for a 400)."""
    import base64
    import binascii

    cache: dict[str, str] = {}
    for number, message in enumerate(messages, 1):
        content = message.get("content")
        for block in content if isinstance(content, list) else ():
            if not isinstance(block, dict) or block.get("type") not in BLOB_BLOCKS:
                continue
            source = block.get("source")
            if not isinstance(source, dict) or source.get("type") != "base64":
                continue
            data = source.get("data")
            if not isinstance(data, str):
                raise SessionError(f"{where}: message {number}: {block['type']} data is missing")
            try:
                if data.startswith("blob:"):
                    _blob_data(data, cache)
                else:
                    base64.b64decode(data, validate=True)
            except SessionError as e:
                raise SessionError(f"{where}: message {number}: {e}") from None
            except (binascii.Error, ValueError):
                raise SessionError(
                    f"{where}: message {number}: {block['type']} data is not valid base64"
                ) from None


def export_json(doc: Doc) -> str:
    """The whole session with images inline: its `messages` can be sent as they are."""
    full = {**doc, "messages": inline(doc["messages"])}
    return json.dumps(full, indent=2, ensure_ascii=False) + "\n"


def export_markdown(doc: Doc) -> str:
    out = [f"# {doc['name']}", ""]
    meta = [f"model: {doc.get('model') or '?'}", f"updated: {doc.get('updated', '?')}"]
    out += ["_" + " · ".join(meta) + "_", ""]
    if doc.get("system"):
        out += ["## System", "", str(doc["system"]), ""]
    for message in doc["messages"]:
        out += [f"## {role_title(message.get('role'))}", ""]
        out += [markdown_of(message.get("content")), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def role_title(role: Any) -> str:
    return {"user": "User", "assistant": "Assistant", "system": "System"}.get(str(role), "?")


def markdown_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = []
    for block in content or []:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            parts.append(block.get("text", ""))
        elif kind == "image":
            source = block.get("source")
            source = source if isinstance(source, dict) else {}
            what = source.get("url") or source.get("media_type") or "image"
            parts.append(f"*[image: {what}]*")
        elif kind == "document":
            source = block.get("source")
            source = source if isinstance(source, dict) else {}
            what = block.get("title") or source.get("url") or source.get("media_type")
            parts.append(f"*[document: {what or 'untitled'}]*")
        elif kind == "thinking":
            continue
        else:
            parts.append(f"*[{kind} block]*")
    return "\n\n".join(parts)
