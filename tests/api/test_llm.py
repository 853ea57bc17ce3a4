"""/api/ask and /api/ask/stream with a language model configured: the real app (TestClient with its
lifespan), the real client library over HTTP, and a scripted OpenAI-compatible server on 127.0.0.1
standing in for the model (a fake: no model can be downloaded here)."""
from __future__ import annotations

import json
import re
import socket
import time

import pytest
from fakellm import Cut, Hang, Invalid, Status, Text, clauses_in
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from rag.gate import quotes

QUESTION = "灵活就业人员的社会保险费可以缓缴吗？"
TIMEOUT = 1.5


@pytest.fixture(scope="module")
def llm_client(index_dir, corpus_dir, fake_llm):
    settings = Settings(
        index_dir=index_dir, corpus_dir=corpus_dir, llm_base_url=fake_llm.base_url, llm_model="fake-model", llm_timeout=TIMEOUT
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def served(llm_client, llm):
    llm_client.app.state.policyqa.generator.circuit.success()  # each test starts with a closed circuit
    return llm_client


def faithful(request: dict) -> Text:
    first = clauses_in(request)[1]
    return Text(f"可以参考以下规定：「{first[:20]}」[1]。")


def _events(response) -> list[tuple[str, dict]]:
    raw = "".join(response.iter_text())
    return [
        (m.group(1), json.loads(m.group(2))) for m in re.finditer(r"event: (\w+)\ndata: (.*)\n\n", raw)
    ]


def _verbatim(payload: dict) -> bool:
    by_n = {c["n"]: c["text"] for c in payload["citations"]}
    return all(
        any(q in by_n.get(int(n), "") for n in re.findall(r"\[(\d+)\]", line))
        for line in payload["answer"].splitlines()
        for q in quotes(line)
    )


def test_ask_serves_a_faithful_answer_as_llm(served, llm, client):
    llm.script = faithful
    payload = served.post("/api/ask", json={"question": QUESTION}).json()
    assert payload["mode"] == "llm" and payload["model"] == "fake-model" and payload["answerable"]
    assert payload["answer"].startswith("可以参考以下规定：") and _verbatim(payload)
    assert [c["n"] for c in payload["citations"]] == [1] and payload["citations"][0]["quote"]
    extractive = client.post("/api/ask", json={"question": QUESTION}).json()  # the app without a model
    assert extractive["mode"] == "extractive" and extractive["model"] is None


@pytest.mark.parametrize(
    "reply",
    [
        Text("根据规定，「灵活就业人员每人每月补贴九百九十九元」[1]。"),
        Text("灵活就业人员可缓缴社保费987654元[1]。"),
        Text("详见第九条[9]。"),
        Text("可以缓缴，具体请咨询当地社保部门。"),
        Text("无法回答"),
        Status(500),
        Status(429),
        Invalid(),
        Cut("可以参考「灵活"),
        Hang(TIMEOUT + 3),
    ],
    ids=["fabricated-quote", "invented-number", "marker-to-nothing", "no-markers", "decline", "500", "429", "invalid-json", "cut", "timeout"],
)
def test_what_fails_is_answered_with_the_verified_extractive_answer(served, llm, client, reply):
    llm.script = lambda request: reply
    extractive = client.post("/api/ask", json={"question": QUESTION}).json()
    started = time.monotonic()
    response = served.post("/api/ask", json={"question": QUESTION})
    assert time.monotonic() - started < TIMEOUT + 1
    assert response.status_code == 200
    payload = response.json()
    assert payload["mode"] == "extractive" and payload["answer"] == extractive["answer"]
    assert payload["citations"] == extractive["citations"]
    started = time.monotonic()
    with served.stream("POST", "/api/ask/stream", json={"question": QUESTION}) as stream:
        assert stream.status_code == 200
        events = _events(stream)
    assert time.monotonic() - started < TIMEOUT + 1
    assert [k for k, _ in events][0] == "citations" and events[-1][0] == "done"
    done = events[-1][1]
    assert done["mode"] == "extractive" and done["answer"] == extractive["answer"]
    assert "".join(d["text"] for k, d in events if k == "delta") == extractive["answer"]


def test_the_stream_sends_verified_statements_then_done(served, llm):
    def script(request):
        first = clauses_in(request)[1]
        return Text(f"「{first[:10]}」[1]。每人补贴987654元[1]。「{first[:6]}」[1]。", piece_chars=2)

    llm.script = script
    with served.stream("POST", "/api/ask/stream", json={"question": QUESTION}) as stream:
        events = _events(stream)
    kinds = [k for k, _ in events]
    assert kinds[0] == "citations" and kinds[-1] == "done" and kinds.count("delta") >= 2
    sent = "".join(d["text"] for k, d in events if k == "delta")
    done = events[-1][1]
    assert done["mode"] == "llm" and sent == done["answer"] and "987654" not in sent and _verbatim(done)
    assert {c["n"] for c in done["citations"]} <= {c["n"] for c in events[0][1]["citations"]}


def test_status_reports_the_model(served, llm):
    status = served.get("/api/status").json()
    assert status["answer_mode"] == "llm" and status["index"]["ready"]
    assert status["llm"]["configured"] and status["llm"]["model"] == "fake-model" and status["llm"]["reachable"]


def test_status_without_a_model(client):
    status = client.get("/api/status").json()
    assert status == {**status, "answer_mode": "extractive", "llm": {"configured": False}}


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_model_does_not_stop_the_service(index_dir, corpus_dir, client):
    url = f"http://127.0.0.1:{_dead_port()}/v1"
    settings = Settings(index_dir=index_dir, corpus_dir=corpus_dir, llm_base_url=url, llm_model="m", llm_timeout=TIMEOUT)
    with TestClient(create_app(settings)) as dead:
        assert dead.get("/readyz").status_code == 200  # readiness does not depend on the model
        payload = dead.post("/api/ask", json={"question": QUESTION}).json()
        assert payload["mode"] == "extractive"
        assert payload["answer"] == client.post("/api/ask", json={"question": QUESTION}).json()["answer"]
        status = dead.get("/api/status").json()["llm"]
        assert status["configured"] and status["reachable"] is False


def test_a_base_url_without_a_model_name_is_refused():
    with pytest.raises(ValueError, match="POLICYQA_LLM_MODEL"):
        Settings(llm_base_url="http://127.0.0.1:1/v1")
