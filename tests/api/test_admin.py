"""Admin API: uploads and removal behind a Bearer token, and a running app that serves the new index
without a restart (the real app with its lifespan, the real model, a real index of a small corpus)."""
import shutil
from pathlib import Path
import time

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from rag.index import build_index

ROOT = Path(__file__).resolve().parents[2]
EXTRACT = ROOT / "tests" / "fixtures" / "extract"
NEWDOCS = ROOT / "tests" / "fixtures" / "newdocs"
TOKEN = "s3cret-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def admin(tmp_path, corpus_dir, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(corpus_dir / "chongqing-platform-economy.txt", corpus)
    build_index(corpus, tmp_path / "index", embedder)
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, admin_token=TOKEN, max_upload_bytes=400_000)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, corpus


def test_admin_api_is_off_without_a_token(client):
    response = client.post("/api/admin/documents", files={"files": ("a.txt", b"x")})
    assert response.status_code == 404 and response.json()["detail"]["message_zh"] == "管理接口未开启"


def test_token_required_and_checked(admin):
    client, _ = admin
    files = {"files": ("a.txt", b"x")}
    missing = client.post("/api/admin/documents", files=files)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["detail"]["message_zh"]
    wrong = client.post("/api/admin/documents", files=files, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    assert client.delete("/api/admin/documents/chongqing-platform-economy").status_code == 401


def test_upload_is_served_without_restart_then_removed(admin):
    """A web page uploaded under a misleading name is read as HTML; the running app answers from it,
    /readyz stays ready; the same notice again is a duplicate; removal takes it out of the answers."""
    client, corpus = admin
    question = {"question": "广州特困人员的基本生活标准是多少？"}
    before = client.post("/api/ask", json=question).json()
    assert not any(c["doc_id"].startswith("gz-") for c in before["citations"])

    page = (EXTRACT / "gz-tekun-support-2021.html").read_bytes()
    response = client.post("/api/admin/documents", files={"files": ("tekun.txt", page)}, headers=AUTH, data={"id": "gz-tekun"})
    assert response.status_code == 200, response.text
    report = response.json()["documents"][0]
    assert report["action"] == "added" and report["format"] == "html" and report["region"] == "广州"
    assert report["doc_number"] == "穗府办规〔2021〕7号" and report["clauses"] == 9 and report["path"] == "tekun.txt"
    assert response.json()["index"]["documents"] == 2
    assert (corpus / "gz-tekun.txt").exists() and (corpus / "gz-tekun.html").exists()
    assert client.get("/readyz").status_code == 200

    after = client.post("/api/ask", json=question).json()
    assert after["answerable"] and after["citations"][0]["doc_id"] == "gz-tekun"
    assert after["citations"][0]["source"] == "gz-tekun.txt"

    again = client.post("/api/admin/documents", files={"files": ("copy.txt", (NEWDOCS / "gz-tekun-support-2021.txt").read_bytes())}, headers=AUTH)
    assert again.status_code == 200 and again.json()["documents"][0]["action"] == "duplicate"
    assert again.json()["documents"][0]["duplicate_of"] == "gz-tekun"

    removed = client.delete("/api/admin/documents/gz-tekun", headers=AUTH)
    assert removed.status_code == 200 and removed.json()["index"]["documents"] == 1
    assert all(d["id"] != "gz-tekun" for d in client.get("/api/documents").json())
    assert client.delete("/api/admin/documents/gz-tekun", headers=AUTH).status_code == 404


def test_bad_and_oversized_uploads_are_clear_errors(admin):
    client, corpus = admin
    bad = client.post("/api/admin/documents", files={"files": ("scan.pdf", b"%PDF-1.4 broken")}, headers=AUTH)
    assert bad.status_code == 422
    report = bad.json()["documents"][0]
    assert report["action"] == "failed" and "scan.pdf" in report["message_zh"]
    big = client.post("/api/admin/documents", files={"files": ("big.txt", b"a" * 400_001)}, headers=AUTH)
    assert big.status_code == 413 and big.json()["detail"]["message_zh"]
    assert sorted(p.name for p in corpus.iterdir()) == ["chongqing-platform-economy.txt"]


def test_index_rebuilt_elsewhere_is_picked_up(admin, embedder):
    """`policyqa add` on the same corpus from another process: the running app reloads the new index
    when the manifest changes, while it keeps answering."""
    client, corpus = admin
    shutil.copy(NEWDOCS / "gz-tekun-support-2021.txt", corpus)
    settings = client.app.state.settings
    build_index(corpus, settings.index_dir, embedder)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert client.post("/api/ask", json={"question": "重庆平台经济有哪些支持？"}).status_code == 200
        if len(client.get("/api/documents").json()) == 2:
            break
        time.sleep(0.5)
    assert {d["id"] for d in client.get("/api/documents").json()} == {"chongqing-platform-economy", "gz-tekun-support-2021"}
    assert client.get("/readyz").json()["counts"]["documents"] == 2
