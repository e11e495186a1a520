"""Benchmark: CPU an `ask --session` spends on a 2,000-turn (~2 MB) history.

Runs the real program against the local fake API, alternating a fresh session
and a 2,000-turn one, and reports the median CPU time (user + system, from
os.wait4) of each and their difference. Budget: the long session adds at most
0.1 s. Run: python benchmarks/session_history.py [rounds]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakeapi import API_KEY, FakeAPI  # noqa: E402


def make_long_session(env: dict[str, str], turns: int = 2000) -> None:
    os.environ.update(env)
    from claude_cli import session

    doc = session.new_doc("long", "claude-sonnet-5-5")
    filler = "lorem ipsum dolor sit amet " * 18  # ~500 bytes per message
    for i in range(turns):
        doc["messages"].append({"role": "user", "content": f"question {i}: {filler}"})
        doc["messages"].append({"role": "assistant", "content": f"answer {i}: {filler}"})
    session.save(doc)
    size = session.path_for("long").stat().st_size
    print(f"long session: {turns} turns, {size / 1e6:.1f} MB")


def cpu_of(args: list[str], env: dict[str, str]) -> float:
    proc = subprocess.Popen(
        [sys.executable, "-m", "claude_cli", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {args}: {proc.stderr.read().decode()}")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    api = FakeAPI().start()
    home = tempfile.mkdtemp()
    env = {
        **os.environ,
        "ANTHROPIC_API_KEY": API_KEY,
        "ANTHROPIC_BASE_URL": api.url,
        "XDG_DATA_HOME": f"{home}/data",
        "XDG_STATE_HOME": f"{home}/state",
        "XDG_CONFIG_HOME": f"{home}/config",
        "PYTHONPATH": str(ROOT),
        "NO_PROXY": "127.0.0.1",
    }
    make_long_session(env)
    fresh, long = [], []
    for i in range(rounds):
        fresh.append(cpu_of(["ask", "--session", f"fresh{i}", "hello"], env))
        long.append(cpu_of(["ask", "--session", "long", "hello"], env))
    api.stop()
    f, g = statistics.median(fresh), statistics.median(long)
    print(f"fresh session: {f * 1000:.0f} ms CPU (median of {rounds})")
    print(f"2,000 turns:   {g * 1000:.0f} ms CPU")
    print(f"difference:    {(g - f) * 1000:.0f} ms (budget 100 ms)")


if __name__ == "__main__":
    main()
