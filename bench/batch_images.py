"""`describe-image --batch` of many 3000x2000 photos: images fitted in worker
processes against one process, side by side.

    python bench/batch_images.py [-n 2000] [-r 1]

Both variants are the same command; one process is CLAUDE_CLI_FIT_PROCESSES=1
(everything fitted in the main process, as before), the other the default (one
worker per core). The photos are the 16 distinct noisy 3000x2000 JPEGs of
bench/run.py (3.5 MB each), linked under N names: every one is read, decoded and
fitted as a distinct file. The batch is sent to a small server that reads each
body and throws it away (bench/batch_submit.py's Sink).

Memory is the peak of the SUM of the resident memory of every process of the run
(the CLI, the forkserver and the workers), sampled every 20 ms from /proc:
ru_maxrss would give only the largest one. CPU is summed the same way (the
forkserver's children are not reaped by the CLI, so rusage would miss them).
Issue 14's budgets: throughput >= 1.7x the one-process rate on this 2-core
machine, memory <= 300 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH)]

from batch_submit import Sink  # noqa: E402
from run import photos  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Measured:
    wall: float
    cpu: float
    main_cpu: float  # the CLI's own process
    peak_mb: float
    most_processes: int
    pressure: float  # /proc/pressure/cpu "some" avg10 at the end: how busy the machine was


def cpu_pressure() -> float:
    try:
        with open("/proc/pressure/cpu") as f:
            return float(f.readline().split()[1].split("=")[1])
    except (OSError, IndexError, ValueError):
        return float("nan")


def session_processes(sid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:  # field 6 of stat: the session id
            found.append(int(entry))
    return found


def sample(pids: list[int]) -> tuple[int, dict[int, float]]:
    rss, cpu = 0, {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as f:
                rss += int(f.read().split()[1]) * PAGE
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            cpu[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
        except OSError:
            continue
    return rss, cpu


def measure(cmd: list[str], env: dict[str, str]) -> Measured:
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    peak, most, cpu_seen = 0, 0, {}
    done = threading.Event()

    def watch() -> None:
        nonlocal peak, most
        while not done.is_set():
            pids = session_processes(proc.pid)
            rss, cpu = sample(pids)
            peak, most = max(peak, rss), max(most, len(pids))
            cpu_seen.update(cpu)
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:6])} ... exited {proc.returncode}: {err[-800:]!r}")
    cpu = sum(cpu_seen.values())  # each process as last sampled (within 20 ms of its end)
    main = cpu_seen.get(proc.pid, 0.0)
    return Measured(wall, cpu, main, peak / 2**20, most, cpu_pressure())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("-r", type=int, default=1)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    distinct = photos(16)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "photos"
        folder.mkdir()
        names = []
        for i in range(args.n):
            name = folder / f"shot-{i:05d}.jpg"
            os.symlink(distinct[i % len(distinct)], name)
            names.append(str(name))
        home = Path(tmp) / "home"
        base = {
            "PATH": os.environ.get("PATH", ""),
            "ANTHROPIC_API_KEY": "sk-ant-bench",
            "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}",
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_STATE_HOME": str(home / "state"),
            "PYTHONPATH": str(ROOT),
            "NO_PROXY": "127.0.0.1",
            "TMPDIR": tmp,
        }
        variants = {
            "one process": {**base, "CLAUDE_CLI_FIT_PROCESSES": "1"},
            "worker processes": base,
        }
        cmd = [sys.executable, "-m", "claude_cli", "describe-image", "--batch", *names]
        results: dict[str, list[Measured]] = {k: [] for k in variants}
        for _ in range(args.r):
            for name, env in variants.items():
                # A fresh data folder per run: the same input would otherwise be the same job.
                run_home = Path(tempfile.mkdtemp(dir=tmp))
                env = {**env, "XDG_DATA_HOME": str(run_home)}
                results[name].append(measure(cmd, env))
                print(f"  {name}: {results[name][-1]}", file=sys.stderr, flush=True)
    cores = len(os.sched_getaffinity(0))
    print(
        f"describe-image --batch, {args.n} photos of 3000x2000, {args.r} run(s) each, "
        f"{cores} cores (medians; memory: the peak of all processes together)"
    )
    print(
        "| variant | wall | images/s | CPU, all processes | of which the CLI's | "
        "peak memory (sum) | processes | CPU pressure |"
    )
    print("|---|---|---|---|---|---|---|---|")
    rate, cpu, main_cpu = {}, {}, {}
    for name, runs in results.items():
        wall = statistics.median(m.wall for m in runs)
        rate[name] = args.n / wall
        cpu[name] = statistics.median(m.cpu for m in runs)
        main_cpu[name] = statistics.median(m.main_cpu for m in runs)
        peak = max(m.peak_mb for m in runs)
        most = max(m.most_processes for m in runs)
        pressure = statistics.median(m.pressure for m in runs)
        print(
            f"| {name} | {wall:.1f} s | {rate[name]:.1f} | {cpu[name]:.1f} s | "
            f"{main_cpu[name]:.1f} s | {peak:.0f} MB | {most} | {pressure:.0f} % |"
        )
    ratio = rate["worker processes"] / rate["one process"]
    print(f"throughput ratio {ratio:.2f}x (budget >= 1.7x); memory budget 300 MB")
    # What the split of the work allows on free cores: one process needs all its CPU time
    # in a row; the pooled run at least its CPU spread over the cores, and at least the
    # CLI's own part (which the workers cannot take over).
    pooled = cpu["worker processes"]
    bound = max(pooled / cores, main_cpu["worker processes"])
    print(
        f"on {cores} free cores the work split allows about {cpu['one process'] / bound:.2f}x "
        f"(one process: {cpu['one process']:.1f} s CPU in a row; worker processes: "
        f"{pooled:.1f} s CPU over {cores} cores)"
    )
    server.shutdown()


if __name__ == "__main__":
    main()
