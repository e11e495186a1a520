"""Images: sources, sniffing, fitting, `ask -i` and `describe-image`, end to end.

Every image is generated here with Pillow; every check is on what the fake
server received (and decoded) or on what the user saw.
"""

from __future__ import annotations

import base64
import io
import json
import os
import random
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from fakeapi import image_info

MB5 = 5 * 1024 * 1024


def make_image(
    fmt: str,
    size: tuple[int, int] = (40, 30),
    color: Any = (200, 30, 30),
    mode: str = "RGB",
    **save: Any,
) -> bytes:
    im = Image.new(mode, size, color)
    buf = io.BytesIO()
    im.save(buf, fmt, **save)
    return buf.getvalue()


def write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def images_sent(body: dict[str, Any]) -> list[dict[str, Any]]:
    content = body["messages"][-1]["content"]
    return [b for b in content if b["type"] == "image"]


def decoded(block: dict[str, Any]) -> Image.Image:
    source = block["source"]
    assert source["type"] == "base64"
    assert len(source["data"]) <= MB5
    im = Image.open(io.BytesIO(base64.b64decode(source["data"])))
    assert Image.MIME[im.format] == source["media_type"]
    im.load()
    return im


# -- formats and sniffing ------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_each_format_is_sent_byte_for_byte_with_its_media_type(run, api, tmp_path, fmt, media_type):
    data = make_image(fmt)
    path = write(tmp_path / f"small.{fmt.lower()}", data)
    r = run("ask", "-i", path, "What colour?")
    assert r.code == 0, r.err
    (block,) = images_sent(api.last_body)
    assert block["source"] == {
        "type": "base64",
        "media_type": media_type,
        "data": base64.b64encode(data).decode(),
    }
    assert r.out == f"You said: What colour? [saw {media_type} 40x30]\n"
    assert r.err == ""  # nothing changed, and stderr is not a terminal anyway


def test_media_type_comes_from_the_bytes_not_the_name(run, api, tmp_path):
    path = write(tmp_path / "really-a-png.jpg", make_image("PNG"))
    r = run("ask", "-i", path, "hi")
    assert r.code == 0, r.err
    assert images_sent(api.last_body)[0]["source"]["media_type"] == "image/png"


def test_images_go_before_the_text(run, api, tmp_path):
    a = write(tmp_path / "a.png", make_image("PNG", (10, 10)))
    b = write(tmp_path / "b.gif", make_image("GIF", (12, 12)))
    r = run("ask", "-i", a, "--image", b, "Compare them")
    assert r.code == 0, r.err
    content = api.last_body["messages"][0]["content"]
    assert [c["type"] for c in content] == ["image", "image", "text"]
    assert [image_info(c["source"])[1] for c in content[:2]] == [10, 12]
    assert content[2]["text"] == "Compare them"


def test_a_url_is_passed_on_untouched(run, api):
    url = "https://example.com/photos/cat.jpg?size=large&v=2"
    r = run("ask", "-i", url, "What animal?")
    assert r.code == 0, r.err
    assert images_sent(api.last_body) == [{"type": "image", "source": {"type": "url", "url": url}}]


# -- bad sources ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "notes.png",
            b"just some text, not a picture\n",
            "not a JPEG, PNG, GIF, WebP, BMP or TIFF image (looks like text)",
        ),
        # Seeded junk: the same bytes on every run and every xdist worker (which must
        # all collect the same test ids, and the id includes the data).
        (
            "broken.jpg",
            b"\xff\xd8\xff\xe0" + random.Random(118).randbytes(64),
            "not a readable JPEG image",
        ),
        ("cut.png", None, "the PNG image is truncated"),
        ("doc.jpg", b"%PDF-1.7\n...", "looks like a PDF"),
        ("empty.png", b"", "the file is empty"),
    ],
)
def test_bad_files_are_named_and_nothing_is_sent(run, api, tmp_path, name, data, expected):
    if data is None:  # a real PNG cut short: the header reads, the pixels do not
        buf = io.BytesIO()
        Image.effect_noise((300, 300), 50).save(buf, "PNG")
        data = buf.getvalue()[: len(buf.getvalue()) // 2]
    path = write(tmp_path / name, data)
    r = run("ask", "-i", path, "hi")
    assert r.code == 2
    assert r.err.startswith(f"claude-cli: error: image {path}: ")
    assert expected in r.err
    assert len(r.err.splitlines()) == 1
    assert api.messages_requests == []


def test_missing_file_and_directory(run, api, tmp_path):
    r = run("ask", "-i", str(tmp_path / "nope.jpg"), "hi")
    assert (r.code, r.err) == (
        2,
        f"claude-cli: error: image {tmp_path / 'nope.jpg'}: no such file\n",
    )
    r = run("ask", "-i", str(tmp_path), "hi")
    assert r.code == 2 and "is a directory" in r.err
    assert api.messages_requests == []


# -- fitting -------------------------------------------------------------------


def noisy_png(size: tuple[int, int]) -> bytes:
    im = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("max_edge", ["0", "1568"])
def test_a_noisy_png_over_5mb_is_made_to_fit(run, api, tmp_path, max_edge):
    data = noisy_png((1500, 1400))
    assert len(base64.b64encode(data)) > MB5
    path = write(tmp_path / "noise.png", data)
    r = run("ask", "-i", path, "hi", env={"CLAUDE_CLI_IMAGE_MAX_EDGE": max_edge})
    assert r.code == 0, r.err
    (block,) = images_sent(api.last_body)
    im = decoded(block)
    assert im.size == (1500, 1400)  # under both edge limits: only re-encoded
    assert block["source"]["media_type"] == "image/jpeg"


def test_a_long_strip_is_scaled_to_8000_keeping_its_aspect(run, api, tmp_path):
    path = write(tmp_path / "strip.png", make_image("PNG", (9000, 300)))
    r = run("ask", "-i", path, "hi", env={"CLAUDE_CLI_IMAGE_MAX_EDGE": "0"})
    assert r.code == 0, r.err
    im = decoded(images_sent(api.last_body)[0])
    assert im.size == (8000, 267)
    r = run("ask", "-i", path, "hi")  # default: the service's own 1568 px
    im = decoded(images_sent(api.last_body)[0])
    assert im.size == (1568, 52)


def photo_jpeg(size: tuple[int, int]) -> bytes:
    im = Image.linear_gradient("L").resize(size).convert("RGB")
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def test_a_big_photo_is_downscaled_to_the_configured_edge(run, api, tmp_path, home):
    path = write(tmp_path / "photo.jpg", photo_jpeg((3000, 2000)))
    r = run("ask", "-i", path, "hi")
    assert r.code == 0, r.err
    w, h = decoded(images_sent(api.last_body)[0]).size
    # 1568 is a soft target: the JPEG decoder's 1/2 scale (1500) is taken as is.
    assert 1568 * 0.9 <= w <= 1568 and abs(w / h - 1.5) < 0.01
    assert r.err == ""  # what was changed is told on a terminal only
    (home / "config" / "claude-cli").mkdir(parents=True)
    (home / "config" / "claude-cli" / "config.toml").write_text("image_max_edge = 800\n")
    r = run("ask", "-i", path, "hi")
    w, h = decoded(images_sent(api.last_body)[0]).size
    assert 720 <= w <= 800 and abs(w / h - 1.5) < 0.01


def test_exif_orientation_is_applied(run, api, tmp_path):
    # Stored 400x200, left half red; orientation 6 shows it turned clockwise:
    # 200x400 with the red half on top.
    im = Image.new("RGB", (400, 200), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, 200, 200))
    exif = im.getexif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif, quality=95)
    path = write(tmp_path / "phone.jpg", buf.getvalue())
    r = run("ask", "-i", path, "hi")
    assert r.code == 0, r.err
    sent = decoded(images_sent(api.last_body)[0]).convert("RGB")
    assert sent.size == (200, 400)
    top, bottom = sent.getpixel((100, 50)), sent.getpixel((100, 350))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_gif_and_webp_are_resized_too(run, api, tmp_path):
    gif = write(tmp_path / "wide.gif", make_image("GIF", (3000, 100)))
    webp = write(
        tmp_path / "wide.webp", make_image("WEBP", (2000, 1000), (1, 2, 3, 100), mode="RGBA")
    )
    r = run("ask", "-i", gif, "-i", webp, "hi")
    assert r.code == 0, r.err
    a, b = (decoded(x) for x in images_sent(api.last_body))
    assert (a.format, a.size) == ("PNG", (1568, 52))  # GIF re-encoded losslessly as PNG
    assert (b.format, b.size, b.mode) == ("WEBP", (1568, 784), "RGBA")


def test_more_than_20_images_are_kept_within_2000px(run, api, tmp_path):
    paths = [write(tmp_path / f"s{i}.png", make_image("PNG", (2500, 20))) for i in range(21)]
    args = [a for p in paths for a in ("-i", p)]
    r = run("ask", *args, "hi", env={"CLAUDE_CLI_IMAGE_MAX_EDGE": "0"})
    assert r.code == 0, r.err
    sizes = {decoded(b).size for b in images_sent(api.last_body)}
    assert sizes == {(2000, 16)}


# -- stdin ---------------------------------------------------------------------


def test_ask_image_from_stdin_takes_the_prompt_from_words(run, api):
    data = make_image("PNG", (33, 22))
    r = run("ask", "-i", "-", "What is this?", input=data)
    assert r.code == 0, r.err
    assert r.out == "You said: What is this? [saw image/png 33x22]\n"


def test_stdin_errors(run, api):
    r = run("ask", "-i", "-", "hi", input=b"")
    assert (r.code, r.err) == (2, "claude-cli: error: image stdin: stdin is empty\n")
    r = run("ask", "-i", "-", "hi", input=b"hello there")
    assert r.code == 2 and r.err.startswith("claude-cli: error: image stdin: not a JPEG")
    r = run("describe-image", "-", "-", input=make_image("PNG"))
    assert r.code == 2 and "only once" in r.err
    assert api.messages_requests == []


def test_describe_image_from_stdin(run, api):
    r = run("describe-image", "-", "-p", "What is it?", input=make_image("JPEG", (64, 48)))
    assert r.code == 0, r.err
    assert r.out == "You said: What is it? [saw image/jpeg 64x48]\n"


# -- describe-image --------------------------------------------------------------


def test_describe_default_prompt_and_options(run, api, tmp_path):
    path = write(tmp_path / "a.png", make_image("PNG"))
    r = run(
        "describe-image",
        path,
        "-m",
        "claude-haiku-4-5",
        "--max-tokens",
        "300",
        "-s",
        "Be brief.",
        "--json",
    )
    assert r.code == 0, r.err
    body = api.last_body
    assert (body["model"], body["max_tokens"], body["system"]) == (
        "claude-haiku-4-5",
        300,
        "Be brief.",
    )
    assert "stream" not in body
    assert body["messages"][0]["content"][1]["text"].startswith("Describe this image")
    (line,) = r.out.splitlines()
    obj = json.loads(line)
    assert set(obj) == {"source", "text", "model", "stop_reason", "usage"}
    assert obj["source"] == path and obj["model"] == "claude-haiku-4-5"
    assert obj["stop_reason"] == "end_turn" and obj["usage"]["output_tokens"] > 0


def test_describe_prefill_starts_each_answer(run, api, tmp_path):
    path = write(tmp_path / "a.png", make_image("PNG"))
    api.reply('"colour": "red"}')
    r = run("describe-image", path, "--prefill", "{", "-m", "claude-haiku-4-5")
    assert r.code == 0, r.err
    assert r.out == '{"colour": "red"}\n'
    assert api.last_body["messages"][-1] == {"role": "assistant", "content": "{"}


def pace_by_width(slow_width: int, seconds: float):
    def pace(body: dict[str, Any]) -> float:
        for block in images_sent(body):
            info = image_info(block["source"])
            if info and info[1] == slow_width:
                return seconds
        return 0.0

    return pace


def test_mixed_batch_keeps_order_and_fails_at_the_end(run, api, tmp_path):
    good1 = write(tmp_path / "one.png", make_image("PNG", (11, 10)))
    bad = write(tmp_path / "bad.png", b"<html>not an image</html>")
    good2 = write(tmp_path / "two.png", make_image("PNG", (22, 10)))
    api.pace = pace_by_width(11, 0.4)  # the first finishes last
    r = run("describe-image", good1, bad, good2, "--json", "-p", "Name it")
    assert r.code == 2
    lines = [json.loads(x) for x in r.out.splitlines()]
    assert [x["source"] for x in lines] == [good1, bad, good2]
    assert lines[0]["text"] == "You said: Name it [saw image/png 11x10]"
    why = f"image {bad}: not a JPEG, PNG, GIF, WebP, BMP or TIFF image (looks like text)"
    assert lines[1] == {"source": bad, "error": why}
    assert lines[2]["text"] == "You said: Name it [saw image/png 22x10]"
    assert len(api.messages_requests) == 2
    assert r.err.splitlines() == [
        f"claude-cli: error: {why}",
        f"claude-cli: error: 1 of 3 images failed: {bad}",
    ]


def test_plain_output_heads_each_result_in_a_pipe(run, api, tmp_path):
    a = write(tmp_path / "a.png", make_image("PNG", (5, 5)))
    b = write(tmp_path / "b.png", make_image("PNG", (6, 6)))
    api.pace = pace_by_width(5, 0.3)
    r = run("describe-image", a, b, "-p", "x")
    assert r.code == 0, r.err
    assert r.out == (
        f"==> {a} <==\nYou said: x [saw image/png 5x5]\n\n"
        f"==> {b} <==\nYou said: x [saw image/png 6x6]\n"
    )
    assert r.err == ""


def test_api_failure_for_one_image_does_not_stop_the_rest(run, api, tmp_path):
    paths = [write(tmp_path / f"{i}.png", make_image("PNG", (10 + i, 10))) for i in range(3)]
    api.fail(500, "api_error", "boom")
    r = run("describe-image", *paths, "--json", "-j", "1", "--max-retries", "0")
    assert r.code == 1
    lines = [json.loads(x) for x in r.out.splitlines()]
    # A prefetching worker may send its image first: whichever request met the fault, its
    # own line carries the error, in input order, and the other two were described.
    assert [x["source"] for x in lines] == paths
    failed = [x for x in lines if "error" in x]
    assert len(failed) == 1 and sum("text" in x for x in lines) == 2
    assert failed[0]["error"].startswith(f"image {failed[0]['source']}: API error 500 api_error")


def test_mixed_failure_kinds_exit_1(run, api, tmp_path):
    good = write(tmp_path / "g.png", make_image("PNG"))
    missing = str(tmp_path / "missing.png")
    api.fail(400, "invalid_request_error", "nope")
    r = run("describe-image", good, missing, "-j", "1", "--max-retries", "0")
    assert r.code == 1
    assert "2 of 2 images failed" in r.err.splitlines()[-1]


def test_single_failure_is_one_line(run, api, tmp_path):
    r = run("describe-image", str(tmp_path / "x.jpg"))
    assert (r.code, r.out) == (2, "")
    assert r.err == f"claude-cli: error: image {tmp_path / 'x.jpg'}: no such file\n"


def test_many_images_with_bounded_concurrency(run, api, tmp_path):
    paths = [write(tmp_path / f"p{i}.jpg", photo_jpeg((1000 + i, 700))) for i in range(12)]
    r = run("describe-image", *paths, "--json", "-j", "3", env={"CLAUDE_CLI_IMAGE_MAX_EDGE": "500"})
    assert r.code == 0, r.err
    lines = [json.loads(x) for x in r.out.splitlines()]
    assert [x["source"] for x in lines] == paths
    assert all("[saw image/jpeg 500x" in x["text"] for x in lines)
    assert len(api.messages_requests) == 12


def test_usage_errors_come_before_any_work(run, api, tmp_path):
    path = write(tmp_path / "a.png", make_image("PNG"))
    r = run("describe-image", path, "--prefill", "{", "-m", "claude-sonnet-4-6")
    assert r.code == 2 and "does not accept --prefill" in r.err
    r = run("describe-image", path, "--session", "../trip")
    assert r.code == 6 and "bad session name" in r.err
    r = run("describe-image", path, env={"ANTHROPIC_API_KEY": None})
    assert r.code == 3 and "no API key" in r.err
    assert api.messages_requests == []


def test_describe_url_source_is_untouched(run, api):
    url = "https://example.com/a.png"
    r = run("describe-image", url, "-p", "hi")
    assert r.code == 0, r.err
    assert r.out == f"You said: hi [saw url {url}]\n"


# -- --download ------------------------------------------------------------------


@pytest.fixture
def files() -> Iterator[tuple[str, dict[str, tuple[int, str, bytes]]]]:
    """A tiny web server: routes path -> (status, content-type, body)."""
    routes: dict[str, tuple[int, str, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            status, kind, body = routes.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    httpd.shutdown()
    httpd.server_close()


def test_download_fetches_and_checks(run, api, files):
    base, routes = files
    png = make_image("PNG", (30, 20))
    routes["/pic"] = (200, "image/png", png)
    routes["/big.jpg"] = (200, "application/octet-stream", photo_jpeg((2400, 1600)))
    routes["/page"] = (200, "text/html; charset=utf-8", b"<html>hello</html>")
    routes["/liar.png"] = (200, "image/png", b"<html>gotcha</html>")
    r = run(
        "describe-image",
        f"{base}/pic",
        f"{base}/big.jpg",
        f"{base}/page",
        f"{base}/liar.png",
        f"{base}/gone.png",
        "--download",
        "--json",
        "-p",
        "x",
    )
    assert r.code == 2
    lines = [json.loads(x) for x in r.out.splitlines()]
    assert lines[0]["text"] == "You said: x [saw image/png 30x20]"
    assert "[saw image/jpeg 1568x1045]" in lines[1]["text"]
    assert lines[2]["error"] == f"image {base}/page: the server sent text/html, not an image"
    assert "not a JPEG, PNG, GIF, WebP, BMP or TIFF image" in lines[3]["error"]
    assert lines[4]["error"] == f"image {base}/gone.png: download failed: HTTP 404 Not Found"
    sent = [images_sent(req.body)[0]["source"] for req in api.messages_requests]
    assert all(s["type"] == "base64" for s in sent)
    assert png in [base64.b64decode(s["data"]) for s in sent]  # small enough to go unchanged


def test_download_images_config_key(run, api, files, home):
    base, routes = files
    routes["/cat"] = (200, "image/gif", make_image("GIF", (9, 9)))
    (home / "config" / "claude-cli").mkdir(parents=True)
    (home / "config" / "claude-cli" / "config.toml").write_text("download_images = true\n")
    r = run("ask", "-i", f"{base}/cat", "hi")
    assert r.code == 0, r.err
    assert r.out == "You said: hi [saw image/gif 9x9]\n"


# -- on a terminal ------------------------------------------------------------------


def test_terminal_shows_headers_progress_and_changes(cli_env, api, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    import sys

    big = write(tmp_path / "big.jpg", photo_jpeg((2000, 1000)))
    small = write(tmp_path / "small.png", make_image("PNG"))
    child = pexpect.spawn(
        sys.executable,
        ["-m", "claude_cli", "describe-image", big, small, "-p", "hi", "--plain"],
        env={**cli_env, "TERM": "xterm", "NO_COLOR": "1"},
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    child.expect(pexpect.EOF)
    child.close()
    text = child.before
    assert child.exitstatus == 0, text
    assert f"{big}: resized 2000x1000 → " in text
    assert "describing" in text and "2/2" in text
    assert text.index(f"── {big} ──") < text.index(f"── {small} ──")
    assert "You said: hi [saw image/png 40x30]" in text
    assert "2 described" in text


def test_describe_image_records_into_a_session(run, api, tmp_path, home):
    # The model thinks by default. Each image is asked on its own, not on the session's
    # history, so its thinking would not pass the prefix check there: only the
    # descriptions are kept (the api fixture fails the test if a prefix changed).
    paths = [write(tmp_path / f"{n}.png", make_image("PNG")) for n in "ab"]
    r = run("describe-image", *paths, "--session", "album")
    assert r.code == 0, r.err
    saved = home / "data" / "claude-cli" / "sessions" / "album.json"
    doc = json.loads(saved.read_text())
    user, assistant, _, second = doc["messages"]
    assert user["content"][0]["type"] == "image"
    assert user["content"][0]["source"]["data"].startswith("blob:sha256:")  # stored once
    assert assistant["role"] == "assistant" and assistant["content"]
    for reply in (assistant, second):
        assert [b["type"] for b in reply["content"]] == ["text"], reply
    assert len(doc["replies"]) == 2
    # The session goes on with `ask`, the image sent inline again.
    assert run("ask", "--session", "album", "and the colours?").code == 0
    first = api.last_body["messages"][0]["content"][0]
    assert first["source"]["type"] == "base64" and not first["source"]["data"].startswith("blob:")


def test_notes_are_told_with_their_own_result_after_the_separator(cli_env, api, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    import sys

    # Names relative to the working directory: each note then fits on one 120-column line,
    # however long the tmp path is (under xdist it is longer, and the note wrapped).
    small, big, scan = "small.png", "big.jpg", "scan.bmp"
    write(tmp_path / small, make_image("PNG"))
    write(tmp_path / big, photo_jpeg((2000, 1000)))
    write(tmp_path / scan, make_image("BMP", (50, 40)))
    child = pexpect.spawn(
        sys.executable,
        ["-m", "claude_cli", "describe-image", small, big, scan, "-p", "hi", "--plain"],
        env={**cli_env, "TERM": "xterm", "NO_COLOR": "1"},
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    from terminal import emulate

    lines = emulate(child.before, 40, 120).text.splitlines()
    at = lines.index(f"── {big} ──")
    # A blank line ends the previous result; then this one's heading, its note, its text.
    assert lines[at - 2 : at + 1] == ["You said: hi [saw image/png 40x30]", "", f"── {big} ──"]
    assert lines[at + 1].startswith(f"{big}: resized 2000x1000 → 1568x784, ")
    assert lines[at + 2] == "You said: hi [saw image/jpeg 1568x784]"
    at = lines.index(f"── {scan} ──")
    assert lines[at - 1] == "" and lines[at + 1].startswith(f"{scan}: converted BMP to PNG, ")


# -- formats converted here ------------------------------------------------------


def test_bmp_and_tiff_are_converted(run, api, tmp_path):
    flat = Image.new("RGB", (40, 30), (200, 30, 30))
    bmp = write(tmp_path / "flat.bmp", make_image("BMP", (40, 30)))
    clear = write(tmp_path / "clear.tif", make_image("TIFF", (40, 30), (9, 8, 7, 100), "RGBA"))
    photo = Image.effect_noise((300, 200), 60).convert("RGB")
    buf = io.BytesIO()
    photo.save(buf, "TIFF")
    noisy = write(tmp_path / "photo.tiff", buf.getvalue())
    r = run("ask", "-i", bmp, "-i", clear, "-i", noisy, "hi")
    assert r.code == 0, r.err
    a, b, c = (decoded(x) for x in images_sent(api.last_body))
    assert (a.format, a.size) == ("PNG", (40, 30))  # lossless: the same pixels
    assert a.convert("RGB").tobytes() == flat.tobytes()
    assert (b.format, b.mode, b.getpixel((0, 0))) == ("PNG", "RGBA", (9, 8, 7, 100))
    assert (c.format, c.size) == ("JPEG", (300, 200))  # a photo goes as one
    assert "You said: hi [saw image/png 40x30] [saw image/png 40x30] [saw image/jpeg 300x200]" in (
        r.out
    )


# -- per-request limits ------------------------------------------------------------


def test_more_than_100_images_are_refused_before_any_is_read(run, api, tmp_path):
    missing = str(tmp_path / "never-read.png")
    # claude-haiku-4-5: a 200K context (built-in table), so 100 at most.
    haiku = ("-m", "claude-haiku-4-5")
    r = run("ask", *haiku, *[a for _ in range(101) for a in ("-i", missing)], "hi")
    assert (r.code, r.err) == (
        2,
        "claude-cli: error: 101 images in one request: the API takes at most 100 on this model\n",
    )
    assert api.messages_requests == []
    tiny = write(tmp_path / "tiny.png", make_image("PNG", (8, 8)))
    r = run("ask", *haiku, *[a for _ in range(100) for a in ("-i", tiny)], "hi")
    assert r.code == 0, r.err
    assert len(images_sent(api.last_body)) == 100


def test_image_count_follows_the_models_context():
    from claude_cli.errors import UsageError
    from claude_cli.inputs.images import check_image_count

    check_image_count(100, None)
    check_image_count(600, 1_000_000)
    with pytest.raises(UsageError, match="at most 100 on this model"):
        check_image_count(101, 200_000)
    with pytest.raises(UsageError, match="at most 600 on 1M-context models"):
        check_image_count(601, 1_000_000)


def test_many_big_images_share_the_32_mb_of_one_request(run, api, tmp_path):
    data = noisy_png((1150, 1000))
    assert 4 * MB5 // 5 < len(base64.b64encode(data)) <= MB5  # each alone would go as it is
    path = write(tmp_path / "noise.png", data)
    r = run("ask", *[a for _ in range(8) for a in ("-i", path)], "hi")
    assert r.code == 0, r.err
    sizes = [len(b["source"]["data"]) for b in images_sent(api.last_body)]
    assert len(sizes) == 8
    assert sum(sizes) <= 30 * 1024 * 1024  # leaves room in the 32 MB for the rest
