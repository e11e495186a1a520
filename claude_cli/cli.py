"""The Typer app: parse arguments, resolve settings, hand over to a workflow.

Only typer and our light modules are imported here: every `--help` and every
Tab press runs this file, so httpx, rich, prompt_toolkit and Pillow are
imported inside the commands that need them.

No `from __future__ import annotations` here: Typer would evaluate every string
annotation twice (inspect.signature and get_type_hints) on each run, which was
most of the cost of building the commands (tests/test_startup.py guards it).
"""

import os
import sys
from enum import Enum
from typing import Annotated, Any

import typer

from claude_cli import __version__
from claude_cli.errors import ExitCode
from claude_cli.guard import fail as _fail
from claude_cli.guard import guarded

app = typer.Typer(
    name="claude-cli",
    help="Talk to Claude from your terminal and your shell pipelines.",
    epilog="Examples:\n\n\b\n  claude-cli ask 'What is the capital of France?'\n"
    "  git diff | claude-cli ask 'Review this change'\n  claude-cli chat",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,  # ours below: they install the static scripts (completion.py)
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"claude-cli {__version__}\n")
        raise typer.Exit()


def _shell_word(option: str) -> str | None:
    """`--install-completion bash`: the shell may follow the flag. It is read here, as
    Typer's own option did, because the flag ends the run before any command is parsed."""
    args = sys.argv[1:]
    at = args.index(option) if option in args else -1
    return args[at + 1] if 0 <= at < len(args) - 1 else None


def _install_completion(value: bool) -> None:
    if value:
        from claude_cli.commands import completion_install as ci
        from claude_cli.terminal.term import say

        for line in ci.install(ci.shell_named(_shell_word("--install-completion"))):
            say(sys.stderr, line, dimmed=False)
        raise typer.Exit()


def _show_completion(value: bool) -> None:
    if value:
        from claude_cli.commands import completion_install as ci

        sys.stdout.write(
            ci.show(ci.shell_named(_shell_word("--show-completion"), "--show-completion"))
        )
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
    install_completion: Annotated[
        bool,
        typer.Option(
            "--install-completion",
            help="Install completion for the current shell.",
            callback=_install_completion,
            is_eager=True,
        ),
    ] = False,
    show_completion: Annotated[
        bool,
        typer.Option(
            "--show-completion",
            help="Show completion for the current shell, to copy it or customize the installation.",
            callback=_show_completion,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Talk to Claude from your terminal and your shell pipelines."""


def _examples(*lines: str) -> str:
    return "Examples:\n\n\b\n" + "".join(f"  claude-cli {line}\n" for line in lines)


def _settings(**flags: Any):
    from claude_cli.config import load_settings

    return load_settings({k: v for k, v in flags.items() if v is not None})


def _streams():
    from claude_cli.terminal.term import Streams

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


def _timeout(value: float | None) -> float | None:
    # click's range lets nan through (every comparison with it is false).
    from claude_cli.config import MAX_TIMEOUT, MIN_TIMEOUT

    if value is not None and not MIN_TIMEOUT <= value <= MAX_TIMEOUT:
        raise typer.BadParameter(
            f"{value} is not a number of seconds from {MIN_TIMEOUT:g} to {MAX_TIMEOUT:g}"
        )
    return value


TimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        callback=_timeout,
        help="Seconds to wait for the next event (pings do not count), or for the "
        "whole answer with --no-stream (default 600).",
    ),
]
# chat and describe-image always stream; tokens waits for one short answer.
StreamTimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        callback=_timeout,
        help="Seconds to wait for the next event of a reply (pings do not count; default 600).",
    ),
]
AnswerTimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        callback=_timeout,
        help="Seconds to wait for the service's answer (default 600).",
    ),
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
EffortOpt = Annotated[
    str | None,
    typer.Option(
        "--effort",
        help="How hard the model works: low, medium, high, xhigh or max (the levels "
        "vary by model), e.g. --effort low.",
        show_default=False,
    ),
]
ThinkOpt = Annotated[
    bool | None,
    typer.Option(
        "--think/--no-think",
        help="Ask for thinking the way the model takes it (adaptive on current models), "
        "or turn it off where the model allows it. Default: the model's own.",
        show_default=False,
    ),
]
ThinkBudgetOpt = Annotated[
    int | None,
    typer.Option(
        "--think-budget",
        min=1024,
        help="Thinking budget in tokens, for models that take only a manual budget "
        "(claude-haiku-4-5, claude-opus-4-5), e.g. --think-budget 4000.",
        show_default=False,
    ),
]
ShowThinkingOpt = Annotated[
    bool,
    typer.Option(
        "--show-thinking", help="Ask for the thinking summary and print it on stderr, dimmed."
    ),
]
DownloadOpt = Annotated[
    bool,
    typer.Option(
        "--download",
        help="Fetch image URLs here and send the bytes (for private "
        "URLs); default: the service fetches them.",
    ),
]
SchemaOpt = Annotated[
    str | None,
    typer.Option(
        "--schema",
        help="Answer as JSON matching this schema: inline JSON Schema, @file.json, or fields "
        "like 'name, age int, tags list[str], bio: one sentence' (strings unless typed: int, "
        "float, bool, list[...]; a description after ':'). Printed as JSON.",
        show_default=False,
    ),
]
SchemaMultiOpt = Annotated[
    bool,
    typer.Option(
        "--schema-multi",
        help="With --schema: a list of such objects (e.g. every person in a text).",
    ),
]
CiteOpt = Annotated[
    bool,
    typer.Option("--cite", help="Ask for citations from attached documents (kept in --json)."),
]
WebOpt = Annotated[
    bool,
    typer.Option(
        "--web",
        help="Let Claude search the web and read pages (server tools); sources are "
        "listed after the answer, e.g. --web 'What changed in Python 3.14?'.",
    ),
]
WebDomainsOpt = Annotated[
    str | None,
    typer.Option(
        "--web-domains",
        help="With --web: only these domains, comma-separated, e.g. "
        "--web-domains python.org,peps.python.org.",
        show_default=False,
    ),
]
MaxSearchesOpt = Annotated[
    int | None,
    typer.Option(
        "--max-searches", min=1, help="With --web: at most N searches, e.g. --max-searches 3."
    ),
]
SourcesOpt = Annotated[
    bool,
    typer.Option(
        "--sources",
        help="With --web or --cite, in a pipe: print the cited sources on stderr "
        "(stdout: the answer).",
    ),
]


@app.command(
    epilog="Examples:\n\n\b\n"
    "  claude-cli ask 'Explain TCP slow start in two sentences'\n"
    "  cat notes.txt | claude-cli ask 'Summarise:'\n"
    "  claude-cli ask --schema 'city, country, population int' 'The largest city in Peru'\n"
    "  cat story.txt | claude-cli ask --schema 'name, age int' --schema-multi 'Every person'\n"
    "  claude-cli ask --json 'hi' | jq .usage\n"
    "  claude-cli ask --dry-run -s 'Be terse' 'hello'\n"
    "  claude-cli ask -i photo.jpg 'What breed is this dog?'\n"
    "  claude-cli ask -a report.pdf 'Summarise the findings' --cite\n"
    "  claude-cli ask --web --web-domains python.org 'What is new in Python 3.14?'\n"
    "  claude-cli ask --think --effort high 'Plan a three-day trip to Lisbon'\n"
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
            help="Sampling temperature 0..1, sent only when given, e.g. --temperature 0 "
            "(models before Claude Opus 4.7 only).",
        ),
    ] = None,
    top_p: Annotated[
        float | None,
        typer.Option(
            "--top-p",
            min=0.0,
            max=1.0,
            help="Nucleus sampling 0..1, e.g. --top-p 0.9 (models before Opus 4.7 only).",
        ),
    ] = None,
    top_k: Annotated[
        int | None,
        typer.Option(
            "--top-k", min=1, help="Sample from the K likeliest tokens, e.g. --top-k 40 (same)."
        ),
    ] = None,
    effort: EffortOpt = None,
    think: ThinkOpt = None,
    think_budget: ThinkBudgetOpt = None,
    show_thinking: ShowThinkingOpt = False,
    image: Annotated[
        list[str] | None,
        typer.Option(
            "-i",
            "--image",
            help="Attach an image (path, URL or - for stdin); repeatable, e.g. -i photo.jpg.",
        ),
    ] = None,
    attach: Annotated[
        list[str] | None,
        typer.Option(
            "-a",
            "--attach",
            help="Attach a PDF, a text file or an image (path, URL or - for stdin; the type "
            "comes from the bytes); repeatable, e.g. -a report.pdf -a notes.txt.",
        ),
    ] = None,
    cite: CiteOpt = False,
    web: WebOpt = False,
    web_domains: WebDomainsOpt = None,
    max_searches: MaxSearchesOpt = None,
    sources: SourcesOpt = False,
    download: DownloadOpt = False,
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
    schema: SchemaOpt = None,
    schema_multi: SchemaMultiOpt = False,
    session: SessionOpt = None,
    continue_last: Annotated[
        bool,
        typer.Option(
            "-c", "--continue", help="Continue the latest conversation (an ask, chat or session)."
        ),
    ] = False,
    no_save: Annotated[
        bool,
        typer.Option(
            "--no-save",
            help="Do not remember this ask (by default each one is kept as an ask-DATE "
            "session for -c; save_asks = false turns that off).",
        ),
    ] = False,
    max_retries: RetriesOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Ask Claude one question and print the answer."""
    from claude_cli.fast_ask import ask_from_flags

    # The same function runs a plain `ask` parsed without Typer (fast_ask.parse).
    ask_from_flags(locals())


@app.command(
    epilog="Examples:\n\n\b\n"
    "  claude-cli tokens 'How long is this prompt?'\n"
    "  claude-cli tokens -a report.pdf 'Summarise it'\n"
    "  claude-cli tokens -S trip-plans\n"
    "  git diff | claude-cli tokens -m claude-haiku-4-5 'Review this'\n",
)
def tokens(
    prompt: Annotated[
        list[str] | None,
        typer.Argument(
            help="The question, as for ask (piped stdin follows it).", show_default=False
        ),
    ] = None,
    model: ModelOpt = None,
    system: SystemOpt = None,
    image: Annotated[
        list[str] | None, typer.Option("-i", "--image", help="An image, as for ask; repeatable.")
    ] = None,
    attach: Annotated[
        list[str] | None,
        typer.Option("-a", "--attach", help="A PDF, text file or image, as for ask; repeatable."),
    ] = None,
    web: Annotated[
        bool, typer.Option("--web", help="Count the web tools' definitions too.")
    ] = False,
    schema: SchemaOpt = None,
    schema_multi: SchemaMultiOpt = False,
    effort: EffortOpt = None,
    think: ThinkOpt = None,
    session: SessionOpt = None,
    max_retries: RetriesOpt = None,
    timeout: AnswerTimeoutOpt = None,
) -> None:
    """Count the input tokens of a request (POST /v1/messages/count_tokens); send nothing else.

    Prints the count, the share of the model's context window and the estimated input
    cost; in a pipe, stdout gets the number alone. With -S NAME and no prompt: the whole
    session and a one-character next question."""
    from claude_cli.commands.tokens import run_tokens
    from claude_cli.prompt_input import AskOptions

    settings = _settings(model=model, system=system, max_retries=max_retries, timeout=timeout)
    opts = AskOptions(
        words=prompt or [],
        images=image or [],
        attach=attach or [],
        web=web,
        schema_text=schema,
        schema_multi=schema_multi,
        effort=effort,
        think=think,
        session=session,
        stream=False,
    )
    run_tokens(settings, opts, _streams())


@app.command(
    "describe-image",
    epilog="Examples:\n\n\b\n"
    "  claude-cli describe-image photo.jpg\n"
    "  claude-cli describe-image photos/*.jpg --json > out.jsonl\n"
    "  claude-cli describe-image -p 'Transcribe the text' scan.png\n"
    "  claude-cli describe-image --schema 'animal, colour, count int' --json *.jpg\n"
    "  curl -s https://example.com/cat.png | claude-cli describe-image -\n"
    "  claude-cli describe-image --batch photos/*.jpg   # half price, within 24 h\n",
)
def describe_image(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Images: paths, http(s) URLs, or - for image bytes on stdin.", show_default=False
        ),
    ],
    prompt: Annotated[
        str | None,
        typer.Option(
            "-p", "--prompt", help="What to ask about each image (default: a detailed description)."
        ),
    ] = None,
    model: ModelOpt = None,
    max_tokens: MaxTokensOpt = None,
    system: SystemOpt = None,
    prefill: Annotated[
        str | None,
        typer.Option("--prefill", help="Start of each reply, e.g. --prefill '{'."),
    ] = None,
    json_out: Annotated[
        bool,
        typer.Option(
            "--json",
            help="One JSON object per image and line "
            "(source, text, model, stop_reason, usage | source, error; "
            "with --schema also data: the parsed object).",
        ),
    ] = False,
    schema: SchemaOpt = None,
    schema_multi: SchemaMultiOpt = False,
    effort: EffortOpt = None,
    think: ThinkOpt = None,
    think_budget: ThinkBudgetOpt = None,
    concurrency: Annotated[
        int,
        typer.Option("-j", "--concurrency", min=1, max=64, help="Requests in flight at once."),
    ] = 8,  # describe.DEFAULT_CONCURRENCY (not imported: --help stays light)
    session: Annotated[
        str | None,
        typer.Option(
            "-S", "--session", help="Record each image and its description in this session."
        ),
    ] = None,
    download: DownloadOpt = False,
    plain: Annotated[
        bool, typer.Option("--plain", help="Raw text on a terminal too (no Markdown).")
    ] = False,
    max_retries: RetriesOpt = None,
    timeout: StreamTimeoutOpt = None,
    as_batch: Annotated[
        bool,
        typer.Option(
            "--batch",
            help="Send them as a batch job at half price (results within 24 h: "
            "see claude-cli batch --help); prints the job's name.",
        ),
    ] = False,
) -> None:
    """Describe one or many images, each its own request, several at a time."""
    from claude_cli.commands.describe import DEFAULT_PROMPT, DescribeOptions, run_describe

    settings = _settings(
        model=model,
        system=system,
        max_tokens=max_tokens,
        max_retries=max_retries,
        timeout=timeout,
        download_images=download or None,
    )
    if as_batch:
        from claude_cli.commands.batch import run_describe_batch
        from claude_cli.request.body import RequestOptions

        if session is not None:
            from claude_cli.errors import UsageError

            raise UsageError(
                "--session does not go with --batch: a batch's replies come later, "
                "with claude-cli batch results"
            )

        request = RequestOptions(
            prefill=prefill,
            effort=effort,
            think=think,
            think_budget=think_budget,
            stream=False,
            schema=_load_schema(schema, schema_multi),
        )
        text = prompt if prompt is not None else DEFAULT_PROMPT
        run_describe_batch(settings, sources, text, request, _streams(), schema_multi=schema_multi)
        return
    opts = DescribeOptions(
        sources=sources,
        prompt=prompt,
        prefill=prefill,
        effort=effort,
        think=think,
        think_budget=think_budget,
        json_out=json_out,
        concurrency=concurrency,
        session=session,
        plain=plain,
        schema_text=schema,
        schema_multi=schema_multi,
    )
    run_describe(settings, opts, _streams())


models_app = typer.Typer(
    name="models",
    epilog="Examples:\n\n\b\n  claude-cli models\n  claude-cli models --json | jq -r '.[].id'\n"
    "  claude-cli models show claude-opus-5-5\n",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(models_app)
ModelsJsonOpt = Annotated[
    bool, typer.Option("--json", help="Print what the service sent, as JSON.")
]


@models_app.callback()
def models(ctx: typer.Context, json_out: ModelsJsonOpt = False) -> None:
    """List the models your key can use and what each can do (GET /v1/models).

    Per model: id, name, context window, max output, thinking (adaptive, budget or
    none), effort levels, image and PDF input. On a terminal a table; in a pipe
    tab-separated rows without a header. Also caches the ids for shell completion."""
    ctx.obj = {"json": json_out}
    if ctx.invoked_subcommand is None:
        from claude_cli.commands.models import run_models

        run_models(_settings(), _streams(), json_out=json_out)


@models_app.command(
    "show",
    epilog="Examples:\n\n\b\n  claude-cli models show claude-sonnet-5-5\n"
    "  claude-cli models show claude-haiku-4-5 --json\n",
)
def models_show(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help="Model id, e.g. claude-sonnet-5-5.")],
    json_out: ModelsJsonOpt = False,
) -> None:
    """Show one model in full: limits and every capability (GET /v1/models/ID)."""
    from claude_cli.commands.models import run_model_show

    json_out = json_out or bool((ctx.obj or {}).get("json"))
    run_model_show(_settings(), _streams(), model, json_out=json_out)


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


@app.command(
    epilog=_examples(
        "completion bash > ~/.local/share/bash-completion/completions/claude-cli",
        "completion zsh > ~/.zfunc/_claude-cli",
        "completion fish > ~/.config/fish/completions/claude-cli.fish",
    )
)
def completion(
    shell: Annotated[
        Shell, typer.Argument(help="bash, zsh or fish.", metavar="SHELL", show_default=False)
    ],
) -> None:
    """Print the shell completion script (static: Tab never starts Python)."""
    from claude_cli.completion import script_for

    sys.stdout.write(script_for(shell.value))


@app.command(
    epilog="Examples:\n\n\b\n  claude-cli chat\n  claude-cli chat --session trip-plans\n"
    "  claude-cli chat -c\n  printf 'hi\\nand again\\n' | claude-cli chat -S demo\n"
    "  claude-cli chat --web --web-domains python.org\n"
    "  claude-cli chat --schema 'title, year int, genres list[str]'\n"
)
def chat(
    session: SessionOpt = None,
    continue_last: ContinueOpt = False,
    model: ModelOpt = None,
    system: SystemOpt = None,
    max_tokens: MaxTokensOpt = None,
    effort: EffortOpt = None,
    think: ThinkOpt = None,
    think_budget: ThinkBudgetOpt = None,
    show_thinking: ShowThinkingOpt = False,
    schema: SchemaOpt = None,
    schema_multi: SchemaMultiOpt = False,
    web: WebOpt = False,
    web_domains: WebDomainsOpt = None,
    max_searches: MaxSearchesOpt = None,
    cite: CiteOpt = False,
    sources: SourcesOpt = False,
    max_retries: RetriesOpt = None,
    timeout: StreamTimeoutOpt = None,
) -> None:
    """Chat with Claude in a REPL (/help inside lists the commands).

    Every reply is saved to a session. Without a terminal on stdin, each line
    is one message and replies are plain text."""
    from claude_cli.commands.chat import run_chat

    settings = _settings(
        model=model, system=system, max_tokens=max_tokens, max_retries=max_retries, timeout=timeout
    )
    from claude_cli.request.body import RequestOptions

    options = RequestOptions(
        effort=effort,
        think=think,
        think_budget=think_budget,
        show_thinking=show_thinking,
        web=web,
        web_domains=web_domains.split(",") if web_domains is not None else [],
        max_searches=max_searches,
    )
    run_chat(
        settings,
        session,
        _streams(),
        continue_last=continue_last,
        options=options,
        schema_text=schema,
        schema_multi=schema_multi,
        cite=cite,
        sources=sources,
    )


sessions_app = typer.Typer(
    name="sessions",
    help="List, show, export, import, rename, delete and search saved sessions.",
    epilog=_examples(
        "sessions list",
        "sessions show trip",
        "sessions export trip --format json | jq .messages",
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(sessions_app)
NameArg = Annotated[str, typer.Argument(help="Session name.", show_default=False)]


@sessions_app.command(
    "list",
    epilog=_examples(
        "sessions list",
        "sessions list -n 5",
        "sessions list --json | jq -r '.[].name'",
    ),
)
def sessions_list(
    limit: Annotated[
        int | None,
        typer.Option("-n", "--limit", min=1, help="Show only the N newest, e.g. -n 10."),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="A JSON list of {name, turns, model, ...}.")
    ] = False,
) -> None:
    """Sessions, newest first: name, turns, model, updated, first words."""
    from claude_cli.commands.sessions import list_sessions

    list_sessions(_streams(), limit=limit, json_out=json_out)


@sessions_app.command(
    "prune",
    epilog=_examples(
        "sessions prune --older-than 30d",
        "sessions prune --older-than 12h --yes",
    ),
)
def sessions_prune(
    older_than: Annotated[
        str,
        typer.Option(
            "--older-than",
            help="Age: a number and s, m, h, d or w, e.g. 30d (not written for 30 days).",
            show_default=False,
        ),
    ],
    yes: Annotated[bool, typer.Option("-y", "--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete sessions not written for a while (asks first on a terminal)."""
    from claude_cli.commands.sessions import prune

    prune(older_than, yes, _streams())


@sessions_app.command(
    "show",
    epilog=_examples(
        "sessions show trip",
        "sessions show trip | less",
    ),
)
def sessions_show(name: NameArg) -> None:
    """Print a session's conversation, with token usage and estimated cost."""
    from claude_cli.commands.sessions import show

    show(name, _streams())


@sessions_app.command(
    "export",
    epilog=_examples(
        "sessions export trip > trip.md",
        "sessions export trip --format json | jq .messages",
    ),
)
def sessions_export(
    name: NameArg,
    fmt: Annotated[
        str, typer.Option("-f", "--format", help="markdown or json (images inline).")
    ] = "markdown",
) -> None:
    """Print a session as Markdown or JSON."""
    from claude_cli.commands.sessions import export

    export(name, fmt, _streams())


@sessions_app.command(
    "import",
    epilog=_examples(
        "sessions import trip conversation.json",
        "sessions export trip --format json | claude-cli sessions import trip-copy -",
    ),
)
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
    from claude_cli.commands.sessions import import_

    import_(name, file, _streams())


@sessions_app.command("rename", epilog=_examples("sessions rename chat-20261124-183012 lisbon"))
def sessions_rename(old: NameArg, new: NameArg) -> None:
    """Rename a session."""
    from claude_cli.commands.sessions import rename

    rename(old, new, _streams())


@sessions_app.command(
    "delete",
    epilog=_examples(
        "sessions delete trip",
        "sessions delete trip --yes",
        "sessions delete old-1 old-2 old-3 --yes",
    ),
)
def sessions_delete(
    names: Annotated[list[str], typer.Argument(help="Session names.", show_default=False)],
    yes: Annotated[bool, typer.Option("-y", "--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete sessions (asks first on a terminal)."""
    from claude_cli.commands.sessions import delete

    delete(names, yes, _streams())


@sessions_app.command(
    "search",
    epilog=_examples(
        "sessions search Lisbon",
        "sessions search 'exit code'",
    ),
)
def sessions_search(
    text: Annotated[
        str, typer.Argument(help="Text to look for (case-insensitive).", show_default=False)
    ],
) -> None:
    """Find messages containing TEXT in every session."""
    from claude_cli.commands.sessions import search

    search(text, _streams())


config_app = typer.Typer(
    name="config",
    help="See and edit settings (config.toml), and which credentials are found.",
    epilog="Examples:\n\n\b\n  claude-cli config show\n"
    "  claude-cli config set model claude-haiku-4-5\n"
    "  claude-cli config set api_key_command 'pass show anthropic'\n"
    '  claude-cli config unset model\n  $EDITOR "$(claude-cli config path)"\n',
    no_args_is_help=True,
)
app.add_typer(config_app)


@config_app.command("path", epilog='Example:\n\n\b\n  $EDITOR "$(claude-cli config path)"\n')
def config_path_cmd() -> None:
    """Print the config file's path (CLAUDE_CLI_CONFIG overrides it)."""
    from claude_cli.config import config_path

    sys.stdout.write(f"{config_path()}\n")


@config_app.command(
    "show",
    epilog="Examples:\n\n\b\n  claude-cli config show\n"
    "  claude-cli config show --json | jq -r .settings.model.value\n",
)
def config_show(
    json_out: Annotated[bool, typer.Option("--json", help="Print it all as JSON.")] = False,
) -> None:
    """Show every setting, where it came from (env, file, default) and the credential source."""
    from claude_cli.commands.config import run_show

    run_show(_streams(), json_out=json_out)


@config_app.command(
    "set",
    epilog="Examples:\n\n\b\n  claude-cli config set model claude-haiku-4-5\n"
    "  claude-cli config set max_tokens 1000\n"
    "  claude-cli config set api_key_command 'pass show anthropic'\n",
)
def config_set(
    key: Annotated[str, typer.Argument(help="Setting name, e.g. model.", show_default=False)],
    value: Annotated[str, typer.Argument(help="Its new value.", show_default=False)],
) -> None:
    """Check a setting and save it in the config file (comments are kept)."""
    from claude_cli.commands.config import run_set

    run_set(_streams(), key, value)


@config_app.command("unset", epilog="Example:\n\n\b\n  claude-cli config unset model\n")
def config_unset(
    key: Annotated[str, typer.Argument(help="Setting name, e.g. model.", show_default=False)],
) -> None:
    """Remove a setting from the config file, so its default applies again."""
    from claude_cli.commands.config import run_unset

    run_unset(_streams(), key)


def run() -> None:
    """Console entry point: one line on stderr for every failure, never a traceback."""
    guarded(_invoke_app)


def _invoke_app() -> object:
    if "_CLAUDE_CLI_COMPLETE" in os.environ:
        # A completion installed by an earlier version (Typer's own) asks the program on
        # every Tab: still answered, by Typer's shell classes, which add_completion=False
        # leaves unregistered.
        from typer.completion import completion_init

        completion_init()
    try:
        return app(prog_name="claude-cli", standalone_mode=False)
    except typer.TyperException as e:  # click's usage errors: usage line, hint, message
        show = getattr(e, "show", None)
        if show is None:
            _fail(f"claude-cli: error: {e}", ExitCode.USAGE)
        show(file=_CleanTalk(sys.stderr))  # it quotes argv: file names from a glob, say
        sys.exit(e.exit_code)
    except typer.Abort:
        _fail("claude-cli: aborted", ExitCode.INTERRUPTED)


def _load_schema(text: str | None, multi: bool) -> dict | None:
    """--schema (and --schema-multi) read and checked, for the commands that send later."""
    if text is None:
        if multi:
            from claude_cli.errors import UsageError

            raise UsageError("--schema-multi needs --schema: the fields of each item")
        return None
    from claude_cli.request.schema import load

    return load(text, multi=multi)


batch_app = typer.Typer(
    name="batch",
    help="Bulk jobs on the Message Batches API: half price, results within 24 hours.",
    epilog=_examples(
        "batch submit questions.jsonl",
        "batch wait questions",
        "batch results questions -o answers.jsonl",
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(batch_app)
JobArg = Annotated[
    str, typer.Argument(help="Job name (see batch list), or a batch id.", show_default=False)
]
IntervalOpt = Annotated[
    float,
    typer.Option(
        "--interval", min=0.01, help="Seconds between status checks while waiting (default 30)."
    ),
]


@batch_app.command(
    "submit",
    epilog=_examples(
        "batch submit questions.jsonl",
        "batch submit -m claude-haiku-4-5 --max-tokens 300 questions.jsonl",
        "batch submit - < questions.jsonl",
        "batch submit --new questions.jsonl",
    ),
)
def batch_submit(
    source: Annotated[
        str,
        typer.Argument(
            help="JSONL file (or - for stdin): per line a JSON string (the prompt), an "
            'object {"id", "prompt", "system", "images", "attach", "model", "max_tokens", '
            '"schema", "schema_multi"}, or {"custom_id", "params"} sent as it is.',
            show_default=False,
        ),
    ],
    model: ModelOpt = None,
    system: SystemOpt = None,
    max_tokens: MaxTokensOpt = None,
    effort: EffortOpt = None,
    think: ThinkOpt = None,
    think_budget: ThinkBudgetOpt = None,
    stop: Annotated[
        list[str] | None,
        typer.Option("--stop", help="Stop sequence (repeatable), e.g. --stop '```'."),
    ] = None,
    temperature: Annotated[
        float | None,
        typer.Option("--temperature", min=0.0, max=1.0, help="Sampling temperature 0..1."),
    ] = None,
    schema: SchemaOpt = None,
    schema_multi: SchemaMultiOpt = False,
    attach: Annotated[
        list[str] | None,
        typer.Option(
            "-a",
            "--attach",
            help="Attach a PDF, text file or image (as for ask) to every line that has no "
            "'attach' of its own; repeatable.",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Name the job (default: the file's name).")
    ] = None,
    new: Annotated[
        bool,
        typer.Option("--new", help="A fresh job, even if this input was submitted before."),
    ] = False,
    batch_size: Annotated[
        int,
        typer.Option(
            "--batch-size", min=1, max=100_000, help="Most requests per batch (default 100000)."
        ),
    ] = 100_000,
    wait: Annotated[bool, typer.Option("--wait", help="Then wait until the job ends.")] = False,
    interval: IntervalOpt = 30.0,
    max_retries: RetriesOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Submit one request per line as a job; prints the job's name. Running it again
    on the same input resumes the job instead of submitting anything twice."""
    from claude_cli.commands.batch import SubmitOptions, run_submit
    from claude_cli.request.body import RequestOptions

    settings = _settings(
        model=model, system=system, max_tokens=max_tokens, max_retries=max_retries, timeout=timeout
    )
    request = RequestOptions(
        stop=stop or [],
        temperature=temperature,
        effort=effort,
        think=think,
        think_budget=think_budget,
        stream=False,
        schema=_load_schema(schema, schema_multi),
    )
    opts = SubmitOptions(
        source=source,
        request=request,
        name=name,
        new=new,
        batch_size=batch_size,
        wait=wait,
        interval=interval,
        attach=attach or [],
        schema_multi=schema_multi,
    )
    run_submit(settings, opts, _streams())


@batch_app.command("list", epilog=_examples("batch list", "batch list --json | jq -r '.[].name'"))
def batch_list(
    json_out: Annotated[
        bool,
        typer.Option("--json", help="A JSON list of {name, requests, batches, created, ...}."),
    ] = False,
) -> None:
    """Jobs, newest first: name, requests, batches, created, state."""
    from claude_cli.commands.batch import run_list

    run_list(_streams(), json_out=json_out)


@batch_app.command("status", epilog=_examples("batch status questions", "batch status msgbatch_01"))
def batch_status(job: JobArg, max_retries: RetriesOpt = None, timeout: TimeoutOpt = None) -> None:
    """Counts, estimated cost at batch prices, and the results' cost once ended."""
    from claude_cli.commands.batch import run_status

    run_status(_settings(max_retries=max_retries, timeout=timeout), job, _streams())


@batch_app.command(
    "wait", epilog=_examples("batch wait questions", "batch wait questions --interval 60")
)
def batch_wait(job: JobArg, interval: IntervalOpt = 30.0, max_retries: RetriesOpt = None) -> None:
    """Show progress on stderr until the job ends (Ctrl-C stops waiting, not the job)."""
    from claude_cli.commands.batch import run_wait

    run_wait(_settings(max_retries=max_retries), job, _streams(), interval)


@batch_app.command(
    "results",
    epilog=_examples(
        "batch results questions > answers.jsonl",
        "batch results questions -o answers.jsonl",
        "batch results questions | jq -r .text",
        "batch results questions --retry-failed -o answers.jsonl",
    ),
)
def batch_results(
    job: JobArg,
    output: Annotated[
        str | None,
        typer.Option("-o", "--output", help="Write to this file (in place only once complete)."),
    ] = None,
    retry_failed: Annotated[
        bool,
        typer.Option(
            "--retry-failed",
            help="Submit the failed requests as a new job (JOB-retry); once it ends, its "
            "answers appear in this job's results.",
        ),
    ] = False,
    max_retries: RetriesOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """One JSON line per input line, in input order: id, line, text, data (with a schema:
    the parsed object), model, stop_reason, usage; or id, line, error (and the text, for a
    reply that does not match its schema); describe-image --batch lines also name their
    image (source). A failed request answered by a --retry-failed job has that answer.
    Exit status 1 when any request still failed."""
    from claude_cli.commands.batch import run_results

    settings = _settings(max_retries=max_retries, timeout=timeout)
    run_results(settings, job, _streams(), output, retry_failed)


@batch_app.command("cancel", epilog=_examples("batch cancel questions"))
def batch_cancel(job: JobArg, max_retries: RetriesOpt = None) -> None:
    """Cancel the job's unfinished batches (finished requests keep their results)."""
    from claude_cli.commands.batch import run_cancel

    run_cancel(_settings(max_retries=max_retries), job, _streams())


class _CleanTalk:
    """A stderr for click's usage errors that cleans each write like _fail does."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from claude_cli.terminal.term import clean

        return self._stream.write(clean(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
