"""`claude-cli --install-completion [SHELL]` and `--show-completion [SHELL]`.

Typer's options of the same names install a script that starts claude-cli (and Typer) on
every Tab, about 150 ms each. These install our static script instead (completion.py):
Tab never starts Python. The places and the rc lines are Typer's own, so an earlier Typer
install is upgraded in place and its rc lines keep working.
"""

from __future__ import annotations

import os
from pathlib import Path

from claude_cli.errors import UsageError

SHELLS = ("bash", "zsh", "fish")


def shell_named(word: str | None, option: str = "--install-completion") -> str:
    """The shell asked for (a word after the option), else the login shell ($SHELL)."""
    name = word or Path(os.environ.get("SHELL", "")).name
    if name not in SHELLS:
        shown = f"{name!r}" if name else "not set ($SHELL is empty)"
        raise UsageError(
            f"{option}: the shell is {shown}; claude-cli completes bash, zsh and fish "
            f"(name one: claude-cli {option} bash)"
        )
    return name


def show(shell: str) -> str:
    from claude_cli.completion import script_for

    return script_for(shell)


def install(shell: str, home: Path | None = None) -> list[str]:
    """Write the script where the shell finds it; returns what was done, a line each."""
    home = home or Path.home()
    script = show(shell)
    if shell == "bash":
        target = home / ".bash_completions" / "claude-cli.sh"
        rc, lines = home / ".bashrc", [f"source '{target}'"]
    elif shell == "zsh":
        target = home / ".zfunc" / "_claude-cli"
        rc, lines = home / ".zshrc", ["fpath+=~/.zfunc", "autoload -Uz compinit", "compinit"]
    else:  # fish loads this folder by itself ($__fish_config_dir/completions)
        config = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
        target = Path(config) / "fish" / "completions" / "claude-cli.fish"
        rc, lines = None, []
    _write(target, script)
    done = [f"{shell} completion installed in {target}"]
    if rc is not None:
        added = _add_lines(rc, lines)
        if added:
            done.append(f"added to {rc}: {'; '.join(added)}")
    done.append("it takes effect in a new shell")
    return done


def _write(path: Path, text: str) -> None:
    """Atomically: a half-written completion script would break every new shell."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    except OSError as e:
        temp.unlink(missing_ok=True)
        raise UsageError(f"--install-completion: cannot write {path}: {e.strerror}") from None


def _add_lines(rc: Path, lines: list[str]) -> list[str]:
    """Append the lines the rc file lacks; never rewrites what the user wrote."""
    try:
        have = set(rc.read_text(encoding="utf-8", errors="replace").splitlines())
    except FileNotFoundError:
        have = set()
    except OSError as e:
        raise UsageError(f"--install-completion: cannot read {rc}: {e.strerror}") from None
    missing = [line for line in lines if line not in have]
    if missing:
        try:
            with rc.open("a", encoding="utf-8") as f:
                f.write("\n# claude-cli completion\n" + "".join(f"{m}\n" for m in missing))
        except OSError as e:
            raise UsageError(f"--install-completion: cannot write {rc}: {e.strerror}") from None
    return missing
