"""Fetching an image URL here (`--download`): one deadline, every redirect checked.

    fetch(url) -> bytes

- **One deadline** (DOWNLOAD_TIMEOUT, 30 s; `CLAUDE_CLI_DOWNLOAD_TIMEOUT` overrides it)
  covers everything: name look-ups, connecting, every redirect and the body. A server
  that drips one byte a second is cut off at the deadline like one that says nothing.
  The work runs in a helper thread so the deadline holds even where a socket call
  cannot be interrupted (a name look-up, a read that keeps receiving a byte).
- **Redirects** are followed by hand, at most MAX_REDIRECTS, so each hop is checked
  before it is requested: its host is resolved and may not be in a *more private*
  address class than the URL the user gave (public < private network < link-local <
  loopback < the unspecified address 0.0.0.0/::, which reaches this machine). A
  public URL cannot bounce us to 127.0.0.1, 169.254.169.254 or 10.x; a URL the user
  typed on their own network or on loopback may redirect within (or out of) it.
  After connecting, the address actually reached is checked again (DNS can change
  between the look-up and the connection), unless a proxy does the connecting.
- Network failures are TransportError (exit 4); what the server answered (a 4xx, a
  page that is not an image, a refused redirect) is UsageError (exit 2).

httpx is imported only when a download happens. Every URL and server string in an
error goes through `term.sanitize`.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from claude_cli.errors import CliError, TransportError, UsageError
from claude_cli.terminal.term import sanitize

if TYPE_CHECKING:
    import httpx

DOWNLOAD_TIMEOUT = 30.0
DEADLINE_ENV = "CLAUDE_CLI_DOWNLOAD_TIMEOUT"
CONNECT_TIMEOUT = 10.0
MAX_REDIRECTS = 5
MAX_BYTES = 64 * 1024 * 1024
_OK_CONTENT_TYPES = ("application/octet-stream", "binary/octet-stream", "")
_REDIRECTS = (301, 302, 303, 307, 308)

# Address classes, from the most public to the most private.
PUBLIC, PRIVATE, LINK_LOCAL, LOOPBACK, UNSPECIFIED = range(5)
CLASS_NAMES = {
    PUBLIC: "a public address",
    PRIVATE: "a private-network address",
    LINK_LOCAL: "a link-local address",
    LOOPBACK: "a loopback address",
    UNSPECIFIED: "the unspecified address (this machine)",
}

Resolver = Callable[[str], list[str]]
ClientFactory = Callable[[float], "httpx.Client"]


def deadline_seconds() -> float:
    """The total deadline: CLAUDE_CLI_DOWNLOAD_TIMEOUT seconds when set, else 30."""
    text = os.environ.get(DEADLINE_ENV, "").strip()
    if not text:
        return DOWNLOAD_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 3600:  # also refuses nan and inf
        raise UsageError(
            f"{DEADLINE_ENV}={sanitize(text)!r}: give seconds above 0 and at most 3600"
        )
    return value


def address_class(address: str) -> int:
    """PUBLIC … UNSPECIFIED for one IP address (IPv4-mapped IPv6 counts as its IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        return UNSPECIFIED
    if ip.is_loopback:
        return LOOPBACK
    if ip.is_link_local:
        return LINK_LOCAL
    if not ip.is_global:  # RFC 1918, unique-local, carrier-grade NAT, reserved ranges
        return PRIVATE
    return PUBLIC


def resolve(host: str) -> list[str]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def host_class(host: str, resolver: Resolver = resolve) -> int:
    """The most private class among the host's addresses (one private address is enough)."""
    return max(address_class(a) for a in resolver(host.strip("[]")))


def make_client(timeout: float) -> httpx.Client:
    """A client for one download: redirects are ours to follow."""
    import httpx

    from claude_cli import __version__

    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
        follow_redirects=False,
        headers={"user-agent": f"claude-cli/{__version__}", "accept": "image/*"},
    )


def fetch(
    url: str,
    *,
    deadline: float | None = None,
    client_factory: ClientFactory = make_client,
    resolver: Resolver = resolve,
) -> bytes:
    """The body of `url` (an image, at most MAX_BYTES), within one total deadline."""
    seconds = deadline_seconds() if deadline is None else deadline
    client = client_factory(seconds)
    cancelled = threading.Event()
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def work() -> None:
        try:
            outcome["data"] = _fetch(url, client, resolver, cancelled)
        except BaseException as e:  # handed to the caller, who raises it
            outcome["error"] = e
        finally:
            finished.set()

    threading.Thread(target=work, daemon=True, name="download").start()
    try:
        in_time = finished.wait(seconds)
    finally:
        if not finished.is_set():
            cancelled.set()
        # Closing the client drops its connections: a worker still reading fails
        # at its next read and goes away.
        client.close()
    if not in_time:
        raise TransportError(f"image {sanitize(url)}: download did not finish within {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["data"]


def _fetch(url: str, client: httpx.Client, resolver: Resolver, cancelled: threading.Event) -> bytes:
    import httpx

    name = sanitize(url)
    try:
        current = httpx.URL(url)
        allowed = _class_of(current, resolver, name)
        for _ in range(MAX_REDIRECTS + 1):
            with client.stream("GET", current) as response:
                _check_peer(response, current, allowed, name)
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    current = _next_hop(current, response.headers["location"], name)
                    hop_class = _class_of(current, resolver, name)
                    if hop_class > allowed:
                        raise UsageError(
                            f"image {name}: refused a redirect to {_host(current)}, "
                            f"{CLASS_NAMES[hop_class]}, from {CLASS_NAMES[allowed]}"
                        )
                    continue
                return _body(response, name, cancelled)
        raise UsageError(f"image {name}: more than {MAX_REDIRECTS} redirects")
    except CliError:
        raise
    except httpx.TimeoutException:
        raise TransportError(f"image {name}: download timed out") from None
    except (httpx.HTTPError, OSError) as e:
        if cancelled.is_set():
            raise TransportError(f"image {name}: download cancelled") from None
        text = sanitize(str(e).strip() or type(e).__name__)
        raise TransportError(f"image {name}: download failed: {text}") from None
    except (httpx.InvalidURL, ValueError) as e:  # InvalidURL is not an HTTPError
        raise UsageError(f"image {name}: not a usable URL ({sanitize(str(e))})") from None


def _host(u: httpx.URL) -> str:
    return sanitize(u.host or "?")


def _next_hop(current: httpx.URL, location: str, name: str) -> httpx.URL:
    target = current.join(location)
    if target.scheme not in ("http", "https"):
        raise UsageError(f"image {name}: refused a redirect to a {sanitize(target.scheme)} URL")
    return target


def _class_of(u: httpx.URL, resolver: Resolver, name: str) -> int:
    host = u.host
    if not host:
        raise UsageError(f"image {name}: the URL has no host")
    try:
        return host_class(host, resolver)
    except (OSError, UnicodeError) as e:
        if _proxied(u):
            return PUBLIC  # the proxy resolves names we cannot; it is its network
        reason = sanitize(getattr(e, "strerror", None) or str(e) or type(e).__name__)
        raise TransportError(f"image {name}: cannot resolve {_host(u)}: {reason}") from None


def _proxied(u: httpx.URL) -> bool:
    import urllib.request

    return u.scheme in urllib.request.getproxies() and not urllib.request.proxy_bypass(u.host or "")


def _check_peer(response: httpx.Response, u: httpx.URL, allowed: int, name: str) -> None:
    """The address we really reached must be in the allowed class too (DNS may have changed)."""
    stream = response.extensions.get("network_stream")
    if stream is None or _proxied(u):
        return
    peer = stream.get_extra_info("server_addr")
    if not peer:
        return
    try:
        reached = address_class(str(peer[0]))
    except ValueError:
        return
    if reached > allowed:
        raise UsageError(
            f"image {name}: {_host(u)} led to {CLASS_NAMES[reached]}, refused "
            f"(from {CLASS_NAMES[allowed]})"
        )


def _body(response: httpx.Response, name: str, cancelled: threading.Event) -> bytes:
    status = response.status_code
    if status != 200:
        reason = sanitize(response.reason_phrase or "")
        text = f"image {name}: download failed: HTTP {status} {reason}".rstrip()
        # A server in trouble is a network problem; a 4xx is about the URL we were given.
        raise TransportError(text) if status >= 500 else UsageError(text)
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not kind.startswith("image/") and kind not in _OK_CONTENT_TYPES:
        raise UsageError(f"image {name}: the server sent {sanitize(kind)}, not an image")
    too_big = UsageError(f"image {name}: larger than {MAX_BYTES // 2**20} MB")
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BYTES:
        raise too_big
    chunks: list[bytes] = []
    got = 0
    for chunk in response.iter_bytes():
        if cancelled.is_set():
            raise TransportError(f"image {name}: download cancelled")
        got += len(chunk)
        if got > MAX_BYTES:
            raise too_big
        chunks.append(chunk)
    if not got:
        raise UsageError(f"image {name}: the server sent nothing")
    return b"".join(chunks)
