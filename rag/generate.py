"""Answers written by a language model, when one is configured: LangChain's chat-model interface
over any OpenAI-compatible endpoint (vLLM, Ollama, Xinference, a hosted Qwen/DeepSeek/GLM).

The judge and the extractive composer decide first; the model is asked only for questions the
extractive answer answers, never to overturn a decline. It sees the clauses numbered [1]…[n]
(the extractive answer's citations first, in their numbers, then the next best clauses) and its
answer goes through the citation gate (rag/gate.py). Whatever fails — the model is unreachable,
errs, times out, declines, or nothing survives the gate — the verified extractive answer is served
instead, within the time limit; repeated failures open a circuit so users do not wait on a dead
model. Nothing here reads settings: the edges (api/, the CLI) build the chat model.
"""
from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from .answer import answer_notes
from .followup import Turn
from .gate import DECLINE, Gate, Gated, Splitter, quotes
from .index import PolicyIndex
from .records import Answer, Citation, LLMOutcome
from .retrieve import Retrieval

logger = logging.getLogger(__name__)

StreamEvent = tuple[Literal["citations", "delta", "done"], Any]

SYSTEM_PROMPT = f"""你是政策文件问答助手，只根据用户给出的编号条款回答问题，不使用条款以外的任何知识。
要求：
1. 每句话都以所依据条款的编号结尾，写在句号前，例如：……[1]。或……[1][3]。没有条款依据的话不要写。
2. 引用原文时放在「」中，一字不改地照抄条款原文。
3. 不写条款里没有的数字、日期、金额、比例或单位名称。
4. 如果这些条款不能回答这个问题，只回答“{DECLINE}”四个字，不要解释。
5. 条款所在文件是征求意见稿、草案、尚未施行或已废止的，要说明。
6. 用简洁的中文回答，不超过六句话，不用标题和列表符号。"""

REWRITE_PROMPT = """根据下面的对话，把用户的最后一个问题改写成一个不依赖上下文、意思完整的问题（补全省略的地区、文件和话题）。
如果最后一个问题本身已经完整，或者换了新话题，就原样输出。只输出改写后的问题，不要解释。"""


@dataclass
class LLMOptions:
    timeout: float = 20.0  # seconds for all model calls of one request, rewrite included
    max_clauses: int = 6  # clauses given to the model
    clause_chars: int = 1500  # a longer clause is given cut at this length (quotes must lie in what was given)
    history_chars: int = 2000  # of the conversation given to the model, newest turns kept
    failures_to_open: int = 3  # consecutive failures that open the circuit
    open_seconds: float = 60.0  # how long an open circuit skips the model


class Circuit:
    """Consecutive failures open it for a while; then one request may try the model again."""

    def __init__(self, failures_to_open: int, open_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.failures_to_open, self.open_seconds, self.clock = failures_to_open, open_seconds, clock
        self.failures = 0
        self.opened_at: float | None = None
        self._lock = threading.Lock()

    @property
    def state(self) -> Literal["closed", "open", "half_open"]:
        if self.opened_at is None:
            return "closed"
        return "open" if self.clock() - self.opened_at < self.open_seconds else "half_open"

    def allow(self) -> bool:
        with self._lock:
            state = self.state
            if state == "half_open":
                self.opened_at = self.clock()  # this request is the probe; the others keep waiting it out
            return state != "open"

    def success(self) -> None:
        with self._lock:
            self.failures, self.opened_at = 0, None

    def failure(self) -> None:
        with self._lock:
            self.failures += 1
            if self.failures >= self.failures_to_open:
                self.opened_at = self.clock()


class ModelFailure(Exception):
    """The model gave no usable answer; `reason` is a short code for the logs and the evaluation."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def _failure_reason(error: Exception) -> str:
    status = getattr(error, "status_code", None)
    if status is not None:
        return f"http_{status}"
    name = type(error).__name__
    if "Timeout" in name:
        return "timeout"
    if "Connection" in name:  # the openai client reports a body cut short as a connection error too
        causes, cause = [], error.__cause__ or error.__context__
        while cause is not None and len(causes) < 10:
            causes.append(type(cause).__name__)
            cause = cause.__cause__ or cause.__context__
        return "malformed" if any(n in c for c in causes for n in ("Protocol", "Read", "Decod")) else "unreachable"
    return "malformed"  # invalid JSON, a cut connection, an unexpected payload


@dataclass
class _Prompted:
    citations: list[Citation]  # numbered as the prompt numbers them
    gate: Gate
    messages: list[tuple[str, str]]
    notes_for: Callable[[list[Citation]], list[str]] = field(repr=False)


class Generator:
    """Writes answers with a LangChain chat model and passes them through the citation gate."""

    def __init__(self, chat_model: Any, model_name: str, options: LLMOptions | None = None, base_url: str | None = None):
        self.chat = chat_model
        self.model_name = model_name
        self.base_url = base_url  # for the reachability probe of /api/status; None for a model plugged in by code
        self._probed: tuple[float, bool | None, str] = (-1e9, None, "")
        self.options = options or LLMOptions()
        self.circuit = Circuit(self.options.failures_to_open, self.options.open_seconds)
        self._units: dict[int, set[str]] = {}

    def status(self, probe_seconds: float = 2.0, cache_seconds: float = 30.0) -> dict:
        """Whether the model is configured and reachable (GET {base}/models, cached for a while), and
        the circuit's state. Never raises: the service answers without the model."""
        checked_at, reachable, problem = self._probed
        if self.base_url and time.monotonic() - checked_at > cache_seconds:
            import httpx

            try:
                key = getattr(getattr(self.chat, "openai_api_key", None), "get_secret_value", lambda: None)()
                headers = {"Authorization": f"Bearer {key}"} if key else {}
                response = httpx.get(self.base_url.rstrip("/") + "/models", headers=headers, timeout=probe_seconds)
                reachable, problem = response.status_code < 400, "" if response.status_code < 400 else f"HTTP {response.status_code}"
            except httpx.HTTPError as error:
                reachable, problem = False, type(error).__name__
            self._probed = (time.monotonic(), reachable, problem)
        return {
            "configured": True,
            "model": self.model_name,
            "reachable": reachable,
            "problem": problem or None,
            "circuit": self.circuit.state,
            "timeout_seconds": self.options.timeout,
        }

    def deadline(self) -> float:
        return time.monotonic() + self.options.timeout

    # ------------------------------------------------------------------ calls
    def _call(self, messages: list[tuple[str, str]], deadline: float, stream: bool) -> Iterator[tuple[str, str | None]]:
        """(text, finish_reason) pieces from the model; the calls run in a worker thread so the
        deadline holds however the connection behaves. Raises ModelFailure."""
        if not self.circuit.allow():
            raise ModelFailure("circuit_open")
        pieces: queue.Queue = queue.Queue()

        def work() -> None:
            try:
                if stream:
                    for chunk in self.chat.stream(messages):
                        pieces.put(("piece", chunk))
                else:
                    pieces.put(("piece", self.chat.invoke(messages)))
                pieces.put(("end", None))
            except Exception as error:  # handed to the waiting request
                pieces.put(("error", error))

        threading.Thread(target=work, name="policyqa-llm", daemon=True).start()
        ok = False
        try:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    kind, item = pieces.get(timeout=max(remaining, 0.0))
                except queue.Empty:
                    raise ModelFailure("timeout") from None
                if kind == "end":
                    ok = True
                    return
                if kind == "error":
                    raise ModelFailure(_failure_reason(item), f"{type(item).__name__}: {item}") from item
                text = item.content if isinstance(item.content, str) else ""
                finish = (getattr(item, "response_metadata", None) or {}).get("finish_reason")
                yield text, finish
        except ModelFailure:
            self.circuit.failure()
            raise
        finally:
            if ok:
                self.circuit.success()

    def rewrite(self, question: str, history: list[Turn], deadline: float) -> str | None:
        """The follow-up as a self-contained question, or None (the rule-based resolution stands)."""
        dialogue = _dialogue(history, self.options.history_chars)
        messages = [("system", REWRITE_PROMPT), ("human", f"{dialogue}\n最后一个问题：{question}")]
        try:
            text = "".join(t for t, _ in self._call(messages, deadline, stream=False)).strip()
        except ModelFailure as failure:
            logger.warning("llm rewrite failed (%s); rule-based resolution kept", failure)
            return None
        text = text.strip("“”\"'「」 \n").removeprefix("改写后的问题：").strip()
        if not text or len(text) > max(300, 3 * len(question)) or "\n" in text:
            logger.info("llm rewrite not usable: %r", text[:80])
            return None
        return text

    # ------------------------------------------------------------------ prompt
    def eligible(self, answer: Answer, retrieval: Retrieval) -> bool:
        """Only an extractive answer that answers (the model never turns a decline into an answer),
        and not a clause asked for by its number, where the verbatim clause is the answer."""
        return (
            answer.answerable
            and answer.reason == "answered"
            and bool(answer.citations)
            and not any(h.matched_by == "reference" for h in retrieval.hits)
        )

    def prompt(
        self, question: str, retrieval: Retrieval, extractive: Answer, index: PolicyIndex, today: date, history: list[Turn] | None
    ) -> _Prompted:
        citations = list(extractive.citations)  # their numbers stay, so a fallback's markers match
        taken = {c.clause.id for c in citations}
        for hit in retrieval.hits:
            if len(citations) >= self.options.max_clauses:
                break
            if hit.clause.id not in taken:
                meta = index.meta(hit.clause.doc_id)
                citations.append(Citation(len(citations) + 1, hit.clause, hit.score, meta.validity(today.isoformat())))
                taken.add(hit.clause.id)
        texts = [c.clause.text[: self.options.clause_chars] for c in citations]
        headers = [_header(c, index) for c in citations]
        listing = "\n\n".join(f"[{c.n}] {h}\n{t}" for c, h, t in zip(citations, headers, texts))
        messages: list[tuple[str, str]] = [("system", SYSTEM_PROMPT)]
        if history:
            messages.append(("human", f"此前的对话（供理解问题）：\n{_dialogue(history, self.options.history_chars)}"))
        messages.append(("human", f"条款：\n{listing}\n\n问题：{question}"))
        gate = Gate(texts, headers, self._known_units(index))
        return _Prompted(citations, gate, messages, lambda cited: answer_notes(question, cited, retrieval, index, today))

    def _known_units(self, index: PolicyIndex) -> set[str]:
        key = id(index)
        if key not in self._units:
            self._units = {key: {d.name for c in index.clauses for d in c.departments}}
        return self._units[key]

    # ------------------------------------------------------------------ answers
    def compose(
        self, question: str, retrieval: Retrieval, extractive: Answer, index: PolicyIndex, today: date,
        history: list[Turn] | None, deadline: float,
    ) -> Answer:  # fmt: skip
        """The model's answer through the gate, or the extractive answer with the reason."""
        prompted = self.prompt(question, retrieval, extractive, index, today, history)
        try:
            pieces = list(self._call(prompted.messages, deadline, stream=False))
        except ModelFailure as failure:
            return self._fallback(extractive, failure.reason, str(failure))
        text = "".join(t for t, _ in pieces)
        finish = pieces[-1][1] if pieces else None
        if not text.strip():
            return self._fallback(extractive, "empty")
        gated = prompted.gate.run(text, complete=finish != "length")
        return self._served(extractive, prompted, gated)

    def stream(
        self, question: str, retrieval: Retrieval, extractive: Answer, index: PolicyIndex, today: date,
        history: list[Turn] | None, deadline: float,
    ) -> Iterator[StreamEvent]:  # fmt: skip
        """citations (every clause given, numbered as the markers), then each statement once the gate
        has passed it, then done. Before the first statement is sent a failure serves the extractive
        answer; after it, what was sent stands (it was verified) and the answer ends there."""
        prompted = self.prompt(question, retrieval, extractive, index, today, history)
        yield "citations", replace(extractive, answer="", citations=prompted.citations)
        gated, splitter, finish = Gated(), Splitter(), None
        try:
            for text, finish_reason in self._call(prompted.messages, deadline, stream=True):
                finish = finish_reason or finish
                for piece in splitter.feed(text):
                    statement = prompted.gate.add(gated, piece)
                    if gated.declined and not gated.kept:
                        raise ModelFailure("model_declined")
                    if statement is not None:
                        yield "delta", statement.text
            if finish is None:
                raise ModelFailure("truncated", "the stream ended without a finish reason")
            if finish != "length":
                for piece in splitter.close():
                    statement = prompted.gate.add(gated, piece)
                    if statement is not None:
                        yield "delta", statement.text
        except ModelFailure as failure:
            if not gated.kept:
                answer = self._fallback(extractive, failure.reason, str(failure))
                for piece in pieces(answer.answer):
                    yield "delta", piece
                yield "done", answer
                return
            logger.warning("llm stream ended early (%s): %d verified statements stand", failure, len(gated.kept))
        answer = self._served(extractive, prompted, gated)
        if answer.mode == "extractive":  # nothing was sent: the extractive answer in full
            for piece in pieces(answer.answer):
                yield "delta", piece
        else:
            tail = answer.answer[len(gated.text) :]
            if tail:
                yield "delta", tail
        yield "done", answer

    def _served(self, extractive: Answer, prompted: _Prompted, gated: Gated) -> Answer:
        removed = [(s.problem or "", s.detail) for s in gated.removed]
        for problem, detail in removed:
            logger.info("gate removed a statement (%s): %s", problem, detail[:60])
        if gated.declined and not gated.kept:
            return self._fallback(extractive, "model_declined", removed=removed)
        if not gated.kept:
            return self._fallback(extractive, "nothing_left", removed=removed)
        by_n = {c.n: c for c in prompted.citations}
        cited = []
        for n in gated.cited:
            found = [q for s in gated.kept if n in s.markers for q in quotes(s.text) if q in by_n[n].clause.text]
            cited.append(replace(by_n[n], quote=max(found, key=len) if found else None))
        notes = prompted.notes_for(cited)
        text = gated.text + ("\n\n" + "\n".join(notes) if notes else "")
        outcome = LLMOutcome(True, "served", len(gated.kept), removed)
        return replace(extractive, answer=text, citations=cited, mode="llm", model=self.model_name, llm=outcome)

    def _fallback(self, extractive: Answer, reason: str, detail: str = "", removed: list | None = None) -> Answer:
        logger.warning("llm answer not served (%s)%s; extractive answer instead", reason, f": {detail[:120]}" if detail else "")
        return replace(extractive, mode="extractive", llm=LLMOutcome(False, reason, 0, removed or []))


def _header(citation: Citation, index: PolicyIndex) -> str:
    """What the prompt says of a clause: document, label, status, validity, date (the gate accepts
    figures from this line too)."""
    meta = index.meta(citation.clause.doc_id)
    facts = [meta.status, f"效力：{citation.validity}"]
    if meta.date:
        y, m, d = (int(x) for x in meta.date.split("-"))
        facts.append(f"{y}年{m}月{d}日印发")
    if meta.valid_until:
        y, m, d = (int(x) for x in meta.valid_until.split("-"))
        facts.append(f"有效期至{y}年{m}月{d}日")
    units = "、".join(d.name for d in citation.clause.departments)
    if units:
        facts.append(f"责任单位：{units}")
    return f"《{meta.short_title}》{citation.clause.label}（{'；'.join(facts)}）"


def _dialogue(history: list[Turn], limit: int) -> str:
    lines = [f"{'用户' if t.role == 'user' else '助手'}：{t.content.strip()[:400]}" for t in history]
    out: list[str] = []
    for line in reversed(lines):  # newest turns first, within the limit
        if sum(len(x) for x in out) + len(line) > limit:
            break
        out.append(line)
    return "\n".join(reversed(out))


def pieces(text: str) -> Iterator[str]:
    """An answer in pieces for a stream: after punctuation and markers."""
    for piece in re.findall(r".*?(?:[。；：，！？\n]|\[\d+\]|$)", text, flags=re.S):
        if piece:
            yield piece


def openai_chat_model(
    base_url: str, model: str, api_key: str | None, timeout: float, temperature: float, max_tokens: int
) -> Any:
    """LangChain's OpenAI-compatible chat model. No retries: a failure falls back at once and
    counts towards the circuit."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=api_key or "not-needed",  # local servers (vLLM, Ollama) accept any key
        timeout=timeout,
        max_retries=0,
        temperature=temperature,
        max_tokens=max_tokens,
    )
