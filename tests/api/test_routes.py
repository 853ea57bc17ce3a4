import json
import shutil
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings

QUESTION = "灵活就业人员的社会保险费可以缓缴吗？"


def assert_bilingual(response, status):
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert detail["message"] and detail["message_zh"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detail["message_zh"])
    assert "Traceback" not in response.text


def test_ask_flagship(client):
    response = client.post("/api/ask", json={"question": QUESTION})
    assert response.status_code == 200
    body = response.json()
    assert body["question"] == QUESTION and body["answerable"] is True and body["reason"] == "answered"
    first = body["citations"][0]
    assert first["n"] == 1 and first["clause_id"] == "tianjin-new-consumption#四.十六"
    assert first["label"] == "（十六）" and first["doc_title"] == "天津新型消费实施方案"
    assert first["source"] == "tianjin-new-consumption-plan-draft.txt"
    assert first["doc_status"] == "征求意见稿" and first["validity"] == "已废止"
    assert {"name": "市人社局", "lead": True} in first["departments"]
    assert first["quote"] in first["text"]
    assert f"「{first['quote']}」" in body["answer"]
    assert [c["n"] for c in body["citations"]] == list(range(1, len(body["citations"]) + 1))


def test_ask_declines_other_cities(client):
    body = client.post("/api/ask", json={"question": "上海对直播电商有什么扶持政策？"}).json()
    assert body["answerable"] is False and body["citations"] == []
    assert body["reason"] == "region_not_covered"


def test_ask_says_why_it_declines(client):
    body = client.post("/api/ask", json={"question": "How do I renew my passport?"}).json()
    assert body["answerable"] is False and body["reason"] == "other_language" and body["citations"] == []
    body = client.post("/api/ask", json={"question": "我在网上买的鞋子质量有问题，商家不给退款，平台也不管，我该怎么办？"}).json()
    assert body["answerable"] is False and body["reason"] in ("personal_case", "not_in_documents")


def test_ask_with_filters(client):
    body = client.post("/api/ask", json={"question": "平台企业的金融支持", "region": "重庆", "top_k": 3}).json()
    assert {c["doc_id"] for c in body["citations"]} == {"chongqing-platform-economy"}
    body = client.post("/api/ask", json={"question": "金融支持", "doc_id": "tianjin-life-services"}).json()
    assert {c["doc_id"] for c in body["citations"]} == {"tianjin-life-services"}


def test_stream_sends_citations_then_pieces_then_done(client):
    with client.stream("POST", "/api/ask/stream", json={"question": QUESTION}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        raw = "".join(response.iter_text())
    events = [
        (block.split("\n")[0].removeprefix("event: "), json.loads(block.split("\n")[1].removeprefix("data: ")))
        for block in raw.strip().split("\n\n")
    ]
    names = [name for name, _ in events]
    assert names[0] == "citations" and names[-1] == "done" and set(names[1:-1]) == {"delta"}
    assert len(names) > 4
    done = events[-1][1]
    assert "".join(data["text"] for name, data in events if name == "delta") == done["answer"]
    assert events[0][1]["citations"] == done["citations"]


def test_stream_rejects_bad_input_before_streaming(client):
    assert_bilingual(client.post("/api/ask/stream", json={"question": ""}), 422)


@pytest.mark.parametrize(
    "body",
    [
        {"question": ""},
        {"question": "   "},
        {"question": "问" * 501},
        {"question": 123},
        {"question": ["列表"]},
        {},
        {"question": "跨境电商", "top_k": 0},
        {"question": "跨境电商", "top_k": 51},
        {"question": "跨境电商", "top_k": "五"},
        {"question": "跨境电商", "region": "北京"},
        {"question": "跨境电商", "unknown": 1},
        ["not", "an", "object"],
    ],
)
def test_ask_bad_input_is_422(client, body):
    assert_bilingual(client.post("/api/ask", json=body), 422)


def test_unknown_region_is_422_naming_the_regions_loaded(client):
    response = client.post("/api/ask", json={"question": "跨境电商", "region": "北京"})
    assert_bilingual(response, 422)
    regions = {d["region"] for d in client.get("/api/documents").json()}
    assert all(region in response.json()["detail"]["message_zh"] for region in regions)
    assert_bilingual(client.post("/api/ask/stream", json={"question": "跨境电商", "region": "北京"}), 422)


def test_ask_malformed_json_is_422(client):
    response = client.post("/api/ask", content=b'{"question": ', headers={"content-type": "application/json"})
    assert_bilingual(response, 422)
    assert response.json()["detail"]["message_zh"] == "请求体不是合法的 JSON"


def test_ask_500_chars_is_accepted(client):
    assert client.post("/api/ask", json={"question": "平台" * 250}).status_code == 200


def test_ask_unknown_document_is_404(client):
    assert_bilingual(client.post("/api/ask", json={"question": "金融", "doc_id": "beijing"}), 404)


def test_search(client):
    body = client.get("/api/search", params={"q": "网络货运", "k": 3}).json()
    assert body["query"] == "网络货运" and len(body["hits"]) == 3
    assert body["hits"][0]["clause_id"] == "tianjin-productive-services#二.四"
    assert [h["rank"] for h in body["hits"]] == [1, 2, 3]
    assert body["hits"][0]["score"] >= body["hits"][1]["score"]


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "  "}, {"q": "a", "k": 0}, {"q": "a", "k": "x"}, {"q": "问" * 501}])
def test_search_bad_input_is_422(client, params):
    assert_bilingual(client.get("/api/search", params=params), 422)


def test_clause_verbatim_with_offsets(client, corpus_dir):
    body = client.get("/api/clauses/" + quote("tianjin-new-consumption#四.十六")).json()
    source = (corpus_dir / body["source"]).read_text(encoding="utf-8")
    assert source[body["start"] : body["end"]] == body["text"]  # a clause on one source line
    assert body["label"] == "（十六）" and body["heading"] == "完善劳动保障政策"


def test_unknown_clause_and_document_are_404(client):
    assert_bilingual(client.get("/api/clauses/" + quote("tianjin-new-consumption#九.九十")), 404)
    assert_bilingual(client.get("/api/documents/beijing"), 404)
    assert_bilingual(client.get("/api/nothing-here"), 404)


def test_documents(client):
    docs = {d["id"]: d for d in client.get("/api/documents").json()}
    assert len(docs) == 5
    assert docs["chongqing-platform-economy"]["doc_number"] == "渝府办发〔2020〕16号"
    assert docs["tianjin-new-consumption"]["valid_until"] == "2025-12-31"
    assert docs["tianjin-life-services"]["date"] is None
    assert sum(d["clause_count"] for d in docs.values()) == 117


def test_document_tree(client):
    body = client.get("/api/documents/zhejiang-platform-economy").json()
    assert body["status"] == "征求意见稿" and len(body["clauses"]) == 31
    labels = [node["label"] for node in body["tree"]]
    assert labels == ["序言", "一、", "二、", "三、"]
    part_two = body["tree"][2]
    assert part_two["heading"] == "主要举措"
    assert [len(s["children"]) for s in part_two["children"]] == [6, 9, 10]
    assert part_two["children"][0]["children"][2]["clause_id"] == "zhejiang-platform-economy#二.一.3"


def test_health_and_ready(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["counts"]["clauses"] == 117


def test_openapi_docs_have_a_chinese_example(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert QUESTION in json.dumps(spec, ensure_ascii=False)


def test_cors_allowlist(client):
    allowed = client.options(
        "/api/ask", headers={"Origin": "http://allowed.example", "Access-Control-Request-Method": "POST"}
    )
    assert allowed.headers.get("access-control-allow-origin") == "http://allowed.example"
    refused = client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in refused.headers
    preflight = client.options(
        "/api/ask", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 403 and "access-control-allow-origin" not in preflight.headers
    detail = preflight.json()["detail"]
    assert "http://evil.example" in detail["message_zh"] and "POLICYQA_ALLOWED_ORIGINS" in detail["message"]


def test_stale_index_is_refused_not_served(tmp_path, corpus_dir, index_dir):
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    stale = tmp_path / "index"
    shutil.copytree(index_dir, stale)
    text = corpus / "zhejiang-platform-economy-draft.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    settings = Settings(index_dir=stale, corpus_dir=corpus)
    with TestClient(create_app(settings)) as stale_client:
        assert stale_client.get("/healthz").status_code == 200
        ready = stale_client.get("/readyz")
        assert ready.status_code == 503 and "过期" in ready.json()["message_zh"]
        assert_bilingual(stale_client.post("/api/ask", json={"question": QUESTION}), 503)


def test_missing_index_is_503(tmp_path, corpus_dir):
    settings = Settings(index_dir=tmp_path / "none", corpus_dir=corpus_dir)
    with TestClient(create_app(settings)) as missing:
        assert missing.get("/readyz").status_code == 503
        assert_bilingual(missing.get("/api/documents"), 503)


def test_stream_reports_a_failure_as_an_error_event(client, monkeypatch):
    """The pipeline is made to fail on purpose: the stream must end with an error event, not a 500."""

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(client.app.state.policyqa.pipeline, "stream", broken)
    with client.stream("POST", "/api/ask/stream", json={"question": QUESTION}) as response:
        assert response.status_code == 200
        raw = "".join(response.iter_text())
    assert raw.startswith("event: error") and "服务内部错误" in raw and "boom" not in raw


@pytest.mark.parametrize(
    "content",
    [b'{"question": "\xff\xfe"}', b'{"question": "a", "top_k": ' + b"9" * 5000 + b"}", b"[" * 3000 + b"]" * 3000],
)
def test_undecodable_bodies_are_422(client, content):
    assert_bilingual(client.post("/api/ask", content=content, headers={"content-type": "application/json"}), 422)


def test_oversized_body_is_413(client):
    assert_bilingual(client.post("/api/ask", json={"question": "问" * 30000}), 413)


def test_boolean_top_k_and_padded_question(client):
    assert_bilingual(client.post("/api/ask", json={"question": "跨境电商", "top_k": True}), 422)
    assert client.post("/api/ask", json={"question": " " * 20 + "跨" * 490}).status_code == 200


def test_filters_that_exclude_each_other(client):
    body = client.post("/api/ask", json={"question": "消费券", "region": "重庆", "doc_id": "tianjin-new-consumption"}).json()
    assert body["answerable"] is False and body["citations"] == []
