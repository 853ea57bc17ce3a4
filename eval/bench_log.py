"""Speed benchmark (not a test): what the question log and the rate limiter cost a request.

    python -m eval.bench_log [--requests 200]

Two real servers (uvicorn on 127.0.0.1) on one index: one with the question log and rate limit
off, one with both on (SQLite log in a temporary folder, 100000/minute so nothing is refused).
Requests alternate between them, so the machine's noise falls on both; sequential, one client.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

import httpx

from .bench import percentile, start_server, wait_ready
from .harness import ROOT, load_questions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    index = {"POLICYQA_INDEX_DIR": str(ROOT / "index"), "POLICYQA_CORPUS_DIR": str(ROOT / "corpus")}
    with tempfile.TemporaryDirectory() as tmp:
        off, off_url = start_server({**index, "POLICYQA_LOG_DB": "off", "POLICYQA_RATE_LIMIT": "off"})
        on, on_url = start_server({**index, "POLICYQA_LOG_DB": f"{tmp}/q.sqlite3", "POLICYQA_RATE_LIMIT": "100000/minute"})
        latencies: dict[str, list[float]] = {"log and limit off": [], "log and limit on": []}
        try:
            with httpx.Client(base_url=off_url, timeout=60) as a, httpx.Client(base_url=on_url, timeout=60) as b:
                wait_ready(a)
                wait_ready(b)
                questions = [q.question for q in load_questions(split="dev")]
                for client in (a, b):
                    client.post("/api/ask", json={"question": questions[0]})
                for i in range(args.requests):
                    for name, client in zip(latencies, (a, b)):
                        t0 = time.perf_counter()
                        client.post("/api/ask", json={"question": questions[i % len(questions)]}).raise_for_status()
                        latencies[name].append((time.perf_counter() - t0) * 1000)
        finally:
            for server in (off, on):
                server.terminate()
                server.wait(timeout=30)
    print(f"machine: {os.cpu_count()} cores; {args.requests} dev questions each, alternating")
    for name, values in latencies.items():
        print(f"/api/ask {name}: p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
