"""`-a/--attach`: PDFs, text files and images as content blocks, end to end.

Checks are on what the fake server received (and validated) and on what the user saw.
"""

from __future__ import annotations

import base64
import io
import json

from PIL import Image
from test_repl import env  # noqa: F401  (the fixture the chat test uses)


def make_pdf(pages: int = 2) -> bytes:
    objects = b"".join(b"%d 0 obj << /Type /Page >> endobj\n" % (n + 3) for n in range(pages))
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + objects + b"%%EOF\n"


def documents(body: dict) -> list[dict]:
    return [b for b in body["messages"][-1]["content"] if b.get("type") == "document"]


def test_a_pdf_is_sent_as_a_base64_document_with_its_name(run, api, tmp_path) -> None:
    pdf = make_pdf(3)
    (tmp_path / "report.pdf").write_bytes(pdf)
    r = run("ask", "-a", str(tmp_path / "report.pdf"), "Summarise")
    assert r.code == 0, r.err
    [doc] = documents(api.last_body)
    assert doc["source"] == {
        "type": "base64",
        "media_type": "application/pdf",
        "data": base64.b64encode(pdf).decode(),
    }
    assert doc["title"] == "report.pdf"
    assert "citations" not in doc
    assert r.out == "You said: Summarise [saw pdf report.pdf, 3 pages]\n"


def test_the_type_comes_from_the_bytes(run, api, tmp_path) -> None:
    (tmp_path / "notes.pdf").write_text("just words\n")  # named .pdf, is text
    buf = io.BytesIO()
    Image.new("RGB", (8, 6)).save(buf, "PNG")
    (tmp_path / "pic.txt").write_bytes(buf.getvalue())  # named .txt, is a PNG
    r = run("ask", "-a", str(tmp_path / "notes.pdf"), "-a", str(tmp_path / "pic.txt"), "what?")
    assert r.code == 0, r.err
    content = api.last_body["messages"][-1]["content"]
    assert content[0] == {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": "just words\n"},
        "title": "notes.pdf",
    }
    assert content[1]["type"] == "image" and content[1]["source"]["media_type"] == "image/png"
    assert content[2] == {"type": "text", "text": "what?"}


def test_stdin_and_urls(run, api) -> None:
    r = run("ask", "-a", "-", "Summarise", input=make_pdf(1))
    assert r.code == 0, r.err
    assert documents(api.last_body)[0]["title"] == "stdin"
    assert r.out == "You said: Summarise [saw pdf stdin, 1 pages]\n"
    r = run("ask", "-a", "https://example.com/papers/a.pdf", "-a", "https://e.com/x.png", "hi")
    assert r.code == 0, r.err
    content = api.last_body["messages"][-1]["content"]
    assert content[0] == {
        "type": "document",
        "source": {"type": "url", "url": "https://example.com/papers/a.pdf"},
        "title": "a.pdf",
    }
    assert content[1] == {"type": "image", "source": {"type": "url", "url": "https://e.com/x.png"}}
    r = run("ask", "-a", "https://example.com/page", "hi")
    assert r.code == 2 and "cannot tell what this URL is" in r.err


def test_cite_turns_citations_on(run, api, tmp_path) -> None:
    (tmp_path / "a.txt").write_text("The sky is blue.")
    r = run("ask", "--cite", "-a", str(tmp_path / "a.txt"), "Colour?")
    assert r.code == 0, r.err
    assert documents(api.last_body)[0]["citations"] == {"enabled": True}
    r = run("ask", "--cite", "Colour?")
    assert r.code == 2 and "--cite needs a document" in r.err


def test_limits_are_checked_before_sending(run, api, tmp_path) -> None:
    (tmp_path / "long.pdf").write_bytes(make_pdf(101))
    r = run("ask", "-a", str(tmp_path / "long.pdf"), "q")
    assert r.code == 2
    assert "long.pdf: 101 pages; a PDF may have at most 100" in r.err
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)
    (tmp_path / "a.pdf").write_bytes(big)
    (tmp_path / "b.pdf").write_bytes(big)
    r = run("ask", "-a", str(tmp_path / "a.pdf"), "-a", str(tmp_path / "b.pdf"), "q")
    assert r.code == 2 and "a request may carry at most 32 MB" in r.err
    (tmp_path / "bin").write_bytes(b"\x00\x01\x02binary")
    r = run("ask", "-a", str(tmp_path / "bin"), "q")
    assert r.code == 2 and "not a PDF, an image or UTF-8 text" in r.err
    r = run("ask", "-a", str(tmp_path / "missing.pdf"), "q")
    assert r.code == 2 and "missing.pdf: no such file" in r.err
    assert api.messages_requests == []


def test_a_model_that_does_not_read_pdfs_is_refused_before_sending(run, api, tmp_path) -> None:
    api.without("claude-haiku-4-5", pdfs=False)
    (tmp_path / "r.pdf").write_bytes(make_pdf())
    r = run("ask", "-m", "claude-haiku-4-5", "-a", str(tmp_path / "r.pdf"), "q")
    assert r.code == 2
    assert "-a r.pdf: claude-haiku-4-5 does not read PDFs" in r.err
    assert api.messages_requests == []
    # Text files are fine on such a model.
    (tmp_path / "t.txt").write_text("hello")
    assert run("ask", "-m", "claude-haiku-4-5", "-a", str(tmp_path / "t.txt"), "q").code == 0


def test_sessions_store_a_pdf_once_as_a_blob_and_send_it_again(run, api, home, tmp_path) -> None:
    pdf = make_pdf(2)
    (tmp_path / "r.pdf").write_bytes(pdf)
    assert run("ask", "-S", "docs", "-a", str(tmp_path / "r.pdf"), "Read this").code == 0
    assert run("ask", "-S", "docs", "And again?").code == 0
    # The second request carries the PDF as it was first sent.
    first = api.messages_requests[0].body["messages"][0]
    assert api.last_body["messages"][0] == first
    stored = (home / "data" / "claude-cli" / "sessions" / "docs.json").read_text()
    encoded = base64.b64encode(pdf).decode()
    assert encoded not in stored and "blob:sha256:" in stored
    exported = json.loads(run("sessions", "export", "docs", "--format", "json").out)
    doc = exported["messages"][0]["content"][0]
    assert doc["title"] == "r.pdf" and doc["source"]["data"] == encoded
    markdown = run("sessions", "export", "docs", "--format", "markdown").out
    assert "*[document: r.pdf]*" in markdown


def test_help_shows_attach_with_an_example(run) -> None:
    out = run("ask", "--help").out
    assert "--attach" in out and "ask -a report.pdf" in out


def test_chat_attach_sends_a_pdf_with_the_next_message(env, tmp_path, monkeypatch) -> None:  # noqa: F811
    from test_repl import Harness

    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.pdf").write_bytes(make_pdf(2))
    h = Harness(env)
    h.type("/attach r.pdf\rwhat is it?\r", until_sent=1)
    assert any("attached r.pdf to your next message" in n for n in h.notes)
    first = env.last_body["messages"][-1]["content"]
    assert first[0]["type"] == "document" and first[0]["title"] == "r.pdf"
    assert first[1] == {"type": "text", "text": "what is it?"}
    assert "[saw pdf r.pdf, 2 pages]" in h.out.getvalue()
