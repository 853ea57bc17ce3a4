"""Speed benchmark (not a test): what the LLM path costs PolicyQA itself, over HTTP, side by side.

    python -m eval.bench_llm [--requests 200]

Two real servers (uvicorn on 127.0.0.1) on one index: one extractive, one with POLICYQA_LLM_*
pointing at the scripted OpenAI-compatible server of tests/fakellm.py (a fake that answers at once,
quoting the first clause given). Requests alternate between them, so the machine's noise falls on
both. The difference is PolicyQA's own cost of the LLM path — prompt, the HTTP round trip to the
model, parsing, the citation gate — not any real model's speed, which a deployment adds on top.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys

from .bench import percentile, side_by_side
from .harness import ROOT, load_questions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    sys.path.append(str(ROOT / "tests"))
    from fakellm import FakeLLM, Text, clauses_in

    fake = FakeLLM()
    fake.script = lambda request: Text(f"可以参考以下规定：「{clauses_in(request)[1][:20]}」[1]。")
    index = {"POLICYQA_INDEX_DIR": str(ROOT / "index"), "POLICYQA_CORPUS_DIR": str(ROOT / "corpus")}
    modes: dict[str, int] = {}

    def seen(name: str, answer: dict) -> None:
        if name == "llm":
            modes[answer["mode"]] = modes.get(answer["mode"], 0) + 1

    questions = [q.question for q in load_questions(split="dev") if q.answerable]
    try:
        latencies = side_by_side(
            {"extractive": index, "llm": {**index, "POLICYQA_LLM_BASE_URL": fake.base_url, "POLICYQA_LLM_MODEL": "fake-model"}},
            questions, args.requests, seen,
        )  # fmt: skip
    finally:
        fake.close()
    print(f"machine: {os.cpu_count()} cores; {args.requests} answerable dev questions, alternating")
    for name, values in latencies.items():
        print(f"/api/ask {name:10s}: p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms, max {max(values):.1f} ms")
    print(f"LLM server answers by mode: {modes} (extractive = the question was declined, or answered by clause number or metadata)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
