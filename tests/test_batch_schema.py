"""batch submit with --schema / -a and the per-line `schema` / `attach` keys; `data` in
batch results, checked against the schema the job's journal recorded."""

from __future__ import annotations

import json
from pathlib import Path

from test_batch import journal, sent_requests, write_input

CONCISE = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
    "additionalProperties": False,
}


def rows_of(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_schema_default_and_per_line_give_data(run, api, tmp_path, home):
    lines = [
        json.dumps("Who wrote Dune?"),
        json.dumps({"id": "own", "prompt": "Lima?", "schema": "city, population int"}),
        json.dumps({"id": "plain", "prompt": "Just talk", "schema": None}),
        json.dumps(
            {
                "id": "obj",
                "prompt": "Tags?",
                "schema": {"type": "object", "properties": {"tags": {"type": "array"}}},
            }
        ),
    ]
    src = write_input(tmp_path, lines)
    r = run("batch", "submit", "--schema", "name, age int", str(src))
    assert r.code == 0, r.err
    reqs = {q["custom_id"]: q["params"] for q in sent_requests(api)}
    fmt = reqs["line-1"]["output_config"]["format"]
    assert fmt == {"type": "json_schema", "schema": CONCISE}  # exactly what ask sends
    own = reqs["own"]["output_config"]["format"]["schema"]
    assert own["properties"]["population"] == {"type": "integer"}
    assert "output_config" not in reqs["plain"]
    assert reqs["obj"]["output_config"]["format"]["schema"]["additionalProperties"] is False
    assert api.invalid == []
    job = json.loads(journal(home, "questions").read_text())
    assert job["options"]["request"]["schema"] == CONCISE  # what batch results checks against

    r = run("batch", "results", "questions")
    assert r.code == 0, r.err
    rows = rows_of(r.out)
    assert rows[0]["data"] == {"name": "example", "age": 1}
    assert json.loads(rows[0]["text"]) == rows[0]["data"]
    assert list(rows[0]) == ["id", "line", "text", "data", "model", "stop_reason", "usage"]
    assert rows[1]["data"] == {"city": "example", "population": 1}
    assert "data" not in rows[2] and rows[2]["text"] == "You said: Just talk"
    assert rows[3]["data"] == {"tags": [None]}


def test_a_reply_that_fails_the_schema_is_an_error_line_keeping_its_text(run, api, tmp_path):
    api.batch_texts = {"line-1": "Sorry, no JSON today", "line-2": '{"name": "Ann"}'}
    src = write_input(tmp_path, [json.dumps("a"), json.dumps("b"), json.dumps("c")])
    assert run("batch", "submit", "--schema", "name, age int", str(src)).code == 0
    out = tmp_path / "answers.jsonl"
    r = run("batch", "results", "questions", "-o", str(out))
    assert r.code == 1
    assert "2 of 3 requests failed" in r.err
    rows = rows_of(out.read_text())
    assert rows[0]["error"]["type"] == "schema_mismatch"
    assert "not the JSON asked for" in rows[0]["error"]["message"]
    assert rows[0]["text"] == "Sorry, no JSON today"  # paid for: kept
    assert "age" in rows[1]["error"]["message"] and rows[1]["text"] == '{"name": "Ann"}'
    assert rows[2]["data"] == {"name": "example", "age": 1}


def test_schema_multi_gives_a_list(run, api, tmp_path):
    lines = [
        json.dumps("People in this text?"),
        json.dumps({"prompt": "one", "schema_multi": False}),
    ]
    src = write_input(tmp_path, lines)
    r = run("batch", "submit", "--schema", "name", "--schema-multi", str(src))
    assert r.code == 0, r.err
    reqs = sent_requests(api)
    assert reqs[0]["params"]["output_config"]["format"]["schema"]["required"] == ["items"]
    assert reqs[1]["params"]["output_config"]["format"]["schema"]["required"] == ["name"]
    r = run("batch", "results", "questions")
    assert r.code == 0, r.err
    rows = rows_of(r.out)
    assert rows[0]["data"] == [{"name": "example"}]
    assert rows[1]["data"] == {"name": "example"}


def test_schema_multi_without_a_schema_is_refused(run, api, tmp_path):
    r = run("batch", "submit", "--schema-multi", str(write_input(tmp_path)))
    assert r.code == 2 and "--schema-multi needs --schema" in r.err
    assert api.batch_creates == []


def test_bad_line_schemas_are_listed_with_their_lines(run, api, tmp_path):
    lines = [
        json.dumps({"prompt": "x", "schema": "age integr"}),
        json.dumps({"prompt": "x", "schema": 7}),
        json.dumps({"prompt": "x", "schema": {"type": "nonsense"}}),
        json.dumps({"prompt": "x", "schema_multi": True}),
        json.dumps("fine"),
    ]
    r = run("batch", "submit", str(write_input(tmp_path, lines)))
    assert r.code == 2, r.err
    assert "4 bad line(s), nothing submitted" in r.err
    assert "line 1: 'schema': field 'age' has unknown type" in r.err
    assert "line 2: 'schema' must be" in r.err
    assert "line 3: 'schema' is not a valid JSON Schema" in r.err
    assert "line 4: 'schema_multi' needs a schema" in r.err
    assert api.batch_creates == []


def test_a_schema_on_a_model_without_structured_outputs_is_refused_per_line(run, api, tmp_path):
    api.without("claude-haiku-4-5", structured=False)
    lines = [json.dumps({"prompt": "x", "model": "claude-haiku-4-5", "schema": "a"})]
    r = run("batch", "submit", str(write_input(tmp_path, lines)))
    assert r.code == 2, r.err
    assert "line 1: --schema: claude-haiku-4-5 does not support structured outputs" in r.err
    assert api.batch_creates == []


def test_attach_default_and_per_line(run, api, tmp_path: Path):
    (tmp_path / "notes.txt").write_text("The launch is on Tuesday.")
    (tmp_path / "other.txt").write_text("Nothing happens on Monday.")
    lines = [
        json.dumps("When is the launch?"),
        json.dumps({"id": "own", "prompt": "And Monday?", "attach": [str(tmp_path / "other.txt")]}),
        json.dumps({"id": "none", "prompt": "No document", "attach": []}),
    ]
    src = write_input(tmp_path, lines)
    r = run("batch", "submit", "-a", str(tmp_path / "notes.txt"), str(src))
    assert r.code == 0, r.err
    reqs = {q["custom_id"]: q["params"] for q in sent_requests(api)}
    first = reqs["line-1"]["messages"][0]["content"]
    assert first[0] == {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": "The launch is on Tuesday."},
        "title": "notes.txt",
    }
    assert first[-1] == {"type": "text", "text": "When is the launch?"}
    own = reqs["own"]["messages"][0]["content"]
    assert [b.get("title") for b in own if b["type"] == "document"] == ["other.txt"]
    assert reqs["none"]["messages"][0]["content"] == "No document"
    assert api.invalid == []


def test_bad_attachments_are_bad_lines(run, api, tmp_path):
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02binary")
    lines = [
        json.dumps({"prompt": "x", "attach": [str(tmp_path / "missing.pdf")]}),
        json.dumps({"prompt": "x", "attach": [str(tmp_path / "blob.bin")]}),
        json.dumps({"prompt": "x", "attach": "notalist"}),
        json.dumps({"prompt": "x", "attach": ["-"]}),
        json.dumps({"prompt": "x", "images": ["-"]}),
    ]
    r = run("batch", "submit", str(write_input(tmp_path, lines)), input=b"")
    assert r.code == 2, r.err
    assert "5 bad line(s), nothing submitted" in r.err
    assert "line 1: attachment " in r.err and "missing.pdf: no such file" in r.err
    assert "blob.bin: not a PDF, an image or UTF-8 text" in r.err
    assert "line 3: 'attach' must be a list" in r.err
    assert "line 4: attach: - (stdin) cannot be attached" in r.err
    assert "line 5: images: - (stdin) cannot be used in a batch" in r.err
    assert api.batch_creates == []


def test_retry_failed_keeps_the_schema_and_attachments(run, api, tmp_path):
    (tmp_path / "notes.txt").write_text("Context.")
    api.batch_outcomes = {"line-2": "errored"}
    src = write_input(tmp_path, [json.dumps("a"), json.dumps("b")])
    args = ("-a", str(tmp_path / "notes.txt"), "--schema", "name")
    assert run("batch", "submit", *args, str(src)).code == 0
    r = run("batch", "results", "questions", "--retry-failed")
    assert r.code == 1, r.err
    retried = api.batch_creates[-1].body["requests"]
    assert [q["custom_id"] for q in retried] == ["line-2"]
    params = retried[0]["params"]
    assert params["output_config"]["format"]["schema"]["required"] == ["name"]
    assert params["messages"][0]["content"][0]["title"] == "notes.txt"
    r = run("batch", "results", "questions-retry")
    assert r.code == 0, r.err
    assert rows_of(r.out)[0]["data"] == {"name": "example"}


def test_describe_image_batch_with_schema_gives_data(run, api, tmp_path):
    from test_images import make_image

    photo = tmp_path / "cat.jpg"
    photo.write_bytes(make_image("JPEG", (40, 30)))
    r = run("describe-image", "--batch", "--schema", "animal, count int", str(photo))
    assert r.code == 0, r.err
    params = sent_requests(api)[0]["params"]
    assert params["output_config"]["format"]["schema"]["required"] == ["animal", "count"]
    r = run("batch", "results", "describe-image")
    assert r.code == 0, r.err
    assert rows_of(r.out)[0]["data"] == {"animal": "example", "count": 1}


def photos(tmp_path: Path, n: int) -> list[str]:
    from test_images import make_image

    paths = []
    for i in range(n):
        path = tmp_path / f"photo{i}.jpg"
        path.write_bytes(make_image("JPEG", (2400 + i, 1600)))
        paths.append(str(path))
    return paths


def fitted_sizes(api) -> list[tuple[int, int]]:
    from fakeapi import image_info

    sizes = []
    for q in sent_requests(api):
        _, w, h = image_info(q["params"]["messages"][0]["content"][0]["source"])
        sizes.append((w, h))
    return sizes


def test_images_fitted_in_worker_processes_keep_their_order_and_errors(run, api, tmp_path):
    sources = photos(tmp_path, 6)
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)  # a JPEG header, no image
    sources.insert(3, str(bad))
    env = {"CLAUDE_CLI_FIT_PROCESSES": "2"}
    r = run("describe-image", "--batch", *sources, env=env)
    assert r.code == 2, r.err
    assert "1 bad image(s), nothing submitted" in r.err
    assert f"  {bad}: not a readable JPEG image" in r.err
    assert "Traceback" not in r.err
    sources.remove(str(bad))
    r = run("describe-image", "--batch", *sources, env=env)
    assert r.code == 0, r.err
    assert fitted_sizes(api) == [(1568, round(1600 * 1568 / (2400 + i))) for i in range(6)]


def test_a_worker_that_dies_leaves_its_images_to_the_main_process(run, api, tmp_path):
    sources = photos(tmp_path, 5)
    env = {"CLAUDE_CLI_FIT_PROCESSES": "2", "CLAUDE_CLI_TEST_FIT_CRASH": "photo2"}
    r = run("describe-image", "--batch", *sources, env=env)
    assert r.code == 0, r.err
    assert "a process fitting images stopped" in r.err
    assert [q["custom_id"] for q in sent_requests(api)] == [f"image-{i}" for i in range(1, 6)]
    assert len(fitted_sizes(api)) == 5 and all(w == 1568 for w, _ in fitted_sizes(api))


def test_submit_writes_nothing_beside_the_input(run, api, tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    mine = folder / "requests.jsonl"
    mine.write_text("my own file\n")
    src = write_input(folder, [json.dumps("a"), json.dumps("b")])
    r = run("batch", "submit", "--batch-size", "1", str(src))
    assert r.code == 0, r.err
    assert len(api.batch_creates) == 2
    assert mine.read_text() == "my own file\n"
    assert sorted(p.name for p in folder.iterdir()) == ["questions.jsonl", "requests.jsonl"]


def test_no_credentials_fail_before_any_image_is_read(run, api, tmp_path):
    sources = [str(tmp_path / "not-there.jpg"), *photos(tmp_path, 2)]
    env = {"ANTHROPIC_API_KEY": None, "ANTHROPIC_AUTH_TOKEN": None}
    r = run("describe-image", "--batch", *sources, env=env)
    assert r.code == 3, r.err
    assert "no API key" in r.err
    assert "not-there.jpg" not in r.err  # not read yet: the first thing wrong is said first
    assert api.batch_creates == []


def test_describe_image_batch_refuses_a_session(run, api, tmp_path):
    sources = photos(tmp_path, 1)
    r = run("describe-image", "--batch", "--session", "pics", *sources)
    assert r.code == 2
    assert "--session does not go with --batch" in r.err
    assert api.batch_creates == []


def test_wait_on_a_terminal_shows_a_progress_bar(run, api, tmp_path, cli_env):
    from terminal import read_all, spawn

    src = write_input(tmp_path, [json.dumps(f"q{i}") for i in range(4)])
    assert run("batch", "submit", str(src)).code == 0
    child = spawn(["batch", "wait", "questions", "--interval", "0.01"], cli_env)
    screen = read_all(child)
    assert child.exitstatus == 0, screen.text
    assert "[####################] 100% questions: processing 0 succeeded 4" in screen.text
    assert "job questions ended: claude-cli batch results questions" in screen.text


def _hold(budget, inside, peak, turns) -> None:
    import time

    with budget.reserve(80):
        with inside.get_lock():
            inside.value += 1
            peak.value = max(peak.value, inside.value)
        time.sleep(0.2)  # long enough for the other process to try (counted, not timed)
        with inside.get_lock():
            inside.value -= 1
            turns.value += 1


def test_the_workers_memory_budget_makes_processes_take_turns():
    import multiprocessing

    from claude_cli.inputs.fitpool import SharedBudget

    context = multiprocessing.get_context("fork")
    budget = SharedBudget(context, 100)
    # Shared counters, not a Queue: a Queue's feeder thread may deliver one process's
    # "out" after the other's "in", which would look like overlap that never happened.
    inside, peak, turns = (context.Value("i", 0) for _ in range(3))
    procs = [context.Process(target=_hold, args=(budget, inside, peak, turns)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert [p.exitcode for p in procs] == [0, 0]
    assert turns.value == 2 and peak.value == 1  # never both inside: 80 + 80 > 100


def test_an_edited_attachment_makes_a_new_job(run, api, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Version one.")
    src = write_input(tmp_path, [json.dumps("What does it say?")])
    assert run("batch", "submit", "-a", str(notes), str(src)).code == 0
    r = run("batch", "submit", "-a", str(notes), str(src))
    assert "already submitted as job questions" in r.err
    notes.write_text("Version two.")
    r = run("batch", "submit", "-a", str(notes), str(src))
    assert r.code == 0, r.err
    assert r.out == "questions-2\n"
    assert len(api.batch_creates) == 2
    sent = api.batch_creates[-1].body["requests"][0]["params"]["messages"][0]["content"][0]
    assert sent["source"]["data"] == "Version two."


def test_attach_stdin_default_is_refused(run, api, tmp_path):
    r = run("batch", "submit", "-a", "-", str(write_input(tmp_path, [json.dumps("q")])))
    assert r.code == 2
    assert "attach: - (stdin) cannot be attached in a batch" in r.err
