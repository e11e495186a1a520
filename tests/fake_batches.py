"""The Message Batches endpoints of the fake service (tests/fakeapi.py routes here).

As the service does: create validates every request's `params` like /v1/messages
(an invalid one becomes an `errored` result, and is recorded in `api.invalid`: our
client must never send one); a batch is `in_progress` until `api.batch_delay`
seconds have passed, then `ended`; results are JSONL, streamed, in shuffled order.
Faults: `api.batch_create_faults` (Fault answers to the next creates) and
`api.results_drop_after` (close the connection after N result lines, once);
`api.batch_outcomes` scripts a custom_id's result type (used once), `api.batch_texts`
a succeeded one's reply text (else: a JSON instance of its schema, or "You said: ...").
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fakeapi import FakeAPI, _Handler

PREFIX = "/v1/messages/batches"
CUSTOM_ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
MAX_REQUESTS = 100_000
MAX_BYTES = 256 * 1024 * 1024


@dataclass
class FakeBatch:
    id: str
    requests: list[tuple[str, dict[str, Any]]]
    created: float
    created_at: str
    canceled: bool = False
    # custom_id -> "succeeded" | "errored" | "expired" | "canceled" (decided at the end)
    outcomes: dict[str, str] = field(default_factory=dict)
    results: list[dict[str, Any]] | None = None


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ended(api: FakeAPI, batch: FakeBatch) -> bool:
    return time.monotonic() - batch.created >= api.batch_delay


def batch_object(api: FakeAPI, batch: FakeBatch) -> dict[str, Any]:
    done = ended(api, batch)
    status = "ended" if done else ("canceling" if batch.canceled else "in_progress")
    counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
    if done:
        for entry in finish(api, batch):
            counts[entry["result"]["type"]] += 1
    else:
        counts["processing"] = len(batch.requests)
    created = datetime.strptime(batch.created_at, "%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "id": batch.id,
        "type": "message_batch",
        "processing_status": status,
        "request_counts": counts,
        "created_at": batch.created_at,
        "expires_at": _iso(created + timedelta(hours=24)),
        "ended_at": _iso(datetime.now(timezone.utc)) if done else None,
        "cancel_initiated_at": batch.created_at if batch.canceled else None,
        "archived_at": None,
        "results_url": f"{api.url}{PREFIX}/{batch.id}/results" if done else None,
    }


def finish(api: FakeAPI, batch: FakeBatch) -> list[dict[str, Any]]:
    """The results, made once: each request answered as /v1/messages would."""
    from fakeapi import APIError, Reply, _generate, _last_user, _text_of, instance_of

    if batch.results is not None:
        return batch.results
    results = []
    for custom_id, params in batch.requests:
        # Each scripted outcome is used once: a retried request then succeeds.
        kind = api.batch_outcomes.pop(custom_id, "canceled" if batch.canceled else "succeeded")
        entry: dict[str, Any] = {"custom_id": custom_id, "result": {"type": kind}}
        if kind == "succeeded":
            try:
                api.check(batch_headers(api), params)
            except APIError as e:
                api.invalid.append(f"{custom_id}: {e.message}")
                kind = "errored"
                entry["result"] = {
                    "type": "errored",
                    "error": {
                        "type": "error",
                        "error": {"type": e.error_type, "message": e.message},
                    },
                }
            else:
                content = _last_user(params)["content"]
                fmt = (params.get("output_config") or {}).get("format")
                if custom_id in api.batch_texts:
                    text = api.batch_texts.pop(custom_id)
                elif fmt:
                    text = json.dumps(instance_of(fmt["schema"]))  # as structured outputs give
                else:
                    text = "You said: " + _text_of(content)
                message, _ = _generate(api, params, Reply(text=text))
                entry["result"]["message"] = message
        elif kind == "errored":
            entry["result"]["error"] = {
                "type": "error",
                "error": {"type": "overloaded_error", "message": "Overloaded"},
            }
        results.append(entry)
    random.Random(batch.id).shuffle(results)  # the service gives no order
    batch.results = results
    return results


def batch_headers(api: FakeAPI) -> dict[str, str]:
    from fakeapi import API_KEY

    return {
        "x-api-key": API_KEY,
        "anthropic-version": api.batch_version,
        "content-type": "application/json",
    }


def handle_post(handler: _Handler, path: str, body: Any, headers: dict[str, str]) -> None:
    api = handler.api
    from fakeapi import API_KEY

    if headers.get("x-api-key") != API_KEY:
        return handler._error(401, "authentication_error", "invalid x-api-key")
    if path == PREFIX:
        if api.batch_create_faults:
            f = api.batch_create_faults.popleft()
            return handler._error(f.status, f.error_type, f.message, f.headers, f.body)
        return create(handler, body, headers)
    rest = path[len(PREFIX) + 1 :]
    if rest.endswith("/cancel"):
        batch = api.batches.get(rest[: -len("/cancel")])
        if batch is None:
            return handler._error(404, "not_found_error", f"no batch {rest}")
        if not ended(api, batch):
            batch.canceled = True
        return handler._json(200, batch_object(api, batch))
    return handler._error(404, "not_found_error", f"no route {path}")


def create(handler: _Handler, body: Any, headers: dict[str, str]) -> None:
    api = handler.api
    api.batch_version = headers.get("anthropic-version", "")
    requests = body.get("requests") if isinstance(body, dict) else None
    if not isinstance(requests, list) or not requests:
        return handler._error(400, "invalid_request_error", "requests: a non-empty list")
    if len(requests) > MAX_REQUESTS or api.last_raw_size > MAX_BYTES:
        return handler._error(413, "request_too_large", "batch over 100,000 requests or 256 MB")
    seen: set[str] = set()
    pairs = []
    for i, r in enumerate(requests):
        cid = r.get("custom_id") if isinstance(r, dict) else None
        if (
            not isinstance(cid, str)
            or not 1 <= len(cid) <= 64
            or not set(cid) <= CUSTOM_ID_CHARS
            or not isinstance(r.get("params"), dict)
            or set(r) != {"custom_id", "params"}
        ):
            api.invalid.append(f"requests.{i}: bad custom_id or params")
            return handler._error(400, "invalid_request_error", f"requests.{i}: invalid")
        if cid in seen:
            api.invalid.append(f"requests.{i}: duplicate custom_id {cid}")
            return handler._error(400, "invalid_request_error", f"duplicate custom_id {cid}")
        if r["params"].get("stream"):
            api.invalid.append(f"requests.{i}: stream")
            return handler._error(400, "invalid_request_error", "streaming is not allowed")
        seen.add(cid)
        pairs.append((cid, r["params"]))
    batch = FakeBatch(
        f"msgbatch_{api.next_id()}",
        pairs,
        time.monotonic(),
        _iso(datetime.now(timezone.utc)),
    )
    api.batches[batch.id] = batch
    handler._json(200, batch_object(api, batch))


def handle_get(handler: _Handler, path: str, query: dict[str, list[str]]) -> None:
    api = handler.api
    if path == PREFIX:
        ids = list(reversed(api.batches))  # newest first, as the service lists
        limit = int(query.get("limit", ["20"])[0])
        start = ids.index(query["after_id"][0]) + 1 if "after_id" in query else 0
        page = ids[start : start + limit]
        return handler._json(
            200,
            {
                "data": [batch_object(api, api.batches[i]) for i in page],
                "has_more": start + limit < len(ids),
                "first_id": page[0] if page else None,
                "last_id": page[-1] if page else None,
            },
        )
    rest = path[len(PREFIX) + 1 :]
    if rest.endswith("/results"):
        batch = api.batches.get(rest[: -len("/results")])
        if batch is None:
            return handler._error(404, "not_found_error", "no such batch")
        if not ended(api, batch):
            return handler._error(400, "invalid_request_error", "batch has not ended")
        return stream_results(handler, finish(api, batch))
    batch = api.batches.get(rest)
    if batch is None:
        return handler._error(404, "not_found_error", f"no batch {rest}")
    handler._json(200, batch_object(api, batch))


def stream_results(handler: _Handler, results: list[dict[str, Any]]) -> None:
    api = handler.api
    handler.send_response(200)
    handler.send_header("content-type", "application/binary")
    handler.send_header("transfer-encoding", "chunked")
    handler.end_headers()
    drop, api.results_drop_after = api.results_drop_after, None
    for n, entry in enumerate(results):
        if drop is not None and n == drop:
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(2)
            return
        handler._chunk((json.dumps(entry) + "\n").encode())
    handler._chunk(b"")
