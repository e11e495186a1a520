"""Image sources (path, http(s) URL, `-` for stdin) and fitting them to the API's limits.

    load_image_block(source, settings) -> {"type": "image", "source": {...}}

A URL is passed on as a `url` source (the service fetches it) unless downloading
is asked for (then `download.fetch` gets it, with one deadline and checked
redirects). Bytes are identified by their magic numbers only, never by a file
name or a server's word, and fitted with Pillow: at most 5 MB of base64 text,
8000 px a side, and by default no longer than the edge the service would shrink
it to anyway (`image_max_edge`, 1568 px). An image that already fits is sent
byte for byte (after a full decode: truncated data is refused, not sent). BMP
and TIFF are converted (to PNG, or JPEG for photos).

Decoding memory is bounded: the header's size says what an image will take
before anything is decoded (JPEGs are decoded at 1/2-1/8 scale when that is
all that is needed); one image may take IMAGE_MEMORY, and callers decoding in
parallel share a MemoryBudget. Every failure is a UsageError (a TransportError
for a network failure) that names the source, sanitised for the terminal.
Pillow and httpx are imported only when an image needs them.
"""

from __future__ import annotations

import base64
import io
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from claude_cli.errors import UsageError
from claude_cli.terminal.term import sanitize

if TYPE_CHECKING:
    from PIL import Image

    from claude_cli.config import Settings

Note = Callable[[str], None]

MAX_BASE64 = 5 * 1024 * 1024  # the service measures the base64 text, not the bytes
MAX_SIDE = 8000
MAX_SIDE_MANY = 2000  # per side when one request carries more than 20 images
MANY_IMAGES = 20
# Images in one request: 100 on 200K-context models, 600 on 1M ones.
MAX_IMAGES = 100
MAX_IMAGES_1M = 600
ONE_MILLION_CONTEXT = 1_000_000
# A request is at most 32 MB; the images share 30 of it (the rest is for text and JSON).
MAX_REQUEST_IMAGES_BASE64 = 30 * 1024 * 1024
MAX_INPUT_BYTES = 64 * 1024 * 1024  # what we are willing to read from any source
# What decoding one image may take (an 8000x8000 RGB image, the service's own
# maximum, needs about 320 MB; 400 MB is about 84 Mpx of RGB), and what
# describe-image's workers may take together (one such image and small ones
# beside it). Estimates, by decode_cost(); measured within 10 % for RGB, RGBA and
# palette PNGs (transparency nearly doubles the cost: an RGBA PNG over ~44 Mpx is refused).
IMAGE_MEMORY = 400 * 1024 * 1024
TOTAL_MEMORY = 512 * 1024 * 1024
# When the JPEG decoder can scale by 1/2, 1/4 or 1/8 to within this fraction
# below the soft long-edge target, take that size as is: decoding is 3-7x faster
# and the service would have shrunk the image about that far anyway.
DRAFT_SLACK = 0.9
QUALITIES = (85, 75, 60)

MEDIA_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
# Formats the API does not take but Pillow reads: always re-encoded.
CONVERTED = ("image/bmp", "image/tiff")
_PIL_FORMAT = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/bmp": "BMP",
    "image/tiff": "TIFF",
}
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
    """How a source is named in messages: sanitised, a name or URL may carry escapes."""
    return "stdin" if source == "-" else sanitize(source)


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


def sniff_convertible(data: bytes) -> str | None:
    """BMP or TIFF, which are sent converted, or None."""
    if data.startswith(b"BM") and len(data) >= 26:
        return "image/bmp"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    return None


def _what_it_is(data: bytes) -> str:
    """A hint for the error message when bytes are not a supported image."""
    known = {
        b"%PDF": "a PDF",
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
) -> bytes | dict[str, Any]:
    """The bytes of a source, or a ready `url` block when the service should fetch it."""
    if is_url(source):
        if not download:
            return url_block(source)
        from claude_cli.inputs.download import fetch

        return _checked_size(fetch(source), source)
    if source == "-":
        return _read_stdin(stdin)
    if not source:
        raise UsageError("image: empty source name")
    return _checked_size(read_file(source, MAX_INPUT_BYTES + 1, f"image {label(source)}"), source)


def read_file(source: str, limit: int, what: str) -> bytes:
    """At most `limit` bytes of the file `source` (~ expanded); a failure is one line
    starting with `what` ("image NAME", "attachment NAME")."""
    try:
        with Path(source).expanduser().open("rb") as f:
            return f.read(limit)
    except FileNotFoundError:
        raise UsageError(f"{what}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{what}: is a directory") from None
    except PermissionError:
        raise UsageError(f"{what}: permission denied") from None
    except OSError as e:
        raise UsageError(f"{what}: cannot read: {sanitize(e.strerror or str(e))}") from None


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


def check_image_count(n: int, max_input_tokens: int | None = None) -> None:
    """Refuse more images than the service takes in one request.

    `max_input_tokens` is the model's context (from its capabilities); unknown
    means the conservative 100 of the 200K-context models.
    """
    big = max_input_tokens is not None and max_input_tokens >= ONE_MILLION_CONTEXT
    limit = MAX_IMAGES_1M if big else MAX_IMAGES
    if n > limit:
        which = "1M-context models" if big else "this model" if max_input_tokens else "most models"
        raise UsageError(f"{n} images in one request: the API takes at most {limit} on {which}")


def per_image_base64(n: int) -> int:
    """Each image's share of a request: 5 MB, less when many share the 32 MB."""
    return min(MAX_BASE64, MAX_REQUEST_IMAGES_BASE64 // max(n, 1))


# -- fitting -------------------------------------------------------------------


@dataclass
class Fitted:
    data: bytes
    media_type: str
    size: tuple[int, int]
    changes: list[str] = field(default_factory=list)


class MemoryBudget:
    """A semaphore weighted by bytes: decoders in parallel share `total`.

    One image is never refused here (the per-image limit does that); a big one
    waits until it is alone with what fits beside it.
    """

    def __init__(self, total: int = TOTAL_MEMORY) -> None:
        self.total = total
        self.used = 0
        self._cond = threading.Condition()

    @contextmanager
    def reserve(self, cost: int) -> Iterator[None]:
        cost = min(cost, self.total)
        with self._cond:
            self._cond.wait_for(lambda: self.used + cost <= self.total)
            self.used += cost
        try:
            yield
        finally:
            with self._cond:
                self.used -= cost
                self._cond.notify_all()


# Bytes per pixel as Pillow stores each mode (RGB takes 4, like RGBA).
_STORAGE = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
_ALPHA = ("RGBA", "LA", "PA", "RGBa", "La")


def decode_cost(
    mode: str, size: tuple[int, int], *, coefficients: int = 0, transparency: bool = False
) -> int:
    """About how many bytes decoding and fitting an image of `mode` and `size` takes.

    The decoded pixels, a working copy (mode conversion, flattening, the first
    reduce), and `coefficients` bytes the decoder holds besides (a progressive
    JPEG keeps every DCT coefficient of the full-size image). Peak RSS measured
    with /usr/bin/time -f %M on 36 and 64 Mpx PNGs: RGB 4.9-5.3 bytes a pixel,
    RGBA 8.9-9.3, palette 5.9-6.3, palette with a transparent colour 9.9.
    """
    pixels = size[0] * size[1]
    per_pixel: float = _STORAGE.get(mode, 4)
    if mode in _ALPHA or (mode == "P" and transparency):
        # A palette goes to RGBA (4 bytes a pixel); resizing with alpha works on a
        # premultiplied copy (4 more), then the first reduce; measured 9-10.
        per_pixel += (4 if mode in ("P", "PA") else 0) + 5.5
    elif mode == "P":
        per_pixel += 5.5  # converted to RGB (4 bytes a pixel), then the first reduce
    else:
        # Converting the mode copies the image (4 bytes a pixel); otherwise the first
        # reduce is about a quarter of it. 16-bit grey goes through two 32-bit copies.
        per_pixel += 1 if mode in ("RGB", "L") else 4
        if mode.startswith("I") or mode == "F":
            per_pixel += 4
    return int(pixels * per_pixel) + coefficients


def _jpeg_coefficients(im: Image.Image) -> int:
    """What libjpeg holds for a progressive JPEG: 2 bytes a coefficient, at full size
    whatever the draft scale (chroma planes are smaller by their subsampling)."""
    if not (im.info.get("progressive") or im.info.get("progression")):
        return 0
    w, h = im.size
    layers = getattr(im, "layer", None) or [("", 1, 1, 0)] * max(1, len(im.getbands()))
    h_max = max(layer[1] for layer in layers) or 1
    v_max = max(layer[2] for layer in layers) or 1
    share = sum(layer[1] * layer[2] for layer in layers) / (h_max * v_max)
    return int(w * h * 2 * share)


def fit_image(
    data: bytes,
    media_type: str,
    *,
    max_edge: int = 1568,
    max_side: int = MAX_SIDE,
    max_base64: int = MAX_BASE64,
    memory: MemoryBudget | None = None,
    image_memory: int = IMAGE_MEMORY,
) -> Fitted:
    """Bytes that fit the limits: unchanged when they already do.

    Raises ValueError (with a short reason) when Pillow cannot read the image,
    its data is truncated, or decoding it would take more than `image_memory`.
    `max_edge` is the soft long-edge target (0 = none); `max_side` and
    `max_base64` are the service's hard limits. `memory` is shared by callers
    that decode in parallel.
    """
    import warnings

    from PIL import Image

    # Big-but-allowed images are fine here: the memory estimate bounds them. Over
    # Pillow's hard cap it raises DecompressionBombError, which becomes a message.
    warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
    fmt = _PIL_FORMAT[media_type]
    try:
        im = Image.open(io.BytesIO(data), formats=[fmt])
    except Image.DecompressionBombError as e:
        import re

        limit_mpx = 2 * (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000
        found = re.search(r"\((\d+) pixels\)", str(e))
        size = f"{int(found.group(1)) // 1_000_000} Mpx" if found else "too many pixels"
        raise ValueError(
            f"{size}, more than the {limit_mpx} Mpx that can be decoded safely"
        ) from None
    except Exception:
        raise ValueError(f"not a readable {fmt} image (corrupt data?)") from None
    try:
        w, h = im.size
        limit = min(max_side, max_edge) if max_edge > 0 else max_side
        scale = min(1.0, limit / max(w, h))
        convert = media_type in CONVERTED
        coefficients = _jpeg_coefficients(im) if media_type == "image/jpeg" else 0
        target = (max(1, round(w * scale)), max(1, round(h * scale)))
        if media_type == "image/jpeg" and scale < 1.0:
            _draft(im, target, exact=limit < max_edge or max_edge == 0)
        cost = decode_cost(
            im.mode, im.size, coefficients=coefficients, transparency="transparency" in im.info
        )
        if cost > image_memory:
            raise ValueError(
                f"{w}x{h} px ({w * h / 1e6:.0f} Mpx): decoding it would take about "
                f"{_human(cost)}, more than the {_human(image_memory)} allowed; "
                "scale it down first"
            )
        if media_type == "image/png":
            _check_png_rows(data)
        with memory.reserve(cost) if memory is not None else nullcontext():
            # Decoding first: truncated or corrupt pixel data fails here, not at the
            # service, and a PNG's EXIF may follow its pixels (getexif() would load them).
            _decode(im)
            orientation = _orientation(im)
            as_is = scale == 1.0 and orientation == 1 and b64_size(len(data)) <= max_base64
            if as_is and not convert:
                return Fitted(data, media_type, (w, h))
            return _refit(im, data, media_type, (w, h), target, orientation, max_base64)
    finally:
        im.close()  # decoded pixels go now, not when the garbage collector gets round to it


def _refit(
    im: Image.Image,
    data: bytes,
    media_type: str,
    size: tuple[int, int],
    target: tuple[int, int],
    orientation: int,
    max_base64: int,
) -> Fitted:
    """Resize, orient and re-encode a decoded image that does not fit as it is."""
    from PIL import Image

    w, h = size
    work = _normal_mode(im)
    if max(work.size) > max(target):
        work = work.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)
    changes: list[str] = []
    if work.size != (w, h):
        changes.append(f"resized {w}x{h} → {work.size[0]}x{work.size[1]}")
    if orientation != 1:
        work = work.transpose(_transpose_methods()[orientation])
        changes.append(f"{_ORIENT_NAMES[orientation]} as its EXIF orientation says")
    out_as = media_type
    if media_type in CONVERTED:
        # A TIFF that holds a JPEG is a photo: it goes as one. The rest try PNG first.
        out_as = "image/jpeg" if im.info.get("compression") in _JPEG_TIFF else "image/png"
    photo_to_jpeg = media_type in CONVERTED
    out, out_type, out_size = _encode_to_fit(work, out_as, max_base64, changes, photo_to_jpeg)
    if out_type != media_type:
        changes.append(f"converted {_PIL_FORMAT[media_type]} to {_PIL_FORMAT[out_type]}")
    changes.append(f"{_human(len(data))} → {_human(len(out))}")
    return Fitted(out, out_type, out_size, changes)


_JPEG_TIFF = ("jpeg", "tiff_jpeg")
# PNG channels per colour type, from the IHDR chunk.
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2))
_ADAM7 += ((0, 1, 1, 2),)


def _check_png_rows(data: bytes) -> None:
    """Refuse a PNG whose pixel data stops short of its height.

    Pillow fills missing rows in silently when the compressed stream ends
    cleanly; counting the decompressed bytes (a megabyte at a time) finds them.
    """
    try:
        w, h, depth, color, interlace = (
            int.from_bytes(data[16:20], "big"),
            int.from_bytes(data[20:24], "big"),
            data[24],
            data[25],
            data[28],
        )
        bits = depth * _PNG_CHANNELS[color]
    except (IndexError, KeyError):
        return  # Pillow has opened it, so it reads its header differently: let it judge
    passes = _ADAM7 if interlace == 1 else ((0, 0, 1, 1),)
    expected = 0
    for x0, y0, dx, dy in passes:
        pw, ph = -(-(w - x0) // dx), -(-(h - y0) // dy)
        if pw > 0 and ph > 0:
            expected += ph * (1 + (pw * bits + 7) // 8)
    inflate = zlib.decompressobj()
    got = 0
    try:
        for chunk in _idat_chunks(data):
            piece = inflate.decompress(chunk, 1 << 20)
            while piece:
                got += len(piece)
                if got >= expected:
                    return
                piece = inflate.decompress(inflate.unconsumed_tail, 1 << 20)
    except zlib.error:
        raise ValueError("the PNG image data is corrupt") from None
    if interlace == 1:
        raise ValueError("the PNG image is truncated: rows are missing")
    rows = got // (1 + (w * bits + 7) // 8)
    raise ValueError(f"the PNG image is truncated: its data ends after {rows} of {h} rows")


def _idat_chunks(data: bytes) -> Iterator[bytes]:
    pos = 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            yield data[pos + 8 : pos + 8 + length]
        elif kind == b"IEND":
            return
        pos += 12 + length


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
    im: Image.Image,
    media_type: str,
    max_base64: int,
    changes: list[str],
    photo_to_jpeg: bool = False,
) -> tuple[bytes, str, tuple[int, int]]:
    """Encode in the source's format if it fits, else as JPEG, else smaller.

    With `photo_to_jpeg` (a converted BMP or TIFF), a PNG that compresses as
    badly as a photo (over a byte a pixel) and has no transparency goes as JPEG:
    a fraction of the size, the same answer.
    """
    from PIL import Image

    fmt = {"image/jpeg": "JPEG", "image/webp": "WEBP"}.get(media_type, "PNG")
    shrunk = False
    while True:
        if fmt == "PNG":
            out = _save(im, "PNG")
            photo = len(out) > im.size[0] * im.size[1] and im.mode in ("RGB", "L")
            fits = b64_size(len(out)) <= max_base64
            if fits and not (photo and photo_to_jpeg):
                return out, "image/png", im.size
            fmt = "JPEG"  # a photo saved as PNG: JPEG is the way to fit it
        for quality in QUALITIES:
            out = _save(im if fmt != "JPEG" else _flatten(im), fmt, quality)
            if b64_size(len(out)) <= max_base64:
                out_type = "image/jpeg" if fmt == "JPEG" else "image/webp"
                if shrunk or quality != QUALITIES[0]:
                    changes.append(f"quality {quality}")
                return out, out_type, im.size
        w, h = im.size
        im = im.resize((max(1, w * 3 // 4), max(1, h * 3 // 4)), Image.Resampling.LANCZOS)
        shrunk = True
        changes[:] = [c for c in changes if not c.startswith("resized")]
        changes.insert(0, f"resized to {im.size[0]}x{im.size[1]} to fit {_human(max_base64)}")


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
    max_base64: int = MAX_BASE64,
    memory: MemoryBudget | None = None,
) -> dict[str, Any]:
    """An image block for bytes read from `source`, fitted to the limits."""
    media_type = sniff(data) or sniff_convertible(data)
    if media_type is None:
        raise UsageError(
            f"image {label(source)}: not a JPEG, PNG, GIF, WebP, BMP or TIFF image "
            f"(looks like {_what_it_is(data)})"
        )
    try:
        fitted = fit_image(
            data,
            media_type,
            max_edge=settings.image_max_edge,
            max_side=max_side,
            max_base64=max_base64,
            memory=memory,
        )
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
    max_side: int = MAX_SIDE,
    max_base64: int = MAX_BASE64,
) -> dict[str, Any]:
    """An API image content block for `source` (path, http(s) URL or `-`).

    `note` hears what was changed (pass it only when stderr is a terminal).
    Raises UsageError naming the source when it cannot be used (TransportError
    when a download fails on the network).
    """
    raw = read_source(source, download=settings.download_images, stdin=stdin)
    if isinstance(raw, dict):
        return raw
    return block_from_bytes(
        source, raw, settings, note=note, max_side=max_side, max_base64=max_base64
    )


def load_image_blocks(
    sources: list[str],
    settings: Settings,
    *,
    note: Note | None = None,
    stdin: IO[Any] | None = None,
    max_input_tokens: int | None = None,
) -> list[dict[str, Any]]:
    """Blocks for one request's images, within the request's limits.

    At most 100 images (600 on a 1M-context model: pass its `max_input_tokens`),
    2000 px a side past 20 images, and their base64 together within the 32 MB of
    a request. The count is checked before any image is read.
    """
    check_stdin_once(sources)
    check_image_count(len(sources), max_input_tokens)
    max_side = MAX_SIDE_MANY if len(sources) > MANY_IMAGES else MAX_SIDE
    share = per_image_base64(len(sources))
    return [
        load_image_block(s, settings, note=note, stdin=stdin, max_side=max_side, max_base64=share)
        for s in sources
    ]


def check_stdin_once(sources: list[str]) -> None:
    if sources.count("-") > 1:
        raise UsageError("image: `-` (stdin) can be given only once")
