"""Image sources (path, http(s) URL, `-` for stdin) and fitting them to the API's limits.

    load_image_block(source, settings) -> {"type": "image", "source": {...}}

A URL is passed on as a `url` source (the service fetches it) unless downloading
is asked for. Bytes are identified by their magic numbers only, never by a file
name or a server's word, and fitted with Pillow: at most 5 MB of base64 text,
8000 px a side, and by default no longer than the edge the service would shrink
it to anyway (`image_max_edge`, 1568 px). An image that already fits is sent
byte for byte. Every failure is a UsageError that names the source.
Pillow and httpx are imported only when an image needs them.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import UsageError

if TYPE_CHECKING:
    import httpx
    from PIL import Image

    from .config import Settings

Note = Callable[[str], None]

MAX_BASE64 = 5 * 1024 * 1024  # the service measures the base64 text, not the bytes
MAX_SIDE = 8000
MAX_SIDE_MANY = 2000  # per side when one request carries more than 20 images
MANY_IMAGES = 20
MAX_INPUT_BYTES = 64 * 1024 * 1024  # what we are willing to read from any source
DOWNLOAD_TIMEOUT = 30.0
# When the JPEG decoder can scale by 1/2, 1/4 or 1/8 to within this fraction
# below the soft long-edge target, take that size as is: decoding is 3-7x faster
# and the service would have shrunk the image about that far anyway.
DRAFT_SLACK = 0.9
QUALITIES = (85, 75, 60)

MEDIA_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
_PIL_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
_OK_CONTENT_TYPES = ("application/octet-stream", "binary/octet-stream", "")
_ORIENT_NAMES = {
    2: "mirrored",
    3: "rotated",
    4: "flipped",
    5: "transposed",
    6: "rotated",
    7: "transposed",
    8: "rotated",
}


def label(source: str) -> str:
    """How a source is named in messages."""
    return "stdin" if source == "-" else source


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def sniff(data: bytes) -> str | None:
    """The media type the bytes announce, or None when they are none of the four."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _what_it_is(data: bytes) -> str:
    """A hint for the error message when bytes are not a supported image."""
    known = {
        b"%PDF": "a PDF",
        b"II*\x00": "a TIFF image",
        b"MM\x00*": "a TIFF image",
        b"BM": "a BMP image",
        b"PK\x03\x04": "a ZIP archive",
        b"\x00\x00\x01\x00": "an icon",
    }
    for magic, name in known.items():
        if data.startswith(magic):
            return name
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "a HEIC/AVIF image"
    head = data[:512]
    try:
        head.decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "unknown data"


def url_block(url: str) -> dict[str, Any]:
    return {"type": "image", "source": {"type": "url", "url": url}}


def base64_block(data: bytes, media_type: str) -> dict[str, Any]:
    encoded = base64.b64encode(data).decode("ascii")
    return {
        "type": "image",
        "source": {"type": "base64", "media_type": media_type, "data": encoded},
    }


def b64_size(n: int) -> int:
    return (n + 2) // 3 * 4


# -- reading -------------------------------------------------------------------


def read_source(
    source: str,
    *,
    download: bool = False,
    stdin: IO[Any] | None = None,
    http: httpx.Client | None = None,
) -> bytes | dict[str, Any]:
    """The bytes of a source, or a ready `url` block when the service should fetch it."""
    if is_url(source):
        return fetch_url(source, http) if download else url_block(source)
    if source == "-":
        return _read_stdin(stdin)
    if not source:
        raise UsageError("image: empty source name")
    path = Path(source).expanduser()
    try:
        with path.open("rb") as f:
            data = f.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"image {source}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"image {source}: is a directory") from None
    except PermissionError:
        raise UsageError(f"image {source}: permission denied") from None
    except OSError as e:
        raise UsageError(f"image {source}: cannot read: {e.strerror or e}") from None
    return _checked_size(data, source)


def _read_stdin(stdin: IO[Any] | None) -> bytes:
    if stdin is None:
        import sys

        stdin = sys.stdin
    try:
        if stdin.isatty():
            raise UsageError(
                "image stdin: stdin is a terminal; pipe the image in, e.g. `< photo.jpg`"
            )
    except (AttributeError, ValueError):
        pass
    reader = getattr(stdin, "buffer", stdin)
    data = reader.read(MAX_INPUT_BYTES + 1)
    if isinstance(data, str):
        raise UsageError("image stdin: stdin is not a byte stream")
    if not data:
        raise UsageError("image stdin: stdin is empty")
    return _checked_size(data, "-")


def _checked_size(data: bytes, source: str) -> bytes:
    if len(data) > MAX_INPUT_BYTES:
        raise UsageError(f"image {label(source)}: larger than {MAX_INPUT_BYTES // 2**20} MB")
    if not data:
        raise UsageError(f"image {label(source)}: the file is empty")
    return data


def download_client() -> httpx.Client:
    """An httpx client for fetching images (one may be shared by threads)."""
    import httpx

    from . import __version__

    return httpx.Client(
        timeout=httpx.Timeout(DOWNLOAD_TIMEOUT, connect=10.0),
        follow_redirects=True,
        headers={"user-agent": f"claude-cli/{__version__}", "accept": "image/*"},
    )


def fetch_url(url: str, http: httpx.Client | None = None) -> bytes:
    """Download an image: at most MAX_INPUT_BYTES, within the timeout, an image type."""
    import httpx

    own = http is None
    client = http or download_client()
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                reason = response.reason_phrase or ""
                raise UsageError(
                    f"image {url}: download failed: HTTP {response.status_code} {reason}".rstrip()
                )
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if not kind.startswith("image/") and kind not in _OK_CONTENT_TYPES:
                raise UsageError(f"image {url}: the server sent {kind}, not an image")
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > MAX_INPUT_BYTES:
                raise UsageError(f"image {url}: larger than {MAX_INPUT_BYTES // 2**20} MB")
            chunks: list[bytes] = []
            got = 0
            for chunk in response.iter_bytes():
                got += len(chunk)
                if got > MAX_INPUT_BYTES:
                    raise UsageError(f"image {url}: larger than {MAX_INPUT_BYTES // 2**20} MB")
                chunks.append(chunk)
    except httpx.TimeoutException:
        raise UsageError(f"image {url}: download timed out") from None
    except httpx.HTTPError as e:
        text = str(e).strip() or type(e).__name__
        raise UsageError(f"image {url}: download failed: {text}") from None
    finally:
        if own:
            client.close()
    data = b"".join(chunks)
    if not data:
        raise UsageError(f"image {url}: the server sent nothing")
    return data


# -- fitting -------------------------------------------------------------------


@dataclass
class Fitted:
    data: bytes
    media_type: str
    size: tuple[int, int]
    changes: list[str] = field(default_factory=list)


def fit_image(
    data: bytes,
    media_type: str,
    *,
    max_edge: int = 1568,
    max_side: int = MAX_SIDE,
    max_base64: int = MAX_BASE64,
) -> Fitted:
    """Bytes that fit the limits: unchanged when they already do.

    Raises ValueError (with a short reason) when Pillow cannot read the image.
    `max_edge` is the soft long-edge target (0 = none); `max_side` and
    `max_base64` are the service's hard limits.
    """
    import warnings

    from PIL import Image

    # Big-but-allowed images are fine here: we shrink them. Over the hard cap
    # Pillow raises DecompressionBombError, which becomes a clear message.
    warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
    try:
        im = Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[media_type]])
    except Image.DecompressionBombError:
        raise ValueError("too many pixels to decode safely") from None
    except Exception:
        raise ValueError(
            f"not a readable {_PIL_FORMAT[media_type]} image (corrupt data?)"
        ) from None
    try:
        w, h = im.size
        orientation = _orientation(im)
        limit = min(max_side, max_edge) if max_edge > 0 else max_side
        scale = min(1.0, limit / max(w, h))
        if scale == 1.0 and orientation == 1 and b64_size(len(data)) <= max_base64:
            _decode(im)  # truncated or corrupt pixel data fails here, not at the service
            return Fitted(data, media_type, (w, h))
        target = (max(1, round(w * scale)), max(1, round(h * scale)))
        if media_type == "image/jpeg" and scale < 1.0:
            _draft(im, target, exact=limit < max_edge or max_edge == 0)
        _decode(im)
        work = _normal_mode(im)
        if max(work.size) > max(target):
            work = work.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)
        changes: list[str] = []
        if work.size != (w, h):
            changes.append(f"resized {w}x{h} → {work.size[0]}x{work.size[1]}")
        if orientation != 1:
            work = work.transpose(_transpose_methods()[orientation])
            changes.append(f"{_ORIENT_NAMES[orientation]} as its EXIF orientation says")
        out, out_type, size = _encode_to_fit(work, media_type, max_base64, changes)
    finally:
        im.close()  # decoded pixels go now, not when the garbage collector gets round to it
    changes.append(f"{_human(len(data))} → {_human(len(out))}")
    return Fitted(out, out_type, size, changes)


def _decode(im: Image.Image) -> None:
    try:
        im.load()
    except Exception as e:
        raise ValueError(f"cannot decode the {im.format} image ({_short(e)})") from None


def _short(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0][:80] if text else type(e).__name__


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:  # a broken EXIF block must not sink the image
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _draft(im: Image.Image, target: tuple[int, int], *, exact: bool) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that is close enough.

    A hard limit (8000 px) is never undershot by more than the final resize
    needs; the soft target may be undershot by up to DRAFT_SLACK.
    """
    w, h = im.size
    want = max(target) if exact else max(target) * DRAFT_SLACK
    for k in (8, 4, 2):
        if -(-max(w, h) // k) >= want:
            # draft() picks the scale from w // requested, so ask for the floor.
            im.draft(None, (max(1, w // k), max(1, h // k)))
            return


def _normal_mode(im: Image.Image) -> Image.Image:
    """A copy in a mode every resize and encoder here handles (RGB, RGBA, L, LA)."""
    mode = im.mode
    if mode in ("RGB", "RGBA", "L", "LA"):
        return im
    if mode == "P" or mode == "PA":
        has_alpha = mode == "PA" or "transparency" in im.info
        return im.convert("RGBA" if has_alpha else "RGB")
    if mode == "1":
        return im.convert("L")
    if mode.startswith("I") or mode == "F":
        # 16-bit grey: scale to 8 bits instead of clipping everything to white.
        return im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if mode in ("RGBa", "La"):
        return im.convert("RGBA")
    return im.convert("RGB")


def _encode_to_fit(
    im: Image.Image, media_type: str, max_base64: int, changes: list[str]
) -> tuple[bytes, str, tuple[int, int]]:
    """Encode in the source's format if it fits, else as JPEG, else smaller."""
    from PIL import Image

    fmt = {"image/jpeg": "JPEG", "image/webp": "WEBP"}.get(media_type, "PNG")
    shrunk = False
    while True:
        if fmt == "PNG":
            out = _save(im, "PNG")
            if b64_size(len(out)) <= max_base64:
                return out, _note_format(changes, "image/png", media_type), im.size
            fmt = "JPEG"  # a photo saved as PNG: JPEG is the way to fit it
        for quality in QUALITIES:
            out = _save(im if fmt != "JPEG" else _flatten(im), fmt, quality)
            if b64_size(len(out)) <= max_base64:
                out_type = "image/jpeg" if fmt == "JPEG" else "image/webp"
                if shrunk or quality != QUALITIES[0]:
                    changes.append(f"quality {quality}")
                return out, _note_format(changes, out_type, media_type), im.size
        w, h = im.size
        im = im.resize((max(1, w * 3 // 4), max(1, h * 3 // 4)), Image.Resampling.LANCZOS)
        shrunk = True
        changes[:] = [c for c in changes if not c.startswith("resized")]
        changes.insert(0, f"resized to {im.size[0]}x{im.size[1]} to fit 5 MB")


def _note_format(changes: list[str], out_type: str, in_type: str) -> str:
    if out_type != in_type:
        changes.append(f"converted to {_PIL_FORMAT[out_type]}")
    return out_type


def _flatten(im: Image.Image) -> Image.Image:
    """JPEG has no alpha: put transparent images on white."""
    if im.mode in ("RGB", "L"):
        return im
    from PIL import Image

    rgba = im.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _save(im: Image.Image, fmt: str, quality: int | None = None) -> bytes:
    buf = io.BytesIO()
    if fmt == "PNG":
        im.save(buf, "PNG")
    elif fmt == "JPEG":
        im.save(buf, "JPEG", quality=quality, optimize=False)
    else:
        im.save(buf, "WEBP", quality=quality, method=4)
    return buf.getvalue()


def _human(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{max(n, 1) / 1024:.0f} KB" if n >= 1024 else f"{n} B"


def _transpose_methods() -> dict[int, Any]:
    from PIL import Image

    t = Image.Transpose
    return {
        2: t.FLIP_LEFT_RIGHT,
        3: t.ROTATE_180,
        4: t.FLIP_TOP_BOTTOM,
        5: t.TRANSPOSE,
        6: t.ROTATE_270,
        7: t.TRANSVERSE,
        8: t.ROTATE_90,
    }


# -- the public entry ----------------------------------------------------------


def block_from_bytes(
    source: str,
    data: bytes,
    settings: Settings,
    *,
    note: Note | None = None,
    max_side: int = MAX_SIDE,
) -> dict[str, Any]:
    """An image block for bytes read from `source`, fitted to the limits."""
    media_type = sniff(data)
    if media_type is None:
        raise UsageError(
            f"image {label(source)}: not a JPEG, PNG, GIF or WebP image "
            f"(looks like {_what_it_is(data)})"
        )
    try:
        fitted = fit_image(data, media_type, max_edge=settings.image_max_edge, max_side=max_side)
    except ValueError as e:
        raise UsageError(f"image {label(source)}: {e}") from None
    if note and fitted.changes:
        note(f"{label(source)}: " + ", ".join(fitted.changes))
    return base64_block(fitted.data, fitted.media_type)


def load_image_block(
    source: str,
    settings: Settings,
    *,
    note: Note | None = None,
    stdin: IO[Any] | None = None,
    http: httpx.Client | None = None,
    max_side: int = MAX_SIDE,
) -> dict[str, Any]:
    """An API image content block for `source` (path, http(s) URL or `-`).

    `note` hears what was changed (pass it only when stderr is a terminal).
    Raises UsageError naming the source when it cannot be used.
    """
    raw = read_source(source, download=settings.download_images, stdin=stdin, http=http)
    if isinstance(raw, dict):
        return raw
    return block_from_bytes(source, raw, settings, note=note, max_side=max_side)


def load_image_blocks(
    sources: list[str],
    settings: Settings,
    *,
    note: Note | None = None,
    stdin: IO[Any] | None = None,
) -> list[dict[str, Any]]:
    """Blocks for one request's images (the per-side limit drops past 20 images)."""
    check_stdin_once(sources)
    max_side = MAX_SIDE_MANY if len(sources) > MANY_IMAGES else MAX_SIDE
    http = download_client() if settings.download_images and any(map(is_url, sources)) else None
    try:
        return [
            load_image_block(s, settings, note=note, stdin=stdin, http=http, max_side=max_side)
            for s in sources
        ]
    finally:
        if http is not None:
            http.close()


def check_stdin_once(sources: list[str]) -> None:
    if sources.count("-") > 1:
        raise UsageError("image: `-` (stdin) can be given only once")
