"""Vendor CreateMessageParams (and every schema it references) from the official
OpenAPI document into tests/schema/, so the tests stand on their own.

    python tools/vendor_schema.py ../shared/reference/anthropic-openapi.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = "CreateMessageParams"
OUT = Path(__file__).resolve().parent.parent / "tests" / "schema" / "create_message_params.json"


def _strip(node, *, names: bool = False):
    """Drop prose and examples: they are most of the bytes and validate nothing.
    `names`: node is a `properties` map, whose keys are field names (a document block's
    `title` field is not the `title` annotation)."""
    if isinstance(node, dict):
        if names:
            return {k: _strip(v) for k, v in node.items()}
        return {
            k: _strip(v, names=k == "properties")
            for k, v in node.items()
            if k not in ("description", "example", "examples", "title", "x-stainless-renameMap")
        }
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _december_2026(schemas: dict) -> None:
    """What the service takes now that the May 2026 document lacks (../shared/api-notes.md):
    mid-conversation `role: "system"` messages (Opus 4.8 on, every 5.x model) and
    `thinking.type: "between_tools"` (Sonnet 5.5)."""
    role = schemas["InputMessage"]["properties"]["role"]
    if "system" not in role["enum"]:
        role["enum"] = [*role["enum"], "system"]
    schemas["ThinkingConfigBetweenTools"] = {
        "additionalProperties": False,
        "properties": {
            "display": {
                "anyOf": [{"$ref": "#/components/schemas/ThinkingDisplayMode"}, {"type": "null"}]
            },
            "type": {"const": "between_tools", "type": "string"},
        },
        "required": ["type"],
        "type": "object",
    }
    # Server tool versions of March 2026 (the notes' current ones), shaped like their
    # predecessors.
    tools = schemas["CreateMessageParams"]["properties"]["tools"]["items"]["oneOf"]
    for new, like, const in (
        ("WebSearchTool_20260318", "WebSearchTool_20260209", "web_search_20260318"),
        ("WebFetchTool_20260318", "WebFetchTool_20260309", "web_fetch_20260318"),
    ):
        shape = json.loads(json.dumps(schemas[like]))
        shape["properties"]["type"]["const"] = const
        schemas[new] = shape
        ref = {"$ref": f"#/components/schemas/{new}"}
        if ref not in tools:
            tools.append(ref)
    param = schemas["ThinkingConfigParam"]
    ref = {"$ref": "#/components/schemas/ThinkingConfigBetweenTools"}
    if ref not in param["oneOf"]:
        param["oneOf"].append(ref)
        param["discriminator"]["mapping"]["between_tools"] = ref["$ref"]


def main(source: str) -> None:
    spec = json.loads(Path(source).read_text())
    schemas = spec["components"]["schemas"]
    needed: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name not in needed:
                    needed.add(name)
                    walk(schemas[name])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    needed.add(ROOT)
    walk(schemas[ROOT])
    needed.add("ThinkingDisplayMode")
    _december_2026(schemas)
    needed.add("ThinkingConfigBetweenTools")
    needed.update({"WebSearchTool_20260318", "WebFetchTool_20260318"})
    doc = {
        "$comment": f"Vendored from anthropic-openapi.json ({spec.get('info', {}).get('version')}) "
        "by tools/vendor_schema.py; descriptions stripped; December 2026 additions by hand "
        "(_december_2026).",
        "$ref": f"#/components/schemas/{ROOT}",
        "components": {"schemas": {n: _strip(schemas[n]) for n in sorted(needed)}},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT} ({len(needed)} schemas)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/anthropic-openapi.json")
