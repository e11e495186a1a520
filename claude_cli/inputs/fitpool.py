"""Fitting images in worker processes, for `batch submit` (and `describe-image --batch`):
decoding and resizing are CPU-bound, so many photos are fitted on every core while the
main process shapes and writes the requests (which holds the GIL: threads beside it
would wait on it between Pillow's C calls).

    pool = FitPool.start(settings)       # None when one process is all there is
    fitting = pool.submit(source, max_side, max_base64)
    block = fitting.result()             # the image block, or UsageError naming the source

Workers come from a 'forkserver' (Linux) or are spawned: never forked from a process
whose threads might hold a lock. Their decoding shares one memory budget
(images.TOTAL_MEMORY, as describe-image's threads do). A worker reads the file itself,
so only a path goes out and only the fitted block comes back. A worker's error comes
back as the same one-line message fitting in-process would give; when a worker dies
(killed, out of memory) the images it had are fitted in this process instead, and the
pool is not used again. Imported only when a batch has images to fit: no other command
pays for multiprocessing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from claude_cli.errors import CliError, UsageError

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from claude_cli.config import Settings

#: Set to a number of processes (1: fit in the calling process, as before).
PROCESSES_ENV = "CLAUDE_CLI_FIT_PROCESSES"
MAX_PROCESSES = 8
#: Images queued per worker: enough to keep every core busy, few enough that the
#: fitted blocks waiting to be sent stay small (each at most 5 MB of base64).
QUEUED_PER_WORKER = 3
#: Test hook: a worker given a source containing this text dies on the spot.
CRASH_ENV = "CLAUDE_CLI_TEST_FIT_CRASH"


def multiprocessing_child() -> bool:
    import multiprocessing

    return multiprocessing.parent_process() is not None


def processes_wanted() -> int:
    given = os.environ.get(PROCESSES_ENV, "").strip()
    if given:
        try:
            n = int(given)
        except ValueError:
            raise UsageError(f"{PROCESSES_ENV} must be a whole number, not {given!r}") from None
        if n < 1:
            raise UsageError(f"{PROCESSES_ENV} must be at least 1")
        return min(n, MAX_PROCESSES)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_PROCESSES))


def fit_in_worker(
    source: str, max_edge: int, download: bool, max_side: int, max_base64: int
) -> tuple[str, Any]:
    """Runs in a worker: ("ok", block) or ("error", the one-line message)."""
    from types import SimpleNamespace

    from claude_cli.inputs.images import block_from_bytes, label, read_source

    crash = os.environ.get(CRASH_ENV)
    if crash and crash in source and multiprocessing_child():
        os._exit(9)  # a test: a worker dying as the OOM killer would end it
    try:
        raw = read_source(source, download=download)
        if isinstance(raw, dict):
            return "ok", raw
        settings = SimpleNamespace(image_max_edge=max_edge)
        return "ok", block_from_bytes(
            source, raw, settings, max_side=max_side, max_base64=max_base64, memory=_budget
        )
    except CliError as e:
        return "error", e.message
    except MemoryError:
        return "error", f"image {label(source)}: out of memory while fitting it"
    except Exception as e:  # one bad image must not sink the others
        return "error", f"image {label(source)}: internal error: {type(e).__name__}: {e}"


class SharedBudget:
    """images.MemoryBudget across processes: the workers' decoders share `total` bytes,
    so two huge images take turns however many workers there are."""

    def __init__(self, context: Any, total: int) -> None:
        self.total = total
        self._used = context.Value("q", 0, lock=False)  # guarded by the condition's lock
        self._cond = context.Condition()

    @contextmanager
    def reserve(self, cost: int) -> Iterator[None]:
        cost = min(cost, self.total)
        with self._cond:
            self._cond.wait_for(lambda: self._used.value + cost <= self.total)
            self._used.value += cost
        try:
            yield
        finally:
            with self._cond:
                self._used.value -= cost
                self._cond.notify_all()


_budget: SharedBudget | None = None  # in a worker: the pool's budget


def _warm(budget: SharedBudget) -> None:
    """Each worker imports Pillow once, at its start, not with its first image; Ctrl-C
    is the parent's to handle (it stops the pool), not a traceback from every worker."""
    import signal

    import PIL.Image  # noqa: F401

    global _budget
    _budget = budget
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    from claude_cli.inputs import images  # noqa: F401


class FitPool:
    def __init__(self, executor: ProcessPoolExecutor, workers: int, settings: Settings) -> None:
        self.executor = executor
        self.workers = workers
        self.max_edge = settings.image_max_edge
        self.download = settings.download_images
        self.broken = False

    @classmethod
    def start(cls, settings: Settings, workers: int | None = None) -> FitPool | None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        workers = processes_wanted() if workers is None else workers
        if workers < 2:
            return None
        method = "forkserver" if sys.platform.startswith("linux") else "spawn"
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            # The server imports these once; every worker forked from it has them.
            context.set_forkserver_preload(
                ["claude_cli.inputs.fitpool", "claude_cli.inputs.images", "PIL.Image"]
            )
        from claude_cli.inputs.images import TOTAL_MEMORY

        budget = SharedBudget(context, TOTAL_MEMORY)
        executor = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_warm, initargs=(budget,)
        )
        return cls(executor, workers, settings)

    @property
    def queue_size(self) -> int:
        return self.workers * QUEUED_PER_WORKER

    def submit(self, source: str, max_side: int, max_base64: int) -> Fitting:
        args = (source, self.max_edge, self.download, max_side, max_base64)
        return Fitting(self, self.executor.submit(fit_in_worker, *args), args)

    def close(self) -> None:
        self.executor.shutdown(wait=not self.broken, cancel_futures=True)


class Fitting:
    """One image being fitted by a worker."""

    def __init__(self, pool: FitPool, future: Future, args: tuple[Any, ...]) -> None:
        self.pool = pool
        self.future = future
        self.args = args

    def result(self) -> dict[str, Any]:
        """The image block, or a UsageError saying why not (as fitting here would)."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            kind, value = self.future.result()
        except BrokenProcessPool:
            # A worker died (killed, out of memory): the images it took down with it
            # are fitted here instead, by the same code.
            self.pool.broken = True
            kind, value = fit_in_worker(*self.args)
        if kind != "ok":
            raise UsageError(str(value))
        return value


__all__ = ["PROCESSES_ENV", "FitPool", "Fitting", "processes_wanted"]
