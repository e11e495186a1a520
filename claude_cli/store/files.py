"""Writing files the user owns: atomically, privately (0600 in a 0700 folder)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def ensure_private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)


def write_private(path: Path, data: str | bytes) -> None:
    """Write via a temp file in the same folder, fsync, then os.replace: a reader
    sees the old file or the new one, never half of one."""
    ensure_private_dir(path.parent)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class UnsafeFile(OSError):
    """A path that is not a regular file, or larger than the reader takes."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. A FIFO, a device (a
    symlink to /dev/zero) or a huge file would hang or exhaust memory: UnsafeFile."""
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(0, "not a regular file")
        if info.st_size > limit:
            raise UnsafeFile(0, f"larger than {limit // (1024 * 1024)} MB")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise UnsafeFile(0, f"larger than {limit // (1024 * 1024)} MB")
        return data
    finally:
        os.close(fd)
