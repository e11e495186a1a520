"""`--schema`: structured output end to end (ask and describe-image) against the fake server.

Each test checks what the server received (output_config.format) and what the user saw.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image

from terminal import read_all, spawn

PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "bio": {"type": "string", "description": "one sentence"},
    },
    "required": ["name", "age", "tags", "bio"],
    "additionalProperties": False,
}


def sent_format(api) -> dict:
    return api.last_body["output_config"]["format"]


def png(path: Path) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 90, 200)).save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return str(path)


def test_concise_schema_is_sent_as_json_schema_and_the_reply_printed_compact(run, api) -> None:
    api.reply('{"name": "Ada", "age": 36, "tags": ["maths"], "bio": "Wrote the first program."}')
    r = run("ask", "--schema", "name, age int, tags list[str], bio: one sentence", "Ada Lovelace")
    assert r.code == 0, r.err
    assert sent_format(api) == {"type": "json_schema", "schema": PERSON}
    # A pipe gets compact JSON, one line, nothing else.
    assert r.out == '{"name":"Ada","age":36,"tags":["maths"],"bio":"Wrote the first program."}\n'
    assert api.invalid == []


def test_inline_and_file_schemas_get_closed_objects(run, api, tmp_path) -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    r = run("ask", "--schema", json.dumps(schema), "Capital of Peru?")
    assert r.code == 0, r.err
    sent = sent_format(api)["schema"]
    assert sent == {**schema, "additionalProperties": False}  # the service refuses open objects
    assert json.loads(r.out) == {"city": "example"}  # the fake's instance of the schema

    (tmp_path / "s.json").write_text(json.dumps({**schema, "additionalProperties": False}))
    r = run("ask", "--schema", f"@{tmp_path / 's.json'}", "Capital of Chile?")
    assert r.code == 0, r.err
    assert sent_format(api)["schema"]["properties"] == {"city": {"type": "string"}}
    assert api.invalid == []


def test_schema_multi_asks_for_a_list_and_prints_it(run, api) -> None:
    api.reply('{"items": [{"name": "Ann", "age": 3}, {"name": "Bo", "age": 5}]}')
    r = run("ask", "--schema", "name, age int", "--schema-multi", "Ann is 3, Bo is 5")
    assert r.code == 0, r.err
    sent = sent_format(api)["schema"]
    assert sent["required"] == ["items"] and sent["properties"]["items"]["type"] == "array"
    assert sent["properties"]["items"]["items"]["required"] == ["name", "age"]
    assert json.loads(r.out) == [{"name": "Ann", "age": 3}, {"name": "Bo", "age": 5}]


def test_a_reply_that_does_not_match_is_an_error_with_its_raw_text(run, api) -> None:
    api.reply('{"name": 7}')
    r = run("ask", "--schema", "name, age int", "q")
    assert r.code == 1
    assert r.out == ""
    assert "does not match the schema" in r.err
    assert '{"name": 7}' in r.err  # the raw reply, so nothing paid for is hidden


def test_a_reply_cut_off_by_max_tokens_is_an_error(run, api) -> None:
    api.reply('{"name": "a very long name that goes on and on"}')
    r = run("ask", "--schema", "name", "--max-tokens", "8", "q")
    assert r.code == 1
    assert r.out == ""
    assert "cut off by --max-tokens" in r.err
    assert '{"name": "a very' in r.err


def test_a_refusal_exits_7_with_its_text_on_stderr(run, api) -> None:
    api.reply(
        "I can't help with that.",
        stop_reason="refusal",
        stop_details={"type": "refusal", "category": "cyber", "explanation": None},
    )
    r = run("ask", "--schema", "name", "q")
    assert r.code == 7
    assert r.out == ""
    assert "I can't help with that." in r.err and "refusal" in r.err


def test_a_model_without_structured_outputs_is_refused_before_sending(run, api) -> None:
    api.without("claude-haiku-4-5", structured=False)
    r = run("ask", "-m", "claude-haiku-4-5", "--schema", "name", "q")
    assert r.code == 2
    assert "--schema: claude-haiku-4-5 does not support structured outputs" in r.err
    assert api.messages_requests == []
    assert [q.path for q in api.models_requests] == ["/v1/models/claude-haiku-4-5"]


def test_schema_with_prefill_is_a_usage_error(run, api) -> None:
    r = run("ask", "--schema", "name", "--prefill", "{", "q")
    assert r.code == 2
    assert "--schema and --prefill do not go together" in r.err
    assert api.requests == []


def test_bad_schemas_are_named_and_nothing_is_sent(run, api, tmp_path) -> None:
    cases = [
        ("name, age years", "field 'age' has unknown type 'years'"),
        ('{"type": "object",', "--schema is not valid JSON"),
        ('{"type": "bogus"}', "--schema is not a valid JSON Schema"),
        ("name,,age", "an empty field"),
        ("name, name", "field 'name' is given twice"),
        (f"@{tmp_path / 'missing.json'}", "cannot read it"),
    ]
    for schema, said in cases:
        r = run("ask", "--schema", schema, "q")
        assert r.code == 2, (schema, r.err)
        assert said in r.err, (schema, r.err)
        assert "Traceback" not in r.err
    assert run("ask", "--schema-multi", "q").code == 2
    assert api.requests == []


def test_json_keeps_the_whole_message_and_still_checks(run, api) -> None:
    api.reply('{"name": "Ann"}')
    r = run("ask", "--schema", "name", "--json", "q")
    assert r.code == 0, r.err
    assert json.loads(r.out)["content"][-1]["text"] == '{"name": "Ann"}'
    api.reply('{"nom": "Ann"}')
    r = run("ask", "--schema", "name", "--json", "q")
    assert r.code == 1 and "does not match the schema" in r.err
    assert json.loads(r.out)["content"][-1]["text"] == '{"nom": "Ann"}'  # nothing hidden


def test_a_mismatching_reply_is_still_saved_in_the_session(run, api) -> None:
    api.reply("not json at all")
    r = run("ask", "-S", "people", "--schema", "name", "q")
    assert r.code == 1 and "not the JSON asked for" in r.err
    shown = run("sessions", "show", "people")
    assert "not json at all" in shown.out


def test_a_terminal_gets_pretty_json(api, cli_env) -> None:
    api.reply('{"name": "Ann", "age": 3}')
    screen = read_all(spawn(["ask", "--schema", "name, age int", "q"], cli_env))
    lines = [line.rstrip() for line in screen.text.splitlines()]
    assert '  "name": "Ann",' in lines and '  "age": 3' in lines


def test_describe_image_schema_json_gives_data_per_image(run, api, tmp_path) -> None:
    a, b = png(tmp_path / "a.png"), png(tmp_path / "b.png")
    api.reply('{"animal": "cat", "count": 2}')
    api.reply('{"animal": "dog"}')
    r = run("describe-image", "-j", "1", "--schema", "animal, count int", "--json", a, b)
    assert r.code == 1  # one image's reply did not match
    lines = [json.loads(line) for line in r.out.splitlines()]
    assert [line["source"] for line in lines] == [a, b]  # in input order
    # A prefetching worker may send its image first: which image got which reply varies.
    good, bad = sorted(lines, key=lambda line: "error" in line)
    assert good["data"] == {"animal": "cat", "count": 2}
    assert "does not match the schema" in bad["error"] and bad["text"] == '{"animal": "dog"}'
    for req in api.messages_requests:
        assert req.body["output_config"]["format"]["schema"]["required"] == ["animal", "count"]


def test_describe_image_schema_prints_the_data_in_a_pipe(run, api, tmp_path) -> None:
    a = png(tmp_path / "a.png")
    r = run("describe-image", "--schema", "animal", a)
    assert r.code == 0, r.err
    assert r.out == '{"animal":"example"}\n'
    assert run("describe-image", "--schema", "animal", "--prefill", "{", a).code == 2


def test_on_a_terminal_the_usage_line_comes_after_the_data(api, cli_env) -> None:
    api.reply('{"name": "Ann", "age": 3}')
    screen = read_all(spawn(["ask", "--schema", "name, age int", "q"], cli_env))
    lines = [line.rstrip() for line in screen.text.splitlines() if line.strip()]
    usage = [i for i, line in enumerate(lines) if " in · " in line]
    assert usage, lines
    assert usage[0] > lines.index("}"), lines  # as after every other reply


def test_nested_lists_are_a_schema_type(run, api) -> None:
    api.reply('{"grid": [[1, 2], [3]]}')
    r = run("ask", "--schema", "grid list[list[int]]", "q")
    assert r.code == 0, r.err
    grid = {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}}
    assert sent_format(api)["schema"]["properties"] == {"grid": grid}
    assert r.out == '{"grid":[[1,2],[3]]}\n'
    bad = run("ask", "--schema", "grid list[list[years]]", "q")
    assert bad.code == 2 and "field 'grid' has unknown type 'years'" in bad.err
    assert "list[T] of any of these: list[int], list[list[str]]" in bad.err
