"""`claude-cli models` and `models show ID`, the real CLI against the fake server's
/v1/models, with entries shaped like the service's (capabilities, every leaf
`{"supported": bool}`)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote, urlparse

from terminal import read_all, spawn

LEVELS = ("low", "medium", "high", "xhigh", "max")


def leaf(flag: bool) -> dict[str, bool]:
    return {"supported": flag}


def entry(
    model_id: str,
    name: str,
    context: int,
    out: int,
    *,
    adaptive: bool,
    budget: bool,
    efforts: tuple[str, ...],
    images: bool = True,
    pdf: bool = True,
) -> dict[str, Any]:
    return {
        "type": "model",
        "id": model_id,
        "display_name": name,
        "created_at": "2026-09-30T00:00:00Z",
        "max_input_tokens": context,
        "max_tokens": out,
        "capabilities": {
            "batch": leaf(True),
            "citations": leaf(True),
            "code_execution": leaf(True),
            "context_management": {
                "supported": True,
                "clear_thinking_20251015": leaf(True),
                "clear_tool_uses_20250919": leaf(True),
            },
            "effort": {
                "supported": bool(efforts),
                **{level: leaf(level in efforts) for level in LEVELS},
            },
            "image_input": leaf(images),
            "pdf_input": leaf(pdf),
            "structured_outputs": leaf(True),
            "thinking": {
                "supported": adaptive or budget,
                "types": {"adaptive": leaf(adaptive), "enabled": leaf(budget)},
            },
        },
    }


LINEUP = [
    entry("claude-sonnet-5-5", "Claude Sonnet 5.5", 1_000_000, 128_000, adaptive=True,
          budget=False, efforts=LEVELS),
    entry("claude-opus-4-6", "Claude Opus 4.6", 1_000_000, 128_000, adaptive=True,
          budget=True, efforts=("low", "medium", "high", "max")),
    entry("claude-haiku-4-5", "Claude Haiku 4.5", 200_000, 64_000, adaptive=False,
          budget=True, efforts=(), pdf=True),
    entry("claude-text-1", "Text Only", 100_000, 8_192, adaptive=False, budget=False,
          efforts=(), images=False, pdf=False),
]  # fmt: skip


def test_a_pipe_gets_tab_separated_rows_without_a_header(api, run, home) -> None:
    api.models = LINEUP
    r = run("models")
    assert r.code == 0, r.err
    assert r.out.splitlines() == [
        "claude-sonnet-5-5\tClaude Sonnet 5.5\t1000000\t128000\tadaptive"
        "\tlow,medium,high,xhigh,max\tyes\tyes",
        "claude-opus-4-6\tClaude Opus 4.6\t1000000\t128000\tadaptive"
        "\tlow,medium,high,max\tyes\tyes",
        "claude-haiku-4-5\tClaude Haiku 4.5\t200000\t64000\tbudget\tnone\tyes\tyes",
        "claude-text-1\tText Only\t100000\t8192\tnone\tnone\tno\tno",
    ]
    # The ids are cached for shell completion, which never runs Python.
    cache = home / "cache" / "claude-cli" / "models.txt"
    assert cache.read_text().split() == [m["id"] for m in LINEUP]


def test_a_terminal_gets_an_aligned_table_with_a_header(api, cli_env) -> None:
    api.models = LINEUP
    screen = read_all(spawn(["models"], cli_env, cols=120), cols=120)
    lines = [line.rstrip() for line in screen.lines if line.strip()]
    header = lines[0]
    assert header.split() == ["ID", "NAME", "CONTEXT", "MAX", "OUT", "THINKING", "EFFORT",
                              "IMAGES", "PDF"]  # fmt: skip
    sonnet = lines[1]
    assert sonnet.split() == ["claude-sonnet-5-5", "Claude", "Sonnet", "5.5", "1M", "128K",
                              "adaptive", "low-max", "yes", "yes"]  # fmt: skip
    # Effort levels in a row are a range; the pipe and `models show` list every one.
    assert "low-high, max" in lines[2]
    assert lines[3].split()[:6] == ["claude-haiku-4-5", "Claude", "Haiku", "4.5", "200K", "64K"]
    # Aligned: every column starts where its header does.
    for title in ("NAME", "CONTEXT", "THINKING", "EFFORT", "PDF"):
        column = header.index(title)
        for line in lines[1:5]:
            assert line[column - 2 : column] == "  " and line[column] != " ", (title, line)


def test_a_narrow_terminal_gets_one_line_per_model_and_is_told_what_was_left_out(
    api, cli_env
) -> None:
    api.models = LINEUP
    # 80 columns: the name goes (it repeats the id), every other column stays.
    screen = read_all(spawn(["models"], cli_env, cols=80), cols=80)
    lines = [line.rstrip() for line in screen.lines if line.strip()]
    assert lines[0].split() == ["ID", "CONTEXT", "MAX", "OUT", "THINKING", "EFFORT", "IMAGES",
                                "PDF"]  # fmt: skip
    assert lines[1].split() == ["claude-sonnet-5-5", "1M", "128K", "adaptive", "low-max", "yes",
                                "yes"]  # fmt: skip
    assert lines[2].split()[4:] == ["low-high,", "max", "yes", "yes"]
    assert lines[4].split() == ["claude-text-1", "100K", "8,192", "none", "none", "no", "no"]
    assert lines[5:] == ["left out to fit: NAME (`claude-cli models show ID` has all)"]
    # 60 columns: images and PDF go too; no row wraps, nothing is cut mid-word.
    screen = read_all(spawn(["models"], cli_env, cols=60), cols=60)
    lines = [line.rstrip() for line in screen.lines if line.strip()]
    assert lines[0].split() == ["ID", "CONTEXT", "MAX", "OUT", "THINKING", "EFFORT"]
    assert [line.split()[0] for line in lines[1:5]] == [m["id"] for m in LINEUP]
    assert lines[2].split() == ["claude-opus-4-6", "1M", "128K", "adaptive", "low-high,", "max"]
    assert " ".join(lines[5:]).startswith("left out to fit: NAME, IMAGES, PDF")


def test_json_is_what_the_service_sent(api, run) -> None:
    api.models = LINEUP
    r = run("models", "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out) == LINEUP


def test_an_older_gateways_entries_show_question_marks(api, run) -> None:
    api.models = [
        {"id": "my-gateway-alias"},
        {
            "id": "half-told",
            "display_name": "Half",
            "max_input_tokens": "lots",
            "max_tokens": True,
            "capabilities": {"thinking": "yes", "effort": [1], "image_input": {"supported": 1}},
        },
    ]
    r = run("models")
    assert r.code == 0, r.err
    assert r.out.splitlines() == [
        "my-gateway-alias\t?\t?\t?\t?\t?\t?\t?",
        "half-told\tHalf\t?\t?\t?\t?\t?\t?",
    ]
    shown = run("models", "show", "my-gateway-alias")
    assert shown.code == 0, shown.err
    assert "thinking\t?" in shown.out.splitlines()


def test_server_strings_are_sanitised(api, run) -> None:
    evil = entry("claude-x\x1b[2J", "Name\x1b]0;pwned\x07\ttab", 1000, 100, adaptive=True,
                 budget=False, efforts=("low",))  # fmt: skip
    evil["capabilities"]["effort"]["\x1b[31mred"] = leaf(True)
    api.models = [evil]
    r = run("models")
    assert r.code == 0, r.err
    assert "\x1b" not in r.out and "\x07" not in r.out
    cells = r.out.rstrip("\n").split("\t")
    assert len(cells) == 8  # a tab from the server does not make a new column
    assert cells[0] == "claude-x^[[2J"
    assert cells[1] == "Name^[]0;pwned^G tab"
    assert cells[5] == "low,^[[31mred"


def test_show_prints_one_model_in_full(api, run) -> None:
    api.models = LINEUP
    r = run("models", "show", "claude-opus-4-6")
    assert r.code == 0, r.err
    got = dict(line.split("\t") for line in r.out.splitlines())
    assert got["id"] == "claude-opus-4-6"
    assert got["name"] == "Claude Opus 4.6"
    assert got["created"] == "2026-09-30"
    assert got["context window"] == "1000000"
    assert got["max output"] == "128000"
    assert got["thinking"] == "adaptive, budget"
    assert got["effort"] == "low, medium, high, max"
    assert got["capabilities.effort.xhigh"] == "no"
    assert got["capabilities.context_management.clear_thinking_20251015"] == "yes"
    assert got["capabilities.pdf_input"] == "yes"
    assert got["capabilities.structured_outputs"] == "yes"
    # The one model was asked for, and answered: no list needed.
    assert [q.path for q in api.requests] == ["/v1/models/claude-opus-4-6"]


def test_show_falls_back_to_the_list_without_the_route(api, run, monkeypatch) -> None:
    """A gateway that lists models but has no /v1/models/{id}: the list answers."""
    api.models = LINEUP
    handler = api.httpd.RequestHandlerClass
    original = handler.do_GET

    def without_one_model_route(self) -> None:
        if self.path.startswith("/v1/models/"):
            self._record(None, b"")
            return self._error(404, "not_found_error", f"no route {self.path}")
        return original(self)

    monkeypatch.setattr(handler, "do_GET", without_one_model_route)
    r = run("models", "show", "claude-opus-4-6")
    assert r.code == 0, r.err
    assert "claude-opus-4-6" in r.out
    assert [q.path for q in api.requests] == ["/v1/models/claude-opus-4-6", "/v1/models"]


def test_show_json_and_ids_that_are_not_path_safe(api, run) -> None:
    api.models = [*LINEUP, {"id": "org/alias", "display_name": "Slash"}]
    r = run("models", "show", "claude-haiku-4-5", "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out) == LINEUP[2]
    r = run("models", "--json", "show", "org/alias")
    assert r.code == 0, r.err
    assert json.loads(r.out) == {"id": "org/alias", "display_name": "Slash"}
    assert "/v1/models/org%2Falias" in [q.path for q in api.requests]


def test_show_an_unknown_model_is_one_clear_line(api, run) -> None:
    api.models = LINEUP
    r = run("models", "show", "claude-nope-9")
    assert r.code == 1
    assert r.out == ""
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert "claude-nope-9" in lines[0] and "claude-cli models" in lines[0]
    assert "Traceback" not in r.err


def test_show_on_a_terminal_is_aligned(api, cli_env) -> None:
    api.models = LINEUP
    screen = read_all(spawn(["models", "show", "claude-sonnet-5-5"], cli_env, cols=120), cols=120)
    lines = [line.rstrip() for line in screen.lines if line.strip()]
    assert lines[0].split() == ["id", "claude-sonnet-5-5"]
    value_column = lines[0].index("claude-sonnet-5-5")
    assert lines[3][value_column:] == "1,000,000"  # context window
    assert lines[5][value_column:] == "adaptive"  # thinking


def serve_the_model_route(api, answer=None) -> None:
    """Give this test's server `GET /v1/models/{id}` as the service has it (the shared
    fake lists models only). `answer` replaces the entry, as a confused gateway might."""
    handler = api.httpd.RequestHandlerClass  # one class per FakeAPI: nothing leaks out
    listing = handler.do_GET

    def do_get(self) -> None:
        path = urlparse(self.path).path
        if not path.startswith("/v1/models/"):
            return listing(self)
        self._record(None, b"")
        wanted = unquote(path.removeprefix("/v1/models/"))
        found = [m for m in self.api.models if m.get("id") == wanted]
        if not found:
            return self._error(404, "not_found_error", f"model: {wanted}")
        return self._json(200, found[0] if answer is None else answer)

    handler.do_GET = do_get


def test_show_asks_the_model_route_and_nothing_else(api, run) -> None:
    api.models = LINEUP
    serve_the_model_route(api)
    r = run("models", "show", "claude-haiku-4-5")
    assert r.code == 0, r.err
    assert "thinking\tbudget" in r.out.splitlines()
    assert "effort\tnone" in r.out.splitlines()
    assert [q.path for q in api.requests] == ["/v1/models/claude-haiku-4-5"]
    # The service's 404 for an unknown id: the list is asked too, then one clear line.
    r = run("models", "show", "claude-nope-9")
    assert r.code == 1 and "no model 'claude-nope-9'" in r.err


def test_show_does_not_trust_an_answer_that_is_not_the_model(api, run) -> None:
    api.models = LINEUP
    serve_the_model_route(api, answer={"data": [], "has_more": False})
    r = run("models", "show", "claude-sonnet-5-5")
    assert r.code == 0, r.err
    assert "name\tClaude Sonnet 5.5" in r.out.splitlines()
    assert [q.path for q in api.requests] == ["/v1/models/claude-sonnet-5-5", "/v1/models"]


def test_models_json_escapes_c1_and_bidi_but_keeps_the_data(api, run) -> None:
    hostile = "Evil \u202egnp.exe \x9b2J \x1b]0;title\x07"
    api.models[0]["display_name"] = hostile
    result = run("models", "--json")
    assert result.code == 0, result.err
    assert not any(ch in result.out for ch in ("\u202e", "\x9b", "\x1b", "\x07"))
    assert json.loads(result.out)[0]["display_name"] == hostile
