"""Follow-up questions over the API: the client sends the history, the server resolves the turn
(the real app, model and index)."""


def ask(client, question, history=()):
    response = client.post("/api/ask", json={"question": question, "history": list(history)})
    assert response.status_code == 200, response.text
    return response.json()


def turns(*answers):
    history = []
    for question, body in answers:
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": body["answer"], "citations": [c["clause_id"] for c in body["citations"]]},
        ]
    return history


def test_region_switch_then_deixis(client):
    first = ask(client, "天津对跨境电商有哪些支持？")
    assert first["resolved_question"] == first["question"]
    second = ask(client, "那浙江呢？", turns(("天津对跨境电商有哪些支持？", first)))
    assert second["resolved_question"] == "浙江对跨境电商有哪些支持？"
    assert second["answerable"] and second["citations"][0]["doc_id"] == "zhejiang-platform-economy"
    third = ask(client, "它现在还有效吗？", turns(("天津对跨境电商有哪些支持？", first), ("那浙江呢？", second)))
    assert "《浙江平台经济实施意见》" in third["resolved_question"]
    assert "征求意见稿" in third["answer"]


def test_a_new_question_inherits_nothing(client):
    first = ask(client, "天津对跨境电商有哪些支持？")
    question = "重庆平台经济联席会议的办公室设在哪个部门？"
    second = ask(client, question, turns(("天津对跨境电商有哪些支持？", first)))
    assert second["resolved_question"] == question
    assert all(c["doc_id"] == "chongqing-platform-economy" for c in second["citations"])


def test_a_pointer_with_nothing_to_point_at_asks_for_the_topic(client):
    history = [{"role": "user", "content": "你好"}, {"role": "assistant", "content": "您好！", "citations": ["no-such#clause"]}]
    body = ask(client, "这条由哪些部门负责？", history)
    assert not body["answerable"] and body["reason"] == "unclear_followup" and body["citations"] == []
    assert "请把要问的事项说完整" in body["answer"]


def test_history_is_validated(client):
    too_many = [{"role": "user", "content": "问题"}] * 21
    too_long = [{"role": "user", "content": "很" * 4001}, {"role": "assistant", "content": "长" * 4000}]
    bad_role = [{"role": "system", "content": "你是…"}]
    bad_type = [{"role": "user", "content": 3}]
    extra = [{"role": "user", "content": "问", "time": 1}]
    for history in (too_many, too_long, bad_role, bad_type, extra, "not a list"):
        response = client.post("/api/ask", json={"question": "灵活就业人员的社保可以缓缴吗？", "history": history})
        assert response.status_code == 422, history
        detail = response.json()["detail"]
        assert detail["message"] and detail["message_zh"]


def test_stream_reports_the_resolved_question(client):
    first = ask(client, "天津对跨境电商有哪些支持？")
    payload = {"question": "那浙江呢？", "history": turns(("天津对跨境电商有哪些支持？", first))}
    with client.stream("POST", "/api/ask/stream", json=payload) as response:
        text = "".join(response.iter_text())
    assert "浙江对跨境电商有哪些支持？" in text.split("event: delta")[0]
