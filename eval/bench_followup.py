"""Latency of a turn with history against the same question without, in one process, interleaved
(the machine is noisy): `python -m eval.bench_followup [--rounds N]`.

Every later turn of the follow-up sets (eval/followup*.jsonl) is asked three times per round: alone
(a bare 那浙江呢 is declined at once), with the history a client sends (its earlier turns and the
answers they got), and as the self-contained question it resolves to, typed without history (the
same retrieval and answer, without the conversation's cost)."""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rag.followup import Turn
from rag.pipeline import Pipeline, open_index
from rag.settings import Settings

EVAL_DIR = Path(__file__).resolve().parent
ROOT = EVAL_DIR.parent


def conversations() -> list[list[str]]:
    found = []
    for path in sorted(EVAL_DIR.glob("followup*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append([turn["q"] for turn in json.loads(line)["turns"]])
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    embedder = Settings().embedder(None)
    pipeline = Pipeline(open_index(ROOT / "corpus", ROOT / "index", embedder), embedder)
    cases = []  # (question, history, the question it resolves to)
    for turns in conversations():
        history: list[Turn] = []
        for n, question in enumerate(turns):
            _, answer = pipeline.run(question, history=history)
            if n:
                cases.append((question, list(history), answer.resolved_question or question))
            history += [Turn("user", question), Turn("assistant", answer.answer, [c.clause.id for c in answer.citations])]
    alone, with_history, resolved = [], [], []
    for _ in range(args.rounds):
        for question, history, meant in cases:
            for bucket, asked, given in ((alone, question, None), (with_history, question, history), (resolved, meant, None)):
                started = time.perf_counter()
                pipeline.run(asked, history=given)
                bucket.append((time.perf_counter() - started) * 1000)
    for name, values in (("without history", alone), ("with history", with_history), ("resolved, alone", resolved)):
        q = statistics.quantiles(values, n=20)
        print(f"{name:16} n={len(values)}  p50 {statistics.median(values):6.1f} ms  p95 {q[18]:6.1f} ms")
    print(f"ratio of medians, with history / without: {statistics.median(with_history) / statistics.median(alone):.2f}")
    print(f"ratio of medians, with history / the resolved question alone: {statistics.median(with_history) / statistics.median(resolved):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
