"""`claude-cli sessions ...`: list, show, export, import, rename, delete, prune, search.

What the user sees of the session store; the store itself is `session.py`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from claude_cli.errors import SessionError, UsageError
from claude_cli.request.pricing import plural, usage_summary
from claude_cli.store import session
from claude_cli.terminal.term import Streams, dim, fit_words, local_time, sanitize

# On a narrow terminal the first words wrap in their column; when even that does not fit,
# whole columns are left out in this order (model, turns, first words), never cut: the
# name is what `ask -S` and `sessions show` need, whole.
NARROW_DROPS = (2, 1, 4)


def list_sessions(streams: Streams, *, limit: int | None = None, json_out: bool = False) -> None:
    rows: list[tuple[str, str, str, str, str]] = []
    items: list[dict[str, Any]] = []
    for doc in session.summaries():
        if isinstance(doc, SessionError):
            streams.note(f"skipped: {doc.message}")
            continue
        if limit is not None and len(items) >= limit:
            break
        items.append(
            {
                "name": doc["name"],
                "turns": session.turn_count(doc),
                "model": doc.get("model"),
                "created": doc.get("created"),
                "updated": doc.get("updated"),
                "first_words": session.first_words(doc),
            }
        )
        # Everything but the name (checked against NAME_RE) came from the file.
        rows.append(
            (
                sanitize(str(doc["name"])),
                str(session.turn_count(doc)),
                sanitize(str(doc.get("model") or "?")[:64]),
                local_time(doc.get("updated")),
                session.first_words(doc),
            )
        )
    if json_out:
        if streams.stdout_tty:
            from claude_cli.terminal.richout import print_json

            print_json(streams.stdout, items)
            return
        streams.stdout.write(json.dumps(items, ensure_ascii=False) + "\n")
        return
    if not rows:
        if streams.stderr_tty or streams.stdout_tty:
            streams.note(
                "no sessions yet: `claude-cli ask --session NAME ...` or `claude-cli chat`"
            )
        return
    header = ("NAME", "TURNS", "MODEL", "UPDATED", "FIRST WORDS")
    if streams.stdout_tty:
        from claude_cli.terminal.richout import print_table

        cells = [(*r[:4], sanitize(r[4])) for r in rows]
        left_out = print_table(streams.stdout, header, cells, right=(1,), drop=NARROW_DROPS)
        if left_out:
            from claude_cli.terminal.render import terminal_size

            note = f"left out to fit: {', '.join(left_out)} (`sessions list --json` has all)"
            streams.note(fit_words(note, terminal_size(streams.stderr).columns))
        return
    # A pipe: the columns scripts read, padded as ever, no header.
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    out = streams.stdout
    for row in rows:
        cells = [
            row[0].ljust(widths[0]),
            row[1].rjust(widths[1]),
            row[2].ljust(widths[2]),
            row[3].ljust(widths[3]),
            sanitize(row[4]),
        ]
        out.write("  ".join(cells).rstrip() + "\n")


def show(name: str, streams: Streams) -> None:
    doc = session.load(name)
    summary = summary_line(doc)
    if not streams.stdout_tty:
        streams.stdout.write(session.export_markdown(doc))
        streams.stdout.write(f"\n---\n{summary}\n")
        return
    from claude_cli.terminal.markdown_rich import render_markdown
    from claude_cli.terminal.render import markdown_mode, terminal_size

    out = streams.stdout
    mode = markdown_mode(out)
    size = terminal_size(out)
    header = (
        f"session {sanitize(str(doc['name']))} · {sanitize(str(doc.get('model') or '?'))} · "
        f"{plural(session.turn_count(doc), 'turn', 'turns')} · "
        f"updated {local_time(doc.get('updated'))}"
    )
    parts = [dim(fit_words(header, size.columns), out) + "\n"]  # at words, not mid-word
    if doc.get("system"):
        system = fit_words(f"system: {sanitize(str(doc['system']))}", size.columns)
        parts.append(dim(system, out) + "\n")
    for message in doc["messages"]:
        who = {"user": "you", "system": "system"}.get(message.get("role"), "claude")
        parts.append("\n" + dim(f"── {who} ──", out) + "\n")
        text = sanitize(session.markdown_of(message.get("content")))
        if who != "claude":
            parts.append(text + "\n")
        else:
            parts.append(render_markdown(text, size.columns, mode))
    parts.append("\n" + dim(fit_words(summary, size.columns), out) + "\n")
    page("".join(parts), size.lines, streams)


def page(text: str, rows: int, streams: Streams) -> None:
    """Like git: through $PAGER (default `less -R`, with LESS=FRX unless set) when
    the text is taller than the terminal; written directly otherwise."""
    import os
    import subprocess

    pager = os.environ.get("PAGER", "less -R").strip()
    if text.count("\n") < rows or not pager or pager == "cat":
        streams.stdout.write(text)
        return
    streams.stdout.flush()
    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    try:
        child = subprocess.Popen(pager, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        streams.stdout.write(text)
        return
    try:
        assert child.stdin is not None
        child.stdin.write(text.encode("utf-8", "replace"))
        child.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the reader quit early (q in less): not a failure
    if child.wait() in (126, 127):  # the shell's "cannot run" / "not found": nothing was shown
        from claude_cli.terminal.term import sanitize

        streams.note(f"the pager {sanitize(pager)!r} could not be run ($PAGER); here it is without")
        streams.stdout.write(text)


def summary_line(doc: dict[str, Any]) -> str:
    replies = doc.get("replies") or []
    n = plural(len(replies), "reply", "replies")
    return f"usage ({n}): {usage_summary(doc['usage'], replies)}"


def export(name: str, fmt: str, streams: Streams) -> None:
    if fmt not in ("json", "markdown", "md"):
        raise UsageError(f"unknown export format {fmt!r}: use markdown or json")
    doc = session.load(name)
    tty = streams.stdout_tty  # in a file or a pipe: the exact text; on a screen: made safe
    if fmt == "json":
        text = session.export_json(doc)
        if tty:
            from claude_cli.terminal.richout import print_json

            print_json(streams.stdout, json.loads(text))
            return
        streams.stdout.write(text)
    else:
        text = session.export_markdown(doc)
        streams.stdout.write(sanitize(text) if tty else text)


def import_(name: str, source: str, streams: Streams) -> None:
    session.check_name(name)
    limit = session.MAX_SESSION_BYTES
    if source == "-":
        data = sys.stdin.buffer.read(limit + 1)
        where = "stdin"
        if len(data) > limit:
            raise UsageError(f"stdin is larger than {limit // (1024 * 1024)} MB")
    else:
        from claude_cli.store.files import UnsafeFile, read_regular

        where = source
        try:
            data = read_regular(Path(source), limit)  # a FIFO or /dev/zero must not hang
        except UnsafeFile as e:
            raise UsageError(f"cannot import {source}: {e.strerror}") from None
        except OSError as e:
            raise UsageError(f"cannot read {source}: {e.strerror}") from None
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{where} is not UTF-8 text") from None
    doc = session.import_session(name, raw, where)
    count = plural(len(doc["messages"]), "message", "messages")
    streams.note(f"imported {count} into session {name}")


def rename(old: str, new: str, streams: Streams) -> None:
    session.rename(old, new)
    streams.note(f"renamed {old} to {new}")


def delete(names: list[str], yes: bool, streams: Streams) -> None:
    """Delete one or more sessions; all of them must exist (nothing is deleted
    otherwise), and a terminal is asked once for all."""
    if not names:
        raise UsageError("delete needs at least one session NAME")
    names = list(dict.fromkeys(session.check_name(n) for n in names))
    whats = []
    for name in names:
        try:
            doc = session.load(name)  # also checks that it exists
            whats.append(f"{name} ({plural(session.turn_count(doc), 'turn', 'turns')})")
        except SessionError:
            # A file we cannot parse can still be deleted: that is often why one deletes.
            if not session.path_for(name).exists():
                raise
            whats.append(f"{name} (unreadable file)")
    if not yes:
        listed = " ".join(names)
        if not streams.stdin_tty:
            raise UsageError(f"not deleting session {listed} without confirmation: add --yes")
        word = "session" if len(names) == 1 else "sessions"
        streams.stderr.write(f"Delete {word} {sanitize(', '.join(whats))}? [y/N] ")
        streams.stderr.flush()
        answer = streams.stdin.readline().strip().lower()
        if answer not in ("y", "yes"):
            streams.note("kept")
            return
    for name in names:
        session.delete(name)
        streams.note(f"deleted session {name}")


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_age(text: str) -> float:
    """'30d' -> seconds; s, m, h, d or w."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text or "")
    if not found:
        raise UsageError(
            f"--older-than {text!r} is not an age: a number and s, m, h, d or w, e.g. 30d"
        )
    return float(found.group(1)) * _UNITS[found.group(2)]


def prune(older_than: str, yes: bool, streams: Streams) -> None:
    """Delete the sessions not written for `older_than`; asks on a terminal."""
    from datetime import datetime

    age = parse_age(older_than)
    old = session.older_than(age)
    if not old:
        streams.note(f"no session is older than {older_than.strip()}")
        return
    names = [name for name, _ in old]
    if not yes:
        if not streams.stdin_tty:
            raise UsageError(
                f"not deleting {plural(len(names), 'session', 'sessions')} older than "
                f"{older_than.strip()} without confirmation: add --yes"
            )
        for name, mtime in old:
            when = datetime.fromtimestamp(mtime).strftime("%Y-%m-%d %H:%M")
            streams.stderr.write(f"  {name}  (last written {when})\n")
        streams.stderr.write(f"Delete these {plural(len(names), 'session', 'sessions')}? [y/N] ")
        streams.stderr.flush()
        if streams.stdin.readline().strip().lower() not in ("y", "yes"):
            streams.note("kept")
            return
    removed = 0
    for name in names:
        try:
            session.delete(name)
        except SessionError as e:  # written or removed meanwhile: say so, go on
            streams.note(f"not deleted: {e.message}")
            continue
        removed += 1
        streams.note(f"deleted session {name}")
    streams.note(f"pruned {plural(removed, 'session', 'sessions')} older than {older_than.strip()}")


def search(text: str, streams: Streams) -> None:
    """Like grep: matches on stdout, exit status 1 when there are none."""
    if not text:
        raise UsageError("search needs some TEXT")
    found = 0

    def skipped(error: SessionError) -> None:
        streams.note(f"skipped: {error.message}")

    for name, index, role, snippet in session.search(text, skipped):
        streams.stdout.write(
            f"{sanitize(name)}:{index + 1}: {sanitize(str(role))}: {sanitize(snippet)}\n"
        )
        found += 1
    if not found:
        streams.note(f"no session mentions {sanitize(repr(text))}")
        raise SystemExit(1)
