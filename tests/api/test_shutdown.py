"""Graceful shutdown: a request in flight when the server is told to stop (SIGTERM) is finished.
The real server under uvicorn on 127.0.0.1; the request is kept in flight by a slow language model,
the scripted OpenAI-compatible server of tests/fakellm.py (a fake: no model can be downloaded here)."""
from __future__ import annotations

import signal
import threading
import time

import httpx
from fakellm import Text, clauses_in

from eval.bench import start_server, wait_ready


def test_a_request_in_flight_is_finished_on_sigterm(llm, index_dir, corpus_dir, tmp_path):
    llm.script = lambda request: Text(f"「{clauses_in(request)[1][:12]}」[1]。", delay=3.0)
    server, url = start_server({
        "POLICYQA_INDEX_DIR": str(index_dir), "POLICYQA_CORPUS_DIR": str(corpus_dir), "POLICYQA_LOG_DB": str(tmp_path / "q.sqlite3"),
        "POLICYQA_LLM_BASE_URL": llm.base_url, "POLICYQA_LLM_MODEL": "fake-model",
    })  # fmt: skip
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            wait_ready(client, 180)
            result: dict = {}

            def ask() -> None:
                response = client.post("/api/ask", json={"question": "灵活就业人员的社会保险费可以缓缴吗？"})
                result.update(status=response.status_code, body=response.json())

            asking = threading.Thread(target=ask)
            asking.start()
            deadline = time.monotonic() + 30
            while not llm.requests and time.monotonic() < deadline:  # the request has reached the model
                time.sleep(0.05)
            assert llm.requests, "the request never reached the model"
            server.send_signal(signal.SIGTERM)
            asking.join(timeout=30)
        assert result["status"] == 200 and result["body"]["mode"] == "llm"
        # It stopped by itself once the request was done (uvicorn re-raises SIGTERM after a graceful exit).
        assert server.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
