"""Running one command and measuring it: CPU (rusage of the child), wall time,
peak RSS, and the bytes it wrote to its pipe or pseudo-terminal.

Every child is reaped with os.wait4, so its rusage (user + system CPU, ru_maxrss)
is its own and its waited-for children's, never the benchmark's. The output is
drained continuously, as a terminal would, and only counted (the first bytes
are kept for error messages and checks).
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field

KEEP = 1 << 20  # keep at most this much of the output for checks


@dataclass
class Sample:
    cpu: float  # seconds, user + system
    wall: float  # seconds
    rss_mb: float  # peak resident set size
    nbytes: int  # bytes written to stdout (pipe) or the terminal (pty)
    capped: bool = False  # killed at the time cap: the figures are lower bounds
    output: bytes = field(default=b"", repr=False)
    code: int = 0
    seen: float | None = None  # perf_counter() when `marker` first reached the terminal
    first: float = 0.0  # seconds from the reply's first byte to its text on screen


class Failed(Exception):
    """A measured command did not do its job: the figures would mean nothing."""


def _winsize(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


# Peak RSS (ru_maxrss) survives fork and exec: a child started straight from this
# process would report at least this process's own peak. So every command is
# started by a small, fresh `python -I -S` that forks it, reaps it with wait4
# and reports the rusage and wall time: its own few MB are the only floor, well
# below what a bare `python -c pass` uses.
SPAWNER = """
import os, sys, time
report = int(sys.argv[1])
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.close(report)
    os.execv(sys.argv[2], sys.argv[2:])
os.write(report, b"%d\\n" % pid)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - start
os.write(report, b"%d %r %r %d %r\\n" % (status, ru.ru_utime, ru.ru_stime, ru.ru_maxrss, wall))
"""


def run(
    cmd: list[str],
    env: dict[str, str],
    *,
    tty: bool = False,
    size: tuple[int, int] = (100, 40),
    cap: float | None = None,
    check: bool = True,
    marker: bytes | None = None,
) -> Sample:
    """Run `cmd` (its first word an absolute path) to completion, or for at most
    `cap` seconds of wall time, and measure it.

    tty=False: stdout is a pipe, stderr is kept apart, stdin is empty.
    tty=True: stdin, stdout and stderr are one pseudo-terminal of `size`
    (columns, rows) whose master side is read as fast as the child writes.
    `marker`: note the moment these bytes first arrive (Sample.seen).
    """
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, after wait4
    if tty:
        master, slave = pty.openpty()
        _winsize(slave, *size)
        stdin = stdout = stderr = slave
    else:
        master, slave = os.pipe()
        stdin, stdout, stderr = subprocess.DEVNULL, slave, errors
    report_r, report_w = os.pipe()
    start = time.perf_counter()
    spawner = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", SPAWNER, str(report_w), *cmd],
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        env=env,
        pass_fds=[report_w],
        start_new_session=True,
    )
    os.close(slave)
    os.close(report_w)
    with os.fdopen(report_r, "rb") as report:
        child = int(report.readline() or 0)
        kept = bytearray()
        total = 0
        capped = False
        seen: float | None = None
        try:
            while True:
                timeout = None if cap is None else cap - (time.perf_counter() - start)
                if timeout is not None and timeout <= 0:
                    capped = True
                    if child:
                        os.kill(child, signal.SIGKILL)
                    break
                ready, _, _ = select.select([master], [], [], timeout)
                if not ready:
                    continue
                try:
                    chunk = os.read(master, 1 << 16)
                except OSError:  # EIO: the terminal's last writer has gone
                    break
                if not chunk:
                    break
                total += len(chunk)
                if len(kept) < KEEP:
                    kept += chunk[: KEEP - len(kept)]
                if marker is not None and seen is None and marker in kept:
                    seen = time.perf_counter()
        finally:
            os.close(master)
        line = report.readline().split()
    spawner.wait()
    errors.seek(0)
    err = errors.read()
    errors.close()
    if len(line) != 5:
        raise Failed(f"could not measure {' '.join(cmd)!r}: {err.decode('utf-8', 'replace')}")
    code = os.waitstatus_to_exitcode(int(line[0]))
    sample = Sample(
        cpu=float(line[1]) + float(line[2]),
        wall=float(line[4]),
        rss_mb=int(line[3]) / 1024,  # KiB on Linux
        nbytes=total,
        capped=capped,
        output=bytes(kept),
        code=code,
        seen=seen,
    )
    if check and not capped and code != 0:
        what = (err or bytes(kept)[-600:]).decode("utf-8", "replace").strip()
        raise Failed(f"{' '.join(cmd[-3:])!r} exited {code}: {what[-600:]}")
    return sample


@dataclass
class Series:
    """The samples of one variant, and their medians."""

    name: str
    samples: list[Sample] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)

    @property
    def capped(self) -> bool:
        return any(s.capped for s in self.samples)


def alternate(
    names: list[str], rounds: int, measure, *, limits: dict[str, int] | None = None
) -> dict[str, Series]:
    """Measure every variant once per round, in turn (A B C A B C ...).

    `measure(name)` returns a Sample. `limits` caps the rounds of slow
    variants; a variant that hit its time cap is not run again: it is already
    known to be slower than the cap.
    """
    limits = limits or {}
    series = {name: Series(name) for name in names}
    for n in range(rounds):
        for name in names:
            if series[name].capped or n >= limits.get(name, rounds):
                continue
            series[name].samples.append(measure(name))
    return series
