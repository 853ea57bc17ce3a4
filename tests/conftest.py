"""Session fixtures: the real model, loaded once, and a real index built once."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Apps built by tests keep their question log and rate-limit counters out of the repository, and
# are not rate limited unless a test asks for it.
os.environ.setdefault("POLICYQA_LOG_DB", os.path.join(tempfile.mkdtemp(prefix="policyqa-test-log-"), "questions.sqlite3"))
os.environ.setdefault("POLICYQA_RATE_LIMIT", "off")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def documents():
    from rag.corpus import load_corpus

    return {d.meta.id: d for d in load_corpus(CORPUS)}


@pytest.fixture(scope="session")
def embedder():
    from api.state import embedder_for  # the same cache the app uses, so the model loads once
    from rag.settings import Settings

    return embedder_for(Settings())


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, embedder) -> Path:
    """A freshly built, current index of the real corpus."""
    from rag.index import build_index

    path = tmp_path_factory.mktemp("policyqa") / "index"
    build_index(CORPUS, path, embedder)
    return path


@pytest.fixture(scope="session")
def policy_index(index_dir, embedder):
    from rag.index import load_index

    return load_index(index_dir, CORPUS, str(embedder.path))


@pytest.fixture(scope="session")
def pipeline(policy_index, embedder):
    from rag.pipeline import Pipeline

    return Pipeline(policy_index, embedder)


@pytest.fixture(scope="session")
def fake_llm():
    """A scripted OpenAI-compatible server on 127.0.0.1 (a fake: no model can be downloaded here)."""
    from fakellm import FakeLLM

    server = FakeLLM()
    yield server
    server.close()


@pytest.fixture
def llm(fake_llm):
    """The fake server with its script and request log cleared for one test."""
    from fakellm import Text

    fake_llm.script = lambda request: Text("无法回答")
    fake_llm.requests.clear()
    return fake_llm
