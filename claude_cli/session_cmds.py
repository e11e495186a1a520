"""`claude-cli sessions ...`: list, show, export, import, rename, delete, search.

What the user sees of the session store; the store itself is `session.py`.
"""

from __future__ import annotations

import sys
from typing import Any

from . import session
from .errors import SessionError, UsageError
from .pricing import plural, usage_summary
from .term import Streams, dim, sanitize


def list_sessions(streams: Streams) -> None:
    rows: list[tuple[str, str, str, str, str]] = []
    for doc in session.summaries():
        if isinstance(doc, SessionError):
            streams.note(f"skipped: {doc.message}")
            continue
        rows.append(
            (
                doc["name"],
                str(session.turn_count(doc)),
                str(doc.get("model") or "?"),
                str(doc.get("updated") or "?").replace("T", " ").rstrip("Z"),
                session.first_words(doc),
            )
        )
    if not rows:
        if streams.stderr_tty or streams.stdout_tty:
            streams.note(
                "no sessions yet: `claude-cli ask --session NAME ...` or `claude-cli chat`"
            )
        return
    header = ("NAME", "TURNS", "MODEL", "UPDATED (UTC)", "FIRST WORDS")
    table = [header, *rows] if streams.stdout_tty else rows
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    out = streams.stdout
    for row in table:
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
    from .markdown_ansi import render as render_markdown
    from .render import markdown_mode, terminal_size

    out = streams.stdout
    mode = markdown_mode(out)
    out.write(
        dim(
            f"session {doc['name']} · {doc.get('model') or '?'} · "
            f"{plural(session.turn_count(doc), 'turn', 'turns')} · "
            f"updated {doc.get('updated', '?')}",
            out,
        )
        + "\n"
    )
    if doc.get("system"):
        out.write(dim(f"system: {sanitize(str(doc['system']))}", out) + "\n")
    for message in doc["messages"]:
        who = "you" if message.get("role") == "user" else "claude"
        out.write("\n" + dim(f"── {who} ──", out) + "\n")
        text = sanitize(session.markdown_of(message.get("content")))
        if who == "you":
            out.write(text + "\n")
        else:
            out.write(render_markdown(text, terminal_size(out).columns, mode))
    out.write("\n" + dim(summary, out) + "\n")


def summary_line(doc: dict[str, Any]) -> str:
    replies = doc.get("replies") or []
    n = plural(len(replies), "reply", "replies")
    return f"usage ({n}): {usage_summary(doc['usage'], replies)}"


def export(name: str, fmt: str, streams: Streams) -> None:
    doc = session.load(name)
    if fmt == "json":
        streams.stdout.write(session.export_json(doc))
    elif fmt in ("markdown", "md"):
        streams.stdout.write(session.export_markdown(doc))
    else:
        raise UsageError(f"unknown export format {fmt!r}: use markdown or json")


def import_(name: str, source: str, streams: Streams) -> None:
    session.check_name(name)
    if source == "-":
        raw = sys.stdin.read()
        where = "stdin"
    else:
        try:
            with open(source, encoding="utf-8") as f:
                raw = f.read()
        except OSError as e:
            raise UsageError(f"cannot read {source}: {e.strerror}") from None
        except UnicodeDecodeError:
            raise UsageError(f"{source} is not UTF-8 text") from None
        where = source
    doc = session.import_session(name, raw, where)
    streams.note(f"imported {len(doc['messages'])} messages into session {name}")


def rename(old: str, new: str, streams: Streams) -> None:
    session.rename(old, new)
    streams.note(f"renamed {old} to {new}")


def delete(name: str, yes: bool, streams: Streams) -> None:
    try:
        doc = session.load(name)  # also checks the name and that it exists
        what = plural(session.turn_count(doc), "turn", "turns")
    except SessionError:
        # A file we cannot parse can still be deleted: that is often why one deletes.
        if not session.path_for(session.check_name(name)).exists():
            raise
        what = "unreadable file"
    if not yes:
        if not streams.stdin_tty:
            raise UsageError(f"not deleting session {name} without confirmation: add --yes")
        streams.stderr.write(f"Delete session {name} ({what})? [y/N] ")
        streams.stderr.flush()
        answer = streams.stdin.readline().strip().lower()
        if answer not in ("y", "yes"):
            streams.note("kept")
            return
    session.delete(name)
    streams.note(f"deleted session {name}")


def search(text: str, streams: Streams) -> None:
    if not text:
        raise UsageError("search needs some TEXT")
    found = 0
    for name, index, role, snippet in session.search(text):
        streams.stdout.write(f"{name}:{index + 1}: {role}: {sanitize(snippet)}\n")
        found += 1
    if not found:
        streams.note(f"no session mentions {text!r}")
