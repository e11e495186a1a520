"""batch submit / status / wait / results / cancel against the fake Batches endpoints."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

LINES = [
    json.dumps("What is 2+2?"),
    json.dumps({"id": "q2", "prompt": "Capital of Peru?", "max_tokens": 50}),
    "",
    json.dumps(
        {
            "custom_id": "raw1",
            "params": {
                "model": "claude-haiku-4-5",
                "max_tokens": 10,
                "messages": [{"role": "user", "content": "hi"}],
            },
        }
    ),
    json.dumps({"prompt": "Be brief", "system": "You are terse.", "model": "claude-haiku-4-5"}),
]


def write_input(tmp_path: Path, lines: list[str] = LINES, name: str = "questions") -> Path:
    path = tmp_path / f"{name}.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def sent_requests(api) -> list[dict]:
    return [r for c in api.batch_creates for r in c.body["requests"]]


def journal(home: Path, name: str) -> Path:
    return home / "data" / "claude-cli" / "batches" / f"{name}.json"


def test_submit_shapes_each_line_as_ask_does(run, api, tmp_path, home):
    src = write_input(tmp_path)
    r = run("batch", "submit", "-m", "claude-sonnet-4-6", "-s", "Be kind.", str(src))
    assert r.code == 0, r.err
    assert r.out == "questions\n"
    assert "29 days" in r.err
    assert len(api.batch_creates) == 1
    reqs = sent_requests(api)
    assert [q["custom_id"] for q in reqs] == ["line-1", "q2", "raw1", "line-5"]
    first = reqs[0]["params"]
    assert first["model"] == "claude-sonnet-4-6"
    assert first["system"] == "Be kind."
    assert first["messages"] == [{"role": "user", "content": "What is 2+2?"}]
    assert "stream" not in first
    assert reqs[1]["params"]["max_tokens"] == 50
    assert reqs[2]["params"]["max_tokens"] == 10  # raw: passed through as given
    assert reqs[3]["params"]["model"] == "claude-haiku-4-5"
    assert reqs[3]["params"]["system"] == "You are terse."
    path = journal(home, "questions")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    job = json.loads(path.read_text())
    assert job["lines"] == [1, 2, 4, 5]
    assert [b["id"] for b in job["batches"]] == list(api.batches)


def test_the_same_shaping_errors_as_ask(run, api, tmp_path):
    src = write_input(tmp_path, [json.dumps("hi")])
    r = run("batch", "submit", "-m", "claude-opus-4-7", "--temperature", "0.5", str(src))
    assert r.code == 2
    assert "line 1" in r.err and "--temperature" in r.err
    assert api.batch_creates == []


def test_bad_lines_are_listed_before_anything_is_sent(run, api, tmp_path):
    lines = [
        json.dumps("fine"),
        "{not json",
        json.dumps({"prompt": "x", "colour": "red"}),
        json.dumps({"id": "has space", "prompt": "x"}),
        json.dumps({"id": "a", "prompt": "x"}),
        json.dumps({"id": "a", "prompt": "y"}),
        json.dumps(7),
    ]
    r = run("batch", "submit", str(write_input(tmp_path, lines)))
    assert r.code == 2, r.err
    assert "5 bad line(s), nothing submitted" in r.err
    for n in (2, 3, 4, 6, 7):
        assert f"line {n}:" in r.err
    assert "line 1:" not in r.err and "line 5:" not in r.err
    assert "Traceback" not in r.err
    assert api.batch_creates == []


def test_submit_wait_results_in_input_order(run, api, tmp_path):
    api.batch_outcomes = {"q2": "errored", "line-5": "expired"}
    src = write_input(tmp_path)
    r = run("batch", "submit", "--wait", "--interval", "0.01", str(src))
    assert r.code == 0, r.err
    assert "succeeded 2 errored 1" in r.err
    out = tmp_path / "answers.jsonl"
    r = run("batch", "results", "questions", "-o", str(out))
    assert r.code == 1
    assert "2 of 4 requests failed" in r.err
    assert "29 days" in r.err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["line"] for row in rows] == [1, 2, 4, 5]
    assert [row["id"] for row in rows] == ["line-1", "q2", "raw1", "line-5"]
    assert rows[0]["text"] == "You said: What is 2+2?"
    assert rows[0]["stop_reason"] == "end_turn" and rows[0]["usage"]["output_tokens"] > 0
    assert rows[1]["error"]["type"] == "overloaded_error"
    assert rows[3]["error"]["type"] == "expired"
    assert set(rows[2]) == {"id", "line", "text", "model", "stop_reason", "usage"}


def test_results_to_stdout_all_succeeded(run, api, tmp_path):
    src = write_input(tmp_path, [json.dumps(f"q{i}") for i in range(30)])
    assert run("batch", "submit", str(src)).code == 0
    r = run("batch", "results", "questions")
    assert r.code == 0, r.err
    rows = [json.loads(line) for line in r.out.splitlines()]
    assert [row["text"] for row in rows] == [f"You said: q{i}" for i in range(30)]


def test_results_before_the_end_say_wait(run, api, tmp_path):
    api.batch_delay = 3600
    assert run("batch", "submit", str(write_input(tmp_path))).code == 0
    r = run("batch", "results", "questions")
    assert r.code == 2
    assert "has not ended yet" in r.err and "batch wait questions" in r.err


def test_resubmitting_the_same_input_sends_nothing(run, api, tmp_path):
    src = write_input(tmp_path)
    assert run("batch", "submit", str(src)).code == 0
    r = run("batch", "submit", str(src))
    assert r.code == 0
    assert "already submitted as job questions" in r.err
    assert len(api.batch_creates) == 1
    r = run("batch", "submit", "--new", str(src))
    assert r.code == 0 and r.out == "questions-2\n"
    assert len(api.batch_creates) == 2
    # Other options: another job.
    r = run("batch", "submit", "-m", "claude-haiku-4-5", str(src))
    assert r.out == "questions-3\n"


def test_several_batches_and_a_crash_after_the_first(run, api, tmp_path, home):
    src = write_input(tmp_path, [json.dumps(f"q{i}") for i in range(10)])
    r = run(
        "batch",
        "submit",
        "--batch-size",
        "3",
        str(src),
        env={"CLAUDE_CLI_TEST_EXIT_AFTER_BATCH": "1"},
    )
    assert r.code == 9  # killed as a crash would
    assert len(api.batch_creates) == 1
    r = run("batch", "submit", "--batch-size", "3", str(src))
    assert r.code == 0, r.err
    assert "resuming job questions" in r.err
    sizes = [len(c.body["requests"]) for c in api.batch_creates]
    assert sizes == [3, 3, 3, 1]
    ids = [q["custom_id"] for q in sent_requests(api)]
    assert ids == [f"line-{i}" for i in range(1, 11)]  # each one once
    r = run("batch", "results", "questions")
    assert r.code == 0, r.err
    assert [json.loads(x)["line"] for x in r.out.splitlines()] == list(range(1, 11))


def test_crash_between_create_and_journal_adopts_the_batch(run, api, tmp_path):
    src = write_input(tmp_path, [json.dumps(f"q{i}") for i in range(4)])
    r = run(
        "batch",
        "submit",
        "--batch-size",
        "2",
        str(src),
        env={"CLAUDE_CLI_TEST_EXIT_BEFORE_JOURNAL": "1"},
    )
    assert r.code == 9
    assert len(api.batch_creates) == 1  # the service made it; our journal has no id
    r = run("batch", "submit", "--batch-size", "2", str(src))
    assert r.code == 0, r.err
    assert "sent before the interruption" in r.err
    ids = [q["custom_id"] for q in sent_requests(api)]
    assert ids == ["line-1", "line-2", "line-3", "line-4"]


def test_a_500_on_create_is_retried(run, api, tmp_path):
    from fakeapi import Fault

    api.batch_create_faults.append(Fault(500))
    r = run("batch", "submit", str(write_input(tmp_path)))
    assert r.code == 0, r.err
    assert len(api.batch_creates) == 2


def test_a_500_on_create_past_retries_resumes_later(run, api, tmp_path):
    from fakeapi import Fault

    api.batch_create_faults.extend([Fault(500), Fault(500)])
    src = write_input(tmp_path)
    r = run("batch", "submit", "--max-retries", "1", str(src))
    assert r.code == 1
    assert "500" in r.err or "injected fault" in r.err
    r = run("batch", "submit", str(src))
    assert r.code == 0, r.err
    assert "resuming job questions" in r.err
    assert len(api.batch_creates) == 3  # two refused, then the one made
    assert len(api.batches) == 1


def test_results_survive_a_dropped_connection(run, api, tmp_path):
    src = write_input(tmp_path, [json.dumps(f"q{i}") for i in range(20)])
    assert run("batch", "submit", str(src)).code == 0
    api.results_drop_after = 7
    out = tmp_path / "out.jsonl"
    r = run("batch", "results", "questions", "-o", str(out))
    assert r.code == 0, r.err
    assert "reading them again" in r.err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["line"] for row in rows] == list(range(1, 21))


def test_results_file_is_not_touched_when_reading_fails(run, api, tmp_path):
    src = write_input(tmp_path, [json.dumps(f"q{i}") for i in range(20)])
    assert run("batch", "submit", str(src)).code == 0
    out = tmp_path / "out.jsonl"
    out.write_text("precious\n")
    api.results_drop_after = 5
    r = run("batch", "results", "questions", "-o", str(out), "--max-retries", "0")
    assert r.code == 4, r.err
    assert out.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_status_shows_counts_and_costs(run, api, tmp_path):
    src = write_input(tmp_path)
    assert run("batch", "submit", str(src)).code == 0
    r = run("batch", "status", "questions")
    assert r.code == 0, r.err
    assert "succeeded 4" in r.out
    assert "estimated cost at batch prices: $" in r.out
    assert "cost of the results at batch prices: $" in r.out
    assert "29 days" in r.out
    batch_id = next(iter(api.batches))
    r = run("batch", "status", batch_id)
    assert r.code == 0 and "job questions" in r.out


def test_list_and_cancel(run, api, tmp_path):
    api.batch_delay = 3600
    assert run("batch", "submit", str(write_input(tmp_path))).code == 0
    r = run("batch", "list")
    assert r.code == 0 and r.out.startswith("questions\t4 requests\t1 batch(es)")
    r = run("batch", "cancel", "questions")
    assert r.code == 0, r.err
    assert "canceling" in r.err
    api.batch_delay = 0
    r = run("batch", "results", "questions")
    assert r.code == 1
    rows = [json.loads(line) for line in r.out.splitlines()]
    assert {row["error"]["type"] for row in rows} == {"canceled"}


def test_retry_failed_submits_only_the_failed_lines(run, api, tmp_path):
    api.batch_outcomes = {"q2": "errored"}
    src = write_input(tmp_path)
    assert run("batch", "submit", "-m", "claude-haiku-4-5", str(src)).code == 0
    r = run("batch", "results", "questions", "--retry-failed")
    assert r.code == 1
    assert "as job questions-retry" in r.err
    second = api.batch_creates[-1].body["requests"]
    assert [q["custom_id"] for q in second] == ["q2"]
    assert second[0]["params"]["model"] == "claude-haiku-4-5"
    r = run("batch", "results", "questions-retry")
    assert r.code == 0, r.err
    assert json.loads(r.out)["line"] == 2


def test_submit_from_stdin(run, api):
    r = run("batch", "submit", "-", input='"one"\n"two"\n')
    assert r.code == 0, r.err
    assert r.out == "stdin\n"
    assert [q["params"]["messages"][0]["content"] for q in sent_requests(api)] == ["one", "two"]


def test_wait_ctrl_c_stops_waiting_not_the_job(cli_env, api, tmp_path):
    api.batch_delay = 3600
    src = write_input(tmp_path)
    env = {**cli_env}
    subprocess.run(
        [sys.executable, "-m", "claude_cli", "batch", "submit", str(src)],
        env=env,
        capture_output=True,
        check=True,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "claude_cli", "batch", "wait", "questions", "--interval", "0.05"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    first = proc.stderr.readline().decode()
    assert "processing 4" in first
    proc.send_signal(2)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert b"goes on" in err
    assert not any(b.canceled for b in api.batches.values())


@pytest.mark.parametrize("bad", ["../x", ".hidden"])
def test_bad_job_names(run, api, tmp_path, bad):
    r = run("batch", "status", bad)
    assert r.code == 2 and "bad job name" in r.err


def test_describe_image_batch_fits_images_and_resumes(run, api, tmp_path):
    from test_images import make_image

    big = tmp_path / "big.png"
    big.write_bytes(make_image("PNG", (3000, 2000)))
    small = tmp_path / "small.jpg"
    small.write_bytes(make_image("JPEG", (40, 30)))
    r = run("describe-image", "--batch", "-p", "What is it?", str(big), str(small))
    assert r.code == 0, r.err
    assert r.out == "describe-image\n"
    reqs = sent_requests(api)
    assert [q["custom_id"] for q in reqs] == ["image-1", "image-2"]
    content = reqs[0]["params"]["messages"][0]["content"]
    assert content[-1] == {"type": "text", "text": "What is it?"}
    from fakeapi import image_info

    _, width, height = image_info(content[0]["source"])
    assert max(width, height) <= 1568  # fitted as describe-image fits it
    r = run("describe-image", "--batch", "-p", "What is it?", str(big), str(small))
    assert "already submitted as job describe-image" in r.err
    assert len(api.batch_creates) == 1
    r = run("batch", "results", "describe-image")
    assert r.code == 0, r.err
    assert [json.loads(x)["id"] for x in r.out.splitlines()] == ["image-1", "image-2"]


def test_describe_image_batch_refuses_stdin(run, api):
    r = run("describe-image", "--batch", "-")
    assert r.code == 2 and "not - (stdin)" in r.err


def test_a_name_taken_by_another_input_is_refused(run, api, tmp_path):
    assert run("batch", "submit", "--name", "mine", str(write_input(tmp_path))).code == 0
    other = write_input(tmp_path, [json.dumps("something else")], name="other")
    r = run("batch", "submit", "--name", "mine", str(other))
    assert r.code == 2
    assert "job 'mine' exists for another input" in r.err
    assert len(api.batch_creates) == 1


def test_a_batch_id_from_elsewhere_is_a_job(run, api, tmp_path):
    import httpx

    from fakeapi import API_KEY

    body = {
        "requests": [
            {
                "custom_id": f"x{i}",
                "params": {
                    "model": "claude-haiku-4-5",
                    "max_tokens": 20,
                    "messages": [{"role": "user", "content": f"n{i}"}],
                },
            }
            for i in range(3)
        ]
    }
    headers = {"x-api-key": API_KEY, "anthropic-version": "2023-06-01"}
    made = httpx.post(f"{api.url}/v1/messages/batches", json=body, headers=headers).json()
    r = run("batch", "status", made["id"])
    assert r.code == 0, r.err
    assert "succeeded 3" in r.out
    r = run("batch", "results", made["id"])
    assert r.code == 0, r.err
    assert sorted(json.loads(x)["id"] for x in r.out.splitlines()) == ["x0", "x1", "x2"]


@pytest.mark.parametrize("where", ["missing/x.jsonl", "folder"])
def test_a_bad_output_path_is_refused_before_downloading(run, api, tmp_path, where):
    (tmp_path / "folder").mkdir()
    assert run("batch", "submit", str(write_input(tmp_path))).code == 0
    served = len(api.requests)
    r = run("batch", "results", "questions", "-o", str(tmp_path / where))
    assert r.code == 2, r.err
    why = "no such folder" if where.startswith("missing") else "it is a folder"
    assert r.err.strip() == f"claude-cli: error: cannot write {tmp_path / where}: {why}"
    assert not any("/results" in q.path for q in api.requests[served:])
    assert list((tmp_path / "folder").iterdir()) == []


def test_an_unwritable_jobs_folder_fails_before_sending(run, api, tmp_path, home):
    # As root, chmod would not stop us: a file where the data folder should be.
    (home / "data" / "claude-cli").write_text("not a folder")
    src = write_input(tmp_path)
    r = run("batch", "submit", str(src))
    assert r.code == 6, r.err
    assert "cannot write the batch jobs folder" in r.err and "nothing was sent" in r.err
    assert len(r.err.strip().splitlines()) == 1
    from test_images import make_image

    photo = tmp_path / "cat.jpg"
    photo.write_bytes(make_image("JPEG", (40, 30)))
    r = run("describe-image", "--batch", str(photo))
    assert r.code == 6, r.err
    assert "cannot write the batch jobs folder" in r.err
    assert api.batch_creates == []


def test_bad_ids_are_named_as_the_line_spells_them(run, api, tmp_path):
    raw = {
        "model": "claude-haiku-4-5",
        "max_tokens": 5,
        "messages": [{"role": "user", "content": "hi"}],
    }
    lines = [
        json.dumps({"custom_id": "has space", "params": raw}),
        json.dumps({"id": "x" * 70, "prompt": "x"}),
        json.dumps({"id": "ok/no", "prompt": "x"}),
    ]
    r = run("batch", "submit", str(write_input(tmp_path, lines)))
    assert r.code == 2, r.err
    head, blank, *listed = r.err.splitlines()
    assert head.endswith("3 bad line(s), nothing submitted") and blank == ""
    assert listed == [
        "  line 1: 'custom_id' 'has space' has a space in it: "
        "use 1 to 64 letters, digits, '_' or '-'",
        "  line 2: 'id' is 70 characters long: use 1 to 64 letters, digits, '_' or '-'",
        "  line 3: 'id' 'ok/no' has '/' in it: use 1 to 64 letters, digits, '_' or '-'",
    ]


def test_list_json(run, api, tmp_path):
    r = run("batch", "list", "--json")
    assert r.code == 0 and json.loads(r.out) == []
    assert run("batch", "submit", str(write_input(tmp_path))).code == 0
    r = run("batch", "list", "--json")
    assert r.code == 0, r.err
    (job,) = json.loads(r.out)
    assert job["name"] == "questions" and job["requests"] == 4
    assert job["batches"] == list(api.batches) and job["submitted"] is True
    assert job["input"] == str(tmp_path / "questions.jsonl") and job["retry_of"] is None


def test_describe_image_batch_results_name_each_image(run, api, tmp_path, cli_env):
    from test_images import make_image

    (tmp_path / "a.jpg").write_bytes(make_image("JPEG", (40, 30)))
    (tmp_path / "b.png").write_bytes(make_image("PNG", (30, 20)))
    done = subprocess.run(
        [sys.executable, "-m", "claude_cli", "describe-image", "--batch", "a.jpg", "b.png"],
        env=cli_env,
        capture_output=True,
        cwd=tmp_path,  # the images as the user names them: relative paths
    )
    assert done.returncode == 0, done.stderr
    r = run("batch", "results", "describe-image")
    assert r.code == 0, r.err
    rows = [json.loads(x) for x in r.out.splitlines()]
    assert [(row["id"], row["line"], row["source"]) for row in rows] == [
        ("image-1", 1, "a.jpg"),
        ("image-2", 2, "b.png"),
    ]
    assert list(rows[0])[:4] == ["id", "line", "source", "text"]


def test_describe_image_batch_names_a_bad_image_not_a_line(run, api, tmp_path, cli_env):
    from test_images import make_image

    (tmp_path / "good.jpg").write_bytes(make_image("JPEG", (40, 30)))
    (tmp_path / "fake.png").write_text("not an image")
    done = subprocess.run(
        [sys.executable, "-m", "claude_cli", "describe-image", "--batch", "good.jpg", "fake.png"],
        env=cli_env,
        capture_output=True,
        cwd=tmp_path,
    )
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert err.startswith("claude-cli: error: 1 bad image(s), nothing submitted\n\n  fake.png: ")
    assert "input.jsonl" not in err and "line 2" not in err
    assert api.batch_creates == []


def test_retried_results_are_merged_into_the_original(run, api, tmp_path, home):
    api.batch_outcomes = {"q2": "errored", "line-5": "expired"}
    src = write_input(tmp_path)
    assert run("batch", "submit", str(src)).code == 0
    out = tmp_path / "answers.jsonl"
    r = run("batch", "results", "questions", "--retry-failed", "-o", str(out))
    assert r.code == 1 and "as job questions-retry" in r.err
    retry = json.loads(journal(home, "questions-retry").read_text())
    assert retry["retry_of"] == {"job": "questions", "lines": [2, 5]}
    # The retry ran: every request has its answer in the original's results.
    r = run("batch", "results", "questions", "-o", str(out))
    assert r.code == 0, r.err
    assert "2 failed request(s) answered by the retry job questions-retry" in r.err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["line"] for row in rows] == [1, 2, 4, 5]
    assert all("error" not in row for row in rows)
    assert rows[1]["text"] == "You said: Capital of Peru?" and rows[1]["id"] == "q2"
    r = run("batch", "results", "questions-retry")
    assert r.code == 0 and [json.loads(x)["line"] for x in r.out.splitlines()] == [2, 5]


def test_a_retry_still_running_is_not_sent_again(run, api, tmp_path):
    api.batch_outcomes = {"q2": "errored"}
    assert run("batch", "submit", str(write_input(tmp_path))).code == 0
    api.batch_delay = 3600  # the retry job will not end; the first one has
    for made in api.batches.values():
        made.created -= 7200
    r = run("batch", "results", "questions", "--retry-failed")
    assert r.code == 1 and len(api.batch_creates) == 2
    r = run("batch", "results", "questions", "--retry-failed")
    assert r.code == 1
    assert "the retry job questions-retry has not ended" in r.err
    assert "not retried again" in r.err
    assert len(api.batch_creates) == 2
    rows = [json.loads(line) for line in r.out.splitlines()]
    assert rows[1]["error"]["type"] == "overloaded_error"


def test_a_retried_describe_image_job_keeps_its_sources(run, api, tmp_path, cli_env):
    from test_images import make_image

    for name in ("a.jpg", "b.jpg"):
        (tmp_path / name).write_bytes(make_image("JPEG", (40, 30)))
    api.batch_outcomes = {"image-2": "errored"}  # once: the retry succeeds
    done = subprocess.run(
        [sys.executable, "-m", "claude_cli", "describe-image", "--batch", "a.jpg", "b.jpg"],
        env=cli_env,
        capture_output=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    r = run("batch", "results", "describe-image", "--retry-failed")
    assert r.code == 1 and json.loads(r.out.splitlines()[1])["source"] == "b.jpg"
    r = run("batch", "results", "describe-image-retry")
    assert r.code == 0, r.err
    assert [json.loads(x)["source"] for x in r.out.splitlines()] == ["b.jpg"]
    r = run("batch", "results", "describe-image")
    assert r.code == 0, r.err
    rows = [json.loads(x) for x in r.out.splitlines()]
    assert [(row["source"], "text" in row) for row in rows] == [("a.jpg", True), ("b.jpg", True)]


@pytest.mark.parametrize("term", ["xterm-256color", "dumb"])
def test_wait_on_a_terminal_redraws_one_line_only_where_it_can(cli_env, api, tmp_path, term):
    from terminal import emulate, read_all, spawn

    api.batch_delay = 3600
    src = write_input(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "claude_cli", "batch", "submit", str(src)],
        env=cli_env,
        capture_output=True,
        check=True,
    )
    child = spawn(["batch", "wait", "questions", "--interval", "0.05"], cli_env, term=term)
    child.expect("processing 4")
    before = child.before + child.after
    api.batch_delay = 0  # the batch ends now
    screen = read_all(child)
    raw = before + screen.raw
    assert child.exitstatus == 0, raw
    assert "succeeded 4" in raw
    if term == "dumb":  # no escape sequences at all: one plain line per change
        assert "\x1b" not in raw
        assert "questions: processing 4" in raw and "questions: processing 0" in raw
    else:  # one line, redrawn in place: the bar ends at 100%, nothing of earlier states left
        screen = emulate(raw)
        assert "\r\x1b[2K" in raw
        assert "[####################] 100%" in screen.text
        assert "processing 4" not in screen.text


def test_list_is_newest_first_by_created_and_shows_the_state_last_seen(run, api, tmp_path, home):
    import os

    for name in ("older", "newer"):
        src = write_input(tmp_path, [json.dumps(f"Say {name}")], name=name)
        assert run("batch", "submit", str(src)).code == 0
    for name, created in (("older", "2026-01-01T00:00:00Z"), ("newer", "2026-01-02T00:00:00Z")):
        doc = json.loads(journal(home, name).read_text())
        journal(home, name).write_text(json.dumps({**doc, "created": created}))
    os.utime(journal(home, "older"))  # the file written last is not the newest job
    assert run("batch", "status", "older").code == 0  # ended: the fake has no delay
    r = run("batch", "list")
    assert r.code == 0, r.err
    rows = [line.split("\t") for line in r.out.splitlines()]
    assert [(row[0], row[3], row[4]) for row in rows] == [
        ("newer", "2026-01-02T00:00:00Z", "submitted"),  # not looked at since
        ("older", "2026-01-01T00:00:00Z", "ended"),
    ]
    listed = json.loads(run("batch", "list", "--json").out)
    assert [(j["name"], j["state"]) for j in listed] == [("newer", "submitted"), ("older", "ended")]


def test_cancel_of_an_ended_job_says_nothing_was_canceled(run, api, tmp_path):
    assert run("batch", "submit", str(write_input(tmp_path))).code == 0
    r = run("batch", "cancel", "questions")
    assert r.code == 0, r.err
    assert "job questions has already ended: nothing was canceled" in r.err
    assert "cancel asked" not in r.err
    assert not [q for q in api.requests if q.path.endswith("/cancel")]
    assert run("batch", "list").out.rstrip().endswith("\tended")


def test_request_lines_are_the_json_encoders_bytes_with_images_spliced_in() -> None:
    # Long base64 data is spliced in as bytes, not encoded (describe-image --batch's main
    # cost): the line must be byte for byte what json.dumps gives, for data that is clean
    # base64 and for data that is not (quotes, backslashes, non-ASCII: encoded as usual).
    import base64
    import random

    from claude_cli.api.batch import SPLICE_FROM, request_line

    rng = random.Random(7)
    clean = base64.b64encode(rng.randbytes(SPLICE_FROM)).decode()
    datas = [clean, clean[:100], clean[:-3] + '"\\x', "é" * SPLICE_FROM, clean + "\n", clean]
    for n, data in enumerate(datas):
        params = {
            "model": "m",
            "max_tokens": 5,
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "image", "source": {"type": "base64", "data": data}},
                        {"type": "text", "text": "\x000 and a marker-looking \x00claude-cli-0"},
                        {"type": "document", "source": {"type": "base64", "data": clean}},
                        {"type": "image", "source": {"type": "url", "url": "https://x/a.png"}},
                    ],
                },
                {"role": "assistant", "content": "ok"},
                {"role": "user", "content": [None, "junk", {"type": "text", "text": "x"}]},
            ],
        }
        before = json.dumps(params)
        want = json.dumps({"custom_id": f"r{n}", "params": params}, ensure_ascii=False)
        assert request_line(f"r{n}", params) == want.encode(), n
        assert json.dumps(params) == before  # the caller's params are left as they were
