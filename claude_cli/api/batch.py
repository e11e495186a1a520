"""The Message Batches API: create, retrieve, list, cancel, and results as a stream.

No terminal here (batch_cmds.py talks to the user). A batch body is built in a
temporary file and streamed from it, so 100,000 requests never sit in memory;
results are read one JSONL line at a time.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from claude_cli.errors import ProtocolError

if TYPE_CHECKING:
    from claude_cli.api.client import Client

PATH = "/v1/messages/batches"
MAX_REQUESTS = 100_000
MAX_BYTES = 256 * 1024 * 1024
# Room for the `{"requests": [ ... ]}` around the lines, and a margin for the service's
# own counting: a batch is closed before it could reach the limit.
BODY_MARGIN = 1024 * 1024
MAX_RESULT_LINE = 64 * 1024 * 1024
ENDED = "ended"
COUNT_KEYS = ("processing", "succeeded", "errored", "canceled", "expired")
RESULTS_KEPT_DAYS = 29


class BodyFile:
    """`{"requests": [...]}` written line by line into a file, then streamed.

    Re-iterable: every iteration reads the file again, so a retried POST sends the
    whole body again."""

    CHUNK = 1024 * 1024

    def __init__(self, path: Path) -> None:
        self.path = path
        self._f = open(path, "wb")  # noqa: SIM115 -- closed by close()
        self._f.write(b'{"requests":[')
        self.count = 0
        self.size = len(b'{"requests":[') + 2

    def fits(self, line: bytes) -> bool:
        return self.count < MAX_REQUESTS and self.size + len(line) + 1 <= MAX_BYTES - BODY_MARGIN

    def add(self, line: bytes) -> None:
        if self.count:
            self._f.write(b",")
            self.size += 1
        self._f.write(line)
        self.size += len(line)
        self.count += 1

    def close(self) -> None:
        if not self._f.closed:
            self._f.write(b"]}")
            self._f.close()

    def __iter__(self) -> Iterator[bytes]:
        with open(self.path, "rb") as f:
            while chunk := f.read(self.CHUNK):
                yield chunk

    def discard(self) -> None:
        self.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


#: Base64 data this long is spliced into the line as bytes instead of passing through
#: the JSON encoder: it needs no escaping, and encoding it was half of the main process's
#: work in `describe-image --batch` (~3 ms an image).
SPLICE_FROM = 16 * 1024
_BASE64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def request_line(custom_id: str, params: dict[str, Any]) -> bytes:
    """One request as a JSON line: the same bytes `json.dumps(..., ensure_ascii=False)`
    gives (tests/test_batch.py checks), faster for requests that carry images."""
    spliced: list[bytes] = []
    marker = f"\x00claude-cli-{os.urandom(8).hex()}-"  # no user text can hold it
    lifted = _lift_base64(params, spliced, marker)
    line = json.dumps({"custom_id": custom_id, "params": lifted}, ensure_ascii=False).encode()
    if not spliced:
        return line
    quoted = b'"' + json.dumps(marker)[1:-1].encode()  # how the encoder wrote the marker
    out: list[bytes] = []
    for i, data in enumerate(spliced):
        head, found, line = line.partition(quoted + str(i).encode() + b'"')
        assert found, "a spliced marker went missing"
        out += [head, b'"', data, b'"']
    out.append(line)
    return b"".join(out)


def _lift_base64(params: dict[str, Any], spliced: list[bytes], marker: str) -> dict[str, Any]:
    """`params` with each long base64 `source.data` of its messages' blocks replaced by
    marker + its number in `spliced` (copies of what changed; `params` is left alone)."""
    messages = params.get("messages")
    if not isinstance(messages, list):
        return params
    new_messages = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, list):
            new_messages.append(message)
            continue
        blocks = []
        for block in content:
            source = block.get("source") if isinstance(block, dict) else None
            data = source.get("data") if isinstance(source, dict) else None
            base64 = isinstance(source, dict) and source.get("type") == "base64"
            raw = _plain_base64(data) if base64 else None
            if raw is None:
                blocks.append(block)
                continue
            blocks.append({**block, "source": {**source, "data": f"{marker}{len(spliced)}"}})
            spliced.append(raw)
        new_messages.append({**message, "content": blocks})
    return {**params, "messages": new_messages}


def _plain_base64(data: Any) -> bytes | None:
    """`data` as ASCII bytes when it is long and only base64 characters (nothing a JSON
    string would escape), else None: it then goes through the encoder as usual."""
    if not isinstance(data, str) or len(data) < SPLICE_FROM or not data.isascii():
        return None
    raw = data.encode("ascii")
    return raw if not raw.translate(None, _BASE64) else None


def _batch(data: Any) -> dict[str, Any]:
    if type(data) is not dict or type(data.get("id")) is not str:
        raise ProtocolError("protocol error: the answer is not a message batch")
    counts = data.get("request_counts")
    data["request_counts"] = {
        k: v if type(v) is int and v >= 0 else 0
        for k, v in ((k, (counts or {}).get(k) if type(counts) is dict else 0) for k in COUNT_KEYS)
    }
    return data


def create(client: Client, body: BodyFile) -> dict[str, Any]:
    body.close()
    return _batch(client.post_json(PATH, body))


def retrieve(client: Client, batch_id: str) -> dict[str, Any]:
    return _batch(client.get_json(f"{PATH}/{quote(batch_id, safe='')}"))


def cancel(client: Client, batch_id: str) -> dict[str, Any]:
    return _batch(client.post_json(f"{PATH}/{quote(batch_id, safe='')}/cancel", b""))


def list_batches(client: Client, limit: int = 100, pages: int = 100) -> Iterator[dict[str, Any]]:
    after: str | None = None
    seen: set[str] = set()
    for _ in range(pages):
        query = f"?limit={limit}" + (f"&after_id={quote(after, safe='')}" if after else "")
        page = client.get_json(PATH + query)
        if type(page) is not dict or type(page.get("data")) is not list:
            raise ProtocolError("protocol error: a batches page without a list")
        for item in page["data"]:
            if type(item) is dict and type(item.get("id")) is str:
                yield _batch(item)
        last = page.get("last_id")
        if not page.get("has_more") or type(last) is not str or last in seen:
            return
        seen.add(last)
        after = last


def results(client: Client, batch_id: str) -> Iterator[dict[str, Any]]:
    """Each result entry `{custom_id, result}`, in the service's (any) order."""
    for raw in client.lines(f"{PATH}/{quote(batch_id, safe='')}/results", MAX_RESULT_LINE):
        try:
            entry = json.loads(raw)
        except (ValueError, RecursionError):
            raise ProtocolError("protocol error: a results line that is not JSON") from None
        if type(entry) is not dict or type(entry.get("custom_id")) is not str:
            raise ProtocolError("protocol error: a results line without a custom_id")
        if type(entry.get("result")) is not dict:
            entry["result"] = {"type": "errored"}
        yield entry


def outcome(line: int, name: str, result: dict[str, Any]) -> dict[str, Any]:
    """Our output line for one result: the reply's text, or an error."""
    kind = result.get("type")
    message = result.get("message")
    if kind == "succeeded" and type(message) is dict:
        content = message.get("content")
        text = "".join(
            b["text"]
            for b in (content if type(content) is list else [])
            if type(b) is dict and b.get("type") == "text" and type(b.get("text")) is str
        )
        return {
            "id": name,
            "line": line,
            "text": text,
            "model": message.get("model"),
            "stop_reason": message.get("stop_reason"),
            "usage": message.get("usage") if type(message.get("usage")) is dict else {},
        }
    if kind == "errored":
        err = result.get("error")
        inner = err.get("error") if type(err) is dict and type(err.get("error")) is dict else err
        inner = inner if type(inner) is dict else {}
        error = {
            "type": str(inner.get("type") or "api_error"),
            "message": str(inner.get("message") or "the request failed"),
        }
    elif kind == "canceled":
        error = {"type": "canceled", "message": "the batch was canceled before this request ran"}
    elif kind == "expired":
        error = {"type": "expired", "message": "the batch expired (24 h) before this request ran"}
    else:
        error = {"type": "api_error", "message": f"unexpected result type {kind!r}"}
    return {"id": name, "line": line, "error": error}
