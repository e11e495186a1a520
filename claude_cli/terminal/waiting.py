"""The waiting indicator: a spinner with the seconds elapsed, on stderr, from the
moment a request is sent until the reply's first sign (a token, a thinking line).

Drawn by a thread on one line that it rewrites (`\\r`, erase line), so it needs a
terminal that can erase: never in a pipe, never on TERM=dumb, where a line could
not be taken back. It is erased before anything else is written, so it leaves no
trace: `stop()` takes the drawing lock, so after it returns the thread writes
nothing more. A reply quicker than FIRST_DRAW never shows it (no flicker).
No rich here: the indicator must cost nothing on the way to the first token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from claude_cli.terminal.term import dumb_terminal, isatty, use_color

FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
FIRST_DRAW = 0.15  # seconds before the first frame
TICK = 0.1  # seconds between frames


def can_wait_visibly(stream: TextIO) -> bool:
    """May a spinner be drawn on `stream`? A terminal that can erase a line."""
    return isatty(stream) and not dumb_terminal()


class Waiting:
    """One spinner line on `stream`; `start`, then `stop` (idempotent)."""

    def __init__(
        self, stream: TextIO, label: str = "waiting", clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stream = stream
        self.label = label
        self.clock = clock
        self.lock = threading.Lock()
        self._done = threading.Event()
        self._shown = False
        self._began = 0.0
        self._frame = 0
        self._thread: threading.Thread | None = None

    @property
    def active(self) -> bool:
        return self._thread is not None and not self._done.is_set()

    def start(self) -> Waiting:
        self._began = self.clock()
        self._thread = threading.Thread(target=self._run, daemon=True, name="waiting")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Erase the line and draw no more (returns at once: no join)."""
        self._done.set()
        with self.lock:
            self._clear()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Write something else to the terminal: the line is erased first, and
        the next frame draws below what was written."""
        with self.lock:
            self._clear()
            yield

    def _run(self) -> None:
        if self._done.wait(FIRST_DRAW):
            return
        while True:
            with self.lock:
                if self._done.is_set():
                    return
                self._draw()
            if self._done.wait(TICK):
                return

    def _draw(self) -> None:
        elapsed = self.clock() - self._began
        frame = FRAMES[self._frame % len(FRAMES)]
        self._frame += 1
        line = f"{frame} {self.label} {elapsed:.1f} s"
        if use_color(self.stream):
            line = f"\x1b[2m{line}\x1b[0m"
        try:
            self.stream.write("\r\x1b[2K" + line)
            self.stream.flush()
        except (OSError, ValueError):
            self._done.set()  # the terminal went away: nothing to show it on
            return
        self._shown = True

    def _clear(self) -> None:
        if not self._shown:
            return
        self._shown = False
        try:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
        except (OSError, ValueError):
            pass
