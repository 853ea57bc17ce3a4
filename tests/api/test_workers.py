"""`policyqa serve --workers 2`: the real server in two processes on 127.0.0.1, each with its own
SO_REUSEPORT listener, so connections reach both workers; SIGTERM stops the workers and the parent."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import httpx
import pytest

from eval.bench import free_port, wait_ready
from eval.harness import ROOT


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT balancing is Linux's")
def test_connections_reach_both_workers_and_sigterm_stops_them(index_dir, corpus_dir, tmp_path):
    port = free_port()
    log = tmp_path / "server.log"
    env = {
        **os.environ, "POLICYQA_INDEX_DIR": str(index_dir), "POLICYQA_CORPUS_DIR": str(corpus_dir), "POLICYQA_LOG_FORMAT": "json",
        "POLICYQA_LOG_DB": str(tmp_path / "q.sqlite3"), "POLICYQA_RATE_LIMIT": "off",
    }  # fmt: skip
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            wait_ready(client, 240)
        # 60 connections opened at once, as a load balancer or a burst of visitors does: a shared socket
        # (uvicorn's --workers) hands most of them to whichever worker wakes first (35 of 41 here);
        # per-worker listeners split them by address hash (fewer than 15 on one: about once in 15,000 runs).
        asyncio.run(_burst(url, 60))
        served = Counter(line["pid"] for line in _lines(log) if line.get("logger") == "policyqa.access")
        pids = set(served)
        assert len(served) == 2 and min(served.values()) >= 15, f"requests per worker (at least a quarter each): {dict(served)}"
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) in (0, -signal.SIGTERM)
        for pid in pids:
            with pytest.raises(ProcessLookupError):  # no worker left behind
                for _ in range(50):
                    os.kill(pid, 0)
                    time.sleep(0.1)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


async def _burst(url: str, connections: int) -> None:
    async def one() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:  # a connection of its own
            assert (await client.post("/api/ask", json={"question": "跨境电商有哪些支持？"})).status_code == 200

    await asyncio.gather(*(one() for _ in range(connections)))


def _lines(path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{"):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return rows
