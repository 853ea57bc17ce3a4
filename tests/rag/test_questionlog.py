"""The question log: a real SQLite file, WAL, retention, feedback, the report's grouping with the real model."""
from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from rag.questionlog import Entry, QuestionLog, group_similar, new_id


def _entry(question: str, answerable: bool, reason: str = "answered", days_ago: int = 0, citations=()) -> Entry:
    ts = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(timespec="seconds")
    return Entry(new_id(), "ask", question, question, answerable, reason, list(citations), 12.5, "extractive", ts=ts)


def test_entries_feedback_and_retention(tmp_path):
    log = QuestionLog(tmp_path / "q.sqlite3")
    old, new = _entry("旧问题", True, days_ago=200), _entry("新问题", False, "not_in_documents")
    log.record(old)
    log.record(new)
    assert log.feedback(new.id, False, "没用") and not log.feedback("nope", True, None)
    assert log.purge(180) == 1
    with sqlite3.connect(tmp_path / "q.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert [r[0] for r in db.execute("SELECT question FROM asks")] == ["新问题"]
    assert log.exists(new.id) and not log.exists(old.id)


def test_the_client_is_kept_as_a_stable_salted_hash(tmp_path):
    one = QuestionLog(tmp_path / "q.sqlite3")
    two = QuestionLog(tmp_path / "q.sqlite3")  # another worker: the same salt
    assert one.client_hash("203.0.113.9") == two.client_hash("203.0.113.9") != one.client_hash("203.0.113.10")
    assert "203" not in one.client_hash("203.0.113.9")
    assert QuestionLog(tmp_path / "other.sqlite3").client_hash("203.0.113.9") != one.client_hash("203.0.113.9")


def test_report_groups_declined_paraphrases(tmp_path, embedder):
    log = QuestionLog(tmp_path / "q.sqlite3")
    for q in ("北京的公租房怎么申请", "北京公租房如何申请？", "个人所得税怎么退", "快递丢了怎么办"):
        log.record(_entry(q, False, "not_in_documents"))
    answered = _entry("网络货运平台有什么支持？", True, citations=["a#一.1"])
    log.record(answered)
    log.feedback(answered.id, False, "太笼统")
    report = log.report(30, embedder.encode)
    assert report["questions"] == 5 and report["answered_share"] == 0.2
    groups = report["declined_groups"]
    assert groups[0]["count"] == 2 and set(groups[0]["questions"]) == {"北京的公租房怎么申请", "北京公租房如何申请？"}
    assert len(groups) == 3
    assert report["unhelpful"][0]["comment"] == "太笼统" and report["most_cited"] == [{"clause_id": "a#一.1", "citations": 1}]
    assert report["feedback"] == {"helpful": 0, "unhelpful": 1}


def test_without_a_model_only_identical_questions_group():
    groups = group_similar([("快递丢了怎么办", "x"), ("快递丢了怎么办？", "x"), ("快件丢失如何处理", "x")], None)
    assert [g["count"] for g in groups] == [2, 1]
