"""Session files: one JSON file per conversation, safe to trust and to hand-edit.

Layout under ``platformdirs.user_data_dir("claude-cli")`` (0700 folders, 0600 files)::

    sessions/NAME.json     the session (format below)
    sessions/.NAME.lock    taken around every read-modify-write
    blobs/<sha256>         image bytes (base64 text), stored once, shared

A session file is a JSON object::

    {"format": "claude-cli-session", "version": 1, "name": ..., "created": ...,
     "updated": ..., "model": ..., "system": ..., "usage": {token totals},
     "replies": [{"at", "model", "usage"} per reply],
     "messages": [Messages API messages, one per line]}

``messages`` is the Messages API's own shape, except that an image block's
base64 ``data`` is replaced by ``"blob:sha256:<hex>"`` (":" is not base64, so the
two never mix). Loading for a request puts the bytes back (`inline`); saving never
re-reads or re-writes them, so a long chat with images stays cheap to save.

Every change is lock → read → change → atomic write (`store.write_private`), so two
``ask --session`` at once never lose a turn; a file that does not parse is an error
naming it and is never overwritten. Nothing here imports httpx or rich.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import SessionError
from .store import ensure_private_dir, write_private

FORMAT = "claude-cli-session"
VERSION = 1
NAME_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")
BLOB_PREFIX = "blob:sha256:"
_BLOB_RE = re.compile(r"blob:sha256:([0-9a-f]{64})")
USAGE_KEYS = (
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
)
LOCK_TIMEOUT = 30.0
# An unreferenced blob younger than this may belong to a save in progress.
BLOB_GRACE_SECONDS = 3600

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
            ensure_private_dir(path)
            os.chmod(path, 0o700)
        _made.add(folder)
    return folder


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


def auto_name() -> str:
    """A fresh name for a chat the user did not name: chat-YYYYMMDD-HHMMSS[-n]."""
    base = "chat-" + datetime.now().strftime("%Y%m%d-%H%M%S")
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


def parse(raw: bytes | str, where: Path | str) -> Doc:
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise SessionError(
            f"session file {where} is not valid JSON ({e}); fix or move it "
            "(it will not be overwritten)"
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
        raise SessionError(f"session file {where} is not a claude-cli session (no 'messages' list)")
    version = doc.get("version")
    if not isinstance(version, int) or version < 1:
        raise SessionError(f"session file {where} has no valid format version")
    if version > VERSION:
        raise SessionError(
            f"session file {where} has format version {version}; this claude-cli reads "
            f"up to {VERSION} (upgrade claude-cli)"
        )
    usage = doc.get("usage")
    if not isinstance(usage, dict):
        doc["usage"] = usage = {}
    for key in USAGE_KEYS:
        usage.setdefault(key, 0)
    if not isinstance(doc.get("replies"), list):
        doc["replies"] = []
    return doc


# The last bytes read or written per file and their document: the locked
# re-read in `modify`, right after the read every `ask` does, then costs a byte
# comparison instead of a second parse. Bytes, not file times: a time can repeat.
_known: dict[Path, tuple[bytes, Doc]] = {}


def read(name: str) -> Doc | None:
    """The stored document (images as references), or None when there is none."""
    path = path_for(name)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise SessionError(f"cannot read session file {path}: {e.strerror}") from None
    known = _known.get(path)
    if known is not None and known[0] == raw:
        return known[1]
    doc = parse(raw, path)
    _known[path] = (raw, doc)
    return doc


def load(name: str) -> Doc:
    doc = read(name)
    if doc is None:
        raise SessionError(f"no session named {name!r} (`claude-cli sessions list` shows them)")
    return doc


def save(doc: Doc) -> None:
    private_dirs()
    path = path_for(doc["name"])
    raw = dumps(doc).encode("utf-8")
    _known.pop(path, None)
    write_private(path, raw)
    _known[path] = (raw, doc)


@contextmanager
def locked(name: str) -> Iterator[None]:
    from filelock import FileLock, Timeout

    folder = private_dirs()
    lock = FileLock(str(folder / f".{check_name(name)}.lock"), timeout=LOCK_TIMEOUT, mode=0o600)
    try:
        with lock:
            yield
    except Timeout:
        raise SessionError(f"session {name!r} is locked by another claude-cli; try again") from None


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
            save(doc)
        except BaseException:
            _known.pop(path_for(name), None)  # `doc` may be changed but not saved
            raise
        return doc


# -- images as blobs ---------------------------------------------------------


def _blob_ref(data: str) -> str:
    digest = hashlib.sha256(data.encode("ascii")).hexdigest()
    path = blobs_dir() / digest
    if not path.exists():
        private_dirs()
        write_private(path, data)
    return BLOB_PREFIX + digest


def externalize(message: Message) -> Message:
    """A copy of `message` whose base64 image data are stored as blobs."""
    content = message.get("content")
    if not isinstance(content, list):
        return message
    blocks = []
    changed = False
    for block in content:
        source = block.get("source") if isinstance(block, dict) else None
        if (
            isinstance(source, dict)
            and block.get("type") == "image"
            and source.get("type") == "base64"
            and isinstance(source.get("data"), str)
            and not source["data"].startswith(BLOB_PREFIX)
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
    if not isinstance(block, dict) or block.get("type") != "image":
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
    digest = ref[len(BLOB_PREFIX) :]
    path = blobs_dir() / digest
    try:
        data = path.read_text("ascii")
    except FileNotFoundError:
        raise SessionError(f"image {digest[:12]}… is missing from {blobs_dir()}") from None
    cache[ref] = data
    return data


def collect_blobs() -> int:
    """Remove blobs no session refers to any more (old ones only). Returns the count."""
    folder = blobs_dir()
    if not folder.is_dir():
        return 0
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
            if blob.name not in used and blob.stat().st_mtime < cutoff:
                blob.unlink()
                removed += 1
        except OSError:
            pass
    return removed


# -- conversations -----------------------------------------------------------


def assistant_turn(message: dict[str, Any], prefill: str | None = None) -> Message | None:
    """The assistant message to save for a reply: prefill + continuation, thinking
    blocks kept as they came. None when the reply has nothing to keep."""
    blocks = [dict(b) for b in message.get("content") or [] if isinstance(b, dict)]
    if prefill:
        for block in blocks:
            if block.get("type") == "text":
                block["text"] = prefill + block.get("text", "")
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
    """What a session keeps of a reply's usage: the flat counts and the breakdowns
    (thinking, 1-hour cache writes, server tools) that costs are computed from."""
    from .usage import record

    return record(message.get("usage"))


def add_usage(doc: Doc, model: str, usage: dict[str, Any]) -> None:
    totals = doc["usage"]
    for key in USAGE_KEYS:
        totals[key] = totals.get(key, 0) + usage.get(key, 0)
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
) -> Doc:
    """Append a user turn and its reply (or, with `replace_last`, swap the last
    reply for a new one) under the lock. Usage always counts, even when the
    reply is later undone: it was spent. None for a stopped reply (unknown).
    `model` is the session's model; `reply_model` the one that answered (they
    differ when a prefill needed another model). `instruction`, a mid-conversation
    system message sent after the user turn, is stored after it, as sent."""
    user = externalize(user)

    def change(doc: Doc) -> None:
        doc["model"] = model
        doc["system"] = system
        messages = doc["messages"]
        if replace_last:
            if messages and messages[-1].get("role") == "assistant":
                messages.pop()
        else:
            messages.append(user)
            if instruction is not None:
                messages.append(instruction)
        if assistant is not None:
            messages.append(assistant)
        if usage is not None:
            add_usage(doc, reply_model or model, usage)

    return modify(name, change, create=lambda: new_doc(name, model, system))


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
        save(fresh)
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
        doc["name"] = new
        save(doc)  # the new file first: a crash leaves two copies, never none
        path_for(old).unlink()


def delete(name: str) -> None:
    with locked(name):
        path = path_for(name)
        try:
            path.unlink()
        except FileNotFoundError:
            raise SessionError(f"no session named {name!r}") from None
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


def all_names() -> list[str]:
    folder = sessions_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json") if NAME_RE.fullmatch(p.stem))


def summaries() -> list[Doc | SessionError]:
    """Every session, newest first (by `updated`, then file time); unreadable
    ones as their error, last."""
    items: list[tuple[str, int, Doc | SessionError]] = []
    for name in all_names():
        try:
            doc = load(name)
            mtime = path_for(name).stat().st_mtime_ns
            items.append((str(doc.get("updated", "")), mtime, doc))
        except (SessionError, OSError) as e:
            error = e if isinstance(e, SessionError) else SessionError(f"{name}: {e}")
            items.append(("", 0, error))
    items.sort(key=lambda item: item[:2], reverse=True)
    return [doc for _, _, doc in items]


# -- text views --------------------------------------------------------------


def text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = []
    for block in content or []:
        if isinstance(block, dict) and block.get("type") == "text":
            parts.append(block.get("text", ""))
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


def search(text: str) -> Iterator[tuple[str, int, str, str]]:
    """(session, message index, role, snippet) for each message containing `text`."""
    needle = text.lower()
    for name in all_names():
        try:
            doc = load(name)
        except SessionError:
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
        if not isinstance(m, dict):
            raise SessionError(f"{at} is not an object")
        extra = set(m) - {"role", "content"}
        if extra:
            raise SessionError(f"{at} has keys the API does not accept: {', '.join(sorted(extra))}")
        if m.get("role") not in ("user", "assistant"):
            raise SessionError(f"{at}: role must be 'user' or 'assistant', not {m.get('role')!r}")
        content = m.get("content")
        if isinstance(content, str):
            if not content:
                raise SessionError(f"{at}: content is empty")
        elif isinstance(content, list):
            if not content:
                raise SessionError(f"{at}: content is an empty list")
            for block in content:
                if not isinstance(block, dict) or not isinstance(block.get("type"), str):
                    raise SessionError(f"{at}: every content block needs a 'type'")
        else:
            raise SessionError(f"{at}: content must be a string or a list of blocks")
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
    model = system = None
    if isinstance(data, dict):
        model = data.get("model") if isinstance(data.get("model"), str) else None
        system = data.get("system") if isinstance(data.get("system"), str) else None
        data = data.get("messages")
    messages = validate_messages(data, where)
    with locked(name):
        if exists(name):
            raise SessionError(f"a session named {name!r} already exists")
        doc = new_doc(name, model, system)
        # role first: one message per line in the file (see dumps)
        doc["messages"] = [
            externalize({"role": m["role"], "content": m["content"]}) for m in messages
        ]
        save(doc)
    return doc


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
        out += [f"## {'User' if message.get('role') == 'user' else 'Assistant'}", ""]
        out += [markdown_of(message.get("content")), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def markdown_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = []
    for block in content or []:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            parts.append(block.get("text", ""))
        elif kind == "image":
            source = block.get("source") or {}
            what = source.get("url") or source.get("media_type") or "image"
            parts.append(f"*[image: {what}]*")
        elif kind == "thinking":
            continue
        else:
            parts.append(f"*[{kind} block]*")
    return "\n\n".join(parts)
