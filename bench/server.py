"""The project's fake Messages API (tests/fakeapi.py) in a process of its own.

Run by the benchmark so the server's work never shares a GIL (or a wait4) with
what is measured. It prints its URL, then reads one JSON command per line on
stdin and answers "ok" on stdout once it is in effect:

    {"reply": {"text": "...", "chunk_tokens": 3, "words_per_second": 300}}
    {"latency": 0.5}     # default latency of every /v1/messages answer
    {"arrival": true}    # prints when the last /v1/messages request arrived
                         # (time.monotonic(), the clock of perf_counter on Linux)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fakeapi import FakeAPI


def main() -> None:
    api = FakeAPI()
    # A client killed at the time cap resets its connection: not worth a traceback.
    api.httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]
    api.start()
    print(api.url, flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if "reply" in command:
            api.reply(**command["reply"])
        if "latency" in command:
            api.latency = float(command["latency"])
        if command.get("arrival"):
            print(api.messages_requests[-1].time if api.messages_requests else 0.0)
        if command.get("clear"):
            api.script.clear()
        print("ok", flush=True)
    api.stop()


if __name__ == "__main__":
    main()
