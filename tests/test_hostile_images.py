"""Images under attack, or just unlucky: hostile servers, bombs, truncated data, escapes.

Downloads run against real HTTP servers on loopback (redirects, dripping bodies,
closed ports). A public host cannot be had on loopback, so the one test of a
public URL redirecting inwards drives `download.fetch` in-process with an httpx
MockTransport standing in for that host; the name look-ups stay real.
Memory is measured as the peak RSS of the CLI's own process.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from claude_cli.errors import UsageError
from claude_cli.inputs import download

Route = Callable[[BaseHTTPRequestHandler], None]


def png_bytes(size: tuple[int, int] = (30, 20), color: Any = (10, 200, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def raw_png(w: int, h: int, rows: int | None = None, *, channels: int = 3) -> bytes:
    """A flat-colour 8-bit PNG written by hand: huge ones stay small on disk, and
    `rows` < h gives pixel data that ends cleanly after that many rows."""
    color = {1: 0, 3: 2, 4: 6}[channels]
    row = b"\x00" + b"\x07" * (w * channels)
    squeeze = zlib.compressobj(6)
    parts = []
    left = h if rows is None else rows
    block = row * 64
    while left >= 64:
        parts.append(squeeze.compress(block))
        left -= 64
    parts.append(squeeze.compress(row * left))
    parts.append(squeeze.flush())
    header = struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", b"".join(parts))
        + _chunk(b"IEND", b"")
    )


# -- a web server on loopback ----------------------------------------------------


@pytest.fixture
def web() -> Iterator[tuple[str, dict[str, Route]]]:
    """Routes path -> handler function; unknown paths are 404."""
    routes: dict[str, Route] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            route = routes.get(self.path)
            if route is None:
                send(self, 404, "text/plain", b"not found")
                return
            # The client giving up on us is what some tests want.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                route(self)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    httpd.shutdown()
    httpd.server_close()


def send(h: BaseHTTPRequestHandler, status: int, kind: str, body: bytes) -> None:
    h.send_response(status)
    h.send_header("content-type", kind)
    h.send_header("content-length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def image(body: bytes) -> Route:
    return lambda h: send(h, 200, "image/png", body)


def redirect(location: str, status: int = 302) -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("location", location)
        h.send_header("content-length", "0")
        h.end_headers()

    return route


def drip(seconds: float = 120) -> Route:
    """Headers at once, then one byte every 0.1 s: each read succeeds, none finishes."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("content-type", "image/png")
        h.send_header("content-length", "1000000")
        h.end_headers()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            h.wfile.write(b"\x89")
            h.wfile.flush()
            time.sleep(0.1)

    return route


def slow_headers(seconds: float = 120) -> Route:
    """The status line and headers a byte at a time, never done."""

    def route(h: BaseHTTPRequestHandler) -> None:
        end = time.monotonic() + seconds
        for byte in b"HTTP/1.1 200 OK\r\nx-padding: " + b"a" * 10_000:
            if time.monotonic() > end:
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(0.1)

    return route


def sent_images(api: Any) -> list[bytes]:
    out = []
    for req in api.messages_requests:
        for block in req.body["messages"][-1]["content"]:
            if block["type"] == "image":
                out.append(base64.b64decode(block["source"]["data"]))
    return out


# -- --download: redirects ----------------------------------------------------------


def test_a_redirect_loop_is_cut_off(run, api, web):
    base, routes = web
    routes["/loop"] = redirect("/loop")
    r = run("ask", "--download", "-i", f"{base}/loop", "hi")
    assert (r.code, r.err) == (
        2,
        f"claude-cli: error: image {base}/loop: more than {download.MAX_REDIRECTS} redirects\n",
    )
    assert api.messages_requests == []


def test_redirects_are_followed_hop_by_hop_but_not_to_a_more_private_class(run, api, web):
    base, routes = web
    png = png_bytes()
    routes["/a"] = redirect("/b", 301)
    routes["/b"] = redirect(f"{base}/c", 307)
    routes["/c"] = image(png)
    r = run("ask", "--download", "-i", f"{base}/a", "hi")
    assert r.code == 0, r.err
    assert sent_images(api) == [png]
    # From loopback, the only class more private is the unspecified address, which
    # reaches every service on this machine (the "0.0.0.0 day" trick).
    port = base.rsplit(":", 1)[1]
    hits: list[str] = []
    routes["/secret"] = lambda h: (hits.append(h.path), send(h, 200, "image/png", png_bytes()))
    routes["/jump"] = redirect(f"http://0.0.0.0:{port}/secret")
    r = run("ask", "--download", "-i", f"{base}/jump", "hi")
    assert r.code == 2
    assert r.err == (
        f"claude-cli: error: image {base}/jump: refused a redirect to 0.0.0.0, "
        "the unspecified address (this machine), from a loopback address\n"
    )
    assert hits == [] and len(api.messages_requests) == 1


class PublicHost:
    """Stands in for a public web server (none can be reached from here)."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.requests: list[str] = []

    def client(self, timeout: float):
        import httpx

        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(str(request.url))
            return httpx.Response(302, headers={"location": self.location})

        return httpx.Client(transport=httpx.MockTransport(handle), timeout=timeout)


@pytest.mark.parametrize(
    ("location", "host", "kind"),
    [
        ("http://127.0.0.1:8080/admin", "127.0.0.1", "a loopback address"),
        ("http://localhost/", "localhost", "a loopback address"),
        ("http://[::1]/", "::1", "a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1", "a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "a link-local address"),
        ("http://10.1.2.3/", "10.1.2.3", "a private-network address"),
        ("http://192.168.0.1/router", "192.168.0.1", "a private-network address"),
        ("/../../etc", None, None),  # a relative redirect stays on the public host
    ],
)
def test_a_public_url_cannot_redirect_inwards(location, host, kind):
    public = PublicHost(location)
    url = "http://93.184.215.14/cat.png"  # a public address: no name look-up needed
    with pytest.raises(UsageError) as caught:
        download.fetch(url, deadline=5, client_factory=public.client)
    if host is None:
        assert "more than" in caught.value.message  # it kept redirecting to itself
        return
    assert caught.value.message == (
        f"image {url}: refused a redirect to {host}, {kind}, from a public address"
    )
    assert public.requests == [url]  # the inward target was never asked


def test_address_classes():
    c = download.address_class
    assert [c("8.8.8.8"), c("2606:4700::1111")] == [download.PUBLIC] * 2
    assert {c("10.0.0.1"), c("172.16.5.4"), c("192.168.1.1"), c("fd00::2"), c("100.64.0.1")} == {
        download.PRIVATE
    }
    assert {c("169.254.169.254"), c("fe80::1%eth0")} == {download.LINK_LOCAL}
    assert {c("127.0.0.1"), c("127.8.9.10"), c("::1"), c("::ffff:127.0.0.1")} == {download.LOOPBACK}
    assert {c("0.0.0.0"), c("::")} == {download.UNSPECIFIED}


# -- --download: one deadline, network failures exit 4 -----------------------------------


@pytest.mark.parametrize("route", [drip, slow_headers])
def test_a_dripping_server_is_cut_off_at_the_deadline(run, api, web, route):
    base, routes = web
    routes["/slow.png"] = route()
    r = run(
        "ask",
        "--download",
        "-i",
        f"{base}/slow.png",
        "hi",
        env={"CLAUDE_CLI_DOWNLOAD_TIMEOUT": "1"},
        # The old per-read timeout let it go on for as long as bytes came (two minutes); the
        # margin is for a slow start on a busy machine.
        timeout=60,
    )
    assert (r.code, r.err) == (
        4,
        f"claude-cli: error: image {base}/slow.png: download did not finish within 1 s\n",
    )
    assert api.messages_requests == []


def test_a_bad_deadline_setting_is_named(run, api):
    r = run(
        "ask",
        "--download",
        "-i",
        "http://127.0.0.1:9/x.png",
        "hi",
        env={"CLAUDE_CLI_DOWNLOAD_TIMEOUT": "nan"},
    )
    assert r.code == 2 and "CLAUDE_CLI_DOWNLOAD_TIMEOUT='nan'" in r.err


def test_a_zero_deadline_is_refused_in_words_that_refuse_it(run, api):
    """0 is refused, so the message must not say "between 0 and 3600"."""
    r = run(
        "ask",
        "--download",
        "-i",
        "http://127.0.0.1:9/x.png",
        "hi",
        env={"CLAUDE_CLI_DOWNLOAD_TIMEOUT": "0"},
    )
    assert r.code == 2 and "CLAUDE_CLI_DOWNLOAD_TIMEOUT='0'" in r.err
    assert "between 0 and" not in r.err and "above 0" in r.err


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_network_failure_exits_4(run, api, web):
    url = f"http://127.0.0.1:{closed_port()}/cat.png"
    r = run("ask", "--download", "-i", url, "hi")
    assert r.code == 4
    assert r.err.startswith(f"claude-cli: error: image {url}: download failed: ")
    base, routes = web
    routes["/down.png"] = lambda h: send(h, 503, "text/plain", b"busy")
    r = run("describe-image", "--download", url, f"{base}/down.png", "-p", "x")
    assert r.code == 4  # every failure was the network's: its own exit status
    last = r.err.splitlines()[-1]
    assert last == f"claude-cli: error: 2 of 2 images failed: {url}, {base}/down.png"
    assert api.messages_requests == []


# -- names and URLs are sanitised ---------------------------------------------------------


def test_file_names_and_urls_reach_the_terminal_defused(run, api, tmp_path):
    evil = "x\x1b]52;c;cHduZWQ=\x07\x1b[2J.png"
    r = run("ask", "-i", str(tmp_path / evil), "hi")
    assert r.code == 2 and "no such file" in r.err
    assert "\x1b" not in r.err and "\x07" not in r.err
    assert "^[]52;c;cHduZWQ=^G^[[2J.png" in r.err
    url = f"http://127.0.0.1:{closed_port()}/\x1b]0;owned\x07.png"
    r = run("ask", "--download", "-i", url, "hi")
    assert r.code == 2 and "not a usable URL" in r.err
    assert "\x1b" not in r.err and "^[]0;owned^G.png" in r.err
    bad = tmp_path / "t\x9bext\x1b[31m.png"
    bad.write_bytes(b"not an image at all")
    r = run("describe-image", str(bad), str(tmp_path / "ok\x1b[1m.png"), "--json")
    for line in r.out.splitlines():
        assert "\x1b" not in json.loads(line)["error"]
    assert "\x1b" not in r.err and "\x9b" not in r.err


# -- decoding memory ------------------------------------------------------------------------


def peak_rss_mb(args: list[str], env: dict[str, str]) -> tuple[int, str, float]:
    """Run the CLI under a small parent that reports the CLI's own peak RSS."""
    probe = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "sys.stderr.buffer.write(r.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(r.returncode)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "claude_cli", *args],
        capture_output=True,
        env=env,
        timeout=120,
    )
    return done.returncode, done.stderr.decode(), int(done.stdout) / 1024


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """560 KB on disk, 12000x12000 RGBA (144 Mpx) decoded."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.png"
    path.write_bytes(raw_png(12000, 12000, channels=4))
    assert path.stat().st_size < 1_000_000
    return path


def test_a_pixel_bomb_is_refused_from_its_header(cli_env, api, bomb):
    paths = [str(bomb)] * 4
    code, err, peak = peak_rss_mb(["describe-image", *paths, "-p", "x"], cli_env)
    assert code == 2
    first = err.splitlines()[0]
    assert first.startswith(f"claude-cli: error: image {bomb}: 12000x12000 px (144 Mpx): ")
    assert "scale it down first" in first
    assert peak < 200, f"peak RSS {peak:.0f} MB"  # it used to take gigabytes
    assert api.messages_requests == []


def test_big_allowed_images_share_one_memory_budget(cli_env, api, tmp_path):
    # Each takes ~250 MB to decode, two side by side over 500 MB: they take turns
    # (the CPU would have let two decode at once).
    path = tmp_path / "big.png"
    path.write_bytes(raw_png(7500, 7500))
    code, err, peak = peak_rss_mb(
        ["describe-image", str(path), str(path), str(path), "-p", "x", "--json"], cli_env
    )
    assert code == 0, err
    assert len(api.messages_requests) == 3
    assert peak < 450, f"peak RSS {peak:.0f} MB"


# -- truncated data -----------------------------------------------------------------------


def test_a_png_with_missing_rows_is_refused(run, api, tmp_path):
    data = raw_png(200, 100, rows=60)
    im = Image.open(io.BytesIO(data))
    im.load()  # Pillow itself takes it: the missing rows come out black
    path = tmp_path / "short.png"
    path.write_bytes(data)
    r = run("ask", "-i", str(path), "hi")
    assert (r.code, r.err) == (
        2,
        f"claude-cli: error: image {path}: the PNG image is truncated: "
        "its data ends after 60 of 100 rows\n",
    )
    r = run("describe-image", str(path), "-p", "x")
    assert r.code == 2 and "truncated" in r.err
    assert api.messages_requests == []
    path.write_bytes(raw_png(200, 100))  # the same image, whole, goes byte for byte
    r = run("ask", "-i", str(path), "hi")
    assert r.code == 0, r.err
    assert sent_images(api) == [raw_png(200, 100)]


def test_transparency_counts_in_the_memory_estimate(cli_env, api, tmp_path):
    # An RGBA PNG takes nearly twice an RGB one (L14): 7000x7000 RGBA would take
    # about 470 MB, over the 400 MB one image may use, so it is refused unread.
    big = tmp_path / "rgba7k.png"
    big.write_bytes(raw_png(7000, 7000, channels=4))
    code, err, peak = peak_rss_mb(["ask", "-i", str(big), "--dry-run", "hi"], cli_env)
    assert code == 2, err
    assert "7000x7000 px (49 Mpx)" in err and "scale it down first" in err
    assert peak < 200, f"peak RSS {peak:.0f} MB"
    assert api.messages_requests == []


def test_an_rgba_image_stays_within_its_estimate(cli_env, api, tmp_path):
    from claude_cli.inputs.images import decode_cost

    path = tmp_path / "rgba.png"
    path.write_bytes(raw_png(10000, 2000, channels=4))
    _, _, base = peak_rss_mb(["ask", "-i", str(tmp_path / "none.png"), "hi"], cli_env)
    code, err, peak = peak_rss_mb(["ask", "-i", str(path), "--dry-run", "hi"], cli_env)
    assert code == 0, err
    estimate_mb = decode_cost("RGBA", (10000, 2000)) / 2**20
    # `base`: the same program, with PIL imported, refusing a missing file.
    assert estimate_mb * 0.7 <= peak - base <= estimate_mb * 1.1, (peak, base, estimate_mb)
