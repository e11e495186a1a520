"""A real HTTP server on 127.0.0.1 that speaks the Messages API, for tests.

It validates what it receives (headers, the official CreateMessageParams
schema, and per model the service's rules from fake_models.py: thinking types,
effort levels, sampling, prefill, `display`, mid-conversation system messages,
the prefix check on thinking blocks, images), records every request, serves
`GET /v1/models[/{id}]` with real-shaped capabilities, and answers from a script
of replies and faults:

    api.reply("Hello **world**")                 # streamed or JSON, as asked
    api.reply("C) Formicidae")                   # max_tokens/stop honoured
    api.fail(429, headers={"retry-after": "0"})  # an HTTP error answer
    api.reply("partial", error_after=3)          # `event: error` mid-stream
    api.reply("partial", drop_after=3)           # connection dropped mid-stream

With `output_config.format` and nothing scripted it answers a small JSON instance of the
schema (script a reply to answer otherwise). Else, with nothing scripted, it answers
"You said: <last user text>", followed by " [saw image/png 40x30]" (or
" [saw url https://...]") for each image in that turn.
`api.pace = lambda body: seconds` sets the latency per request (e.g. by image size).

Thinking: a reply carries a thinking block when the request asks for thinking, or
leaves `thinking` out on a model that thinks by default (from Opus 5 on, as the service
does; `api.think_by_default = False` plays a service that does not). Its text is empty unless
`display: "summarized"` (or an older model that summarises by default); its
signature is a hash of the block's prefix (system, tools, earlier messages) and
text, and later requests are checked against it as the service does.
"""

from __future__ import annotations

import base64
import binascii
import collections
import hashlib
import io
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import fake_batches
import jsonschema
from fake_models import BY_ID, RULES, ModelRules, model_object

SCHEMA = json.loads((Path(__file__).parent / "schema" / "create_message_params.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
API_KEY = "sk-ant-test-0123456789abcdef"
VERSIONS = {"2023-06-01", "2026-10-21"}
TOKEN_RE = re.compile(r"\s*\w+|\s*[^\w\s]|\s+")

MODELS = [(r.id, r.name, r.created) for r in RULES]
NO_PREFILL = {r.id for r in RULES if not r.prefill}
DEFAULT_THINKING = "Let me think about this."
MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


@dataclass
class Reply:
    text: str = ""
    thinking: str | None = None
    stop_reason: str = "end_turn"
    stop_details: dict[str, Any] | None = None  # e.g. {"type": "refusal", "category": ...}
    usage: dict[str, int] | None = None
    chunk_tokens: int = 1  # tokens per text_delta
    pieces: list[str] | None = None  # exact text deltas (each counts as one token)
    delay: float = 0.0  # seconds between deltas
    error_after: int | None = None  # send `event: error` after N deltas
    error_type: str = "overloaded_error"
    drop_after: int | None = None  # close the connection after N deltas
    extra_events: bool = True  # pings, comments, unknown events
    crlf: bool = False
    multiline_data: bool = False
    raw_sse: bytes | None = None  # send exactly this body instead
    redacted: bool = False  # add a redacted_thinking block after the thinking one
    latency: float = 0.0  # seconds before answering at all
    words_per_second: float | None = None  # pace the text at this rate (words = \S+ runs)
    blocks: list[dict[str, Any]] | None = None  # exact content blocks (server tools, citations)


@dataclass
class Fault:
    status: int
    error_type: str = "api_error"
    message: str = "injected fault"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes
    time: float


class APIError(Exception):
    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error_type, self.message = status, error_type, message


class FakeAPI:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.invalid: list[str] = []  # requests the schema or rules rejected
        self.script: collections.deque[Reply | Fault] = collections.deque()
        self.latency = 0.0  # default latency for every /v1/messages answer
        self.pace: Callable[[dict[str, Any]], float] | None = None  # latency per request body
        self.models = [model_object(r) for r in RULES]
        self.rules: dict[str, ModelRules] = dict(BY_ID)
        self.known_models = set(self.rules)
        # Thinking is on when `thinking` is omitted, on the models that think by default.
        self.think_by_default = True
        self.models_route = True  # False: a gateway without /v1/models (404)
        self.counted: list[int] = []  # count_tokens answers given
        self.dropped: list[str] = []  # thinking blocks the service left out without an error
        self._cache: set[str] = set()
        # Message Batches (tests/fake_batches.py)
        self.batches: dict[str, Any] = {}
        self.batch_delay = 0.0  # seconds a batch stays in_progress
        self.batch_outcomes: dict[str, str] = {}  # custom_id -> errored | expired | canceled
        self.batch_texts: dict[str, str] = {}  # custom_id -> a succeeded reply's text
        self.batch_create_faults: collections.deque[Fault] = collections.deque()
        self.results_drop_after: int | None = None  # drop the results stream after N lines
        self.batch_version = ""
        self.last_raw_size = 0
        self._lock = threading.Lock()
        self._counter = 0
        handler = type("Handler", (_Handler,), {"api": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> FakeAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- scripting -----------------------------------------------------------

    def reply(self, text: str = "", **kw: Any) -> Reply:
        r = Reply(text=text, **kw)
        self.script.append(r)
        return r

    def fail(
        self,
        status: int,
        error_type: str = "api_error",
        message: str = "injected fault",
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> Fault:
        f = Fault(status, error_type, message, headers or {}, body)
        self.script.append(f)
        return f

    @property
    def messages_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/v1/messages"]

    @property
    def batch_creates(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST" and r.path == fake_batches.PREFIX]

    @property
    def last_body(self) -> dict[str, Any]:
        return self.messages_requests[-1].body

    @property
    def models_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.startswith("/v1/models")]

    def next_id(self) -> str:
        with self._lock:
            self._counter += 1
            return f"{self._counter:06d}"

    # -- the API's rules -----------------------------------------------------

    def check(self, headers: dict[str, str], body: Any) -> None:
        if (
            headers.get("x-api-key") != API_KEY
            and headers.get("authorization") != f"Bearer {API_KEY}"
        ):
            raise APIError(401, "authentication_error", "invalid x-api-key")
        version = headers.get("anthropic-version")
        if version not in VERSIONS:
            raise APIError(400, "invalid_request_error", f"anthropic-version: invalid {version!r}")
        if not headers.get("content-type", "").startswith("application/json"):
            raise APIError(400, "invalid_request_error", "content-type must be application/json")
        errors = sorted(VALIDATOR.iter_errors(body), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            where = ".".join(str(p) for p in e.path) or "body"
            raise APIError(400, "invalid_request_error", f"{where}: {e.message[:300]}")
        model = body["model"]
        if model not in self.known_models:
            raise APIError(404, "not_found_error", f"model: {model}")
        rules = self.rules[model]
        if body["max_tokens"] > rules.max_out:
            raise _bad(
                f"max_tokens: {body['max_tokens']} > {rules.max_out}, which is the maximum "
                f"allowed number of output tokens for {model}"
            )
        _check_sampling(body, version, rules)
        _check_version(body, version)
        _check_thinking(body, rules)
        _check_tool_choice(body, rules)
        messages = body["messages"]
        _check_roles(messages, rules)
        if messages[-1]["role"] == "assistant" and not continues_tool_turn(messages[-1]):
            if not rules.prefill:
                raise APIError(
                    400,
                    "invalid_request_error",
                    "This model does not support assistant message prefill. "
                    "The conversation must end with a user message.",
                )
            if thinking_on(body, rules, self.think_by_default):
                raise APIError(
                    400, "invalid_request_error", "assistant prefill is not supported with thinking"
                )
            last = _text_of(messages[-1]["content"])
            if last != last.rstrip():
                raise APIError(
                    400,
                    "invalid_request_error",
                    "messages: final assistant content cannot end with trailing whitespace",
                )
        self._check_prefixes(body, rules)
        _check_format(body, rules)
        _check_web_tools(body, rules)
        _check_documents(messages, rules)
        images = [
            b
            for m in messages
            if isinstance(m["content"], list)
            for b in m["content"]
            if b.get("type") == "image"
        ]
        limit = 2000 if len(images) > 20 else 8000
        for i, block in enumerate(images):
            _check_image(block["source"], i, limit)

    def without(self, model: str, **changes: Any) -> None:
        """The model with some rules changed (e.g. structured=False), listed so too."""
        import dataclasses

        self.rules[model] = dataclasses.replace(self.rules[model], **changes)
        self.models = [
            model_object(self.rules[model]) if m["id"] == model else m for m in self.models
        ]

    def alias(self, name: str, like: str) -> None:
        """A gateway alias: answers (and lists itself) as model `like` does."""
        self.rules[name] = self.rules[like]
        self.known_models.add(name)
        self.models.append({**model_object(self.rules[like]), "id": name, "display_name": name})

    def _check_prefixes(self, body: dict[str, Any], rules: ModelRules) -> None:
        """Each echoed thinking block must sit on the prefix it was produced on."""
        messages = body["messages"]
        for i, message in enumerate(messages):
            content = message["content"]
            if message["role"] != "assistant" or not isinstance(content, list):
                continue
            for j, block in enumerate(content):
                if block.get("type") not in ("thinking", "redacted_thinking"):
                    continue
                made = _read_signature(block.get("signature") or block.get("data", ""))
                if made is None or made[0] != rules.id:
                    # Another model's block (or one we did not sign): left out, no error.
                    self.dropped.append(f"messages.{i}.content.{j}: not readable by {rules.id}")
                    continue
                want = signature_for(rules.id, body, messages[:i], content[:j], block)
                if made[1] == want or rules.prefix_check == "none":
                    continue
                if rules.prefix_check == "reject":
                    raise APIError(
                        400,
                        "invalid_request_error",
                        f"messages.{i}.content.{j}: The block is bound to a different "
                        "conversation: system, tools or an earlier message changed after "
                        "it was produced (prefix check failed)",
                    )
                self.dropped.append(f"messages.{i}.content.{j}: prefix changed")

    def input_size(self, body: dict[str, Any]) -> int:
        """The request's input tokens as this server counts them (count_tokens says this)."""
        sizes = sum(len(json.dumps(_without_media(m))) // 4 + 1 for m in body["messages"])
        sizes += MEDIA_TOKENS * sum(
            1
            for m in body["messages"]
            if isinstance(m["content"], list)
            for b in m["content"]
            if b.get("type") in ("image", "document")
            and (b.get("source") or {}).get("type") == "base64"
        )
        tools = len(json.dumps(body["tools"])) // 4 if body.get("tools") else 0
        return sizes + len(json.dumps(body.get("system", ""))) // 4 + tools

    def check_window(self, body: dict[str, Any]) -> None:
        """A prompt larger than the model's context window is refused, as the service does."""
        size, window = self.input_size(body), self.rules[body["model"]].context
        if size > window:
            raise _bad(f"prompt is too long: {size} tokens > {window} maximum")

    def usage_for(
        self, body: dict[str, Any], output_tokens: int, thinking_tokens: int = 0
    ) -> dict[str, Any]:
        """The usage the service reports: thinking is billed as output and counted apart;
        cache writes are split by lifetime (5 minutes unless cache_control.ttl is "1h")."""
        sizes = [len(json.dumps(m)) // 4 + 1 for m in body["messages"]]
        total = sum(sizes) + len(json.dumps(body.get("system", ""))) // 4
        read = created = 0
        if body.get("cache_control"):
            # Cache every prefix of the conversation; a later request reads the
            # longest prefix it shares with an earlier one.
            # A running hash stands for each prefix: linear, not quadratic, in length.
            keys, running = [], hashlib.sha256()
            for m in body["messages"]:
                running.update(json.dumps(m, sort_keys=True).encode() + b"\x00")
                keys.append(running.copy().hexdigest())
            with self._lock:
                hit = max((i + 1 for i, k in enumerate(keys) if k in self._cache), default=0)
                self._cache.update(keys)
            read = sum(sizes[:hit])
            created = total - read
            total = 0
        usage: dict[str, Any] = {
            "input_tokens": total,
            "output_tokens": output_tokens + thinking_tokens,
            "cache_creation_input_tokens": created,
            "cache_read_input_tokens": read,
        }
        if body.get("cache_control"):
            long = body["cache_control"].get("ttl") == "1h"
            usage["cache_creation"] = {
                "ephemeral_5m_input_tokens": 0 if long else created,
                "ephemeral_1h_input_tokens": created if long else 0,
            }
        if thinking_tokens:
            usage["output_tokens_details"] = {"thinking_tokens": thinking_tokens}
        return usage


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content if b.get("type") == "text")


#: Tokens an image or a base64 document counts for (the service does not count base64 bytes).
MEDIA_TOKENS = 1500


def _without_media(message: dict[str, Any]) -> dict[str, Any]:
    content = message["content"]
    if not isinstance(content, list):
        return message
    blocks = []
    for b in content:
        source = b.get("source") if isinstance(b, dict) else None
        if isinstance(source, dict) and source.get("type") == "base64":
            b = {**b, "source": {**source, "data": ""}}
        blocks.append(b)
    return {**message, "content": blocks}


def _bad(message: str) -> APIError:
    return APIError(400, "invalid_request_error", message)


def _check_sampling(body: dict[str, Any], version: str, rules: ModelRules) -> None:
    given = [k for k in ("temperature", "top_p", "top_k") if k in body]
    if not given:
        return
    if version == "2026-10-21":
        raise _bad(f"{given[0]}: not supported with anthropic-version 2026-10-21")
    if rules.sampling == "none":
        # 1.0 (temperature) and >= 0.99 (top_p) pass for backwards compatibility.
        for key in given:
            value = body[key]
            if key == "top_k" or (key == "temperature" and value != 1) or value < 0.99:
                raise _bad(f"`{key}` is deprecated for this model.")
        return
    if "temperature" in body and "top_p" in body:
        raise _bad(
            "`temperature` and `top_p` cannot both be specified for this model. "
            "Please use only one."
        )
    thinking = body.get("thinking") or {}
    if thinking.get("type") == "enabled":
        if body.get("temperature", 1) != 1:
            raise _bad("temperature may only be set to 1 when thinking is enabled")
        if "top_k" in body:
            raise _bad("top_k is not supported when thinking is enabled")


def _check_version(body: dict[str, Any], version: str) -> None:
    """What 2026-10-21 rejects in the messages (sampling: _check_sampling)."""
    if version != "2026-10-21":
        return
    for i, message in enumerate(body["messages"]):
        content = message["content"]
        if not isinstance(content, list):
            continue
        for j, block in enumerate(content):
            where = f"messages.{i}.content.{j}"
            if message["role"] == "assistant" and block.get("type") == "document":
                raise _bad(
                    f"{where}: document blocks are not supported in assistant messages "
                    "with anthropic-version 2026-10-21"
                )
            if message["role"] == "user" and block.get("type") == "text" and block.get("citations"):
                raise _bad(
                    f"{where}.citations: citations on user text blocks are not supported "
                    "with anthropic-version 2026-10-21"
                )


def _check_tool_choice(body: dict[str, Any], rules: ModelRules) -> None:
    kind = (body.get("tool_choice") or {}).get("type")
    if kind in ("any", "tool") and not rules.forced_tools:
        raise _bad(
            f'tool_choice: type "{kind}" (forced tool use) is not supported for this model; '
            'use "auto" or "none"'
        )


def _check_thinking(body: dict[str, Any], rules: ModelRules) -> None:
    thinking = body.get("thinking")
    effort = (body.get("output_config") or {}).get("effort")
    if effort is not None and effort not in rules.effort:
        if not rules.effort:
            raise _bad("output_config.effort: effort is not supported for this model")
        raise _bad(
            f"output_config.effort: {effort!r} is not supported for this model "
            f"(supported: {', '.join(rules.effort)})"
        )
    if not thinking:
        return
    kind = thinking["type"]
    if kind == "enabled" and "enabled" not in rules.thinking:
        raise _bad(
            '"thinking.type.enabled" is not supported for this model. Use '
            '"thinking.type.adaptive" and "output_config.effort" to control thinking behavior.'
        )
    if kind == "adaptive" and "adaptive" not in rules.thinking:
        raise _bad(
            '"thinking.type.adaptive" is not supported for this model. '
            'Use "thinking.type.enabled" with "budget_tokens".'
        )
    if kind == "disabled" and not rules.disabled_ok:
        if "between_tools" in rules.thinking:
            raise _bad(
                '"thinking.type.disabled" is not supported for this model. Use '
                '"thinking.type.between_tools" (effort low, medium or high) for the least thinking.'
            )
        raise _bad('"thinking.type.disabled" is not supported for this model.')
    if kind == "between_tools":
        if "between_tools" not in rules.thinking:
            raise _bad('"thinking.type.between_tools" is not supported for this model.')
        if effort is not None and effort not in rules.between_tools_effort:
            raise _bad(
                '"thinking.type.between_tools" needs output_config.effort '
                f"{', '.join(rules.between_tools_effort)}; got {effort!r}"
            )
    if kind == "enabled" and thinking["budget_tokens"] >= body["max_tokens"]:
        raise _bad("max_tokens must be greater than thinking.budget_tokens")


def _check_format(body: dict[str, Any], rules: ModelRules) -> None:
    """output_config.format: the model must take it, the schema's objects must be closed."""
    fmt = (body.get("output_config") or {}).get("format")
    if not fmt:
        return
    if not rules.structured:
        raise _bad("output_config.format: structured outputs are not supported for this model")
    if body["messages"][-1]["role"] == "assistant" and not continues_tool_turn(
        body["messages"][-1]
    ):
        raise _bad("output_config.format: structured outputs cannot be combined with prefill")

    def walk(node: Any, where: str) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}.{i}")
        if not isinstance(node, dict):
            return
        if node.get("type") == "object" and node.get("additionalProperties") is not False:
            raise _bad(
                f"{where}: For 'object' type, 'additionalProperties' must be explicitly "
                "set to false"
            )
        for key, value in node.items():
            if key not in ("enum", "const", "default", "examples"):
                walk(value, f"{where}.{key}")

    walk(fmt["schema"], "output_config.format.schema")


#: Web tool versions without dynamic filtering: the only ones models before Claude 4.6 take.
BASIC_WEB_TOOLS = {"web_search": "web_search_20250305", "web_fetch": "web_fetch_20250910"}


def _check_web_tools(body: dict[str, Any], rules: ModelRules) -> None:
    """Tool versions the model takes, and web blocks of earlier turns sent back whole (the
    service needs their encrypted content to read them again)."""
    for i, tool in enumerate(body.get("tools") or []):
        kind = str(tool.get("type", ""))
        name = kind.rsplit("_", 1)[0]
        if name in BASIC_WEB_TOOLS and not rules.dynamic_web and kind != BASIC_WEB_TOOLS[name]:
            raise _bad(
                f"tools.{i}.type: '{kind}' is not supported for this model; "
                f"use '{BASIC_WEB_TOOLS[name]}'"
            )
    for i, message in enumerate(body["messages"]):
        content = message["content"]
        if message["role"] != "assistant" or not isinstance(content, list):
            continue
        for j, block in enumerate(content):
            where = f"messages.{i}.content.{j}"
            if block.get("type") == "web_search_tool_result" and isinstance(
                block.get("content"), list
            ):
                for result in block["content"]:
                    if not result.get("encrypted_content"):
                        raise _bad(f"{where}: web_search_result.encrypted_content is required")
            for cite in block.get("citations") or []:
                if cite.get("type") == "web_search_result_location" and not cite.get(
                    "encrypted_index"
                ):
                    raise _bad(f"{where}: citations: encrypted_index is required")


def continues_tool_turn(message: dict[str, Any]) -> bool:
    """A final assistant turn holding server tool blocks: a pause_turn sent back, not prefill."""
    content = message["content"]
    return isinstance(content, list) and any(b.get("type") == "server_tool_use" for b in content)


WEB_ANSWER = "The answer is 42."


def web_blocks(api: FakeAPI, body: dict[str, Any], plan: Reply) -> list[dict[str, Any]]:
    """A deterministic web search turn: server_tool_use → web_search_tool_result → cited text.
    With a scripted stop_reason "pause_turn" the first request stops after the search; the
    continuation (the turn sent back) then brings the text."""
    search = next(t for t in body["tools"] if t.get("name") == "web_search")
    domains = search.get("allowed_domains") or ["example.com"]
    url, title = f"https://{domains[0]}/answer", f"The answer at {domains[0]}"
    last = body["messages"][-1]
    if last["role"] == "assistant" and continues_tool_turn(last):
        plan.stop_reason = "end_turn"
        return [
            {
                "type": "text",
                "text": WEB_ANSWER,
                "citations": [
                    {
                        "type": "web_search_result_location",
                        "url": url,
                        "title": title,
                        "encrypted_index": "ZW5j",
                        "cited_text": "the answer is 42",
                    }
                ],
            }
        ]
    tool_id = f"srvtoolu_{api.next_id()}"
    found = [
        {
            "type": "server_tool_use",
            "id": tool_id,
            "name": "web_search",
            "input": {"query": _text_of(_last_user(body)["content"])},
        },
        {
            "type": "web_search_tool_result",
            "tool_use_id": tool_id,
            "content": [
                {
                    "type": "web_search_result",
                    "url": url,
                    "title": title,
                    "encrypted_content": "ZW5jcnlwdGVk",
                    "page_age": "1 day",
                }
            ],
        },
    ]
    if plan.stop_reason == "pause_turn":
        return found
    fetch_id = f"srvtoolu_{api.next_id()}"
    return [
        *found,
        {"type": "server_tool_use", "id": fetch_id, "name": "web_fetch", "input": {"url": url}},
        {
            "type": "web_fetch_tool_result",
            "tool_use_id": fetch_id,
            "content": {
                "type": "web_fetch_result",
                "url": url,
                "content": {
                    "type": "document",
                    "source": {"type": "text", "media_type": "text/plain", "data": "42"},
                    "title": title,
                },
            },
        },
        {"type": "text", "text": "According to the web, "},
        *web_blocks(
            api,
            {**body, "messages": [*body["messages"], {"role": "assistant", "content": found}]},
            plan,
        ),
    ]


COUNT_TOKENS_KEYS = (
    "model",
    "messages",
    "system",
    "tools",
    "tool_choice",
    "thinking",
    "output_config",
    "cache_control",
    "context_management",
    "mcp_servers",
)
PAGE_RE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def _check_documents(messages: list[dict[str, Any]], rules: ModelRules) -> None:
    """document blocks: PDFs (base64 or url) where the model reads them, text, limits."""
    for i, message in enumerate(messages):
        if not isinstance(message["content"], list):
            continue
        for j, block in enumerate(message["content"]):
            if block.get("type") != "document":
                continue
            where = f"messages.{i}.content.{j}"
            source = block["source"]
            kind = source.get("type")
            if kind in ("base64", "url") and not rules.pdfs:
                raise _bad(f"{where}: PDF input is not supported for this model")
            if kind == "base64":
                if source.get("media_type") != "application/pdf":
                    raise _bad(f"{where}.source.media_type: must be application/pdf")
                try:
                    data = base64.b64decode(source["data"], validate=True)
                except (binascii.Error, ValueError):
                    raise _bad(f"{where}.source.data: invalid base64") from None
                if not data.startswith(b"%PDF-"):
                    raise _bad(f"{where}: The PDF specified was not valid.")
                if len(PAGE_RE.findall(data)) > 100:
                    raise _bad(f"{where}: A maximum of 100 PDF pages may be provided.")
            elif kind == "text" and source.get("media_type") != "text/plain":
                raise _bad(f"{where}.source.media_type: must be text/plain")


def documents_seen(content: Any) -> str:
    if isinstance(content, str):
        return ""
    seen = []
    for block in content:
        if block.get("type") != "document":
            continue
        source, title = block["source"], block.get("title") or "untitled"
        if source["type"] == "base64":
            pages = len(PAGE_RE.findall(base64.b64decode(source["data"])))
            seen.append(f" [saw pdf {title}, {pages} pages]")
        elif source["type"] == "url":
            seen.append(f" [saw pdf url {source['url']}]")
        else:
            seen.append(f" [saw text {title}: {source['data']!r}]")
    return "".join(seen)


def instance_of(schema: Any) -> Any:
    """A small value valid for `schema` (the subset structured outputs take)."""
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return instance_of(schema[key][0])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = kind[0]
    if kind == "object":
        props = schema.get("properties") or {}
        return {k: instance_of(props.get(k, {})) for k in schema.get("required", list(props))}
    if kind == "array":
        count = max(1, schema.get("minItems", 1))
        if schema.get("maxItems") is not None:
            count = min(count, schema["maxItems"])
        return [instance_of(schema.get("items", {})) for _ in range(count)]
    if kind == "string":
        return "example"[: schema.get("maxLength", 7)].ljust(schema.get("minLength", 0), "x")
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1.5))
    if kind == "boolean":
        return True
    return None


def _check_roles(messages: list[dict[str, Any]], rules: ModelRules) -> None:
    """Mid-conversation system messages: supported models and placement."""
    for i, message in enumerate(messages):
        if message["role"] != "system":
            continue
        if not rules.system_messages:
            raise _bad("role 'system' is not supported on this model")
        after_user = i > 0 and messages[i - 1]["role"] == "user"
        then = messages[i + 1]["role"] if i + 1 < len(messages) else None
        if not after_user or then not in (None, "assistant"):
            raise _bad(
                f"messages.{i}: a system message must follow a user turn and be the last "
                "message or be followed by an assistant turn"
            )


def thinking_on(body: dict[str, Any], rules: ModelRules, by_default: bool) -> bool:
    thinking = body.get("thinking")
    if thinking is None:
        return by_default and rules.thinks_by_default
    return thinking["type"] != "disabled"


def _uncached(node: Any) -> Any:
    """Cache markers are left out of the prefix comparison."""
    if isinstance(node, dict):
        return {k: _uncached(v) for k, v in node.items() if k != "cache_control"}
    if isinstance(node, list):
        return [_uncached(v) for v in node]
    return node


def signature_for(
    model: str,
    body: dict[str, Any],
    before: list[dict[str, Any]],
    blocks_before: list[dict[str, Any]],
    block: dict[str, Any],
) -> str:
    """A hash of what came before a thinking block, and of the block's own text."""
    prefix = {
        "system": body.get("system"),
        "tools": body.get("tools"),
        "messages": before,
        "blocks": [b for b in blocks_before],
        "thinking": block.get("thinking", ""),  # a redacted block's data is its signature
    }
    raw = json.dumps(_uncached(prefix), sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def make_signature(model: str, digest: str) -> str:
    return base64.b64encode(f"fake1:{model}:{digest}".encode()).decode()


def _read_signature(signature: str) -> tuple[str, str] | None:
    try:
        text = base64.b64decode(signature, validate=True).decode()
    except (binascii.Error, ValueError):
        return None
    parts = text.split(":")
    if len(parts) != 3 or parts[0] != "fake1":
        return None
    return parts[1], parts[2]


def _check_image(source: dict[str, Any], index: int, limit: int) -> None:
    if source["type"] != "base64":
        return
    data = source["data"]
    if len(data) > 5 * 1024 * 1024:
        raise APIError(
            400,
            "invalid_request_error",
            f"messages: image exceeds 5 MB maximum: {len(data)} bytes > 5242880 bytes",
        )
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise APIError(400, "invalid_request_error", f"image {index}: invalid base64") from None
    media = source["media_type"]
    if not raw.startswith(MAGIC[media]) or (media == "image/webp" and raw[8:12] != b"WEBP"):
        raise APIError(
            400,
            "invalid_request_error",
            f"image {index}: the image does not match media type {media}",
        )
    try:
        from PIL import Image

        with Image.open(io.BytesIO(raw)) as im:
            w, h = im.size
    except Exception:
        raise APIError(
            400, "invalid_request_error", f"image {index}: could not process image"
        ) from None
    if w > limit or h > limit:
        raise APIError(
            400,
            "invalid_request_error",
            f"image {index}: dimensions exceed max allowed size: {limit} pixels",
        )


class _Handler(BaseHTTPRequestHandler):
    api: FakeAPI
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    # -- plumbing -------------------------------------------------------------

    def _record(self, body: Any, raw: bytes) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.api.requests.append(
            Recorded(self.command, urlparse(self.path).path, headers, body, raw, time.monotonic())
        )

    def _json(
        self,
        status: int,
        payload: Any,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> None:
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", f"req_{self.api.next_id()}")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _error(
        self,
        status: int,
        error_type: str,
        message: str,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> None:
        rid = f"req_err_{self.api.next_id()}"
        self._json(
            status,
            {"type": "error", "error": {"type": error_type, "message": message}, "request_id": rid},
            {"request-id": rid, **(headers or {})},
            raw,
        )

    def _read_body(self) -> bytes:
        """The request body: by content-length, or chunked (a streamed batch)."""
        if "chunked" not in (self.headers.get("transfer-encoding") or "").lower():
            return self.rfile.read(int(self.headers.get("content-length") or 0))
        parts = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    # -- routes ----------------------------------------------------------------

    def do_GET(self) -> None:
        url = urlparse(self.path)
        self._record(None, b"")
        if url.path.startswith(fake_batches.PREFIX):
            return fake_batches.handle_get(self, url.path, parse_qs(url.query))
        if not url.path.startswith("/v1/models") or not self.api.models_route:
            return self._error(404, "not_found_error", f"no route {url.path}")
        headers = {k.lower(): v for k, v in self.headers.items()}
        if (
            headers.get("x-api-key") != API_KEY
            and headers.get("authorization") != f"Bearer {API_KEY}"
        ):
            return self._error(401, "authentication_error", "invalid x-api-key")
        if url.path.startswith("/v1/models/"):
            wanted = url.path[len("/v1/models/") :]
            found = next((m for m in self.api.models if m["id"] == wanted), None)
            if found is None and wanted in self.api.rules:  # a dated id
                found = {**model_object(self.api.rules[wanted]), "id": wanted}
            if found is None:
                return self._error(404, "not_found_error", f"model: {wanted}")
            return self._json(200, found)
        if url.path != "/v1/models":
            return self._error(404, "not_found_error", f"no route {url.path}")
        q = parse_qs(url.query)
        limit = int(q.get("limit", ["20"])[0])
        ids = [m["id"] for m in self.api.models]
        start = ids.index(q["after_id"][0]) + 1 if "after_id" in q else 0
        page = self.api.models[start : start + limit]
        self._json(
            200,
            {
                "data": page,
                "has_more": start + limit < len(ids),
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None,
            },
        )

    def do_POST(self) -> None:
        url = urlparse(self.path)
        raw = self._read_body()
        self.api.last_raw_size = len(raw)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        self._record(body, raw)
        if url.path == "/v1/messages/count_tokens":
            return self._count_tokens(body)
        if url.path.startswith(fake_batches.PREFIX):
            headers = {k.lower(): v for k, v in self.headers.items()}
            return fake_batches.handle_post(self, url.path, body, headers)
        if url.path != "/v1/messages":
            return self._error(404, "not_found_error", f"no route {url.path}")
        if len(raw) > 32 * 1024 * 1024:
            return self._error(413, "request_too_large", "Request exceeds the maximum size")
        plan = self.api.script.popleft() if self.api.script else Reply()
        if isinstance(plan, Fault):
            return self._error(plan.status, plan.error_type, plan.message, plan.headers, plan.body)
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            if body is None:
                raise APIError(400, "invalid_request_error", "body is not JSON")
            self.api.check(headers, body)
            self.api.check_window(body)
        except APIError as e:
            if e.status == 400:
                self.api.invalid.append(e.message)
            return self._error(e.status, e.error_type, e.message)
        paced = self.api.pace(body) if self.api.pace else 0.0
        time.sleep(plan.latency or paced or self.api.latency)
        if plan.pieces is not None:
            plan.text = "".join(plan.pieces)
        fmt = (body.get("output_config") or {}).get("format")
        web = any(t.get("name") == "web_search" for t in body.get("tools") or [])
        if web and not plan.text and plan.raw_sse is None and plan.blocks is None:
            plan.blocks = web_blocks(self.api, body, plan)
        if not plan.text and plan.raw_sse is None and fmt:
            plan.text = json.dumps(instance_of(fmt["schema"]))  # what structured outputs give
        if not plan.text and plan.raw_sse is None and plan.blocks is None:
            content = _last_user(body)["content"]
            plan.text = (
                "You said: " + _text_of(content) + _images_seen(content) + documents_seen(content)
            )
        message, pieces = _generate(self.api, body, plan)
        if body.get("stream"):
            self._stream(message, pieces, plan)
        else:
            self._json(200, message)

    def _stream(self, message: dict[str, Any], pieces: list[str], plan: Reply) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("request-id", f"req_{self.api.next_id()}")
        self.end_headers()
        nl = "\r\n" if plan.crlf else "\n"

        def send(event: str, data: Any) -> None:
            text = json.dumps(data, indent=1) if plan.multiline_data else json.dumps(data)
            lines = "".join(f"data: {line}{nl}" for line in text.split("\n"))
            self._chunk(f"event: {event}{nl}{lines}{nl}".encode())

        if plan.raw_sse is not None:
            self._chunk(plan.raw_sse)
            self._chunk(b"")
            return
        start = {
            **message,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {**message["usage"], "output_tokens": 1},
        }
        send("message_start", {"type": "message_start", "message": start})
        if plan.extra_events:
            self._chunk(f": keep-alive comment{nl}{nl}".encode())
            send("ping", {"type": "ping"})
        index = 0
        thought = message["content"][0] if message["content"][0]["type"] == "thinking" else None
        if thought is not None:
            send(
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {"type": "thinking", "thinking": "", "signature": ""},
                },
            )
            for piece in tokens(thought["thinking"]):
                send(
                    "content_block_delta",
                    {
                        "type": "content_block_delta",
                        "index": 0,
                        "delta": {"type": "thinking_delta", "thinking": piece},
                    },
                )
            send(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "signature_delta", "signature": thought["signature"]},
                },
            )
            send("content_block_stop", {"type": "content_block_stop", "index": 0})
            index = 1
        for block in message["content"][index:]:
            if block["type"] != "redacted_thinking":
                break
            start = {"type": "content_block_start", "index": index, "content_block": block}
            send("content_block_start", start)
            send("content_block_stop", {"type": "content_block_stop", "index": index})
            index += 1
        if plan.blocks is not None:
            self._stream_blocks(send, message["content"][index:], index)
            send(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                    "usage": _delta_usage(message["usage"]),
                },
            )
            send("message_stop", {"type": "message_stop"})
            self._chunk(b"")
            return
        send(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": index,
                "content_block": {"type": "text", "text": ""},
            },
        )
        if plan.extra_events:
            send("brand_new_event", {"type": "brand_new_event", "surprise": True})
        pace = _Pace(plan.words_per_second)
        for n, piece in enumerate(pieces):
            pace.wait(piece)
            if plan.error_after is not None and n == plan.error_after:
                send(
                    "error",
                    {"type": "error", "error": {"type": plan.error_type, "message": "Overloaded"}},
                )
                self._chunk(b"")
                return
            if plan.drop_after is not None and n == plan.drop_after:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            send(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": index,
                    "delta": {"type": "text_delta", "text": piece},
                },
            )
            if plan.extra_events and n == 2:
                send("ping", {"type": "ping"})
            if plan.delay:
                time.sleep(plan.delay)
        send("content_block_stop", {"type": "content_block_stop", "index": index})
        send(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {
                    "stop_reason": message["stop_reason"],
                    "stop_sequence": message["stop_sequence"],
                    **({"stop_details": plan.stop_details} if plan.stop_details else {}),
                },
                "usage": _delta_usage(message["usage"]),
            },
        )
        send("message_stop", {"type": "message_stop"})
        self._chunk(b"")

    def _count_tokens(self, body: Any) -> None:
        """count_tokens: the Messages body without what does not change the input."""
        headers = {k.lower(): v for k, v in self.headers.items()}
        if not isinstance(body, dict):
            return self._error(400, "invalid_request_error", "body is not JSON")
        extra = set(body) - set(COUNT_TOKENS_KEYS)
        if extra:
            return self._error(
                400, "invalid_request_error", f"{sorted(extra)[0]}: Extra inputs are not permitted"
            )
        try:
            # The same rules as a Messages request (max_tokens is only there to satisfy the schema).
            self.api.check(headers, {**body, "max_tokens": 1})
        except APIError as e:
            if e.status == 400:
                self.api.invalid.append(e.message)
            return self._error(e.status, e.error_type, e.message)
        count = self.api.input_size(body)
        self.api.counted.append(count)
        self._json(200, {"input_tokens": count})

    def _stream_blocks(self, send: Callable[[str, Any], None], blocks: list, first: int) -> None:
        """Any blocks, as the service streams them: text by deltas (citations after it),
        tool input as JSON deltas, results whole."""
        for index, block in enumerate(blocks, first):
            kind = block["type"]
            if kind == "text":
                start: dict[str, Any] = {"type": "text", "text": ""}
                if block.get("citations"):
                    start["citations"] = None
            elif kind == "server_tool_use":
                start = {**block, "input": {}}
            else:
                start = block
            send(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": start},
            )

            def delta(d: dict[str, Any], index: int = index) -> None:
                send(
                    "content_block_delta",
                    {"type": "content_block_delta", "index": index, "delta": d},
                )

            if kind == "text":
                for piece in tokens(block["text"]):
                    delta({"type": "text_delta", "text": piece})
                for cite in block.get("citations") or []:
                    delta({"type": "citations_delta", "citation": cite})
            elif kind == "server_tool_use":
                delta({"type": "input_json_delta", "partial_json": json.dumps(block["input"])})
            send("content_block_stop", {"type": "content_block_stop", "index": index})

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def image_info(source: dict[str, Any]) -> tuple[str, int, int] | None:
    """(media type, width, height) of a base64 image source; None for a URL source."""
    if source.get("type") != "base64":
        return None
    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(source["data"]))) as im:
        return source["media_type"], im.size[0], im.size[1]


def _images_seen(content: Any) -> str:
    if isinstance(content, str):
        return ""
    seen = []
    for block in content:
        if block.get("type") != "image":
            continue
        info = image_info(block["source"])
        seen.append(
            f" [saw url {block['source'].get('url')}]"
            if info is None
            else f" [saw {info[0]} {info[1]}x{info[2]}]"
        )
    return "".join(seen)


class _Pace:
    """Sends text at a steady words/s rate on an absolute schedule (no drift).

    A word starts at each non-space character that follows whitespace; word k
    is not sent before k / rate seconds after the first one.
    """

    _STARTS = re.compile(r"(?<=\s)\S")

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self.words = 0
        self.start = 0.0
        self.after_space = True

    def wait(self, piece: str) -> None:
        if not self.rate or not piece:
            return
        if not self.start:
            self.start = time.monotonic()
        due = self.start + self.words / self.rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        lead = 1 if self.after_space and not piece[0].isspace() else 0
        self.words += lead + len(self._STARTS.findall(piece))
        self.after_space = piece[-1].isspace()


def _delta_usage(usage: dict[str, Any]) -> dict[str, Any]:
    """message_delta's usage: the counts known only at the end (cumulative)."""
    keys = ("output_tokens", "output_tokens_details", "server_tool_use")
    return {k: usage[k] for k in keys if k in usage}


def _last_user(body: dict[str, Any]) -> dict[str, Any]:
    return next(m for m in reversed(body["messages"]) if m["role"] == "user")


def _generate(api: FakeAPI, body: dict[str, Any], plan: Reply) -> tuple[dict[str, Any], list[str]]:
    """The reply the model 'writes': max_tokens and stop sequences honoured."""
    toks = list(plan.pieces) if plan.pieces is not None else tokens(plan.text)
    stop_reason, stop_sequence = plan.stop_reason, None
    text = "".join(toks)
    for seq in body.get("stop_sequences") or []:
        at = text.find(seq)
        if at != -1:
            text, stop_reason, stop_sequence = text[:at], "stop_sequence", seq
            toks = tokens(text)
            break
    if len(toks) > body["max_tokens"]:
        toks, stop_reason, stop_sequence = toks[: body["max_tokens"]], "max_tokens", None
    text = "".join(toks)
    pieces = [
        "".join(toks[i : i + plan.chunk_tokens]) for i in range(0, len(toks), plan.chunk_tokens)
    ]
    content: list[dict[str, Any]] = []
    thought = 0  # thinking tokens, billed as output (summarised or not, the model thought)
    rules = api.rules[body["model"]]
    # A scripted thought stands for a model thinking by default when `thinking` is omitted.
    asked = thinking_on(body, rules, api.think_by_default or plan.thinking is not None)
    if asked:
        display = (body.get("thinking") or {}).get("display")
        shown = display == "summarized" or (rules.summarized_by_default and display != "omitted")
        said = (plan.thinking or DEFAULT_THINKING) if shown else ""
        thought = len(tokens(plan.thinking or DEFAULT_THINKING))
        block = {"type": "thinking", "thinking": said}
        digest = signature_for(body["model"], body, body["messages"], [], block)
        content.append({**block, "signature": make_signature(body["model"], digest)})
        if plan.redacted:
            digest = signature_for(body["model"], body, body["messages"], content, {})
            content.append(
                {"type": "redacted_thinking", "data": make_signature(body["model"], digest)}
            )
    usage = plan.usage or api.usage_for(body, len(toks), thought)
    if plan.blocks is not None:
        content.extend(plan.blocks)
        said = "".join(b.get("text", "") for b in plan.blocks if b["type"] == "text")
        pieces = []
        if plan.usage is None:
            usage = api.usage_for(body, len(tokens(said)), thought)
            uses = collections.Counter(
                b["name"] for b in plan.blocks if b["type"] == "server_tool_use"
            )
            usage["server_tool_use"] = {
                "web_search_requests": uses["web_search"],
                "web_fetch_requests": uses["web_fetch"],
            }
    else:
        content.append({"type": "text", "text": text})
    message = {
        "id": f"msg_{api.next_id()}",
        "type": "message",
        "role": "assistant",
        "model": body["model"],
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": stop_sequence,
        "usage": usage,
    }
    if plan.stop_details:
        message["stop_details"] = plan.stop_details
    return message, pieces
