"""`batch results` of a 100,000-request job: streamed to disk, never loaded.

    python bench/batch_results.py [-n 100000] [-r 3]

A small server answers the batch as ended and streams its results (in a shuffled
order, as the service gives no order) from a generator: nothing is held in memory
on its side either. The job's journal is written straight into the data folder.
claude-cli writes the ordered lines with `-o`; the floor is a minimal httpx script
that writes the service's results to a file as they come (no ordering, no parsing;
its file is the service's JSONL, larger than our lines).
Measured at N and N/10: the peak RSS must not grow with the number of results.
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

BATCH = "msgbatch_bench"
TEXT = "A short answer of about two hundred characters, as a batch of short prompts gets. " * 2
FLOOR = """
import sys, httpx
url, out = sys.argv[1], sys.argv[2]
with httpx.stream("GET", url, headers={"x-api-key": "k", "anthropic-version": "2023-06-01"},
                  timeout=60) as r, open(out, "wb") as f:
    for chunk in r.iter_bytes():
        f.write(chunk)
"""


def entry(i: int) -> bytes:
    message = {
        "id": f"msg_{i}",
        "type": "message",
        "role": "assistant",
        "model": "claude-haiku-4-5",
        "content": [{"type": "text", "text": f"{i}: {TEXT}"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 20, "output_tokens": 50},
    }
    line = {"custom_id": f"line-{i + 1}", "result": {"type": "succeeded", "message": message}}
    return json.dumps(line).encode() + b"\n"


def make_handler(count: int):
    class Results(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.endswith("/results"):
                self.send_response(200)
                self.send_header("content-type", "application/binary")
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                # A fixed permutation of 0..count-1 (7919 is prime, so coprime with most
                # counts; checked below): the order a real batch would come in, any.
                step = 7919 if count % 7919 else 7907
                buf = bytearray()
                for k in range(count):
                    buf += entry(k * step % count)
                    if len(buf) > 1 << 16:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(buf), bytes(buf)))
                        buf.clear()
                if buf:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(buf), bytes(buf)))
                self.wfile.write(b"0\r\n\r\n")
                return
            counts = {"processing": 0, "succeeded": count, "errored": 0}
            body = json.dumps(
                {
                    "id": BATCH,
                    "type": "message_batch",
                    "processing_status": "ended",
                    "request_counts": {**counts, "canceled": 0, "expired": 0},
                    "created_at": "2026-12-01T00:00:00Z",
                }
            ).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Results


def write_job(data: Path, name: str, count: int) -> None:
    folder = data / "claude-cli" / "batches"
    folder.mkdir(parents=True, exist_ok=True)
    job = {
        "format": "claude-cli-batch-job",
        "version": 1,
        "name": name,
        "created": "2026-12-01T00:00:00Z",
        "input": {"path": None, "sha256": "", "options": ""},
        "lines": list(range(1, count + 1)),
        "ids": [f"line-{i}" for i in range(1, count + 1)],
        "batches": [{"id": BATCH, "start": 0, "end": count}],
        "pending": None,
        "estimate_usd": None,
        "done": True,
        "options": {"request": {}},
    }
    (folder / f"{name}.json").write_text(json.dumps(job))


def measure_size(count: int, rounds: int, tmp: Path) -> dict[str, dict[str, float]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(count))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    data = tmp / f"data-{count}"
    write_job(data, "bench", count)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "ANTHROPIC_API_KEY": "sk-ant-bench",
        "ANTHROPIC_BASE_URL": base,
        "XDG_DATA_HOME": str(data),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "XDG_CACHE_HOME": str(tmp / "cache"),
        "XDG_STATE_HOME": str(tmp / "state"),
        "PYTHONPATH": str(ROOT),
        "NO_PROXY": "127.0.0.1",
        "TMPDIR": str(tmp),
    }
    out = tmp / f"answers-{count}.jsonl"
    commands = {
        "claude-cli": [sys.executable, "-m", "claude_cli", "batch", "results", "bench",
                       "-o", str(out)],
        "floor": [sys.executable, "-c", FLOOR, f"{base}/v1/messages/batches/{BATCH}/results",
                  str(tmp / "floor.jsonl")],
    }  # fmt: skip
    series = alternate(list(commands), rounds, lambda name: run(commands[name], env))
    with open(out, "rb") as f:  # every line, in input order
        for n, line in enumerate(f, 1):
            if json.loads(line)["line"] != n:
                raise SystemExit(f"line {n} of the results is out of order")
    if n != count:
        raise SystemExit(f"{n} result lines, expected {count}")
    sizes = {"claude-cli": out.stat().st_size, "floor": (tmp / "floor.jsonl").stat().st_size}
    server.shutdown()
    return {
        name: {
            "cpu": statistics.median(s.cpu for s in v.samples),
            "wall": statistics.median(s.wall for s in v.samples),
            "rss": max(s.rss_mb for s in v.samples),
            "mb": sizes[name] / 2**20,
        }
        for name, v in series.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("-r", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sizes = [args.n // 10, args.n]
        found = {n: measure_size(n, args.r, Path(tmp)) for n in sizes}
    print(f"batch results -o FILE, {args.r} runs each (median CPU and wall, max peak RSS)")
    print("| results | variant | file | CPU | wall | peak RSS |")
    print("|---|---|---|---|---|---|")
    for n, variants in found.items():
        for name, m in variants.items():
            print(
                f"| {n:,} | {name} | {m['mb']:.0f} MB | {m['cpu']:.2f} s | {m['wall']:.2f} s "
                f"| {m['rss']:.0f} MB |"
            )
    small, big = (found[n]["claude-cli"]["rss"] for n in sizes)
    print(f"peak RSS {small:.0f} MB at {sizes[0]:,} → {big:.0f} MB at {sizes[1]:,} results")


if __name__ == "__main__":
    main()
