"""The installed `policyqa` command, run as a user would (a real process, real model)."""
import json
import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def run(*args, env_extra=None):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env_extra or {})}
    return subprocess.run([BIN / "policyqa", *args], capture_output=True, text=True, env=env, timeout=300)


def test_clauses_jsonl_lists_every_clause():
    result = run("clauses", "--jsonl")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 117
    assert {"id", "source", "doc_title", "label", "heading", "path", "text", "departments", "start", "end"} <= set(rows[0])


def test_ask_json_matches_the_api_shape(index_dir):
    result = run("--index", str(index_dir), "ask", "灵活就业人员的社会保险费可以缓缴吗？", "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["answerable"] and body["citations"][0]["clause_id"] == "tianjin-new-consumption#四.十六"


def test_index_rebuilds_a_stale_index(tmp_path, index_dir, corpus_dir):
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    (corpus / "documents.toml").write_text((corpus / "documents.toml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("--corpus", str(corpus), "--index", str(index), "index")
    assert result.returncode == 0, result.stderr
    assert "索引就绪" in result.stdout


def test_errors_are_bilingual_without_traceback(tmp_path):
    result = run("--corpus", str(tmp_path), "--index", str(tmp_path / "i"), "clauses")
    assert result.returncode == 2
    assert "错误" in result.stderr and "error:" in result.stderr and "Traceback" not in result.stderr


def test_chat_resolves_follow_ups_like_the_api(index_dir):
    """A real terminal session on stdin: the second turn is resolved from the first, /new forgets it."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    script = "天津对跨境电商有哪些支持？\n那浙江呢？\n/new\n那浙江呢？\n/quit\n"
    result = subprocess.run(
        [BIN / "policyqa", "--index", str(index_dir), "chat"], input=script, capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("（按「浙江对跨境电商有哪些支持？」回答）") == 1
    assert "zhejiang-platform-economy#" in result.stdout and "（已开始新对话）" in result.stdout


def test_ask_with_a_language_model(llm, index_dir, corpus_dir, monkeypatch, capsys):
    """The CLI reads POLICYQA_LLM_* like the API; the model is the scripted server of tests/fakellm.py (a fake)."""
    from fakellm import Text, clauses_in

    from rag.cli import main

    llm.script = lambda request: Text(f"「{clauses_in(request)[1][:12]}」[1]。")
    monkeypatch.setenv("POLICYQA_LLM_BASE_URL", llm.base_url)
    monkeypatch.setenv("POLICYQA_LLM_MODEL", "fake-model")
    code = main(["--index", str(index_dir), "--corpus", str(corpus_dir), "ask", "灵活就业人员的社会保险费可以缓缴吗？"])
    out = capsys.readouterr().out
    assert code == 0 and "由 fake-model 撰写" in out and out.startswith("「")


def test_a_model_url_without_a_model_name_is_a_clear_error(index_dir, corpus_dir, monkeypatch, capsys):
    from rag.cli import main

    monkeypatch.setenv("POLICYQA_LLM_BASE_URL", "http://127.0.0.1:1/v1")
    monkeypatch.delenv("POLICYQA_LLM_MODEL", raising=False)
    code = main(["--index", str(index_dir), "--corpus", str(corpus_dir), "ask", "你好"])
    assert code == 2 and "POLICYQA_LLM_MODEL" in capsys.readouterr().err


def test_report_and_purge_read_the_question_log(tmp_path, monkeypatch, capsys):
    from rag.cli import main
    from rag.questionlog import Entry, QuestionLog, new_id

    path = tmp_path / "q.sqlite3"
    log = QuestionLog(path)
    from datetime import UTC, datetime, timedelta

    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).isoformat(timespec="seconds")
    log.record(Entry(new_id(), "ask", "北京的公租房怎么申请", "北京的公租房怎么申请", False, "region_not_covered", [], 9.0,
                     "extractive", ts=two_days_ago))  # fmt: skip
    monkeypatch.setenv("POLICYQA_LOG_DB", str(path))
    assert main(["report", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["declined_groups"][0]["example"] == "北京的公租房怎么申请"
    assert main(["report"]) == 0 and "北京的公租房怎么申请" in capsys.readouterr().out
    assert main(["log", "purge", "--days", "1"]) == 0 and "purged 1" in capsys.readouterr().out


def test_ask_uses_a_running_server_of_the_same_index(index_dir, corpus_dir):
    """The real server under uvicorn on 127.0.0.1; the CLI asks it instead of loading the model."""
    import httpx

    from eval.bench import start_server, wait_ready

    server, url = start_server({"POLICYQA_INDEX_DIR": str(index_dir), "POLICYQA_CORPUS_DIR": str(corpus_dir)})
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            wait_ready(client)
        question = "灵活就业人员的社会保险费可以缓缴吗？"
        served = run("--index", str(index_dir), "ask", question, "--json", "--server", url)
        local = run("--index", str(index_dir), "ask", question, "--json", "--local")
        assert served.returncode == 0 and local.returncode == 0
        via_server, in_process = json.loads(served.stdout), json.loads(local.stdout)
        assert "id" in via_server and "id" not in in_process  # it went through the server (which logs answers)
        assert via_server["answer"] == in_process["answer"] and via_server["citations"] == in_process["citations"]
    finally:
        server.terminate()
        server.wait(timeout=30)
