"""LLM answers through the citation gate, with the real client (LangChain ChatOpenAI over HTTP), the
real index and model, and a scripted OpenAI-compatible server on 127.0.0.1 standing in for the
language model (a fake: no model can be downloaded here)."""
from __future__ import annotations

import re
import time

import pytest
from fakellm import Cut, Hang, Invalid, Status, Text, clauses_in

from rag.followup import Turn
from rag.gate import quotes
from rag.generate import Generator, LLMOptions, openai_chat_model
from rag.pipeline import Pipeline

QUESTION = "灵活就业人员的社会保险费可以缓缴吗？"
TIMEOUT = 1.5


def _generator(url: str, **options) -> Generator:
    settings = LLMOptions(timeout=TIMEOUT, **options)
    return Generator(openai_chat_model(url, "fake-model", None, TIMEOUT, 0.1, 400), "fake-model", settings, base_url=url)


@pytest.fixture
def llm_pipeline(policy_index, embedder, llm):
    return Pipeline(policy_index, embedder, generator=_generator(llm.base_url))


@pytest.fixture(scope="module")
def extractive(pipeline):
    return pipeline.ask(QUESTION)


def faithful(request: dict) -> Text:
    """Quotes the first clause given, verbatim, with its marker."""
    first = clauses_in(request)[1]
    return Text(f"可以参考以下规定：「{first[:20]}」[1]。")


def _quotes_verbatim(answer) -> bool:
    by_n = {c.n: c.clause.text for c in answer.citations}
    return all(
        any(q in by_n.get(int(n), "") for n in re.findall(r"\[(\d+)\]", line))
        for line in answer.answer.splitlines()
        for q in quotes(line)
    )


def test_a_faithful_answer_is_served(llm_pipeline, llm, extractive):
    llm.script = faithful
    answer = llm_pipeline.ask(QUESTION)
    assert answer.mode == "llm" and answer.model == "fake-model" and answer.answerable
    assert answer.answer.startswith("可以参考以下规定：「")
    assert [c.n for c in answer.citations] == [1]
    assert answer.citations[0].clause.id == extractive.citations[0].clause.id  # the extractive citations come first
    assert answer.citations[0].quote and answer.citations[0].quote in answer.citations[0].clause.text
    assert _quotes_verbatim(answer)
    prompt = llm.requests[-1]["messages"]
    assert prompt[0]["role"] == "system" and "「」" in prompt[0]["content"]
    assert QUESTION in prompt[-1]["content"] and "[1] 《" in prompt[-1]["content"]


@pytest.mark.parametrize(
    "content, reason",
    [
        ("根据规定，「灵活就业人员每人每月补贴九百九十九元」[1]。", "nothing_left"),  # a fabricated quote
        ("灵活就业人员可缓缴社保费987654元[1]。", "nothing_left"),  # a number no clause has
        ("详见第九条[9]。", "nothing_left"),  # a marker to a clause that was not given
        ("可以缓缴，具体请咨询当地社保部门。", "nothing_left"),  # no markers at all
        ("无法回答", "model_declined"),
        ("", "empty"),
    ],
)
def test_an_answer_that_fails_the_gate_falls_back_to_the_extractive_answer(llm_pipeline, llm, extractive, content, reason):
    llm.script = lambda request: Text(content)
    answer = llm_pipeline.ask(QUESTION)
    assert answer.mode == "extractive" and answer.llm is not None and answer.llm.reason == reason
    assert answer.answer == extractive.answer and answer.answerable == extractive.answerable
    assert [c.clause.id for c in answer.citations] == [c.clause.id for c in extractive.citations]


def test_a_failing_statement_is_removed_and_the_rest_served(llm_pipeline, llm):
    def mixed(request):
        first = clauses_in(request)[1]
        return Text(f"「{first[:10]}」[1]。每人补贴987654元[1]。「编造的原文」[2]。")

    llm.script = mixed
    answer = llm_pipeline.ask(QUESTION)
    assert answer.mode == "llm"
    assert "987654" not in answer.answer and "编造的原文" not in answer.answer
    assert sorted(p for p, _ in answer.llm.removed) == ["figure_not_in_clause", "quote_not_verbatim"]


@pytest.mark.parametrize(
    "reply, reason",
    [(Status(500), "http_500"), (Status(429), "http_429"), (Invalid(), "malformed"), (Cut("「灵活就业"), "malformed")],
)
def test_a_failing_model_falls_back(llm_pipeline, llm, extractive, reply, reason):
    llm.script = lambda request: reply
    answer = llm_pipeline.ask(QUESTION)
    assert answer.mode == "extractive" and answer.llm.reason == reason and answer.answer == extractive.answer


def test_a_model_that_does_not_answer_falls_back_within_the_timeout(llm_pipeline, llm, extractive):
    llm.script = lambda request: Hang(TIMEOUT + 3)
    started = time.monotonic()
    answer = llm_pipeline.ask(QUESTION)
    assert time.monotonic() - started < TIMEOUT + 1
    assert answer.mode == "extractive" and answer.llm.reason == "timeout" and answer.answer == extractive.answer
    started = time.monotonic()
    events = list(llm_pipeline.stream(QUESTION))
    assert time.monotonic() - started < TIMEOUT + 1 and events[-1][1].llm.reason == "timeout"


def test_a_decline_stays_a_decline(llm_pipeline, llm, pipeline):
    llm.script = lambda request: Text("可以[1]。")
    question = "我被美团扣了300块押金一直不退，打客服也没用，我该怎么办"
    answer = llm_pipeline.ask(question)
    assert not answer.answerable and answer.mode == "extractive" and answer.llm is None
    assert answer.answer == pipeline.ask(question).answer
    assert llm.requests == []  # the model was never asked


def test_repeated_failures_open_the_circuit(policy_index, embedder, llm, extractive):
    generator = _generator(llm.base_url, failures_to_open=2, open_seconds=0.5)
    pipeline = Pipeline(policy_index, embedder, generator=generator)
    llm.script = lambda request: Status(503)
    for _ in range(2):
        assert pipeline.ask(QUESTION).llm.reason == "http_503"
    calls = len(llm.requests)
    answer = pipeline.ask(QUESTION)
    assert answer.llm.reason == "circuit_open" and len(llm.requests) == calls and generator.circuit.state == "open"
    time.sleep(0.6)
    llm.script = faithful
    assert pipeline.ask(QUESTION).mode == "llm" and generator.circuit.state == "closed"


def test_the_stream_sends_only_verified_statements(llm_pipeline, llm):
    def mixed(request):
        first = clauses_in(request)[1]
        return Text(f"「{first[:10]}」[1]。每人补贴987654元[1]。「{first[:6]}」[1]。", piece_chars=2)

    llm.script = mixed
    events = list(llm_pipeline.stream(QUESTION))
    kinds = [k for k, _ in events]
    assert kinds[0] == "citations" and kinds[-1] == "done" and set(kinds[1:-1]) == {"delta"}
    sent = "".join(item for kind, item in events if kind == "delta")
    done = events[-1][1]
    assert done.mode == "llm" and sent == done.answer and "987654" not in sent
    head = events[0][1]
    assert {c.n for c in done.citations} <= {c.n for c in head.citations}  # the markers' numbers were sent first
    assert _quotes_verbatim(done)


def test_a_stream_cut_before_a_statement_serves_the_extractive_answer(llm_pipeline, llm, extractive):
    llm.script = lambda request: Cut("可以参考「灵活就业")
    events = list(llm_pipeline.stream(QUESTION))
    done = events[-1][1]
    assert done.mode == "extractive" and done.answer == extractive.answer
    assert "".join(item for kind, item in events if kind == "delta") == extractive.answer


def test_a_stream_cut_after_a_statement_keeps_only_what_was_verified(llm_pipeline, llm):
    def cut(request):
        first = clauses_in(request)[1]
        return Cut(f"「{first[:10]}」[1]。其次还规定了每人补贴")

    llm.script = cut
    events = list(llm_pipeline.stream(QUESTION))
    sent = "".join(item for kind, item in events if kind == "delta")
    done = events[-1][1]
    assert done.mode == "llm" and "其次" not in sent and done.answer == sent


def test_a_truncated_answer_drops_its_unfinished_statement(llm_pipeline, llm):
    def long(request):
        first = clauses_in(request)[1]
        return Text(f"「{first[:10]}」[1]。另外「{first[:4]}", finish="length")

    llm.script = long
    answer = llm_pipeline.ask(QUESTION)
    assert answer.mode == "llm" and "另外" not in answer.answer


def test_the_model_rewrites_a_follow_up(llm_pipeline, llm):
    rewritten = "浙江对跨境电子商务有哪些支持？"

    def script(request):
        if "改写" in request["messages"][0]["content"]:
            return Text(rewritten)
        return faithful(request)

    llm.script = script
    history = [Turn("user", "天津对跨境电商有哪些支持？"), Turn("assistant", "根据已收录的政策文件……")]
    answer = llm_pipeline.ask("那浙江呢？", history=history)
    assert answer.resolved_question == rewritten and answer.question == "那浙江呢？"
    rewrite_prompt = llm.requests[0]["messages"][-1]["content"]
    assert "天津对跨境电商有哪些支持？" in rewrite_prompt and "那浙江呢？" in rewrite_prompt


def test_a_failed_rewrite_keeps_the_rule_based_resolution(llm_pipeline, llm, pipeline):
    llm.script = lambda request: Status(500)
    history = [Turn("user", "天津对跨境电商有哪些支持？"), Turn("assistant", "根据已收录的政策文件……")]
    answer = llm_pipeline.ask("那浙江呢？", history=history)
    assert answer.resolved_question == pipeline.ask("那浙江呢？", history=history).resolved_question
