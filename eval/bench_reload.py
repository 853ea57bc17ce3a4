"""Reload benchmark (not a test): /api/ask latency before, during and after a document upload.

    python -m eval.bench_reload [--newdocs ../shared/newdocs]

Starts the real server (uvicorn on 127.0.0.1, admin API on) over a corpus of the project's
documents and ../shared/newdocs' texts, asks questions sequentially from one thread, and uploads one
real document through POST /api/admin/documents from another: the upload rebuilds the index (only
the new clauses are embedded) and the server swaps it in without a restart. Prints p50/p95 of the
questions in each phase, failures, and /readyz during the upload.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from .bench import percentile, start_server, wait_ready
from .harness import ROOT, load_questions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--newdocs", default=str(ROOT.parent / "shared" / "newdocs"))
    parser.add_argument("--upload", default="originals/gz-public-rental-housing-2024.html")
    parser.add_argument("--phase", type=int, default=60, help="questions before and after the upload")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from rag.embed import Embedder
    from rag.index import build_index
    from rag.ingest import Options, add

    newdocs = Path(args.newdocs)
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index_dir = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(ROOT / "corpus", corpus)
        add(sorted(newdocs.glob("*.txt")), corpus, Options())
        build_index(corpus, index_dir, Embedder())
        token = "bench-token"
        server, base = start_server({"POLICYQA_INDEX_DIR": str(index_dir), "POLICYQA_CORPUS_DIR": str(corpus), "POLICYQA_ADMIN_TOKEN": token})
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                wait_ready(client)
                questions = [q.question for q in load_questions(split="dev")]
                phases: dict[str, list[float]] = {"before": [], "during": [], "after": []}
                failures, ready = [], []
                uploading = threading.Event()
                done = threading.Event()

                def upload() -> None:
                    path = newdocs / args.upload
                    with httpx.Client(base_url=base, timeout=300) as admin:
                        uploading.set()
                        response = admin.post(
                            "/api/admin/documents", headers={"Authorization": f"Bearer {token}"},
                            files={"files": (path.name, path.read_bytes())},
                        )  # fmt: skip
                        phases["upload"] = [response.elapsed.total_seconds()]
                        phases["report"] = response.json()["documents"][0]["clauses"]
                    done.set()

                i = 0

                def ask(phase: str) -> None:
                    nonlocal i
                    t0 = time.perf_counter()
                    response = client.post("/api/ask", json={"question": questions[i % len(questions)]})
                    phases[phase].append((time.perf_counter() - t0) * 1000)
                    if response.status_code != 200:
                        failures.append((phase, response.status_code))
                    i += 1

                for _ in range(args.phase):
                    ask("before")
                worker = threading.Thread(target=upload)
                worker.start()
                uploading.wait()
                while not done.is_set():
                    ask("during")
                    ready.append(client.get("/readyz").status_code)
                worker.join()
                for _ in range(args.phase):
                    ask("after")
                documents = len(client.get("/api/documents").json())
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"upload of {args.upload} ({phases['report']} clauses): {phases['upload'][0]:.1f} s including rebuild and reload; documents served after: {documents}")
    for phase in ("before", "during", "after"):
        values = phases[phase]
        print(f"{phase}: {len(values)} questions, p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms")
    print(f"failed requests: {failures or 'none'}; /readyz during the upload: {sorted(set(ready))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
