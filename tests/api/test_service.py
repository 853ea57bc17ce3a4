"""Running on a public website: rate limits, answer ids and feedback, the office's report, metrics,
offline docs, the body limit for chunked bodies, one log line per request. The real app with its
lifespan, a real SQLite question log in a temporary folder."""
from __future__ import annotations

import logging
import sqlite3

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings

QUESTION = "灵活就业人员的社会保险费可以缓缴吗？"
DECLINED = "我被美团扣了300块押金一直不退，打客服也没用，我该怎么办"
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def service(index_dir, corpus_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("service")
    settings = Settings(
        index_dir=index_dir, corpus_dir=corpus_dir, admin_token=TOKEN, rate_limit="off",
        log_db=str(folder / "questions.sqlite3"), allowed_origins=["http://portal.example"],
    )  # fmt: skip
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def _limited(index_dir, corpus_dir, folder, rate="3/minute", **extra) -> TestClient:
    settings = Settings(
        index_dir=index_dir, corpus_dir=corpus_dir, rate_limit=rate, log_db=str(folder / "questions.sqlite3"), **extra
    )
    return TestClient(create_app(settings), raise_server_exceptions=False)


def test_the_request_over_the_limit_gets_429_with_retry_after(index_dir, corpus_dir, tmp_path):
    with _limited(index_dir, corpus_dir, tmp_path) as client:
        statuses = [client.post("/api/ask", json={"question": QUESTION}).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        response = client.post("/api/ask", json={"question": QUESTION})
        assert response.status_code == 429
        assert 1 <= int(response.headers["retry-after"]) <= 60
        detail = response.json()["detail"]
        assert "Too many requests" in detail["message"] and "请求过于频繁" in detail["message_zh"]
        assert client.get("/healthz").status_code == 200  # health checks are not limited
        assert client.get("/api/search", params={"q": "网络货运"}).status_code == 429  # the client is, on every /api/ route


def test_several_workers_count_together(index_dir, corpus_dir, tmp_path):
    """Two apps (as two workers would) on the same counter file share one budget."""
    with _limited(index_dir, corpus_dir, tmp_path) as one, _limited(index_dir, corpus_dir, tmp_path) as two:
        codes = [c.get("/api/search", params={"q": "网络货运"}).status_code for c in (one, two, one, two)]
    assert codes == [200, 200, 200, 429]


def test_a_widget_origin_has_its_own_limit(index_dir, corpus_dir, tmp_path):
    with _limited(index_dir, corpus_dir, tmp_path, rate="off", origin_rate_limit="2/minute",
                  allowed_origins=["http://portal.example"]) as client:  # fmt: skip
        portal = {"Origin": "http://portal.example"}
        codes = [client.get("/api/search", params={"q": "网络货运"}, headers=portal).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        limited = client.get("/api/search", params={"q": "网络货运"}, headers=portal)
        assert limited.headers.get("access-control-allow-origin") == "http://portal.example"  # the widget can read it
        assert client.get("/api/search", params={"q": "网络货运"}).status_code == 200  # no origin: not that budget


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy():
    from api.ratelimit import RateLimiter

    limiter = RateLimiter("10/minute", "off", "memory://", ["10.0.0.0/8"])
    assert limiter.client("10.1.2.3", "203.0.113.9, 10.4.4.4") == "203.0.113.9"
    assert limiter.client("198.51.100.7", "203.0.113.9") == "198.51.100.7"  # anyone may send the header
    assert limiter.client("10.1.2.3", None) == "10.1.2.3"


def test_a_bad_rate_is_a_clear_error():
    with pytest.raises(ValueError, match="POLICYQA_RATE_LIMIT"):
        Settings(rate_limit="lots")


def test_every_answer_has_an_id_that_takes_feedback(service):
    payload = service.post("/api/ask", json={"question": QUESTION}).json()
    ask_id = payload["id"]
    assert len(ask_id) == 32
    response = service.post("/api/feedback", json={"ask_id": ask_id, "helpful": False, "comment": "没说清楚怎么申请"})
    assert response.status_code == 200 and response.json() == {"ask_id": ask_id, "recorded": True}
    missing = service.post("/api/feedback", json={"ask_id": "0" * 32, "helpful": True})
    assert missing.status_code == 404 and "未找到" in missing.json()["detail"]["message_zh"]
    for bad in ({"ask_id": ask_id, "helpful": "maybe"}, {"ask_id": ask_id, "helpful": True, "comment": "长" * 501}, {"helpful": True}):
        response = service.post("/api/feedback", json=bad)
        assert response.status_code == 422 and response.json()["detail"]["message_zh"]


def test_the_stream_done_event_carries_the_id(service):
    with service.stream("POST", "/api/ask/stream", json={"question": QUESTION}) as response:
        raw = "".join(response.iter_text())
    done = raw.split("event: done\ndata: ", 1)[1]
    assert '"id": "' in done


def test_the_log_keeps_no_address(service):
    service.post("/api/ask", json={"question": QUESTION}, headers={"Origin": "http://portal.example"})
    path = service.app.state.settings.question_log_path
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT question, reason, citations, mode, origin, client FROM asks").fetchall()
    assert rows and all(row[5] is None or (len(row[5]) == 16 and "testclient" not in row[5]) for row in rows)
    assert any(row[4] == "http://portal.example" and row[0] == QUESTION for row in rows)


def test_the_admin_report_lists_a_declined_question_just_asked(service):
    service.post("/api/ask", json={"question": DECLINED})
    assert service.get("/api/admin/report").status_code == 401
    assert service.get("/api/admin/report", headers={"Authorization": "Bearer wrong"}).status_code == 403
    report = service.get("/api/admin/report", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert report["questions"] >= 2 and 0 < report["answered_share"] < 1
    assert any(DECLINED in group["questions"] for group in report["declined_groups"])
    assert report["most_cited"] and report["per_day"]


def test_metrics_scrape(service):
    service.post("/api/ask", json={"question": QUESTION})
    text = service.get("/metrics").text
    assert 'policyqa_answers_total{mode="extractive",reason="answered"}' in text
    assert "http_request_duration_seconds_bucket" in text and 'handler="/api/ask"' in text
    assert "policyqa_index_clauses" in text and "policyqa_index_built_timestamp_seconds" in text


def test_docs_need_no_other_host(service):
    for page in ("/docs", "/redoc"):
        html = service.get(page).text
        assert "/static-docs/" in html and "cdn" not in html.lower() and "fonts.googleapis" not in html
    assert service.get("/static-docs/swagger-ui-bundle.js").status_code == 200
    assert service.get("/static-docs/redoc.standalone.js").status_code == 200


def test_a_chunked_body_over_the_limit_is_refused(service):
    def chunks():
        for _ in range(100):
            yield b"x" * 1024

    response = service.post("/api/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["detail"]["message_zh"] == "请求体过大"


def test_one_log_line_per_request_with_the_answer_id(service, caplog):
    with caplog.at_level(logging.INFO, logger="policyqa.access"):
        payload = service.post("/api/ask", json={"question": QUESTION}).json()
    lines = [r for r in caplog.records if r.name == "policyqa.access"]
    assert len(lines) == 1
    assert lines[0].route == "/api/ask" and lines[0].status == 200 and lines[0].ask_id == payload["id"]


def test_json_log_lines():
    import json

    from api.logs import JSONFormatter

    record = logging.LogRecord("policyqa.access", logging.INFO, __file__, 1, "POST /api/ask 200", None, None)
    record.route, record.status = "/api/ask", 200
    line = json.loads(JSONFormatter().format(record))
    assert line["route"] == "/api/ask" and line["status"] == 200 and line["message"] == "POST /api/ask 200"
