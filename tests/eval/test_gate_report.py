"""`policyqa eval --llm` reports the citation gate. The model is the scripted OpenAI-compatible
server of tests/fakellm.py (a fake: no model can be downloaded here): it quotes the first clause
given, and on every third request invents a figure, so both columns of the table are exercised."""
from __future__ import annotations

import itertools

from fakellm import Text, clauses_in

from eval.harness import main


def test_eval_llm_prints_the_gate_table(llm, index_dir, corpus_dir, monkeypatch, capsys):
    counter = itertools.count()

    def script(request):
        first = clauses_in(request)[1]
        if next(counter) % 3 == 2:
            return Text("每家企业奖励987654元[1]。")
        return Text(f"「{first[:12]}」[1]。")

    llm.script = script
    monkeypatch.setenv("POLICYQA_LLM_BASE_URL", llm.base_url)
    monkeypatch.setenv("POLICYQA_LLM_MODEL", "fake-model")
    code = main(["--split", "fresh2", "--no-baselines", "--no-realq", "--llm", "--index", str(index_dir), "--corpus", str(corpus_dir)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Citation gate on split `fresh2` with model `fake-model`" in out
    assert "| removed: figure_not_in_clause |" in out and "| fallback: nothing_left |" in out
    assert "| 「」 quotes verbatim in cited clause | 100.0% |" in out


def test_eval_llm_without_a_model_says_so(monkeypatch, capsys):
    monkeypatch.delenv("POLICYQA_LLM_BASE_URL", raising=False)
    assert main(["--split", "fresh2", "--llm"]) == 2
    assert "POLICYQA_LLM_BASE_URL" in capsys.readouterr().err
