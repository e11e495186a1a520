"""The Messages API over httpx: send, stream, retry, map errors.

Knows nothing of terminals: progress (a retry about to happen) is reported
through the `on_retry` callback; failures are raised as `errors` types.
Retries follow the official SDK: 408, 409, 429, >= 500 and connection errors,
`x-should-retry` overrides, `retry-after-ms` / `retry-after` honoured, else
exponential backoff 0.5 s .. 8 s with jitter.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import math
import os
import random
import re
import time
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpx

from claude_cli import __version__
from claude_cli.api.sse import SSEDecoder
from claude_cli.api.stream import (
    Event,
    Other,
    StreamError,
    bad,
    carries,
    check_message,
    events_from_message,
    parse_event,
)
from claude_cli.config import Credentials
from claude_cli.errors import (
    ApiError,
    CliError,
    ConfigError,
    PrefillRefused,
    ProtocolError,
    StreamApiError,
    StreamInterrupted,
    TransportError,
)
from claude_cli.model_rules import PREFILL_MODELS_HINT

RETRYABLE_STATUS = {408, 409, 429}
CONNECT_TIMEOUT = 5.0
MAX_RETRY_WAIT = 60.0
# Our own product token: `claude-cli/<version>` is what Anthropic's Claude Code sends.
USER_AGENT = f"claude-cli-py/{__version__} (unofficial Python client)"
MB = 1024 * 1024
MAX_BODY = 64 * MB  # a whole non-streaming Message or models page, decoded
MAX_ERROR_BODY = 64 * 1024  # an error answer: enough for its message
MAX_PAGES = 100  # GET /v1/models pages followed, at most
INFLATE_STEP = 256 * 1024  # decompress at most this much per call: a gzip bomb stays small
PROXY_VARIABLES = (
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
)
# The HTTP status each in-stream error type stands for, to retry and explain it alike.
ERROR_STATUS = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}

OnRetry = Callable[[int, float, str], None]  # (attempt, seconds, reason)


def backoff(attempt: int) -> float:
    """Seconds before retry number `attempt` (1-based), as the SDK computes it."""
    return min(0.5 * 2 ** (attempt - 1), 8.0) * (1 - 0.25 * random.random())


def retry_after(headers: httpx.Headers) -> float | None:
    """The server's requested wait, from retry-after-ms or retry-after."""
    ms = _seconds(headers.get("retry-after-ms"))
    if ms is not None:
        return ms / 1000
    value = headers.get("retry-after")
    if value:
        seconds = _seconds(value)
        if seconds is not None:
            return seconds
        try:
            parsed = email.utils.parsedate_to_datetime(value)
            return max(parsed.timestamp() - time.time(), 0.0)
        except (TypeError, ValueError, OverflowError, IndexError):
            return None
    return None


def _seconds(value: str | None) -> float | None:
    """A finite, non-negative number, else None (nan, inf, -5: use our own backoff)."""
    try:
        number = float(value) if value else None
    except ValueError:
        return None
    if number is None or not math.isfinite(number) or number < 0:
        return None
    return number


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
        rid = payload.get("request_id")
        request_id = request_id or (rid if isinstance(rid, str) else None)
    except (ValueError, AttributeError, RecursionError):
        text = body.decode("utf-8", errors="replace").strip()
        if text:
            message = text.splitlines()[0][:200]
    return classify(response.status_code, error_type, message, request_id, model)


def stream_error(event: StreamError, request_id: str | None, model: str | None) -> StreamApiError:
    """An in-stream `error` event, explained and retried as its HTTP status would be."""
    status = ERROR_STATUS.get(event.error_type)
    err = classify(status, event.error_type, event.message, event.request_id or request_id, model)
    retryable = status is not None and (status in RETRYABLE_STATUS or status >= 500)
    return StreamApiError(err, retryable=retryable)


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
        secret = credentials.headers()
        for name, value in secret.items():
            if not value.isascii() or not value.isprintable():
                raise ConfigError(
                    f"the credential sent as {name} holds a non-ASCII or control character"
                )
        headers = {
            "anthropic-version": api_version,
            "content-type": "application/json",
            "accept": "application/json",
            # What _decoded() can inflate with a bound (no brotli/zstd bombs).
            "accept-encoding": "gzip, deflate",
            "user-agent": USER_AGENT,
            **secret,
        }
        if betas:
            headers["anthropic-beta"] = ",".join(betas)
        self.max_retries = max_retries
        self.on_retry = on_retry
        # Why the last list_models() stopped before the server said it had no more, if so.
        self.models_cut_short: str | None = None
        self._read_timeout = timeout
        # Scrubbed from any httpx error text we show (a token also without "Bearer ").
        self._secrets = [
            part for v in secret.values() for part in (v, v.partition(" ")[2]) if len(part) >= 8
        ]
        self._attempt_started = 0.0
        self._http = _http_client(base_url, headers, timeout, transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests -----------------------------------------------------------

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        """A non-streaming Messages request; returns the Message. The whole answer
        must arrive within the timeout (a trickle does not keep it going)."""
        content = json.dumps(body).encode()
        with self._send("POST", "/v1/messages", content, body.get("model")) as response:
            # From the start of the attempt that answered, not counting retry waits.
            deadline = self._attempt_started + self._read_timeout
            data = self._read(response, MAX_BODY, deadline)
        try:
            message = json.loads(data)
        except (ValueError, RecursionError):
            raise ProtocolError(
                "protocol error: the server answered with something that is not JSON"
            ) from None
        return check_message(message)

    def count_tokens(self, body: dict[str, Any]) -> int:
        """POST /v1/messages/count_tokens: the input tokens `body` would cost."""
        content = json.dumps(body).encode()
        path = "/v1/messages/count_tokens"
        with self._send("POST", path, content, body.get("model")) as response:
            deadline = self._attempt_started + self._read_timeout
            data = self._read(response, MAX_BODY, deadline)
        try:
            answer = json.loads(data)
        except (ValueError, RecursionError):
            answer = None
        count = answer.get("input_tokens") if isinstance(answer, dict) else None
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ProtocolError("protocol error: count_tokens answered without input_tokens")
        return count

    def stream(self, body: dict[str, Any]) -> Iterator[Event]:
        """Stream a Messages request, yielding events.

        A broken connection, a stall, or a stream that ends before the reply is
        complete (`message_delta` or `message_stop` seen) raise StreamInterrupted;
        an `error` event raises StreamApiError; a malformed one ProtocolError. The
        caller holds what had arrived. Pings and comments do not count as progress:
        `timeout` seconds without an event is a stall, however many pings came."""
        body = {**body, "stream": True}
        content = json.dumps(body).encode()
        model = body.get("model")
        idle = self._read_timeout
        complete = False
        with self._send("POST", "/v1/messages", content, model) as response:
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind and kind != "text/event-stream":
                yield from self._not_a_stream(response, kind)
                return
            decoder = SSEDecoder()
            last = time.monotonic()
            try:
                for chunk in _decoded(response):
                    now = time.monotonic()
                    progress = False
                    for sse in decoder.feed(chunk):
                        event = parse_event(sse.data, sse.event)
                        if event is None:
                            continue
                        progress = progress or carries(event)
                        if type(event) is Other:
                            complete = complete or event.name in ENDINGS
                        elif type(event) is StreamError:
                            rid = response.headers.get("request-id")
                            raise stream_error(event, rid, model)
                        yield event
                    if progress:
                        last = now
                    elif now - last > idle:
                        raise StreamInterrupted(
                            f"the reply stalled: no event for {idle:g} s, only keep-alives "
                            "or empty deltas (raise --timeout)"
                        )
                for sse in decoder.flush():
                    try:
                        event = parse_event(sse.data, sse.event)
                    except ProtocolError:
                        break  # the last event was cut off: the stream is interrupted
                    if type(event) is StreamError:
                        raise stream_error(event, response.headers.get("request-id"), model)
                    if event is not None:
                        if type(event) is Other:
                            complete = complete or event.name in ENDINGS
                        yield event
            except httpx.TimeoutException:
                raise StreamInterrupted(
                    f"the reply stalled: nothing arrived for {idle:g} s (raise --timeout)"
                ) from None
            except httpx.HTTPError as e:
                raise StreamInterrupted(
                    f"connection lost mid-reply ({self._describe(e)})"
                ) from None
        if not complete:
            raise StreamInterrupted("the stream ended before the reply was complete")

    def list_models(self, page_size: int = 100) -> Iterator[dict[str, Any]]:
        """Every model `GET /v1/models` lists, following pagination. Stops when
        `has_more` is false, when the cursor repeats, or after MAX_PAGES pages; in the
        last two cases `models_cut_short` says why (the list may be incomplete)."""
        after: str | None = None
        seen: set[str] = set()
        self.models_cut_short = None
        for _ in range(MAX_PAGES):
            params: dict[str, str | int] = {"limit": page_size}
            if after:
                params["after_id"] = after
            with self._send("GET", "/v1/models", None, None, params=params) as response:
                deadline = self._attempt_started + self._read_timeout
                data = self._read(response, MAX_BODY, deadline)
            try:
                page = json.loads(data)
            except (ValueError, RecursionError):
                raise bad("a models page that is not JSON") from None
            if type(page) is not dict or type(page.get("data", [])) is not list:
                raise bad("a models page without a list of models")
            # An entry without a string id is useless to every reader: left out.
            yield from (
                m for m in page.get("data", []) if type(m) is dict and type(m.get("id")) is str
            )
            last_id = page.get("last_id")
            if not page.get("has_more") or type(last_id) is not str or not last_id:
                return
            if last_id in seen:
                # The cursor did not move: following it would loop forever.
                self.models_cut_short = f"the server repeated the page cursor {last_id!r}"
                return
            seen.add(last_id)
            after = last_id
        self.models_cut_short = f"stopped after {MAX_PAGES} pages"

    def get_model(self, model_id: str) -> dict[str, Any]:
        """One model's entry, `GET /v1/models/{id}` (an ApiError 404 when unknown)."""
        from urllib.parse import quote

        return self.get_json("/v1/models/" + quote(model_id, safe=""))

    # -- transport with retries ---------------------------------------------

    def _not_a_stream(self, response: httpx.Response, kind: str) -> Iterator[Event]:
        """A 2xx that is not an event stream: a whole Message (a gateway that ignored
        `"stream": true`) is replayed as its events; anything else (a captive portal's
        HTML page) is named, not taken for a broken stream and re-sent."""
        if kind != "application/json":
            raise ProtocolError(
                f"protocol error: the server answered with {kind[:60]}, not an event stream "
                f"(a login page or a proxy in the way? check base_url {self._http.base_url})"
            )
        data = self._read(response, MAX_BODY, self._attempt_started + self._read_timeout)
        try:
            message = json.loads(data)
        except (ValueError, RecursionError):
            raise ProtocolError(
                "protocol error: the server answered with something that is not JSON"
            ) from None
        yield from events_from_message(message)

    def _send(
        self,
        method: str,
        path: str,
        content: bytes | Iterable[bytes] | None,
        model: str | None,
        params: dict[str, str | int] | None = None,
    ) -> _Opened:
        """Open a response (as a context manager) once it has a 2xx status."""
        attempt = 0
        while True:
            try:
                request = self._http.build_request(method, path, content=content, params=params)
            except (httpx.InvalidURL, ValueError, TypeError) as e:
                raise ConfigError(
                    f"cannot build a request for {self._http.base_url}: {type(e).__name__}"
                ) from None
            self._attempt_started = time.monotonic()
            try:
                response = self._http.send(request, stream=True)
            except httpx.TimeoutException as e:
                reason = f"timed out ({self._describe(e)})"
                if attempt < self.max_retries:
                    attempt += 1
                    self._wait(attempt, backoff(attempt), reason)
                    continue
                raise TransportError(f"request to {self._http.base_url} {reason}") from None
            except httpx.HTTPError as e:
                reason = f"connection failed ({self._describe(e)})"
                if attempt < self.max_retries:
                    attempt += 1
                    self._wait(attempt, backoff(attempt), reason)
                    continue
                via = _proxy_for(str(self._http.base_url))
                where = f" through the proxy {via}" if via else ""
                raise TransportError(
                    f"cannot reach {self._http.base_url}{where}: {self._describe(e)}"
                ) from None
            if response.status_code < 300:
                return _Opened(response)
            try:
                body = self._read(response, MAX_ERROR_BODY, None, truncate=True)
            except (httpx.HTTPError, CliError):
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

    def _read(
        self,
        response: httpx.Response,
        limit: int,
        deadline: float | None,
        *,
        truncate: bool = False,
    ) -> bytes:
        """The body, decoded, at most `limit` bytes (more is an error, or cut off
        when `truncate`), by `deadline` (time.monotonic())."""
        pieces: list[bytes] = []
        size = 0
        try:
            for chunk in _decoded(response):
                pieces.append(chunk)
                size += len(chunk)
                if size > limit:
                    if truncate:
                        return b"".join(pieces)[:limit]
                    raise ProtocolError(
                        f"protocol error: the server's answer is over {limit // MB} MB; "
                        "not reading more"
                    )
                if deadline is not None and time.monotonic() > deadline:
                    raise TransportError(
                        f"the answer did not arrive within {self._read_timeout:g} s "
                        "(raise --timeout)"
                    )
        except httpx.TimeoutException:
            raise TransportError(
                f"the answer stalled: nothing arrived for {self._read_timeout:g} s "
                "(raise --timeout)"
            ) from None
        except httpx.HTTPError as e:
            raise TransportError(
                f"connection lost while reading the answer ({self._describe(e)})"
            ) from None
        return b"".join(pieces)

    def _wait(self, attempt: int, seconds: float, reason: str) -> None:
        if self.on_retry:
            self.on_retry(attempt, seconds, reason)
        time.sleep(seconds)

    def get_json(self, path: str) -> Any:
        """GET a JSON resource, e.g. /v1/models/{id} (capabilities.py), read within limits."""
        return self._json("GET", path, None)

    # -- Message Batches (batch.py) -------------------------------------------

    def post_json(self, path: str, content: bytes | Iterable[bytes]) -> Any:
        """POST a JSON body (bytes, or a re-iterable of chunks: streamed, and sent
        again whole on a retry) and read the JSON answer within limits."""
        return self._json("POST", path, content)

    def _json(self, method: str, path: str, content: bytes | Iterable[bytes] | None) -> Any:
        with self._send(method, path, content, None) as response:
            deadline = self._attempt_started + self._read_timeout
            data = self._read(response, MAX_BODY, deadline)
        try:
            return json.loads(data)
        except (ValueError, RecursionError):
            raise bad(f"an answer to {method} {path} that is not JSON") from None

    def lines(self, path: str, limit: int) -> Iterator[bytes]:
        """GET a JSONL resource one line at a time, never holding more than a line
        (each at most `limit` bytes). A dropped connection is a TransportError."""
        with self._send("GET", path, None, None) as response:
            pending = b""
            try:
                for chunk in _decoded(response):
                    pending += chunk
                    *whole, pending = pending.split(b"\n")
                    yield from (line for line in whole if line.strip())
                    if len(pending) > limit:
                        raise ProtocolError(f"protocol error: a line of {path} is too long")
            except httpx.TimeoutException:
                raise TransportError(
                    f"the answer stalled: nothing arrived for {self._read_timeout:g} s"
                ) from None
            except httpx.HTTPError as e:
                raise TransportError(
                    f"connection lost while reading {path} ({self._describe(e)})"
                ) from None
            if pending.strip():
                yield pending

    def _describe(self, exc: Exception) -> str:
        """An httpx error for the user: its kind, and its text unless that text may
        quote what we sent (h11's protocol errors quote header values)."""
        name = type(exc).__name__
        if isinstance(exc, httpx.LocalProtocolError):
            return name
        text = " ".join(str(exc).split())[:300]
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return f"{name}: {text}" if text else name


ENDINGS = frozenset(("message_delta", "message_stop"))


class _Opened:
    """Context manager that closes a streamed response."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def __enter__(self) -> httpx.Response:
        return self.response

    def __exit__(self, *exc: object) -> None:
        self.response.close()


def _http_client(
    base_url: str,
    headers: dict[str, str],
    timeout: float,
    transport: httpx.BaseTransport | None,
) -> httpx.Client:
    """httpx's client, with what goes wrong building it (a malformed proxy variable,
    a bad base URL) said in one line naming the culprit."""
    for name in PROXY_VARIABLES:
        value = os.environ.get(name)
        if value and not _valid_proxy(value):
            # The value is not shown: a proxy URL may hold a password.
            raise ConfigError(
                f"the proxy variable {name} is not a valid proxy URL "
                "(expected scheme://host[:port], scheme http, https or socks5)"
            )
    try:
        return httpx.Client(
            base_url=base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
            transport=transport,
            trust_env=True,
        )
    except Exception as e:  # httpx raises several kinds here; none is a bug of ours
        try:
            httpx.URL(base_url)
        except Exception:
            raise ConfigError("base_url is not a valid URL") from None
        if isinstance(e, ImportError) and "socks" in str(e).lower():
            raise ConfigError(
                "a SOCKS proxy is set (ALL_PROXY/HTTPS_PROXY) but SOCKS support is not "
                "installed: pip install 'httpx[socks]'"
            ) from None
        raise ConfigError(
            f"cannot set up the HTTP client ({type(e).__name__}); check base_url and the "
            "proxy variables (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY)"
        ) from None


def _proxy_for(url: str) -> str | None:
    """The proxy httpx goes through for `url` (from the environment, NO_PROXY
    honoured), as 'http://host:port (HTTPS_PROXY)' with any password masked: a
    refused connection is the proxy's, and the user must be told which it is."""
    from claude_cli.redact import redact_url

    parts = urllib.parse.urlsplit(url)
    if urllib.request.proxy_bypass_environment(parts.hostname or ""):
        return None
    for name in PROXY_VARIABLES:
        scheme = name.split("_")[0].lower()
        value = os.environ.get(name)
        if value and scheme in (parts.scheme, "all"):
            return f"{redact_url(value)} ({name})"
    return None


_HOST = re.compile(r"[A-Za-z0-9._~%-]+")


def _valid_proxy(value: str) -> bool:
    """What httpx would connect to: a known scheme, a host name or IP, a port."""
    url = value if "://" in value else f"http://{value}"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError when out of range or not a number)
        httpx.Proxy(url)
    except Exception:
        return False
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https", "socks5", "socks5h") or not host:
        return False
    if parts.netloc.rpartition("@")[2].startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    return _HOST.fullmatch(host) is not None


def _decoded(response: httpx.Response) -> Iterator[bytes]:
    """The body's bytes, inflated in bounded steps: a small gzip bomb cannot expand
    into gigabytes at once (httpx inflates each network chunk in one go)."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return response.iter_raw()  # as it comes: no generator in between, per chunk
    return _inflated(response.iter_raw(), encoding)


def _inflated(raw: Iterator[bytes], encoding: str) -> Iterator[bytes]:
    if encoding in ("gzip", "x-gzip"):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflater = zlib.decompressobj()
    else:
        raise bad(f"an answer in content-encoding {encoding[:20]!r}, which we did not ask for")
    first = True
    try:
        for chunk in raw:
            if first and encoding == "deflate" and chunk:
                first = False
                try:  # "deflate" is zlib-wrapped by the RFC, raw by some servers
                    zlib.decompressobj().decompress(chunk[:64], 1)
                except zlib.error:
                    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            data = inflater.decompress(chunk, INFLATE_STEP)
            while True:
                if data:
                    yield data
                if not inflater.unconsumed_tail:
                    break
                data = inflater.decompress(inflater.unconsumed_tail, INFLATE_STEP)
        tail = inflater.flush()
        if tail:
            yield tail
    except zlib.error:
        raise bad(f"a {encoding} answer that does not inflate") from None
