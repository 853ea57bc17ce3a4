"""Speed benchmark (not a test): index build, server start, /api/ask latency over HTTP.

    python -m eval.bench [--requests 200]

Starts the real server with uvicorn on 127.0.0.1 (a free port), sends the dev questions
sequentially, and prints build time, time to ready, and p50/p95/max latency.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from .harness import ROOT, load_questions


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """The real app under uvicorn on a free port of 127.0.0.1, with `env` added; and its base URL.
    Unless `env` says otherwise, no rate limit (a benchmark is one busy client) and a question log
    in a temporary folder, not the repository's."""
    port = free_port()
    defaults = {"POLICYQA_RATE_LIMIT": "off", "POLICYQA_LOG_DB": os.path.join(tempfile.mkdtemp(prefix="policyqa-bench-"), "q.sqlite3")}
    env = {**defaults, **env}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, **env},
    )  # fmt: skip
    return server, f"http://127.0.0.1:{port}"


def wait_ready(client: httpx.Client, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if client.get("/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"server did not become ready within {seconds:.0f} s")


def side_by_side(
    servers: dict[str, dict[str, str]], questions: list[str], requests: int, seen: Callable[[str, dict], None] | None = None
) -> dict[str, list[float]]:
    """Milliseconds of /api/ask on each server (name → env for start_server), sequential, the
    servers taking turns on each question so the machine's noise falls on all of them; `seen`
    gets each server's name and answer."""
    started = {name: start_server(env) for name, env in servers.items()}
    latencies: dict[str, list[float]] = {name: [] for name in servers}
    clients = {name: httpx.Client(base_url=url, timeout=60) for name, (_, url) in started.items()}
    try:
        for client in clients.values():
            wait_ready(client)
            client.post("/api/ask", json={"question": questions[0]})  # warm-up
        for i in range(requests):
            for name, client in clients.items():
                t0 = time.perf_counter()
                response = client.post("/api/ask", json={"question": questions[i % len(questions)]})
                latencies[name].append((time.perf_counter() - t0) * 1000)
                response.raise_for_status()
                if seen is not None:
                    seen(name, response.json())
    finally:
        for client in clients.values():
            client.close()
        for server, _ in started.values():
            server.terminate()
            server.wait(timeout=30)
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from rag.embed import Embedder
    from rag.index import build_index

    started = time.perf_counter()
    embedder = Embedder()
    model_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        started = time.perf_counter()
        index = build_index(ROOT / "corpus", index_dir, embedder)
        build_seconds = time.perf_counter() - started
        counts = index.manifest["counts"]

        started = time.perf_counter()
        server, base = start_server({"POLICYQA_INDEX_DIR": str(index_dir), "POLICYQA_CORPUS_DIR": str(ROOT / "corpus")})
        try:
            with httpx.Client(base_url=base, timeout=30) as client:
                wait_ready(client)
                start_seconds = time.perf_counter() - started
                questions = [q.question for q in load_questions(split="dev")]
                client.post("/api/ask", json={"question": questions[0]})  # warm-up
                latencies = []
                for i in range(args.requests):
                    t0 = time.perf_counter()
                    response = client.post("/api/ask", json={"question": questions[i % len(questions)]})
                    latencies.append((time.perf_counter() - t0) * 1000)
                    response.raise_for_status()
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(f"machine: {os.cpu_count()} cores")
    print(f"model load (in this process): {model_seconds:.2f} s")
    print(f"index build: {build_seconds:.2f} s ({counts['clauses']} clauses, {counts['windows']} windows, {counts['sentences']} sentences)")
    print(f"server start to /readyz 200 (new process, built index): {start_seconds:.2f} s")
    print(
        f"/api/ask over HTTP, {len(latencies)} sequential requests: p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
