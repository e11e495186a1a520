"""Static shell completions for claude-cli, generated from its Typer command tree.

    claude-cli completion bash|zsh|fish       # print one script (works from any install)
    python tools/gen_completions.py            # rewrites the committed completions/
    python tools/gen_completions.py --out DIR  # writes somewhere else (the stale test)

The scripts are static on purpose: Tab never starts Python and never touches
the network. Session and batch job names are read from their folders and model ids from
the cache `claude-cli models` writes; everything else is baked in here.
The output depends only on the code, so it is byte-for-byte reproducible.
Imported only by the `completion` command and the tools script (it imports typer.main).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

PROG = "claude-cli"
HEADER = (
    "Generated from the claude-cli command tree (`claude-cli completion SHELL`): do not edit.\n"
    "Static: Tab never starts Python and never makes a network call."
)

# What a value or argument completes to: file, session, job (batch), model, text
# (nothing), or "choice:a b c".
FILE, SESSION, JOB, MODEL, TEXT = "file", "session", "job", "model", "text"
MODEL_PARAMS = {"model", "prefill_model"}
SESSION_PARAMS = {"session"}
FILE_PARAMS = {"image", "images", "attach", "source", "sources", "file", "files", "path", "paths"}
# Commands whose first argument names an existing session.
SESSION_ARG_COMMANDS = {
    ("sessions", "show"),
    ("sessions", "export"),
    ("sessions", "rename"),
    ("sessions", "delete"),
}
# Commands whose first argument names a batch job.
JOB_ARG_COMMANDS = {
    ("batch", "status"),
    ("batch", "wait"),
    ("batch", "results"),
    ("batch", "cancel"),
}
WORD = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


@dataclass
class Option:
    names: list[str]
    help: str
    kind: str | None  # None: a flag that takes no value


@dataclass
class Argument:
    name: str
    kind: str
    repeats: bool


@dataclass
class Command:
    path: tuple[str, ...]
    help: str
    options: list[Option] = field(default_factory=list)
    arguments: list[Argument] = field(default_factory=list)
    subcommands: list[Command] = field(default_factory=list)

    @property
    def key(self) -> str:
        return " ".join(self.path)

    def walk(self):
        yield self
        for sub in self.subcommands:
            yield from sub.walk()


def short(text: str | None, limit: int = 70) -> str:
    """First sentence-ish line of a help text, cut at a word boundary."""
    line = " ".join((text or "").strip().split("\n\n")[0].split())
    line = line.replace("\b", "").strip()
    if len(line) <= limit:
        return line
    return line[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _choice(choices: Any) -> str:
    words = [str(c) for c in choices]
    for w in words:
        if not WORD.match(w):
            raise SystemExit(f"gen_completions: choice {w!r} is not a plain word")
    return "choice:" + " ".join(words)


def kind_of(path: tuple[str, ...], param: Any, position: int) -> str:
    from claude_cli.config import SETTING_KEYS

    name = param.name or ""
    if path[:1] == ("config",) and path[1:] in (("set",), ("unset",)) and name == "key":
        return _choice(SETTING_KEYS)
    if path in SESSION_ARG_COMMANDS and param.param_type_name == "argument" and position == 0:
        return SESSION
    if path in JOB_ARG_COMMANDS and param.param_type_name == "argument" and position == 0:
        return JOB
    choices = getattr(param.type, "choices", None)
    if choices:
        return _choice(choices)
    if getattr(param.type, "name", "") in ("path", "filename", "file"):
        return FILE
    if name in MODEL_PARAMS:
        return MODEL
    if name in SESSION_PARAMS:
        return SESSION
    if name in FILE_PARAMS:
        return FILE
    return TEXT


def build(cmd: Any, ctx: Any, path: tuple[str, ...]) -> Command:
    node = Command(path, short(cmd.get_short_help_str(limit=200) if path else cmd.help))
    position = 0
    for param in cmd.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        if param.param_type_name == "option":
            flag = param.is_flag or param.count
            if not flag and param.nargs != 1:
                raise SystemExit(f"gen_completions: {param.opts} takes {param.nargs} values")
            # Short names first; sorted because click builds the help option's names
            # from a set, whose order changes from run to run.
            names = sorted({*param.opts, *param.secondary_opts}, key=lambda n: (n[:2] == "--", n))
            node.options.append(
                Option(names, short(param.help), None if flag else kind_of(path, param, -1))
            )
        elif param.param_type_name == "argument":
            repeats = param.nargs == -1
            node.arguments.append(
                Argument(param.name or "", kind_of(path, param, position), repeats)
            )
            position += 1
    for name in getattr(cmd, "list_commands", lambda _ctx: [])(ctx):
        sub = cmd.get_command(ctx, name)
        if sub is None or getattr(sub, "hidden", False):
            continue
        sub_ctx = sub.context_class(sub, info_name=name, parent=ctx, **sub.context_settings)
        node.subcommands.append(build(sub, sub_ctx, (*path, name)))
    return node


def command_tree(app: Any = None) -> Command:
    """The tree of `app` (claude-cli's own Typer app by default)."""
    import typer.main

    if app is None:
        from claude_cli.cli import app
    root = typer.main.get_command(app)
    ctx = root.context_class(root, info_name=PROG, **root.context_settings)
    return build(root, ctx, ())


# A first word that is an option, not a command, starts an `ask`: `claude-cli -m x hi` is
# `claude-cli ask -m x hi`, so the scripts complete such a line with ask's options.
IMPLICIT = "ask"


def implicit_options(tree: Command) -> list[Option]:
    """The implicit command's options that the root does not have itself."""
    ask = next((c for c in tree.subcommands if c.path == (IMPLICIT,)), None)
    if tree.path or ask is None:
        return []
    names = {n for o in tree.options for n in o.names}
    return [o for o in ask.options if not names & set(o.names)]


def offered_options(c: Command, tree: Command) -> list[Option]:
    """What `-<Tab>` offers under `c`: at the root, the implicit command's options too."""
    return c.options + implicit_options(tree) if c is tree else c.options


def implicit_names(tree: Command) -> str:
    return " ".join(n for o in implicit_options(tree) for n in o.names)


def known_models() -> list[str]:
    """Offered even before `claude-cli models` has filled the cache."""
    from claude_cli.model_rules import DEFAULT_MODEL, DEFAULT_PREFILL_MODEL

    return list(dict.fromkeys([DEFAULT_MODEL, DEFAULT_PREFILL_MODEL]))


# ---------------------------------------------------------------- shell quoting


def sq(text: str) -> str:
    """A single-quoted word for bash and zsh."""
    return "'" + text.replace("'", "'\\''") + "'"


def fq(text: str) -> str:
    """A single-quoted word for fish (only \\ and ' are special inside)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def value_cases(tree: Command) -> list[tuple[str, str]]:
    """('path/option', kind) for every option that takes a value."""
    return [
        (f"{c.key}/{n}", o.kind)
        for c in tree.walk()
        for o in c.options
        if o.kind is not None
        for n in o.names
    ]


def arg_cases(tree: Command) -> list[tuple[str, str]]:
    """('path/index', kind); a repeating last argument matches every later index."""
    cases = []
    for c in tree.walk():
        for i, a in enumerate(c.arguments):
            if a.kind == TEXT:
                continue
            cases.append((f"{c.key}/{'*' if a.repeats else i}", a.kind))
    # Exact indices before the catch-alls.
    return sorted(cases, key=lambda kv: kv[0].endswith("*"))


def glob_pattern(key: str, quote) -> str:
    """A case pattern: the literal key, with a trailing * left unquoted."""
    return quote(key[:-1]) + "*" if key.endswith("/*") else quote(key)


# ------------------------------------------------------------------------ bash

BASH_MAIN = r"""
# Names of the *.json files in the data folder's $1 (sessions, batches).
_claude_cli_names() {
    local dir f re='^[A-Za-z0-9_][A-Za-z0-9._-]*$'
    case ${OSTYPE-} in
        darwin*) dir="$HOME/Library/Application Support/claude-cli/$1" ;;
        *) dir="${XDG_DATA_HOME:-$HOME/.local/share}/claude-cli/$1" ;;
    esac
    _cc_words=
    for f in "$dir"/*.json; do
        f=${f##*/}
        f=${f%.json}
        [[ $f =~ $re ]] && _cc_words+=" $f"
    done
}

_claude_cli_sessions() { _claude_cli_names sessions; }
_claude_cli_jobs() { _claude_cli_names batches; }

_claude_cli_models() {
    local file line re='^[A-Za-z0-9][A-Za-z0-9._:@/-]*$'
    case ${OSTYPE-} in
        darwin*) file="$HOME/Library/Caches/claude-cli/models.txt" ;;
        *) file="${XDG_CACHE_HOME:-$HOME/.cache}/claude-cli/models.txt" ;;
    esac
    _cc_words=" $_claude_cli_known_models "
    if [[ -r $file ]]; then
        while IFS= read -r line || [[ -n $line ]]; do
            [[ $line =~ $re && $_cc_words != *" $line "* ]] && _cc_words+="$line "
        done <"$file"
    fi
}

# Sets COMPREPLY for a value of kind $1 matching $cur (prefixed with $_cc_prefix).
_claude_cli_complete_kind() {
    local IFS=$'\n' w
    case $1 in
        file)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            ;;
        session) _claude_cli_sessions ;;
        job) _claude_cli_jobs ;;
        model) _claude_cli_models ;;
        choice:*) _cc_words=${1#choice:} ;;
        *) COMPREPLY=() ;;
    esac
    case $1 in
        session | job | model | choice:*)
            IFS=$' \t\n'
            COMPREPLY=($(compgen -W "$_cc_words" -- "$cur"))
            ;;
    esac
    if [[ -n $_cc_prefix ]]; then
        for w in "${!COMPREPLY[@]}"; do COMPREPLY[w]=$_cc_prefix${COMPREPLY[w]}; done
    fi
}

# Option $1 as the first word, one of the implicit command's: the line is that command's.
_claude_cli_implicit() {
    if [[ -z $path && " $_claude_cli_implicit_options " == *" ${1%%=*} "* ]]; then
        path=$_claude_cli_implicit_command
    fi
    return 0
}

_claude_cli() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local path= w i=1 npos=0 ddash= opt= _cc_words= _cc_kind= _cc_prefix=
    COMPREPLY=()
    # "--model=x": bash splits it at "=" when "=" is in COMP_WORDBREAKS.
    if [[ $cur == = ]]; then
        opt=$prev cur=
    elif [[ $prev == = ]]; then
        opt=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        opt=${cur%%=*} _cc_prefix=${cur%%=*}= cur=${cur#*=}
    else
        opt=$prev
    fi
    # Walk the words before the cursor: which (sub)command, how many arguments.
    while ((i < COMP_CWORD)); do
        w=${COMP_WORDS[i]}
        if [[ -z $ddash && $w == -- ]]; then
            ddash=1
        elif [[ -z $ddash && $w == -?* ]]; then
            _claude_cli_implicit "$w"
            _claude_cli_value_kind "$path" "$w"
            if [[ -n $_cc_kind && $w != *=* ]]; then
                if [[ ${COMP_WORDS[i + 1]-} == = ]]; then ((i += 2)); else ((i += 1)); fi
            fi
        elif [[ -z $ddash ]] && ((npos == 0)) && _claude_cli_subcommands "$path" &&
            [[ " $_cc_words " == *" $w "* ]]; then
            path=${path:+$path }$w
        else
            ((npos += 1))
        fi
        ((i += 1))
    done
    if [[ -z $ddash && $opt == -?* && $opt != *=* ]]; then
        _claude_cli_implicit "$opt"
        _claude_cli_value_kind "$path" "$opt"
        if [[ -n $_cc_kind ]]; then
            _claude_cli_complete_kind "$_cc_kind"
            return 0
        fi
    fi
    _cc_prefix=
    if [[ -z $ddash && $cur == -* ]]; then
        _claude_cli_options "$path"
        COMPREPLY=($(compgen -W "$_cc_words" -- "$cur"))
        return 0
    fi
    if ((npos == 0)) && _claude_cli_subcommands "$path" && [[ -n $_cc_words ]]; then
        COMPREPLY=($(compgen -W "$_cc_words" -- "$cur"))
        return 0
    fi
    _claude_cli_arg_kind "$path" "$npos"
    _claude_cli_complete_kind "$_cc_kind"
    return 0
}

complete -F _claude_cli claude-cli
"""


def bash_case(func: str, var: str, subject: str, cases: list[tuple[str, str]]) -> str:
    lines = [f"{func}() {{", f"    case {subject} in"]
    for pattern, value in cases:
        lines.append(f"        {pattern}) {var}={sq(value)} ;;")
    lines += [f"        *) {var}= ;;", "    esac", "}", ""]
    return "\n".join(lines)


def render_bash(tree: Command, models: list[str]) -> str:
    commands = list(tree.walk())
    out = ["# bash completion for claude-cli  -*- shell-script -*-"]
    out += [f"# {line}" for line in HEADER.splitlines()]
    out += [
        "# Install: source this file from ~/.bashrc, or copy it to",
        "# ${XDG_DATA_HOME:-~/.local/share}/bash-completion/completions/claude-cli",
        "",
        f"_claude_cli_known_models={sq(' '.join(models))}",
        f"_claude_cli_implicit_command={sq(IMPLICIT)}",
        f"_claude_cli_implicit_options={sq(implicit_names(tree))}",
        "",
        "# Subcommands of a command path; returns 1 when it has none.",
    ]
    sub_cases = [
        (sq(c.key), " ".join(s.path[-1] for s in c.subcommands)) for c in commands if c.subcommands
    ]
    body = bash_case("_claude_cli_subcommands", "_cc_words", '"$1"', sub_cases)
    body = body.replace("        *) _cc_words= ;;", "        *) _cc_words= && return 1 ;;")
    out.append(body)
    out.append("# Options of a command path.")
    opt_cases = [
        (sq(c.key), " ".join(n for o in offered_options(c, tree) for n in o.names))
        for c in commands
    ]
    out.append(bash_case("_claude_cli_options", "_cc_words", '"$1"', opt_cases))
    out.append("# What the value of option $2 (under path $1) completes to; empty for a flag.")
    vcases = [(sq(k), v) for k, v in value_cases(tree)]
    out.append(bash_case("_claude_cli_value_kind", "_cc_kind", '"$1/${2%%=*}"', vcases))
    out.append("# What argument number $2 (from 0) of path $1 completes to.")
    acases = [(glob_pattern(k, sq), v) for k, v in arg_cases(tree)]
    out.append(bash_case("_claude_cli_arg_kind", "_cc_kind", '"$1/$2"', acases))
    return "\n".join(out) + BASH_MAIN


# ------------------------------------------------------------------------- zsh

ZSH_MAIN = r"""
# Names of the *.json files in the data folder's $1 (sessions, batches); $2 $3: the tag
# and the description.
_claude_cli_names() {
    local dir
    if [[ $OSTYPE == darwin* ]]; then
        dir="$HOME/Library/Application Support/claude-cli/$1"
    else
        dir="${XDG_DATA_HOME:-$HOME/.local/share}/claude-cli/$1"
    fi
    local -a names
    names=("$dir"/*.json(N:t:r))
    names=(${(M)names:#[A-Za-z0-9_][A-Za-z0-9._-]#})
    _wanted $2 expl $3 compadd -a names
}

_claude_cli_sessions() { _claude_cli_names sessions sessions session }
_claude_cli_jobs() { _claude_cli_names batches jobs 'batch job' }

_claude_cli_models() {
    local file
    if [[ $OSTYPE == darwin* ]]; then
        file="$HOME/Library/Caches/claude-cli/models.txt"
    else
        file="${XDG_CACHE_HOME:-$HOME/.cache}/claude-cli/models.txt"
    fi
    local -a ids
    ids=(${=_claude_cli_known_models})
    [[ -r $file ]] && ids+=(${(f)"$(<$file)"})
    ids=(${(u)${(M)ids:#[A-Za-z0-9][A-Za-z0-9._:@/-]#}})
    _wanted models expl 'model' compadd -a ids
}

_claude_cli_complete_kind() {
    case $1 in
        file) _files ;;
        session) _claude_cli_sessions ;;
        job) _claude_cli_jobs ;;
        model) _claude_cli_models ;;
        choice:*) _wanted values expl 'value' compadd -- ${=${1#choice:}} ;;
        *) _message 'text' ;;
    esac
}

# Option $1 as the first word, one of the implicit command's: the line is that command's.
_claude_cli_implicit() {
    local name=${1%%=*}
    if [[ -z $path && " $_claude_cli_implicit_options " == *" $name "* ]]; then
        path=$_claude_cli_implicit_command
    fi
    return 0
}

_claude-cli() {
    local cur=${words[CURRENT]} path= w ddash= REPLY=
    local -a reply expl
    integer i=2 npos=0
    while (( i < CURRENT )); do
        w=${words[i]}
        if [[ -z $ddash && $w == -- ]]; then
            ddash=1
        elif [[ -z $ddash && $w == -?* ]]; then
            _claude_cli_implicit "$w"
            _claude_cli_value_kind "$path" "$w"
            [[ -n $REPLY && $w != *=* ]] && (( i++ ))
        elif [[ -z $ddash ]] && (( npos == 0 )) && _claude_cli_subcommands "$path" &&
            (( ${reply[(I)${(b)w}(|:*)]} )); then
            path=${path:+$path }$w
        else
            (( npos++ ))
        fi
        (( i++ ))
    done
    if [[ -z $ddash && $cur == --*=* ]]; then
        _claude_cli_implicit "$cur"
        _claude_cli_value_kind "$path" "${cur%%=*}"
        if [[ -n $REPLY ]]; then
            compset -P '*='
            _claude_cli_complete_kind $REPLY
            return
        fi
    fi
    if [[ -z $ddash && ${words[CURRENT-1]} == -?* && ${words[CURRENT-1]} != *=* ]] &&
        (( CURRENT > 2 )); then
        _claude_cli_value_kind "$path" "${words[CURRENT-1]}"
        if [[ -n $REPLY ]]; then
            _claude_cli_complete_kind $REPLY
            return
        fi
    fi
    if [[ -z $ddash && $cur == -* ]]; then
        _claude_cli_options "$path"
        _describe -t options 'option' reply
        return
    fi
    if (( npos == 0 )) && _claude_cli_subcommands "$path"; then
        _describe -t commands 'command' reply
        return
    fi
    _claude_cli_arg_kind "$path" $npos
    _claude_cli_complete_kind $REPLY
}

if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
    _claude-cli "$@"
else
    compdef _claude-cli claude-cli
fi
"""


def zsh_describe(name: str, help: str) -> str:
    return sq(name.replace(":", "\\:") + (":" + help if help else ""))


def zsh_case(func: str, var: str, subject: str, cases: list[tuple[str, str]], default: str) -> str:
    lines = [f"{func}() {{", f"    case {subject} in"]
    for pattern, value in cases:
        lines.append(f"        {pattern}) {var}={value} ;;")
    lines += [f"        *) {default} ;;", "    esac", "}", ""]
    return "\n".join(lines)


def render_zsh(tree: Command, models: list[str]) -> str:
    commands = list(tree.walk())
    out = ["#compdef claude-cli"]
    out += [f"# zsh completion for claude-cli. {line}" for line in HEADER.splitlines()[:1]]
    out += [f"# {line}" for line in HEADER.splitlines()[1:]]
    out += [
        "# Install: put this file, named _claude-cli, in a folder on your $fpath",
        "# before compinit runs (or source it after compinit).",
        "",
        f"_claude_cli_known_models={sq(' '.join(models))}",
        f"_claude_cli_implicit_command={sq(IMPLICIT)}",
        f"_claude_cli_implicit_options={sq(implicit_names(tree))}",
        "",
        "# Subcommands (name:description) of a command path; returns 1 when it has none.",
    ]
    sub_cases = [
        (
            sq(c.key),
            "(" + " ".join(zsh_describe(s.path[-1], s.help) for s in c.subcommands) + ")",
        )
        for c in commands
        if c.subcommands
    ]
    out.append(
        zsh_case("_claude_cli_subcommands", "reply", '"$1"', sub_cases, "reply=() && return 1")
    )
    out.append("# Options (name:description) of a command path.")
    opt_cases = [
        (
            sq(c.key),
            "("
            + " ".join(zsh_describe(n, o.help) for o in offered_options(c, tree) for n in o.names)
            + ")",
        )
        for c in commands
    ]
    out.append(zsh_case("_claude_cli_options", "reply", '"$1"', opt_cases, "reply=()"))
    out.append("# What the value of option $2 (under path $1) completes to; empty for a flag.")
    vcases = [(sq(k), sq(v)) for k, v in value_cases(tree)]
    out.append(zsh_case("_claude_cli_value_kind", "REPLY", '"$1/${2%%=*}"', vcases, "REPLY="))
    out.append("# What argument number $2 (from 0) of path $1 completes to.")
    acases = [(glob_pattern(k, sq), sq(v)) for k, v in arg_cases(tree)]
    out.append(zsh_case("_claude_cli_arg_kind", "REPLY", '"$1/$2"', acases, "REPLY=text"))
    return "\n".join(out) + ZSH_MAIN


# ------------------------------------------------------------------------ fish

FISH_MAIN = r"""
# Names of the *.json files in the data folder's $argv[1] (sessions, batches), described
# as $argv[2].
function __claude_cli_names
    set -l dir
    if test (uname) = Darwin
        set dir "$HOME/Library/Application Support/claude-cli/$argv[1]"
    else if set -q XDG_DATA_HOME[1]; and test -n "$XDG_DATA_HOME"
        set dir "$XDG_DATA_HOME/claude-cli/$argv[1]"
    else
        set dir "$HOME/.local/share/claude-cli/$argv[1]"
    end
    for f in $dir/*.json
        set -l name (string replace -r '^.*/(.*)\.json$' '$1' -- $f)
        string match -qr '^[A-Za-z0-9_][A-Za-z0-9._-]*$' -- $name
        and printf '%s\t%s\n' $name $argv[2]
    end
end

function __claude_cli_sessions
    __claude_cli_names sessions session
end

function __claude_cli_jobs
    __claude_cli_names batches 'batch job'
end

function __claude_cli_models
    set -l file
    if test (uname) = Darwin
        set file "$HOME/Library/Caches/claude-cli/models.txt"
    else if set -q XDG_CACHE_HOME[1]; and test -n "$XDG_CACHE_HOME"
        set file "$XDG_CACHE_HOME/claude-cli/models.txt"
    else
        set file "$HOME/.cache/claude-cli/models.txt"
    end
    set -l ids $__claude_cli_known_models
    test -r "$file"; and set -a ids (string match -r '^[A-Za-z0-9][A-Za-z0-9._:@/-]*$' <$file)
    set -l unique
    for id in $ids
        contains -- $id $unique; or set -a unique $id
    end
    printf '%s\tmodel\n' $unique
end

# Candidates for a value of kind $argv[1] matching $argv[2], each prefixed with $argv[3].
function __claude_cli_complete_kind
    set -l kind $argv[1]
    set -l cur $argv[2]
    set -l prefix $argv[3]
    switch $kind
        case file
            __fish_complete_path "$cur" | string replace -r '^' -- $prefix
        case session
            __claude_cli_sessions | string replace -r '^' -- $prefix
        case job
            __claude_cli_jobs | string replace -r '^' -- $prefix
        case model
            __claude_cli_models | string replace -r '^' -- $prefix
        case 'choice:*'
            string split ' ' -- (string replace 'choice:' '' -- $kind) \
                | string replace -r '^' -- $prefix
    end
end

# Whether option $argv[2] as the first word (path $argv[1] empty) is one of the implicit
# command's: the line is that command's.
function __claude_cli_implicit
    test -z "$argv[1]"
    and contains -- (string replace -r '=.*' '' -- $argv[2]) $__claude_cli_implicit_options
end

function __claude_cli_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -e tokens[1]
    set -l path ''
    set -l npos 0
    set -l ddash 0
    set -l skip 0
    set -l prev ''
    for w in $tokens
        set prev $w
        if test $skip = 1
            set skip 0
            set prev ''
        else if test $ddash = 0; and test "$w" = --
            set ddash 1
        else if test $ddash = 0; and string match -qr -- '^-.' $w
            __claude_cli_implicit "$path" $w; and set path $__claude_cli_implicit_command
            set -l kind (__claude_cli_value_kind "$path" $w)
            if test -n "$kind"; and not string match -q -- '*=*' $w
                set skip 1
            end
        else if test $ddash = 0; and test $npos = 0; \
                and contains -- $w (__claude_cli_subcommands "$path" | string replace -r '\t.*' '')
            set path (string join ' ' -- $path $w | string trim)
        else
            set npos (math $npos + 1)
        end
    end
    if test $ddash = 0; and string match -qr -- '^--[^=]+=' $cur
        set -l opt (string replace -r '=.*' '' -- $cur)
        __claude_cli_implicit "$path" $opt; and set path $__claude_cli_implicit_command
        set -l kind (__claude_cli_value_kind "$path" $opt)
        if test -n "$kind"
            __claude_cli_complete_kind $kind (string replace -r '^[^=]*=' '' -- "$cur") "$opt="
            return
        end
    end
    if test $ddash = 0; and test $skip = 1
        set -l kind (__claude_cli_value_kind "$path" $prev)
        __claude_cli_complete_kind "$kind" "$cur" ''
        return
    end
    if test $ddash = 0; and string match -q -- '-*' $cur
        __claude_cli_options "$path"
        return
    end
    set -l subcommands (__claude_cli_subcommands "$path")
    if test $npos = 0; and set -q subcommands[1]
        printf '%s\n' $subcommands
        return
    end
    set -l kind (__claude_cli_arg_kind "$path" $npos)
    __claude_cli_complete_kind "$kind" "$cur" ''
end

complete -c claude-cli -e
complete -c claude-cli -f -a '(__claude_cli_complete)'
"""


def fish_switch(
    func: str, subject: str, cases: list[tuple[str, list[str]]], setup: str = ""
) -> str:
    lines = [f"function {func}", *([f"    {setup}"] if setup else []), f"    switch {subject}"]
    for pattern, outputs in cases:
        lines.append(f"        case {pattern}")
        if outputs:
            lines.append("            printf '%s\\n' " + " ".join(fq(o) for o in outputs))
    lines += ["    end", "end", ""]
    return "\n".join(lines)


def render_fish(tree: Command, models: list[str]) -> str:
    commands = list(tree.walk())
    out = [f"# fish completion for claude-cli. {HEADER.splitlines()[0]}"]
    out += [f"# {line}" for line in HEADER.splitlines()[1:]]
    out += [
        "# Install: copy this file to ~/.config/fish/completions/claude-cli.fish",
        "",
        "set -g __claude_cli_known_models " + " ".join(fq(m) for m in models),
        f"set -g __claude_cli_implicit_command {fq(IMPLICIT)}",
        "set -g __claude_cli_implicit_options "
        + " ".join(fq(n) for n in implicit_names(tree).split()),
        "",
        "# Subcommands (name<TAB>description) of a command path.",
    ]
    sub_cases = [
        (fq(c.key), [f"{s.path[-1]}\t{s.help}" for s in c.subcommands])
        for c in commands
        if c.subcommands
    ]
    out.append(fish_switch("__claude_cli_subcommands", "$argv[1]", sub_cases))
    out.append("# Options (name<TAB>description) of a command path.")
    opt_cases = [
        (fq(c.key), [f"{n}\t{o.help}" for o in offered_options(c, tree) for n in o.names])
        for c in commands
    ]
    out.append(fish_switch("__claude_cli_options", "$argv[1]", opt_cases))
    out.append("# What the value of option $argv[2] (under path $argv[1]) completes to.")
    vcases = [(fq(k), [v]) for k, v in value_cases(tree)]
    out.append(
        fish_switch(
            "__claude_cli_value_kind",
            '"$argv[1]/$opt"',
            vcases,
            setup="set -l opt (string replace -r '=.*' '' -- \"$argv[2]\")",
        )
    )
    out.append("# What argument number $argv[2] (from 0) of path $argv[1] completes to.")
    # fish's `case` takes wildcards inside quotes.
    acases = [(fq(k), [v]) for k, v in arg_cases(tree)]
    out.append(fish_switch("__claude_cli_arg_kind", '"$argv[1]/$argv[2]"', acases))
    return "\n".join(out) + FISH_MAIN


RENDERERS = {
    "claude-cli.bash": render_bash,
    "_claude-cli": render_zsh,
    "claude-cli.fish": render_fish,
}
#: What `claude-cli completion SHELL` prints: the file each shell's script is installed as.
SCRIPTS = {"bash": "claude-cli.bash", "zsh": "_claude-cli", "fish": "claude-cli.fish"}


def render_all(app: Any = None) -> dict[str, str]:
    """File name -> script text, for claude-cli (or for `app`, in tests)."""
    tree, models = command_tree(app), known_models()
    return {name: render(tree, models) for name, render in RENDERERS.items()}


def script_for(shell: str) -> str:
    """The completion script for `shell` (bash, zsh or fish)."""
    return RENDERERS[SCRIPTS[shell]](command_tree(), known_models())
