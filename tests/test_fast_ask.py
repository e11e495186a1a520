"""A plain `ask` is parsed without Typer (claude_cli/fast_ask.py): it must mean
exactly what the Typer command means, and hand everything else to Typer."""

from __future__ import annotations

import pytest
import typer
from typer._click.types import FloatRange, IntRange

from claude_cli import fast_ask
from claude_cli.cli import app

ASK = typer.main.get_command(app).commands["ask"]


def click_params(args: list[str]) -> dict[str, object]:
    """What click (through Typer) parses `ask ARGS` into, lists as lists, empty as None."""
    ctx = ASK.make_context("ask", list(args))
    out = {}
    for name, value in ctx.params.items():
        if isinstance(value, tuple | list):
            value = list(value) or None
        out[name] = value
    return out


def test_the_table_is_the_typer_command() -> None:
    seen = set()
    for param in ASK.params:
        if param.param_type_name == "argument":
            assert param.name == "prompt"
            continue
        for opt in [*param.opts, *param.secondary_opts]:
            seen.add(opt)
            name, kind = fast_ask.OPTIONS[opt]
            assert name == param.name, opt
            if param.is_flag:
                assert kind[0] == "flag", opt
            elif param.multiple:
                assert kind == "list", opt
            elif isinstance(param.type, IntRange | FloatRange):
                number = "int" if isinstance(param.type, IntRange) else "float"
                assert kind[:2] == (number, param.type.min), opt
                assert param.type.max == kind[2], opt
            elif param.name == "timeout":  # a float checked by a callback in cli.py
                assert kind == ("float", 0.001, 86400.0)
            else:
                assert kind == "str", opt
    assert seen == set(fast_ask.OPTIONS)


PARSED_ALIKE = [
    [],
    ["hello", "world"],
    ["-m", "claude-haiku-4-5", "--max-tokens", "20", "Write", "at", "length"],
    ["hi", "-m", "x", "there", "--model=y"],  # interspersed; the last value wins
    ["--stop", "a", "--stop=b", "-i", "p.png", "--image", "q.png", "-a", "r.pdf", "q"],
    ["--think", "--no-think", "--json", "--no-stream", "--plain", "--dry-run", "--curl"],
    ["--think", "--think-budget", "2048", "--show-thinking", "--effort", "low", "q"],
    ["--temperature", "0", "--top-p", "0.5", "--top-k", "3", "--timeout", "1.5"],
    ["--temperature", "1", "--timeout", "86400", "--max-retries", "0"],
    ["--web", "--web-domains", "a.org,b.org", "--max-searches", "2", "--sources", "--cite"],
    ["-S", "trip", "--no-save", "-c", "--continue", "--download", "q"],
    ["--schema", "name, age int", "--schema-multi", "-s", "Be terse", "--prefill={", "q"],
    ["--session=trip", "--max-tokens=7", "--system=", "q"],
    ["--max-tokens", " 12 ", "q"],  # int() takes spaces, and so does click
]


@pytest.mark.parametrize("args", PARSED_ALIKE)
def test_plain_command_lines_parse_as_click_parses_them(args: list[str]) -> None:
    flags = fast_ask.parse(args)
    assert flags is not None, args
    assert flags == click_params(args)


LEFT_TO_TYPER = [
    ["-h"],
    ["--help"],
    ["q", "--help"],
    ["--", "-v"],
    ["-"],  # a word "-": Typer decides
    ["-mclaude-haiku-4-5", "q"],  # attached short value
    ["-cS", "trip", "q"],  # clustered short flags
    ["--model"],  # a missing value
    ["--model", "--json", "q"],  # a value that looks like an option
    ["--max-tokens", "0", "q"],  # below the range: Typer's message
    ["--max-tokens", "1.5", "q"],
    ["--think-budget", "1000", "q"],
    ["--temperature", "nan", "q"],
    ["--temperature", "1.01", "q"],
    ["--timeout", "0", "q"],
    ["--json=1", "q"],  # a flag with a value
    ["--modle", "x", "q"],  # a typo: Typer suggests the right name
    ["-5", "q"],
]


@pytest.mark.parametrize("args", LEFT_TO_TYPER)
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert fast_ask.parse(args) is None


def test_the_fast_path_answers_like_the_typer_path(api, run) -> None:
    api.reply("four")
    fast = run("ask", "-m", "claude-haiku-4-5", "--max-tokens", "9", "2+2?")
    api.reply("four")
    slow = run("ask", "-m", "claude-haiku-4-5", "--max-tokens", "9", "--", "2+2?")
    assert fast.code == slow.code == 0
    assert fast.out == slow.out == "four\n"
    first, second = api.messages_requests[-2:]
    assert first.body == second.body
    assert first.headers.get("user-agent") == second.headers.get("user-agent")


def test_usage_errors_still_come_from_typer(run) -> None:
    done = run("ask", "--max-tokens", "0", "hi")
    assert done.code == 2
    assert "--max-tokens" in done.err and "Traceback" not in done.err
