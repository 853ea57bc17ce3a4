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

from .bench import percentile, side_by_side
from .harness import ROOT, load_questions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    index = {"POLICYQA_INDEX_DIR": str(ROOT / "index"), "POLICYQA_CORPUS_DIR": str(ROOT / "corpus")}
    questions = [q.question for q in load_questions(split="dev")]
    with tempfile.TemporaryDirectory() as tmp:
        latencies = side_by_side(
            {
                "log and limit off": {**index, "POLICYQA_LOG_DB": "off", "POLICYQA_RATE_LIMIT": "off"},
                "log and limit on": {**index, "POLICYQA_LOG_DB": f"{tmp}/q.sqlite3", "POLICYQA_RATE_LIMIT": "100000/minute"},
            },
            questions, args.requests,
        )  # fmt: skip
    print(f"machine: {os.cpu_count()} cores; {args.requests} dev questions each, alternating")
    for name, values in latencies.items():
        print(f"/api/ask {name}: p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
