"""HTTP routes: ask, stream, search, clauses, documents, health."""
from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from rag.errors import NotFound, UnknownClause, UnknownDocument
from rag.followup import Turn
from rag.index import PolicyIndex
from rag.parse import clause_path
from rag.pipeline import Pipeline
from rag.questionlog import Entry, new_id
from rag.records import Answer
from rag.serialize import answer_payload, clause_payload, hit_payload

from .deps import PipelineDep
from .schemas import (
    MAX_QUESTION_CHARS,
    AskRequest,
    AskResponse,
    ClauseOut,
    DocumentDetail,
    ERROR_RESPONSES,
    DocumentOut,
    FeedbackRequest,
    FeedbackResponse,
    SearchResponse,
    TreeNode,
)

logger = logging.getLogger(__name__)
router = APIRouter(responses=ERROR_RESPONSES)


def _ask_options(body: AskRequest) -> dict:
    history = [Turn(t.role, t.content, list(t.citations)) for t in body.history]
    return dict(top_k=body.top_k, region=body.region, doc_id=body.doc_id, today=date.today(), history=history)


def _recorded(request: Request, route: str, answer: Answer, started: float, pipeline: Pipeline) -> dict:
    """The answer's payload with its id, after it is written to the question log and counted."""
    ask_id = new_id()
    request.state.ask_id = ask_id  # for the access log line
    state = request.app.state.policyqa
    request.app.state.metrics.answered(answer)
    if state.log is not None:
        client = getattr(request.state, "client", None) or (request.client.host if request.client else None)
        try:
            state.log.record(Entry(
                ask_id, route, answer.question, answer.resolved_question or answer.question, answer.answerable,
                answer.reason, [c.clause.id for c in answer.citations], round((time.perf_counter() - started) * 1000, 1),
                answer.mode, answer.model, answer.llm.reason if answer.llm else None,
                request.headers.get("origin"), state.log.client_hash(client) if client else None,
            ))  # fmt: skip
        except sqlite3.Error:  # the answer matters more than its log entry
            logger.exception("question log write failed")
    return {"id": ask_id, **answer_payload(answer, pipeline.index)}


@router.post("/api/ask", response_model=AskResponse, tags=["问答"])
def ask(body: AskRequest, pipeline: PipelineDep, request: Request) -> dict:
    """Answer a question in Chinese with verbatim, clause-level citations."""
    started = time.perf_counter()
    answer = pipeline.ask(body.question, **_ask_options(body))
    return _recorded(request, "ask", answer, started, pipeline)


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


_HEAD = ("question", "resolved_question", "answerable", "reason", "citations")


@router.post(
    "/api/ask/stream",
    tags=["问答"],
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "server-sent events: citations, delta…, done (or error)"}},
)
def ask_stream(body: AskRequest, pipeline: PipelineDep, request: Request) -> StreamingResponse:
    """The answer as server-sent events: citations, answer pieces (each verified before it is sent), done with its id."""
    pipeline.check_document(body.doc_id)  # before the stream starts, so it is a plain 404 …
    pipeline.check_region(body.region)  # … or 422
    started = time.perf_counter()

    def events() -> Iterator[str]:
        try:
            for kind, item in pipeline.stream(body.question, **_ask_options(body)):
                if kind == "citations":
                    payload = answer_payload(item, pipeline.index)
                    yield _sse("citations", {k: payload[k] for k in _HEAD})
                elif kind == "delta":
                    yield _sse("delta", {"text": item})
                else:
                    yield _sse("done", _recorded(request, "stream", item, started, pipeline))
        except Exception:  # the status line is sent already: report in the stream, not as a 500
            logger.exception("ask/stream failed")
            yield _sse("error", {"message": "Internal error", "message_zh": "服务内部错误，请稍后再试"})

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.post("/api/feedback", response_model=FeedbackResponse, tags=["问答"])
def feedback(body: FeedbackRequest, request: Request) -> dict:
    """Record whether an answer helped (👍/👎) and an optional comment."""
    log = request.app.state.policyqa.log
    if log is None:
        raise NotFound("the question log is off (POLICYQA_LOG_DB=off): no feedback is kept", "未开启问答记录，无法保存反馈")
    comment = body.comment.strip() if body.comment else None
    if not log.feedback(body.ask_id, body.helpful, comment or None):
        raise NotFound(f"unknown answer id {body.ask_id!r}", f"未找到编号为 {body.ask_id} 的回答")
    request.app.state.metrics.feedback.labels("yes" if body.helpful else "no").inc()
    return {"ask_id": body.ask_id, "recorded": True}


@router.get("/api/search", response_model=SearchResponse, tags=["检索"])
def search(
    pipeline: PipelineDep,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUESTION_CHARS, description="查询词")],
    k: Annotated[int, Query(ge=1, le=50, description="返回条款数")] = 10,
) -> dict:
    """Ranked clauses for a query, with fused and component scores."""
    query = q.strip()
    if not query:
        return JSONResponse(
            status_code=422,
            content={"detail": {"message": "q must not be blank", "message_zh": "查询词不能为空"}},
        )
    hits = pipeline.search(query, k=k)
    return {"query": query, "hits": [hit_payload(i, h, pipeline.index) for i, h in enumerate(hits, 1)]}


@router.get("/api/clauses/{clause_id:path}", response_model=ClauseOut, tags=["条款"])
def get_clause(clause_id: str, pipeline: PipelineDep) -> dict:
    """One clause, verbatim, with its character offsets in the source file."""
    clause = pipeline.index.clause(clause_id)
    if clause is None:
        raise UnknownClause(f"unknown clause {clause_id!r}", f"未找到条款 {clause_id}")
    return clause_payload(clause, pipeline.index)


def _document_out(index: PolicyIndex, doc_id: str) -> dict:
    document = index.document(doc_id)
    assert document is not None
    meta = document.meta
    return {
        **meta.to_dict(),
        "validity": meta.validity(date.today().isoformat()),
        "clause_count": len(document.clauses),
    }


@router.get("/api/documents", response_model=list[DocumentOut], tags=["文件"])
def list_documents(pipeline: PipelineDep) -> list[dict]:
    """Every document with its metadata and current validity."""
    return [_document_out(pipeline.index, d.meta.id) for d in pipeline.index.documents]


def _tree(index: PolicyIndex, doc_id: str) -> list[TreeNode]:
    document = index.document(doc_id)
    assert document is not None
    roots: list[TreeNode] = []
    for clause in document.clauses:
        tokens = clause_path(clause.id)
        headings = clause.path if len(clause.path) == len(tokens) else [""] * len(tokens)
        level = roots
        for depth, (token, heading) in enumerate(zip(tokens, headings)):
            label = token if token in ("序言", "结语") else (f"{token}、", f"（{token}）", f"{token}.")[min(depth, 2)]
            node = next((n for n in level if n.label == label), None)
            if node is None:
                node = TreeNode(label=label, heading=heading)
                level.append(node)
            if depth == len(tokens) - 1:
                node.clause_id = clause.id
            level = node.children
    return roots


@router.get("/api/documents/{doc_id}", response_model=DocumentDetail, tags=["文件"])
def get_document(doc_id: str, pipeline: PipelineDep) -> dict:
    """One document: metadata, numbering tree and clauses."""
    document = pipeline.index.document(doc_id)
    if document is None:
        raise UnknownDocument(f"unknown document {doc_id!r}", f"未找到文件 {doc_id}")
    return {
        **_document_out(pipeline.index, doc_id),
        "addressees": document.addressees,
        "tree": _tree(pipeline.index, doc_id),
        "clauses": [clause_payload(c, pipeline.index) for c in document.clauses],
    }


@router.get("/healthz", tags=["运维"])
def healthz() -> dict:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/api/status", tags=["运维"])
def status(request: Request) -> dict:
    """What is served: the index, and whether a language model is configured, reachable, in use."""
    state = request.app.state.policyqa
    generator = state.generator
    index = state.pipeline.index.manifest if state.pipeline is not None else None
    return {
        "index": {"ready": index is not None, "built_at": index["built_at"], "counts": index["counts"]} if index else {"ready": False},
        "llm": generator.status() if generator is not None else {"configured": False},
        "answer_mode": "llm" if generator is not None else "extractive",
    }


@router.get("/readyz", tags=["运维"])
def readyz(request: Request) -> JSONResponse:
    """Ready when a current index is loaded; 503 with the reason otherwise."""
    state = request.app.state.policyqa
    if state.pipeline is None:
        problem = state.problem
        return JSONResponse(
            status_code=503,
            content={
                "status": "unavailable",
                "message": str(problem) if problem else "index not loaded",
                "message_zh": problem.message_zh if problem else "索引尚未加载",
            },
        )
    manifest = state.pipeline.index.manifest
    return JSONResponse({"status": "ready", "built_at": manifest["built_at"], "counts": manifest["counts"]})
