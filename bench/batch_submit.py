"""`batch submit` of 100,000 short prompts: peak RSS and CPU against a floor.

    python bench/batch_submit.py [-n 100000] [-r 3]

The floor is a minimal script that reads the same JSONL and writes the same
request bodies (`{"custom_id", "params"}` lines in `{"requests": [...]}`) to a
file. claude-cli's run submits them to a small server that reads each batch
body and throws it away (the fake API would keep 100,000 requests in memory,
which is its cost, not ours). Budgets (issue 14): peak RSS <= 200 MB, CPU <= 3x.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH)]

from harness import alternate, run  # noqa: E402

MODEL = "claude-haiku-4-5"
FLOOR = """
import json, sys
src, out, MODEL = sys.argv[1], sys.argv[2], sys.argv[3]
with open(src, "rb") as f, open(out, "wb") as o:
    o.write(b'{"requests":[')
    for n, line in enumerate(f, 1):
        prompt = json.loads(line)
        req = {"custom_id": f"line-{n}", "params": {"model": MODEL, "max_tokens": 4096,
               "messages": [{"role": "user", "content": prompt}]}}
        o.write((b"," if n > 1 else b"") + json.dumps(req, ensure_ascii=False).encode())
    o.write(b"]}")
"""


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        size = 0
        if "chunked" in (self.headers.get("transfer-encoding") or ""):
            while True:
                n = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if n == 0:
                    self.rfile.readline()
                    break
                size += len(self.rfile.read(n))
                self.rfile.readline()
        else:
            size = len(self.rfile.read(int(self.headers.get("content-length") or 0)))
        body = json.dumps(
            {
                "id": f"msgbatch_{size}",
                "type": "message_batch",
                "processing_status": "in_progress",
                "request_counts": {},
                "created_at": "2026-12-01T00:00:00Z",
            }
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("-r", type=int, default=3)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "prompts.jsonl"
        with open(src, "w") as f:
            for i in range(args.n):
                f.write(json.dumps(f"Question {i}: what is {i} plus {i}?") + "\n")
        home = Path(tmp) / "home"
        env = {
            "PATH": os.environ.get("PATH", ""),
            "ANTHROPIC_API_KEY": "sk-ant-bench",
            "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}",
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_STATE_HOME": str(home / "state"),
            "PYTHONPATH": str(ROOT),
            "NO_PROXY": "127.0.0.1",
        }
        ours = [sys.executable, "-m", "claude_cli", "batch", "submit", "--new", "-m", MODEL]
        floor = [sys.executable, "-c", FLOOR, str(src), str(Path(tmp) / "floor.json"), MODEL]
        commands = {"claude-cli": [*ours, str(src)], "floor": floor}
        series = alternate(list(commands), args.r, lambda name: run(commands[name], env))
    cpu = {k: statistics.median(s.cpu for s in v.samples) for k, v in series.items()}
    rss = {k: max(s.rss_mb for s in v.samples) for k, v in series.items()}
    print(f"{args.n} prompts, {args.r} runs each (median CPU, max peak RSS)")
    for name in cpu:
        print(f"  {name:10} CPU {cpu[name]:6.2f} s   peak RSS {rss[name]:6.1f} MB")
    ratio = cpu["claude-cli"] / cpu["floor"]
    print(f"  CPU ratio {ratio:.2f}x (budget 3x); claude-cli RSS budget 200 MB")
    server.shutdown()


if __name__ == "__main__":
    main()
