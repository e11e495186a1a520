"""The Messages API over httpx: send, stream, retry, map errors.

Knows nothing of terminals: progress (a retry about to happen) is reported
through the `on_retry` callback; failures are raised as `errors` types.
Retries follow the official SDK: 408, 409, 429, >= 500 and connection errors,
`x-should-retry` overrides, `retry-after-ms` / `retry-after` honoured, else
exponential backoff 0.5 s .. 8 s with jitter.
"""

from __future__ import annotations

import email.utils
import json
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from . import __version__
from .config import Credentials
from .errors import ApiError, PrefillRefused, StreamInterrupted, TransportError
from .models import PREFILL_MODELS_HINT
from .sse import SSEDecoder
from .stream import Event, StreamError, parse_event

RETRYABLE_STATUS = {408, 409, 429}
CONNECT_TIMEOUT = 5.0
MAX_RETRY_WAIT = 60.0

OnRetry = Callable[[int, float, str], None]  # (attempt, seconds, reason)


def backoff(attempt: int) -> float:
    """Seconds before retry number `attempt` (1-based), as the SDK computes it."""
    return min(0.5 * 2 ** (attempt - 1), 8.0) * (1 - 0.25 * random.random())


def retry_after(headers: httpx.Headers) -> float | None:
    """The server's requested wait, from retry-after-ms or retry-after."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(float(ms) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        try:
            return max(float(value), 0.0)
        except ValueError:
            try:
                parsed = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            return max(parsed.timestamp() - time.time(), 0.0)
    return None


def should_retry(response: httpx.Response) -> bool:
    forced = response.headers.get("x-should-retry")
    if forced == "true":
        return True
    if forced == "false":
        return False
    return response.status_code in RETRYABLE_STATUS or response.status_code >= 500


def error_from_response(response: httpx.Response, body: bytes, model: str | None) -> ApiError:
    request_id = response.headers.get("request-id")
    error_type, message = "http_error", response.reason_phrase or "request failed"
    try:
        payload = json.loads(body)
        err = payload.get("error") or {}
        error_type = str(err.get("type") or error_type)
        message = str(err.get("message") or message)
        request_id = request_id or payload.get("request_id")
    except (ValueError, AttributeError):
        text = body.decode("utf-8", errors="replace").strip()
        if text:
            message = text.splitlines()[0][:200]
    return classify(response.status_code, error_type, message, request_id, model)


def classify(
    status: int | None, error_type: str, message: str, request_id: str | None, model: str | None
) -> ApiError:
    hint = None
    if "prefill" in message.lower() and status == 400:
        return PrefillRefused(
            status,
            error_type,
            message,
            request_id,
            f"Model {model} does not accept --prefill; {PREFILL_MODELS_HINT}",
        )
    if status == 401:
        hint = "Check ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN / api_key_command)"
    elif status == 403:
        hint = "The key is valid but not allowed to do this"
    elif (
        status == 404 and model and ("model" in message.lower() or error_type == "not_found_error")
    ):
        hint = f"Model '{model}' was not found; `claude-cli models` lists the ones you can use"
    elif status == 413:
        hint = "The request is over the API's 32 MB limit"
    elif status == 429:
        hint = "Rate limited; wait and try again, or raise --max-retries"
    elif status == 529:
        hint = "The API is overloaded; try again shortly"
    return ApiError(status, error_type, message, request_id, hint)


class Client:
    """One configured connection to a Messages API server."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        api_version: str,
        *,
        timeout: float = 600.0,
        max_retries: int = 2,
        on_retry: OnRetry | None = None,
        betas: list[str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {
            "anthropic-version": api_version,
            "content-type": "application/json",
            "accept": "application/json",
            "user-agent": f"claude-cli/{__version__}",
            **credentials.headers(),
        }
        if betas:
            headers["anthropic-beta"] = ",".join(betas)
        self.max_retries = max_retries
        self.on_retry = on_retry
        self._read_timeout = timeout
        self._http = httpx.Client(
            base_url=base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
            transport=transport,
            trust_env=True,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests -----------------------------------------------------------

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        """A non-streaming Messages request; returns the Message."""
        content = json.dumps(body).encode()
        with self._send("POST", "/v1/messages", content, body.get("model")) as response:
            data = response.read()
        try:
            return json.loads(data)
        except ValueError:
            raise TransportError("the server answered with something that is not JSON") from None

    def stream(self, body: dict[str, Any]) -> Iterator[Event]:
        """Stream a Messages request, yielding events. An `error` event, a broken
        connection or a stream that ends before `message_stop` raise
        StreamInterrupted; the caller holds what had arrived."""
        body = {**body, "stream": True}
        content = json.dumps(body).encode()
        model = body.get("model")
        stopped = False
        with self._send("POST", "/v1/messages", content, model) as response:
            decoder = SSEDecoder()
            try:
                for chunk in response.iter_bytes():
                    for sse in decoder.feed(chunk):
                        event = parse_event(sse.event, sse.data)
                        if event is None:
                            continue
                        if isinstance(event, StreamError):
                            request_id = event.request_id or response.headers.get("request-id")
                            err = classify(None, event.error_type, event.message, request_id, model)
                            raise StreamInterrupted(str(err)) from None
                        if sse.event == "message_stop":
                            stopped = True
                        yield event
            except httpx.TimeoutException:
                raise StreamInterrupted(
                    f"the reply stalled: nothing arrived for {self._read_timeout:g} s "
                    "(raise --timeout)"
                ) from None
            except httpx.HTTPError as e:
                raise StreamInterrupted(f"connection lost mid-reply ({_describe(e)})") from None
        if not stopped:
            raise StreamInterrupted("the stream ended before the reply was complete")

    def list_models(self, page_size: int = 100) -> Iterator[dict[str, Any]]:
        """Every model `GET /v1/models` lists, following pagination."""
        after: str | None = None
        while True:
            params = f"?limit={page_size}" + (f"&after_id={after}" if after else "")
            with self._send("GET", "/v1/models" + params, None, None) as response:
                page = json.loads(response.read())
            yield from page.get("data", [])
            if not page.get("has_more") or not page.get("last_id"):
                return
            after = page["last_id"]

    def get_model(self, model_id: str) -> dict[str, Any]:
        """One model's entry, `GET /v1/models/{id}` (an ApiError 404 when unknown)."""
        from urllib.parse import quote

        return self.get_json("/v1/models/" + quote(model_id, safe=""))

    # -- transport with retries ---------------------------------------------

    def _send(self, method: str, path: str, content: bytes | None, model: str | None):
        """Open a response (as a context manager) once it has a 2xx status."""
        attempt = 0
        while True:
            request = self._http.build_request(method, path, content=content)
            try:
                response = self._http.send(request, stream=True)
            except httpx.TimeoutException as e:
                reason = f"timed out ({_describe(e)})"
                if attempt < self.max_retries:
                    attempt += 1
                    self._wait(attempt, backoff(attempt), reason)
                    continue
                raise TransportError(f"request to {self._http.base_url} {reason}") from None
            except httpx.HTTPError as e:
                reason = f"connection failed ({_describe(e)})"
                if attempt < self.max_retries:
                    attempt += 1
                    self._wait(attempt, backoff(attempt), reason)
                    continue
                raise TransportError(
                    f"cannot reach {self._http.base_url}: {_describe(e)}"
                ) from None
            if response.status_code < 300:
                return _Opened(response)
            try:
                body = response.read()
            except httpx.HTTPError:
                body = b""
            finally:
                response.close()
            if attempt < self.max_retries and should_retry(response):
                attempt += 1
                wait = retry_after(response.headers)
                wait = backoff(attempt) if wait is None or wait > MAX_RETRY_WAIT else wait
                self._wait(attempt, wait, f"HTTP {response.status_code}")
                continue
            raise error_from_response(response, body, model)

    def _wait(self, attempt: int, seconds: float, reason: str) -> None:
        if self.on_retry:
            self.on_retry(attempt, seconds, reason)
        time.sleep(seconds)

    def get_json(self, path: str) -> Any:
        """GET a JSON resource, e.g. /v1/models/{id} (capabilities.py)."""
        with self._send("GET", path, None, None) as response:
            return json.loads(response.read())


class _Opened:
    """Context manager that closes a streamed response."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def __enter__(self) -> httpx.Response:
        return self.response

    def __exit__(self, *exc: object) -> None:
        self.response.close()


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
