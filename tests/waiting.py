"""Wait for a condition instead of sleeping for a guessed time.

Tests run in parallel on busy machines: a fixed sleep is either too short there (a flaky
test) or too long everywhere else. The timeout here only bounds a failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], object], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {what}")
        time.sleep(0.02)
