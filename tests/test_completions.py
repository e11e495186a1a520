"""Static shell completions: fresh, loadable, and completing the right things.

Bash is always here, so its script is exercised for real (source it, set
COMP_WORDS/COMP_CWORD, call the function). zsh and fish run when installed and
are reported skipped, with the reason, when not.
"""

from __future__ import annotations

import enum
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest
import typer

ROOT = Path(__file__).resolve().parent.parent
COMPLETIONS = ROOT / "completions"
SCRIPT_NAMES = {"bash": "claude-cli.bash", "zsh": "_claude-cli", "fish": "claude-cli.fish"}
GENERATOR = ROOT / "tools" / "gen_completions.py"
FILES = ("claude-cli.bash", "_claude-cli", "claude-cli.fish")

_spec = importlib.util.spec_from_file_location("gen_completions", GENERATOR)
assert _spec and _spec.loader
gen = importlib.util.module_from_spec(_spec)
sys.modules["gen_completions"] = gen  # dataclasses look their module up
_spec.loader.exec_module(gen)

needs_zsh = pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
needs_fish = pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")


# ------------------------------------------------------------------ fixtures


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, Path]:
    """XDG data/cache with two sessions and a models cache; a folder with files."""
    data, cache, work = tmp_path / "data", tmp_path / "cache", tmp_path / "work"
    sessions = data / "claude-cli" / "sessions"
    sessions.mkdir(parents=True)
    for name in ("work-notes", "trip.2025", "bad name", ".hidden"):
        (sessions / f"{name}.json").write_text("{}")
    (sessions / "not-a-session.txt").write_text("")
    jobs = data / "claude-cli" / "batches"
    jobs.mkdir()
    for name in ("questions.json", "describe-image.json", "questions.input.jsonl", "bad job.json"):
        (jobs / name).write_text("{}")
    (jobs / ".questions.lock").write_text("")
    (cache / "claude-cli").mkdir(parents=True)
    (cache / "claude-cli" / "models.txt").write_text(
        "claude-opus-4-5\nclaude-haiku-4-5\n$(touch pwned)\nwith space\n"
    )
    work.mkdir()
    (work / "photo one.jpg").write_bytes(b"")
    (work / "photo2.png").write_bytes(b"")
    (work / "pics").mkdir()
    return {"data": data, "cache": cache, "work": work}


def shell_env(dirs: dict[str, Path], **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(
        XDG_DATA_HOME=str(dirs["data"]),
        XDG_CACHE_HOME=str(dirs["cache"]),
        HOME=str(dirs["work"].parent),
        **extra,
    )
    return env


class Format(str, enum.Enum):
    markdown = "markdown"
    json = "json"


def sessions_app() -> typer.Typer:
    """A small app shaped like the full claude-cli (sessions, describe-image), so the
    generator's session/file/choice rules are tested whatever is merged yet."""
    app = typer.Typer(context_settings={"help_option_names": ["-h", "--help"]})

    @app.command()
    def ask(
        prompt: Annotated[list[str] | None, typer.Argument()] = None,
        model: Annotated[str | None, typer.Option("-m", "--model")] = None,
        session: Annotated[str | None, typer.Option("--session", help="Session.")] = None,
        cont: Annotated[bool, typer.Option("-c", "--continue")] = False,
        image: Annotated[list[str] | None, typer.Option("-i", "--image")] = None,
    ) -> None:
        """Ask."""

    sessions = typer.Typer(help="Manage sessions.")
    app.add_typer(sessions, name="sessions")

    @sessions.command("show")
    def show(name: str) -> None:
        """Show one."""

    @sessions.command("export")
    def export(
        name: str, fmt: Annotated[Format, typer.Option("--format")] = Format.markdown
    ) -> None:
        """Export one."""

    @sessions.command("import")
    def import_(name: str, file: str) -> None:
        """Import one."""

    @sessions.command("rename")
    def rename(old: str, new: str) -> None:
        """Rename one."""

    @app.command("describe-image")
    def describe_image(
        sources: list[str], prompt: Annotated[str | None, typer.Option("--prompt")] = None
    ) -> None:
        """Describe images."""

    return app


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic")
    for name, text in gen.render_all(sessions_app()).items():
        (out / name).write_text(text)
    return out


# ------------------------------------------------------------------- drivers

BASH_DRIVER = r"""
source "$1" || exit 97
cd "$2" || exit 98
shift 2
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_claude_cli
printf '%s\n' "${COMPREPLY[@]}"
"""


def bash_complete(script: Path, line: list[str], dirs: dict[str, Path]) -> list[str]:
    """Candidates bash offers for `line` (its last word is the one being completed).

    PATH is empty: the completion must work with shell builtins alone (no Python).
    """
    done = subprocess.run(
        ["/bin/bash", "--norc", "--noprofile", "-c", BASH_DRIVER, "bash", str(script),
         str(dirs["work"]), *line],
        capture_output=True, text=True, timeout=30,
        env=shell_env(dirs, PATH="/nonexistent"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr
    return sorted(x for x in done.stdout.splitlines() if x)


def fish_complete(script: Path, line: str, dirs: dict[str, Path]) -> list[str]:
    done = subprocess.run(
        ["fish", "--no-config", "-c", f"source {script}; complete -C {fish_quote(line)}"],
        capture_output=True, text=True, timeout=30, cwd=dirs["work"], env=shell_env(dirs),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr
    return sorted({x.split("\t")[0] for x in done.stdout.splitlines() if x})


def fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# Types `line`, presses Tab in an interactive zsh (zpty) and prints every match
# the completion system was given. Polls for the end marker: no fixed sleeps.
ZSH_DRIVER = r"""
zmodload zsh/zpty
out=$1 dir=$2 line=$3
zpty z zsh -f -i
zpty -w z "PS1= RPS1=; fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "compprefuncs=(_cap_begin); comppostfuncs=(_cap_end)"
cap='_cap_begin() { compadd() { builtin compadd -O __hits "$@"'
cap+='; (( $#__hits )) && print -r -l -- "${(@)__hits/#/HIT:}" >&2'
cap+='; builtin compadd "$@"; } }'
zpty -w z "$cap"
zpty -w z '_cap_end() { print -r -- END >&2 }'
zpty -w z "exec 2>${(q)out}"
zpty -w -n z "$line"$'\t'
integer i
for (( i = 0; i < 300; i++ )); do
    [[ -r $out && "$(<$out)" == *END* ]] && break
    sleep 0.05
done
zpty -d z
cat -- $out
"""


def zsh_complete(script_dir: Path, line: str, dirs: dict[str, Path], tmp: Path) -> list[str]:
    out = tmp / "zsh-hits"
    out.unlink(missing_ok=True)
    done = subprocess.run(
        ["zsh", "-f", "-c", ZSH_DRIVER, "zsh", str(out), str(script_dir), line],
        capture_output=True, text=True, timeout=60, cwd=dirs["work"], env=shell_env(dirs),
    )  # fmt: skip
    assert "END" in done.stdout, (done.stdout, done.stderr)
    return sorted({x[4:] for x in done.stdout.splitlines() if x.startswith("HIT:")})


# ---------------------------------------------------------- the committed files


def test_committed_scripts_are_current(tmp_path: Path) -> None:
    """Regenerate (twice, under different hash seeds) and compare byte for byte."""
    for seed in ("0", "1"):
        out = tmp_path / seed
        subprocess.run(
            [sys.executable, str(GENERATOR), "--out", str(out)],
            check=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=60,
        )  # fmt: skip
        for name in FILES:
            fresh = (out / name).read_text()
            committed = (COMPLETIONS / name).read_text()
            assert fresh == committed, (
                f"completions/{name} is stale: run `python tools/gen_completions.py`"
            )


def test_sourcing_registers_the_completion(dirs: dict[str, Path]) -> None:
    done = subprocess.run(
        ["/bin/bash", "--norc", "-c", f"source {COMPLETIONS / FILES[0]} && complete -p claude-cli"],
        capture_output=True, text=True, timeout=30, env=shell_env(dirs),
    )  # fmt: skip
    assert done.stdout.strip() == "complete -F _claude_cli claude-cli"


BASH = COMPLETIONS / "claude-cli.bash"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (["claude-cli", ""], {"ask", "models", "config"}),
        (["claude-cli", "con"], {"config"}),
        (["claude-cli", "config", ""], {"path", "show", "set", "unset"}),
        (["claude-cli", "config", "s"], {"set", "show"}),
        (["claude-cli", "-"], {"--version", "--install-completion", "--show-completion"}),
        (["claude-cli", "ask", "--ma"], {"--max-tokens", "--max-retries", "--max-searches"}),
        (["claude-cli", "ask", "-s", "hello", "--js"], {"--json"}),
        (["claude-cli", "config", "show", "--"], {"--json", "--help"}),
        (["claude-cli", "config", "set", "max_"], {"max_tokens", "max_retries"}),
        (["claude-cli", "config", "unset", "pro"], {"prompt_caching"}),
    ],
)
def test_bash_subcommands_and_options(
    line: list[str], expected: set[str], dirs: dict[str, Path]
) -> None:
    got = set(bash_complete(BASH, line, dirs))
    assert expected <= got, got
    if len(expected) < 3:
        assert got == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (["claude-cli", "-m", "claude-o"], ["claude-opus-4-5"]),
        (["claude-cli", "--model=claude-o"], ["--model=claude-opus-4-5"]),
        (["claude-cli", "--model", "=", "claude-o"], ["claude-opus-4-5"]),
        (["claude-cli", "-S", "w"], ["work-notes"]),
        (["claude-cli", "-c", "--session", "t"], ["trip.2025"]),
        (["claude-cli", "--sch"], ["--schema", "--schema-multi"]),
        (["claude-cli", "-m", "x", "-i", "pho"], ["photo one.jpg", "photo2.png"]),
        (["claude-cli", "-m", "x", "--js"], ["--json"]),
        (["claude-cli", "--ver"], ["--version"]),  # the root's own options stay
    ],
)
def test_bash_a_first_option_is_the_implicit_ask(
    line: list[str], expected: list[str], dirs: dict[str, Path]
) -> None:
    """`claude-cli -m x hi` is `claude-cli ask -m x hi`: completed as ask's options."""
    assert bash_complete(BASH, line, dirs) == expected


def test_bash_offers_every_command_option_and_the_help_options(dirs: dict[str, Path]) -> None:
    got = bash_complete(BASH, ["claude-cli", "ask", "-"], dirs)
    for option in ("-m", "--model", "-s", "--system", "--prefill", "-i", "--image", "--dry-run"):
        assert option in got
    assert {"-h", "--help"} <= set(got)


def test_bash_models_come_from_the_cache(dirs: dict[str, Path]) -> None:
    got = bash_complete(BASH, ["claude-cli", "ask", "-m", ""], dirs)
    assert got == sorted({"claude-sonnet-5-5", "claude-haiku-4-5", "claude-opus-4-5"})
    assert bash_complete(BASH, ["claude-cli", "ask", "--model", "claude-o"], dirs) == [
        "claude-opus-4-5"
    ]
    # --model=x, split at "=" by bash's COMP_WORDBREAKS
    assert bash_complete(BASH, ["claude-cli", "ask", "--model", "=", "claude-o"], dirs) == [
        "claude-opus-4-5"
    ]
    assert "claude-opus-4-5" in bash_complete(BASH, ["claude-cli", "ask", "--model", "="], dirs)
    # ...and kept whole when "=" is not a word break
    assert bash_complete(BASH, ["claude-cli", "ask", "--model=claude-o"], dirs) == [
        "--model=claude-opus-4-5"
    ]
    assert not (dirs["work"] / "pwned").exists()


def test_bash_models_without_a_cache_offer_the_defaults(dirs: dict[str, Path]) -> None:
    (dirs["cache"] / "claude-cli" / "models.txt").unlink()
    got = bash_complete(BASH, ["claude-cli", "ask", "-m", ""], dirs)
    assert got == sorted({"claude-sonnet-5-5", "claude-haiku-4-5"})


def test_bash_files_for_images_and_nothing_for_free_text(dirs: dict[str, Path]) -> None:
    got = bash_complete(BASH, ["claude-cli", "ask", "-i", "pho"], dirs)
    assert got == ["photo one.jpg", "photo2.png"]
    assert bash_complete(BASH, ["claude-cli", "ask", "-i", ""], dirs) == sorted(
        ["photo one.jpg", "photo2.png", "pics"]
    )
    # A prompt word, a system prompt: nothing to offer (and no subcommands).
    assert bash_complete(BASH, ["claude-cli", "ask", ""], dirs) == []
    assert bash_complete(BASH, ["claude-cli", "ask", "-s", ""], dirs) == []


def test_bash_completes_sessions_in_the_real_app_once_merged(dirs: dict[str, Path]) -> None:
    tree = gen.command_tree()
    paths = {c.path for c in tree.walk()}
    if ("sessions", "show") not in paths:
        pytest.skip("the sessions commands are not on this branch yet (issue #3)")
    got = bash_complete(BASH, ["claude-cli", "sessions", "show", ""], dirs)
    assert got == ["trip.2025", "work-notes"]
    got = bash_complete(BASH, ["claude-cli", "ask", "--session", "w"], dirs)
    assert got == ["work-notes"]


@pytest.mark.parametrize("command", ["status", "wait", "results", "cancel"])
def test_bash_completes_batch_job_names(command: str, dirs: dict[str, Path]) -> None:
    got = bash_complete(BASH, ["claude-cli", "batch", command, ""], dirs)
    assert got == ["describe-image", "questions"]
    assert bash_complete(BASH, ["claude-cli", "batch", command, "q"], dirs) == ["questions"]


def test_bash_batch_submit_and_attach_complete_files(dirs: dict[str, Path]) -> None:
    files = ["photo one.jpg", "photo2.png"]
    assert bash_complete(BASH, ["claude-cli", "batch", "submit", "pho"], dirs) == files
    assert bash_complete(BASH, ["claude-cli", "batch", "submit", "-a", "pho"], dirs) == files
    assert bash_complete(BASH, ["claude-cli", "ask", "--attach", "pho"], dirs) == files


# ------------------------------------------------- generator rules (synthetic app)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (["claude-cli", "ask", "--session", ""], ["trip.2025", "work-notes"]),
        (["claude-cli", "ask", "-c", "--session", "tr"], ["trip.2025"]),
        (["claude-cli", "sessions", ""], ["export", "import", "rename", "show"]),
        (["claude-cli", "sessions", "show", ""], ["trip.2025", "work-notes"]),
        (["claude-cli", "sessions", "export", "w"], ["work-notes"]),
        (["claude-cli", "sessions", "export", "x", "--format", ""], ["json", "markdown"]),
        (["claude-cli", "sessions", "rename", "work-notes", ""], []),  # a new name
        (["claude-cli", "sessions", "import", ""], []),  # a new name
        (["claude-cli", "sessions", "import", "new", "pho"], ["photo one.jpg", "photo2.png"]),
        (["claude-cli", "describe-image", "pho"], ["photo one.jpg", "photo2.png"]),
        (["claude-cli", "describe-image", "a.jpg", "--prompt", "x", "p"],
         ["photo one.jpg", "photo2.png", "pics"]),
        (["claude-cli", "describe-image", "--", "-"], []),
        (["claude-cli", "ask", "-i", "photo2.png", "-m", "claude-h"], ["claude-haiku-4-5"]),
    ],
)  # fmt: skip
def test_bash_generator_rules(
    line: list[str], expected: list[str], synthetic: Path, dirs: dict[str, Path]
) -> None:
    assert bash_complete(synthetic / "claude-cli.bash", line, dirs) == sorted(expected)


def test_bash_sessions_on_macos_live_in_application_support(
    synthetic: Path, dirs: dict[str, Path]
) -> None:
    mac = dirs["work"].parent / "Library" / "Application Support" / "claude-cli" / "sessions"
    mac.mkdir(parents=True)
    (mac / "mac-only.json").write_text("{}")
    driver = BASH_DRIVER.replace("_claude_cli\n", "OSTYPE=darwin23\n_claude_cli\n")
    done = subprocess.run(
        ["/bin/bash", "--norc", "-c", driver, "bash", str(synthetic / "claude-cli.bash"),
         str(dirs["work"]), "claude-cli", "sessions", "show", ""],
        capture_output=True, text=True, timeout=30, env=shell_env(dirs),
    )  # fmt: skip
    assert done.stdout.split() == ["mac-only"]


# -------------------------------------------------------------------- zsh, fish


@needs_zsh
@pytest.mark.parametrize("name", [*FILES[1:2]])
def test_zsh_syntax(name: str) -> None:
    done = subprocess.run(["zsh", "-n", str(COMPLETIONS / name)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@needs_fish
def test_fish_syntax() -> None:
    done = subprocess.run(
        ["fish", "--no-config", "-n", str(COMPLETIONS / "claude-cli.fish")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


FISH_CASES = [
    (
        "claude-cli ",
        [
            "ask",
            "batch",
            "chat",
            "completion",
            "config",
            "describe-image",
            "models",
            "sessions",
            "tokens",
        ],
        False,
    ),
    ("claude-cli config s", ["set", "show"], False),
    ("claude-cli ask --ma", ["--max-retries", "--max-searches", "--max-tokens"], False),
    ("claude-cli ask -m ", ["claude-haiku-4-5", "claude-opus-4-5", "claude-sonnet-5-5"], False),
    ("claude-cli ask --model=claude-o", ["--model=claude-opus-4-5"], False),
    ("claude-cli ask -i pho", ["photo one.jpg", "photo2.png"], False),
    ("claude-cli config set max_", ["max_retries", "max_tokens"], False),
    ("claude-cli ask --session ", ["trip.2025", "work-notes"], True),
    ("claude-cli sessions show w", ["work-notes"], True),
    ("claude-cli sessions export x --format ", ["json", "markdown"], True),
    ("claude-cli sessions import x pho", ["photo one.jpg", "photo2.png"], True),
    ("claude-cli describe-image photo2.png pho", ["photo one.jpg", "photo2.png"], True),
    ("claude-cli batch results ", ["describe-image", "questions"], False),
    ("claude-cli batch wait q", ["questions"], False),
    # A first word that is an option: the implicit `ask`.
    ("claude-cli -m claude-o", ["claude-opus-4-5"], False),
    ("claude-cli --model=claude-o", ["--model=claude-opus-4-5"], False),
    ("claude-cli -S w", ["work-notes"], False),
    ("claude-cli --sch", ["--schema", "--schema-multi"], False),
    ("claude-cli -m x -i pho", ["photo one.jpg", "photo2.png"], False),
]


@needs_fish
@pytest.mark.parametrize(("line", "expected", "synth"), FISH_CASES)
def test_fish_completes(
    line: str, expected: list[str], synth: bool, synthetic: Path, dirs: dict[str, Path]
) -> None:
    script = (synthetic if synth else COMPLETIONS) / "claude-cli.fish"
    assert fish_complete(script, line, dirs) == expected


ZSH_CASES = [
    (
        "claude-cli ",
        [
            "ask",
            "batch",
            "chat",
            "completion",
            "config",
            "describe-image",
            "models",
            "sessions",
            "tokens",
        ],
        False,
    ),
    ("claude-cli config set max_", ["max_retries", "max_tokens"], False),
    ("claude-cli ask --mo", ["--model"], False),
    ("claude-cli ask -m ", ["claude-haiku-4-5", "claude-opus-4-5", "claude-sonnet-5-5"], False),
    ("claude-cli ask --model=claude-o", ["claude-opus-4-5"], False),
    ("claude-cli ask -i photo2", ["photo2.png"], False),
    ("claude-cli sessions show ", ["trip.2025", "work-notes"], True),
    ("claude-cli ask -c --session w", ["work-notes"], True),
    ("claude-cli sessions export x --format ", ["json", "markdown"], True),
    ("claude-cli batch status ", ["describe-image", "questions"], False),
    ("claude-cli batch cancel d", ["describe-image"], False),
    # A first word that is an option: the implicit `ask`.
    ("claude-cli -m claude-o", ["claude-opus-4-5"], False),
    ("claude-cli --model=claude-o", ["claude-opus-4-5"], False),
    ("claude-cli -S w", ["work-notes"], False),
    ("claude-cli --sch", ["--schema", "--schema-multi"], False),
    ("claude-cli -m x -i photo2", ["photo2.png"], False),
]


@needs_zsh
@pytest.mark.parametrize(("line", "expected", "synth"), ZSH_CASES)
def test_zsh_completes(
    line: str,
    expected: list[str],
    synth: bool,
    synthetic: Path,
    dirs: dict[str, Path],
    tmp_path: Path,
) -> None:
    script_dir = synthetic if synth else COMPLETIONS
    assert zsh_complete(script_dir, line, dirs, tmp_path) == expected


# ------------------------------------------------------- --install-completion


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claude_cli", *args],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("shell", "installed", "rc", "rc_lines"),
    [
        ("bash", ".bash_completions/claude-cli.sh", ".bashrc", None),
        ("zsh", ".zfunc/_claude-cli", ".zshrc", ["fpath+=~/.zfunc", "compinit"]),
        ("fish", ".config/fish/completions/claude-cli.fish", None, None),
    ],
)
def test_install_completion_installs_the_static_script(
    tmp_path: Path, cli_env: dict[str, str], shell, installed, rc, rc_lines
) -> None:
    # Where Typer's own option put its script (so an earlier install is upgraded in
    # place), but the script is ours: Tab never starts Python.
    env = {**cli_env, "HOME": str(tmp_path), "SHELL": f"/bin/{shell}"}
    env.pop("XDG_CONFIG_HOME", None)  # fish's folder then is ~/.config/fish
    if rc:
        (tmp_path / rc).write_text("# mine\nalias ll='ls -l'\n")
    done = _cli(["--install-completion"], env)
    assert done.returncode == 0, done.stderr
    script = (tmp_path / installed).read_text()
    assert script == (COMPLETIONS / SCRIPT_NAMES[shell]).read_text()
    assert "_CLAUDE_CLI_COMPLETE" not in script
    assert f"{shell} completion installed in {tmp_path / installed}" in done.stderr
    if rc:
        text = (tmp_path / rc).read_text()
        assert text.startswith("# mine\nalias ll='ls -l'\n")  # the user's lines kept
        for line in rc_lines or [f"source '{tmp_path / installed}'"]:
            assert line in text.splitlines()
        again = _cli(["--install-completion", shell], {**env, "SHELL": "/bin/sh"})
        assert again.returncode == 0, again.stderr
        assert (tmp_path / rc).read_text() == text  # nothing added twice
        assert "added to" not in again.stderr


def test_fish_completion_goes_where_fish_looks(tmp_path: Path, cli_env: dict[str, str]) -> None:
    config = tmp_path / "cfg"
    env = {**cli_env, "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(config)}
    done = _cli(["--install-completion", "fish"], env)
    assert done.returncode == 0, done.stderr
    assert (config / "fish" / "completions" / "claude-cli.fish").is_file()  # $__fish_config_dir
    assert not (tmp_path / "home").exists()


def test_show_completion_prints_the_static_script(tmp_path: Path, cli_env: dict[str, str]) -> None:
    env = {**cli_env, "HOME": str(tmp_path), "SHELL": "/usr/bin/zsh"}
    done = _cli(["--show-completion"], env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (COMPLETIONS / "_claude-cli").read_text()
    assert (
        _cli(["--show-completion", "fish"], env).stdout
        == (COMPLETIONS / "claude-cli.fish").read_text()
    )


def test_install_completion_for_an_unknown_shell_is_a_usage_error(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {**cli_env, "HOME": str(home), "SHELL": "/bin/tcsh"}
    done = _cli(["--install-completion"], env)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "claude-cli: error: --install-completion: the shell is 'tcsh'; claude-cli completes "
        "bash, zsh and fish (name one: claude-cli --install-completion bash)"
    ]
    assert not any(home.iterdir())  # nothing written


def test_a_completion_installed_by_typer_still_answers(cli_env: dict[str, str]) -> None:
    # An earlier version installed Typer's script, which runs the program on every Tab.
    env = {**cli_env, "_CLAUDE_CLI_COMPLETE": "complete_bash", "COMP_WORDS": "claude-cli as"}
    done = _cli([], {**env, "COMP_CWORD": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ask"]
