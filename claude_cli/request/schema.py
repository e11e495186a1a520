"""`--schema`: what the user wrote → a JSON Schema for `output_config.format`, and the
reply checked against it.

SCHEMA is inline JSON (`'{"type": "object", ...}'`), `@file.json`, or a concise form
for the common case: `'name, age int, tags list[str], bio: one sentence'`. Fields
default to strings; `int`, `float`, `bool`, `list[T]` (T may be a list too); a
description after `:`. Every field is required and no others are allowed (structured outputs want
`additionalProperties: false` on objects).

Pure but for reading `@file`; jsonschema is imported only when a reply is checked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from claude_cli.errors import CliError, ExitCode, UsageError

MAX_SCHEMA_BYTES = 1_000_000
TYPES = {
    "str": "string",
    "string": "string",
    "int": "integer",
    "integer": "integer",
    "float": "number",
    "number": "number",
    "bool": "boolean",
    "boolean": "boolean",
}
_FIELD = re.compile(r"^(?P<name>[A-Za-z_][\w-]*)(?:\s+(?P<type>[^:]+?))?\s*(?::(?P<desc>.*))?$")
# The inner type may be a list itself: `list[list[int]]`.
_LIST = re.compile(r"^(?:list|array)\s*\[\s*(?P<inner>.+?)\s*\]$")
#: `--schema-multi` wraps the schema in an object with this one list field.
MULTI_KEY = "items"


class SchemaMismatch(CliError):
    """The reply is not JSON matching the schema (cut off, refused, or simply wrong)."""

    exit_code = ExitCode.API_ERROR


def parse(text: str) -> dict[str, Any]:
    """The JSON Schema SCHEMA stands for; a UsageError naming --schema otherwise."""
    source = "--schema"
    if text.startswith("@"):
        path = Path(text[1:]).expanduser()
        source = f"--schema file {text[1:]}"
        try:
            if path.stat().st_size > MAX_SCHEMA_BYTES:
                raise UsageError(f"{source} is larger than {MAX_SCHEMA_BYTES:,} bytes")
            text = path.read_text(encoding="utf-8")
        except UsageError:
            raise
        except (OSError, UnicodeDecodeError) as e:
            raise UsageError(f"{source}: cannot read it ({type(e).__name__})") from None
    stripped = text.strip()
    if not stripped:
        raise UsageError(f"{source} is empty")
    if stripped.startswith("{"):
        try:
            schema = json.loads(stripped)
        except ValueError as e:
            raise UsageError(f"{source} is not valid JSON: {e}") from None
        if not isinstance(schema, dict):
            raise UsageError(f"{source} must be a JSON object (a JSON Schema)")
        return schema
    return concise(stripped, source)


def _split(text: str) -> list[str]:
    """Split on commas outside brackets."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts]


def _type(word: str, source: str, name: str) -> dict[str, Any]:
    word = word.strip().lower()
    found = _LIST.match(word)
    if found:
        return {"type": "array", "items": _type(found["inner"], source, name)}
    if word in TYPES:
        return {"type": TYPES[word]}
    raise UsageError(
        f"{source}: field {name!r} has unknown type {word!r} "
        "(use str, int, float, bool, or list[T] of any of these: list[int], list[list[str]])"
    )


def concise(text: str, source: str = "--schema") -> dict[str, Any]:
    """'name, age int, tags list[str], bio: one sentence' → an object schema."""
    properties: dict[str, Any] = {}
    for part in _split(text):
        if not part:
            raise UsageError(f"{source}: an empty field (two commas in a row?)")
        found = _FIELD.match(part)
        if not found:
            raise UsageError(
                f"{source}: cannot read field {part!r} (write NAME [TYPE][: description])"
            )
        name = found["name"]
        if name in properties:
            raise UsageError(f"{source}: field {name!r} is given twice")
        prop = _type(found["type"] or "str", source, name)
        desc = (found["desc"] or "").strip()
        if desc:
            prop["description"] = desc
        properties[name] = prop
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def many(schema: dict[str, Any]) -> dict[str, Any]:
    """`--schema-multi`: a list of such objects (the format's root must be an object)."""
    return {
        "type": "object",
        "properties": {MULTI_KEY: {"type": "array", "items": schema}},
        "required": [MULTI_KEY],
        "additionalProperties": False,
    }


def check(
    message: dict[str, Any], text: str, schema: dict[str, Any], *, multi: bool = False
) -> Any:
    """The reply's data, parsed and validated; SchemaMismatch saying why not."""
    stop = message.get("stop_reason")
    why = {
        "max_tokens": "it was cut off by --max-tokens (raise it)",
        "refusal": "the model declined to answer (refusal)",
        "model_context_window_exceeded": "it filled the context window",
    }.get(str(stop))
    try:
        data = json.loads(text)
    except ValueError as e:
        raise SchemaMismatch(
            f"the reply is not the JSON asked for: {why or f'invalid JSON ({e})'}"
        ) from None
    import jsonschema

    try:
        validator_class = jsonschema.validators.validator_for(
            schema, default=jsonschema.Draft202012Validator
        )
        errors = sorted(validator_class(schema).iter_errors(data), key=lambda e: list(e.path))
    except jsonschema.exceptions.SchemaError as e:
        raise UsageError(f"--schema is not a valid JSON Schema: {e.message}") from None
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "the top level"
        raise SchemaMismatch(
            f"the reply does not match the schema at {where}: {first.message[:200]}"
            + (f" ({why})" if why else "")
        )
    if why:  # valid JSON that still stopped early is not the answer
        raise SchemaMismatch(f"the reply is not the JSON asked for: {why}")
    return data[MULTI_KEY] if multi else data


def check_schema(schema: dict[str, Any]) -> None:
    """A malformed JSON Schema is the user's mistake: say so before anything is sent."""
    import jsonschema

    validator_class = jsonschema.validators.validator_for(
        schema, default=jsonschema.Draft202012Validator
    )
    try:
        validator_class.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        raise UsageError(f"--schema is not a valid JSON Schema: {e.message[:200]}") from None


def closed(schema: Any) -> Any:
    """The schema with `additionalProperties: false` on every object that does not say:
    structured outputs refuse open objects, and an extra key is never what was asked."""
    if isinstance(schema, list):
        return [closed(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {
        k: closed(v) if k not in ("enum", "const", "default", "examples") else v
        for k, v in schema.items()
    }
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: closed(v) for k, v in schema["properties"].items()}
    is_object = out.get("type") == "object" or (
        isinstance(out.get("type"), list) and "object" in out["type"]
    )
    if is_object and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def load(text: str, *, multi: bool = False) -> dict[str, Any]:
    """--schema (and --schema-multi) → the schema to send, checked."""
    schema = parse(text)
    check_schema(schema)
    schema = closed(schema)
    return many(schema) if multi else schema


__all__ = [
    "MULTI_KEY",
    "SchemaMismatch",
    "check",
    "check_schema",
    "concise",
    "load",
    "many",
    "parse",
]
