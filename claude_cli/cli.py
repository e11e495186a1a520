"""The Typer app: parse arguments, resolve settings, hand over to a workflow.

Only typer and our light modules are imported here: every `--help` and every
Tab press runs this file, so httpx, rich, prompt_toolkit and Pillow are
imported inside the commands that need them.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from . import __version__
from .errors import CliError

app = typer.Typer(
    name="claude-cli",
    help="Talk to Claude from your terminal and your shell pipelines.",
    epilog="Examples:\n\n\b\n  claude-cli ask 'What is the capital of France?'\n"
    "  git diff | claude-cli ask 'Review this change'\n  claude-cli chat",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"claude-cli {__version__}\n")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Talk to Claude from your terminal and your shell pipelines."""


def _settings(**flags: Any):
    from .config import load_settings

    return load_settings({k: v for k, v in flags.items() if v is not None})


def _streams():
    from .term import Streams

    return Streams.system()


ModelOpt = Annotated[
    str | None,
    typer.Option("-m", "--model", help="Model id, e.g. -m claude-haiku-4-5.", show_default=False),
]
SystemOpt = Annotated[
    str | None,
    typer.Option("-s", "--system", help="System prompt, e.g. -s 'Answer in French.'"),
]
MaxTokensOpt = Annotated[
    int | None,
    typer.Option("--max-tokens", min=1, help="Most tokens to generate, e.g. --max-tokens 200."),
]
RetriesOpt = Annotated[
    int | None,
    typer.Option("--max-retries", min=0, help="Retries on 429/5xx/network errors (default 2)."),
]
TimeoutOpt = Annotated[
    float | None,
    typer.Option("--timeout", min=0.001, help="Read timeout in seconds (default 600)."),
]
SessionOpt = Annotated[
    str | None,
    typer.Option(
        "-S",
        "--session",
        help="Continue (or start) the named session, e.g. --session trip-plans.",
        show_default=False,
    ),
]
ContinueOpt = Annotated[
    bool,
    typer.Option("-c", "--continue", help="Continue the most recently updated session."),
]


@app.command(
    epilog="Examples:\n\n\b\n"
    "  claude-cli ask 'Explain TCP slow start in two sentences'\n"
    "  cat notes.txt | claude-cli ask 'Summarise:'\n"
    "  claude-cli ask --prefill '{' 'Give me a JSON object with keys a and b' | jq .\n"
    "  claude-cli ask --json 'hi' | jq .usage\n"
    "  claude-cli ask --dry-run -s 'Be terse' 'hello'\n"
)
def ask(
    prompt: Annotated[
        list[str] | None,
        typer.Argument(
            help="The question; words are joined with spaces. Piped stdin follows it.",
            show_default=False,
        ),
    ] = None,
    model: ModelOpt = None,
    system: SystemOpt = None,
    max_tokens: MaxTokensOpt = None,
    prefill: Annotated[
        str | None,
        typer.Option(
            "--prefill",
            help="Start of Claude's reply, e.g. --prefill '{'. Printed before the continuation.",
        ),
    ] = None,
    stop: Annotated[
        list[str] | None,
        typer.Option("--stop", help="Stop sequence (repeatable), e.g. --stop '```'."),
    ] = None,
    temperature: Annotated[
        float | None,
        typer.Option(
            "--temperature",
            min=0.0,
            max=1.0,
            help="Sampling temperature 0..1, sent only when given, e.g. --temperature 0.",
        ),
    ] = None,
    think: Annotated[
        int | None,
        typer.Option(
            "--think", min=1024, help="Extended thinking budget in tokens, e.g. --think 4000."
        ),
    ] = None,
    show_thinking: Annotated[
        bool, typer.Option("--show-thinking", help="Print thinking text on stderr.")
    ] = False,
    image: Annotated[
        list[str] | None,
        typer.Option(
            "-i",
            "--image",
            help="Attach an image (path, URL or - for stdin); repeatable, e.g. -i photo.jpg.",
        ),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the complete Message object as JSON.")
    ] = False,
    no_stream: Annotated[
        bool, typer.Option("--no-stream", help="Wait for the whole reply instead of streaming.")
    ] = False,
    plain: Annotated[
        bool, typer.Option("--plain", help="Raw text on a terminal too (no Markdown).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the JSON request body; send nothing.")
    ] = False,
    curl: Annotated[
        bool, typer.Option("--curl", help="Print an equivalent curl command; send nothing.")
    ] = False,
    session: SessionOpt = None,
    continue_last: ContinueOpt = False,
    max_retries: RetriesOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Ask Claude one question and print the answer."""
    from .ask import AskOptions, run_ask

    settings = _settings(
        model=model, system=system, max_tokens=max_tokens, max_retries=max_retries, timeout=timeout
    )
    opts = AskOptions(
        words=prompt or [],
        prefill=prefill,
        stop=stop or [],
        temperature=temperature,
        thinking_budget=think,
        json_out=json_out,
        stream=not no_stream,
        dry_run=dry_run,
        curl=curl,
        plain=plain,
        show_thinking=show_thinking,
        images=image or [],
        session=session,
        continue_last=continue_last,
    )
    run_ask(settings, opts, _streams())


@app.command(
    epilog="Examples:\n\n\b\n  claude-cli models\n  claude-cli models --json | jq -r '.[].id'\n"
)
def models(
    json_out: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the models your key can use (GET /v1/models)."""
    from .listing import run_models

    run_models(_settings(), _streams(), json_out=json_out)


@app.command(
    epilog="Examples:\n\n\b\n  claude-cli chat\n  claude-cli chat --session trip-plans\n"
    "  claude-cli chat -c\n  printf 'hi\\nand again\\n' | claude-cli chat -S demo\n"
)
def chat(
    session: SessionOpt = None,
    continue_last: ContinueOpt = False,
    model: ModelOpt = None,
    system: SystemOpt = None,
    max_tokens: MaxTokensOpt = None,
    max_retries: RetriesOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Chat with Claude in a REPL (/help inside lists the commands).

    Every reply is saved to a session. Without a terminal on stdin, each line
    is one message and replies are plain text."""
    from .repl import run_chat

    settings = _settings(
        model=model, system=system, max_tokens=max_tokens, max_retries=max_retries, timeout=timeout
    )
    run_chat(settings, session, _streams(), continue_last=continue_last)


sessions_app = typer.Typer(
    name="sessions",
    help="List, show, export, import, rename, delete and search saved sessions.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(sessions_app)
NameArg = Annotated[str, typer.Argument(help="Session name.", show_default=False)]


@sessions_app.command("list")
def sessions_list() -> None:
    """Sessions, newest first: name, turns, model, updated, first words."""
    from .session_cmds import list_sessions

    list_sessions(_streams())


@sessions_app.command("show")
def sessions_show(name: NameArg) -> None:
    """Print a session's conversation, with token usage and estimated cost."""
    from .session_cmds import show

    show(name, _streams())


@sessions_app.command("export")
def sessions_export(
    name: NameArg,
    fmt: Annotated[
        str, typer.Option("-f", "--format", help="markdown or json (images inline).")
    ] = "markdown",
) -> None:
    """Print a session as Markdown or JSON."""
    from .session_cmds import export

    export(name, fmt, _streams())


@sessions_app.command("import")
def sessions_import(
    name: NameArg,
    file: Annotated[
        str,
        typer.Argument(
            help="JSON file (a list of {role, content}, or an "
            "object with 'messages'); - for stdin.",
            show_default=False,
        ),
    ],
) -> None:
    """Create a session from a JSON list of messages."""
    from .session_cmds import import_

    import_(name, file, _streams())


@sessions_app.command("rename")
def sessions_rename(old: NameArg, new: NameArg) -> None:
    """Rename a session."""
    from .session_cmds import rename

    rename(old, new, _streams())


@sessions_app.command("delete")
def sessions_delete(
    name: NameArg,
    yes: Annotated[bool, typer.Option("-y", "--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a session (asks first on a terminal)."""
    from .session_cmds import delete

    delete(name, yes, _streams())


@sessions_app.command("search")
def sessions_search(
    text: Annotated[
        str, typer.Argument(help="Text to look for (case-insensitive).", show_default=False)
    ],
) -> None:
    """Find messages containing TEXT in every session."""
    from .session_cmds import search

    search(text, _streams())


def run() -> None:
    """Console entry point: one line on stderr for every failure, never a traceback."""
    try:
        app(prog_name="claude-cli")
    except CliError as e:
        _fail(f"claude-cli: error: {e.message}", e.exit_code)
    except KeyboardInterrupt:
        _fail("claude-cli: interrupted", 130)
    except BrokenPipeError:
        # `claude-cli ask ... | head`: the reader left; that is not an error.
        _quiet_exit(0)
    except Exception as e:
        import os

        if os.environ.get("CLAUDE_CLI_DEBUG"):
            raise
        _fail(
            f"claude-cli: internal error: {type(e).__name__}: {e} "
            "(set CLAUDE_CLI_DEBUG=1 for a traceback)",
            70,
        )


def _fail(message: str, code: int) -> None:
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    finally:
        sys.exit(code)


def _quiet_exit(code: int) -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(code)
